import Foundation
import GRDB
import Testing
@testable import WatchlistCore
#if canImport(Glibc)
import Glibc
#endif

/// Issue 11: what a server or an operator sends must not stop the daemon.
@Suite("Robustness: stored values, numbers, signals, locks", .serialized)
struct RobustnessTests {
    /// A folder with one watchlist (Orion Shipping) and a configuration whose feeds are `feeds`.
    static func setUp(_ dir: TempDir, feeds: String, extra: String = "") throws -> String {
        try dir.write("lists/orion.watch", "customer: Orion Group\nemail: soc@orion.example\nentity: Orion Shipping\n")
        try dir.write("w.conf", "watchlists: lists\ndatabase: state/db.sqlite\nemail-dir: out\n\(extra)\(feeds)")
        return dir.path + "/w.conf"
    }

    @Test func retryAfterBeyondADayIsCappedAndStoredDatesStayReadable() throws {
        let dir = try TempDir()
        let server = try ServerProcess.hostile()
        let config = try Self.setUp(dir, feeds: "feed: http://127.0.0.1:\(server.port)/503-forever\n  name: maint\n")
        let once = try runBinary(["run", "--once", "--config", config])
        #expect(once.status == 0, "\(once.stderr)")
        let store = try Store(path: dir.path + "/state/db.sqlite")
        let state = try #require(try store.feedStates().first)
        let due = try #require(state.nextDue, "the next-due date must be readable")
        #expect(due.timeIntervalSinceNow <= Double(RetryAfter.cap) + 60, "Retry-After is honoured up to 24 h, got \(due)")
        #expect(due.timeIntervalSinceNow > 3600, "a day's wait is still honoured: \(due)")
        for command in ["feeds", "status"] {
            let result = try runBinary([command, "--config", config])
            #expect(result.status == 0, "\(command): \(result.stderr)")
        }
    }

    /// A database an older version wrote: a next-due date in year 33715 (unreadable) and
    /// one in year 9000 (readable, absurd). run, status and feeds carry on; the feed is due.
    @Test(arguments: ["33715-07-01 00:00:00.000", "9000-01-01 00:00:00.000", "garbage"])
    func unreadableNextDueDateMeansDueNow(stored: String) throws {
        let dir = try TempDir()
        let feeds = dir.url.appendingPathComponent("feeds")
        try FileManager.default.copyItem(at: Repo.fixtures.appendingPathComponent("feeds"), to: feeds)
        let http = try ServerProcess.http(serving: feeds.path)
        let config = try Self.setUp(dir, feeds: "feed: http://127.0.0.1:\(http.port)/rss2.xml\n  name: rss\n")
        do {
            let store = try Store(path: dir.path + "/state/db.sqlite")
            let state = try store.feedState(name: "rss", url: "http://127.0.0.1:\(http.port)/rss2.xml")
            try store.pool.write { db in
                try db.execute(sql: "UPDATE feed SET next_due_at = ?, last_error_at = ?, error_count = 1 WHERE id = ?",
                               arguments: [stored, stored, state.id])
            }
        }
        let feedsOutput = try runBinary(["feeds", "--config", config])
        #expect(feedsOutput.status == 0, "\(feedsOutput.stderr)")
        #expect(feedsOutput.stdout.contains("next due now"), "\(feedsOutput.stdout)")
        #expect(feedsOutput.stdout.contains(String(stored.prefix(4))), "the note says what was stored: \(feedsOutput.stdout)")
        let status = try runBinary(["status", "--config", config])
        #expect(status.status == 0, "\(status.stderr)")
        // The daemon: starts, logs the feed by name, fetches it now and stores a fresh date.
        let daemon = try DaemonProcess(["run", "--config", config])
        #expect(daemon.waitForLog("fetched"), "\(daemon.log)")
        #expect(daemon.stop() == 0, "\(daemon.log)")
        #expect(daemon.log.contains("feed rss (http://127.0.0.1:\(http.port)/rss2.xml): stored next-due"), "\(daemon.log)")
        let store = try Store(path: dir.path + "/state/db.sqlite")
        let state = try #require(try store.feedStates().first)
        #expect(state.nextDueProblem == nil && state.nextDue != nil, "\(state)")
    }

    /// Every number in the grammar, out of range or too long for an integer: `check`
    /// reports each as FILE:LINE and exits 78 (it used to crash on an overflow).
    @Test func outOfRangeNumbersAreErrorsWithFileAndLine() throws {
        let dir = try TempDir()
        try dir.write("lists/orion.watch", "customer: Orion Group\nemail: soc@orion.example\nentity: Orion Shipping\n")
        let lines = [
            "watchlists: lists", "database: db.sqlite",
            "backfill: 999999999999999d", "retention: 99999999999999999999w", "threshold: 1e999", "concurrency: 65",
            "feed: http://127.0.0.1:99999/f.xml", "  interval: 999999999999999d",
            "feed: http://127.0.0.1/g.xml", "  name: g", "  interval: 8d",
            "smtp: smtp://127.0.0.1:70000", "  from: w@example.org", "  timeout: 9223372036854775807s", "  max-per-hour: 99999999999999999999",
            "  grouping: 9999999999999999m",
            "syslog: udp://127.0.0.1:0",
        ]
        try dir.write("w.conf", lines.joined(separator: "\n") + "\n")
        let result = try runBinary(["check", "--config", dir.path + "/w.conf"])
        #expect(result.status == 78, "\(result.status) \(result.stderr)")
        let output = result.stdout + result.stderr
        for (number, line) in lines.enumerated() where !["watchlists", "database", "  name", "  from", "feed: http://127.0.0.1/"].contains(where: line.hasPrefix) {
            #expect(output.contains("\(dir.path)/w.conf:\(number + 1): "), "line \(number + 1) `\(line)` has no error: \(output)")
        }
    }

    /// A running daemon whose configuration is saved with an overflowing number rejects
    /// the reload (FILE:LINE in the log) and keeps running on the last good version.
    @Test func savedOverflowingIntervalIsRejectedByARunningDaemon() throws {
        let dir = try TempDir()
        let config = try Self.setUp(dir, feeds: "feed: file://\(Repo.fixtures.path)/feeds/rss2.xml\n  name: rss\n")
        let daemon = try DaemonProcess(["run", "--config", config])
        #expect(daemon.waitForLog("watchlistd running"), "\(daemon.log)")
        try dir.write("w.conf", "watchlists: lists\ndatabase: state/db.sqlite\nemail-dir: out\nfeed: file://\(Repo.fixtures.path)/feeds/rss2.xml\n  name: rss\n  interval: 999999999999999d\n")
        #expect(daemon.waitForLog("the previous configuration and watchlists stay in force"), "\(daemon.log)")
        #expect(daemon.isRunning)
        #expect(daemon.log.contains("reload rejected: \(config):6: `interval:` must be a duration from 10s to 7d"), "\(daemon.log)")
        #expect(daemon.stop() == 0, "\(daemon.log)")
    }

    /// A watchlist of `count` made-up companies, so that loading (and reloading) takes a
    /// while (about 0.4 ms a name in a debug build).
    static func writeBigWatchlist(_ dir: TempDir, count: Int) throws {
        var text = "customer: Big Client\nemail: soc@big.example\n"
        let syllables = ["ka", "to", "ri", "mo", "zen", "lux", "var", "quin", "bel", "dor", "fen", "gal", "hul", "jor", "kem"]
        for i in 0..<count {
            let a = syllables[i % 15] + syllables[(i / 15) % 15] + syllables[(i / 225) % 15]
            text += "entity: \(a.capitalized) Trading \(i)\n"
        }
        try dir.write("lists/big.watch", text)
    }

    /// A SIGHUP while the daemon is still loading used to end it (status 129): the
    /// handler is now installed before anything is loaded, and the SIGHUP is one reload.
    @Test func sighupDuringStartIsOneReload() throws {
        let dir = try TempDir()
        try Self.writeBigWatchlist(dir, count: 3000)
        let config = try Self.setUp(dir, feeds: "feed: file://\(Repo.fixtures.path)/feeds/rss2.xml\n  name: rss\n")
        let daemon = try DaemonProcess(["run", "--config", config])
        #expect(daemon.waitForLog("watchlists loaded"), "\(daemon.log)")
        kill(daemon.pid, SIGHUP)  // before the services (and, before the fix, any handler) start
        #expect(daemon.waitForLog("reloaded"), "\(daemon.log)")
        #expect(daemon.isRunning)
        #expect(daemon.stop() == 0, "\(daemon.log)")
    }

    /// A hundred SIGHUPs while a reload runs make one more reload, not a hundred.
    @Test func sighupBurstCoalesces() throws {
        let dir = try TempDir()
        try Self.writeBigWatchlist(dir, count: 3000)
        let config = try Self.setUp(dir, feeds: "feed: file://\(Repo.fixtures.path)/feeds/rss2.xml\n  name: rss\n")
        let daemon = try DaemonProcess(["run", "--config", config])
        #expect(daemon.waitForLog("watchlistd running"), "\(daemon.log)")
        for _ in 0..<100 {
            kill(daemon.pid, SIGHUP)
            usleep(5_000)  // each delivered on its own (a reload takes about a second here)
        }
        #expect(daemon.waitForLog(seconds: 60) { $0.components(separatedBy: "\n").filter { $0.contains("reloaded") }.count >= 2 }, "\(daemon.log)")
        // Room for more reloads, had any been queued (each takes about a second here).
        sleep(3)
        #expect(daemon.stop() == 0, "\(daemon.log)")
        #expect((1...2).contains(daemon.count("reloaded")), "one running, one pending: \(daemon.count("reloaded"))")
    }
}
