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
        #expect(
            due.timeIntervalSinceNow <= Double(RetryAfter.cap) + 60,
            "Retry-After is honoured up to 24 h, got \(due)"
        )
        #expect(due.timeIntervalSinceNow > 3600, "a day's wait is still honoured: \(due)")
        for command in ["feeds", "status"] {
            let result = try runBinary([command, "--config", config])
            #expect(result.status == 0, "\(command): \(result.stderr)")
        }
    }

    /// A database an older version wrote: a next-due date in year 33715 (unreadable) and
    /// one in year 9000 (readable, absurd). run, status and feeds carry on; the feed is due.
    @Test(arguments: ["33715-07-01 00:00:00.000", "9000-01-01 00:00:00.000", "garbage"])
    func unreadableNextDueDateMeansDueNow(stored: String) async throws {
        let dir = try TempDir()
        let feeds = dir.url.appendingPathComponent("feeds")
        try FileManager.default.copyItem(at: Repo.fixtures.appendingPathComponent("feeds"), to: feeds)
        let http = try ServerProcess.http(serving: feeds.path)
        let config = try Self.setUp(dir, feeds: "feed: http://127.0.0.1:\(http.port)/rss2.xml\n  name: rss\n")
        do {
            let store = try Store(path: dir.path + "/state/db.sqlite")
            let state = try await store.feedState(name: "rss", url: "http://127.0.0.1:\(http.port)/rss2.xml")
            try await store.pool.write { db in
                try db.execute(
                    sql: "UPDATE feed SET next_due_at = ?, last_error_at = ?, error_count = 1 WHERE id = ?",
                    arguments: [stored, stored, state.id]
                )
            }
        }
        let feedsOutput = try runBinary(["feeds", "--config", config])
        #expect(feedsOutput.status == 0, "\(feedsOutput.stderr)")
        #expect(feedsOutput.stdout.contains("next due now"), "\(feedsOutput.stdout)")
        #expect(
            feedsOutput.stdout.contains(String(stored.prefix(4))),
            "the note says what was stored: \(feedsOutput.stdout)"
        )
        let status = try runBinary(["status", "--config", config])
        #expect(status.status == 0, "\(status.stderr)")
        // The daemon: starts, logs the feed by name, fetches it now and stores a fresh date.
        let daemon = try DaemonProcess(["run", "--log-level", "debug", "--config", config])
        #expect(daemon.waitForLog("fetched"), "\(daemon.log)")
        #expect(daemon.stop() == 0, "\(daemon.log)")
        #expect(
            daemon.log.contains("feed rss (http://127.0.0.1:\(http.port)/rss2.xml): stored next-due"),
            "\(daemon.log)"
        )
        let store = try Store(path: dir.path + "/state/db.sqlite")
        let state = try await #require(try store.feedStates().first)
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
            "smtp: smtp://127.0.0.1:70000", "  from: w@example.org", "  timeout: 9223372036854775807s",
            "  max-per-hour: 99999999999999999999",
            "  grouping: 9999999999999999m",
            "syslog: udp://127.0.0.1:0",
        ]
        try dir.write("w.conf", lines.joined(separator: "\n") + "\n")
        let result = try runBinary(["check", "--config", dir.path + "/w.conf"])
        #expect(result.status == 78, "\(result.status) \(result.stderr)")
        let output = result.stdout + result.stderr
        for (number, line) in lines.enumerated()
        where !["watchlists", "database", "  name", "  from", "feed: http://127.0.0.1/"].contains(where: line.hasPrefix)
        {
            #expect(
                output.contains("\(dir.path)/w.conf:\(number + 1): "),
                "line \(number + 1) `\(line)` has no error: \(output)"
            )
        }
    }

    /// A running daemon whose configuration is saved with an overflowing number rejects
    /// the reload (FILE:LINE in the log) and keeps running on the last good version.
    @Test func savedOverflowingIntervalIsRejectedByARunningDaemon() throws {
        let dir = try TempDir()
        let config = try Self.setUp(dir, feeds: "feed: file://\(Repo.fixtures.path)/feeds/rss2.xml\n  name: rss\n")
        let daemon = try DaemonProcess(["run", "--config", config])
        #expect(daemon.waitForLog("watchlistd running"), "\(daemon.log)")
        try dir.write(
            "w.conf",
            "watchlists: lists\ndatabase: state/db.sqlite\nemail-dir: out\nfeed: file://\(Repo.fixtures.path)/feeds/rss2.xml\n  name: rss\n  interval: 999999999999999d\n"
        )
        #expect(daemon.waitForLog("the previous configuration and watchlists stay in force"), "\(daemon.log)")
        #expect(daemon.isRunning)
        #expect(
            daemon.log.contains("reload rejected: \(config):6: `interval:` must be a duration from 10s to 7d"),
            "\(daemon.log)"
        )
        #expect(daemon.stop() == 0, "\(daemon.log)")
    }

    /// A watchlist of `count` made-up companies, so that loading (and reloading) takes a
    /// while (about 0.4 ms a name in a debug build).
    static func writeBigWatchlist(_ dir: TempDir, count: Int) throws {
        var text = "customer: Big Client\nemail: soc@big.example\n"
        let syllables = [
            "ka", "to", "ri", "mo", "zen", "lux", "var", "quin", "bel", "dor", "fen", "gal", "hul", "jor", "kem",
        ]
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

    /// A hundred SIGHUPs while a reload runs make one more reload, not a hundred: once
    /// the burst is over, at most one reload runs and one is pending.
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
        let doneDuringBurst = daemon.count("reloaded")
        #expect(
            daemon.waitForLog(seconds: 60) {
                $0.components(separatedBy: "\n").filter { $0.contains("reloaded") }.count > doneDuringBurst
            },
            "\(daemon.log)"
        )
        // Room for more reloads, had any been queued (each takes about a second here).
        sleep(3)
        #expect(daemon.stop() == 0, "\(daemon.log)")
        #expect(
            daemon.count("reloaded") <= doneDuringBurst + 2,
            "one running, one pending after the burst: \(daemon.count("reloaded")) reloads, \(doneDuringBurst) during the burst"
        )
    }

    /// A second `run` (daemon or --once) on a database a daemon is running on exits 75,
    /// naming the lock file and the daemon's pid; read-only commands still work.
    @Test func secondInstanceOnOneDatabaseIsRefused() throws {
        let dir = try TempDir()
        let config = try Self.setUp(dir, feeds: "feed: file://\(Repo.fixtures.path)/feeds/rss2.xml\n  name: rss\n")
        let daemon = try DaemonProcess(["run", "--log-level", "debug", "--config", config])
        #expect(daemon.waitForLog("fetched"), "\(daemon.log)")
        for arguments in [["run", "--once"], ["run"]] {
            let second = try runBinary(arguments + ["--config", config])
            #expect(second.status == 75, "\(arguments): \(second.status) \(second.stderr)")
            #expect(second.stderr.contains("\(dir.path)/state/db.sqlite.lock"), "\(second.stderr)")
            #expect(second.stderr.contains("pid \(daemon.pid)"), "\(second.stderr)")
        }
        for command in ["hits", "status", "feeds", "alerts"] {
            let result = try runBinary([command, "--config", config])
            #expect(result.status == 0, "\(command): \(result.stderr)")
            if command == "status" {
                #expect(result.stdout.contains("daemon:     running (pid \(daemon.pid))"), "\(result.stdout)")
            }
        }
        #expect(daemon.stop() == 0, "\(daemon.log)")
        let after = try runBinary(["run", "--once", "--config", config])
        #expect(after.status == 0, "the lock goes with the process: \(after.stderr)")
    }

    /// A database deleted and rebuilt gives the same hits the same outbox row numbers:
    /// the Message-IDs must still differ (a random id per database is part of them).
    @Test func rebuiltDatabaseNeverReusesAMessageID() throws {
        let dir = try TempDir()
        let config = try Self.setUp(dir, feeds: "feed: file://\(Repo.fixtures.path)/feeds/rss2.xml\n  name: rss\n")
        var ids: [[String]] = []
        for _ in 0..<2 {
            try? FileManager.default.removeItem(atPath: dir.path + "/state")
            try? FileManager.default.removeItem(atPath: dir.path + "/out")
            let result = try runBinary(["run", "--once", "--config", config])
            #expect(result.status == 0, "\(result.stderr)")
            let mails = try FileManager.default.contentsOfDirectory(atPath: dir.path + "/out").filter {
                $0.hasSuffix(".eml")
            }
            ids.append(
                try mails.map { name in
                    let text = try String(contentsOfFile: dir.path + "/out/" + name, encoding: .utf8)
                        .replacingOccurrences(of: "\r\n", with: "\n")
                    return text.components(separatedBy: "\n").first { $0.lowercased().hasPrefix("message-id:") } ?? ""
                }.sorted()
            )
        }
        #expect(ids[0].count == 1 && ids[1].count == 1, "\(ids)")
        #expect(Set(ids[0]).isDisjoint(with: ids[1]), "\(ids)")
    }

    /// A database from before v10-database-id gets its id at migration.
    @Test func existingDatabaseGetsAnIDAtMigration() throws {
        let dir = try TempDir()
        let path = dir.path + "/old.sqlite"
        do {
            let pool = try DatabasePool(path: path)
            try Migrations.migrator.migrate(pool, upTo: "v9-watched-name-unwatched")
        }
        let store = try Store(path: path)
        #expect(store.databaseID.count == 32, "\(store.databaseID)")
        #expect(try Store(path: path).databaseID == store.databaseID, "made once, then kept")
    }

    // MARK: Database problems at start

    /// A database made by one `run --once` (checkpointed, so its pages are in the file).
    static func makeDatabase(_ dir: TempDir) throws -> String {
        let config = try setUp(dir, feeds: "feed: file://\(Repo.fixtures.path)/feeds/rss2.xml\n  name: rss\n")
        let result = try runBinary(["run", "--once", "--config", config])
        guard result.status == 0 else { throw TestFailure(result.stderr) }
        return config
    }

    @Test func damagedDatabaseIsRefusedWithHowToRestore() throws {
        let dir = try TempDir()
        let config = try Self.makeDatabase(dir)
        let path = dir.path + "/state/db.sqlite"
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        let size = handle.seekToEndOfFile()
        #expect(size >= 4 * 4096, "\(size)")
        handle.seek(toFileOffset: 2 * 4096)  // pages 3 and on: the tables' b-trees
        handle.write(Data(repeating: 0xA5, count: Int(size) - 2 * 4096))
        handle.closeFile()
        let result = try runBinary(["run", "--once", "--config", config])
        #expect(result.status == 74, "\(result.status) \(result.stderr)")
        #expect(result.stderr.contains("database \(path)"), "\(result.stderr)")
        #expect(result.stderr.contains("restore the file from a backup"), "\(result.stderr)")
        #expect(result.stderr.contains("sqlite3 \(path) .recover"), "\(result.stderr)")
    }

    @Test func databaseFromANewerVersionIsRefused() throws {
        let dir = try TempDir()
        let config = try Self.makeDatabase(dir)
        let path = dir.path + "/state/db.sqlite"
        do {
            let pool = try DatabasePool(path: path)
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')")
                try db.execute(sql: "PRAGMA user_version = 99")
            }
        }
        for arguments in [["run", "--once"], ["status"]] {
            let result = try runBinary(arguments + ["--config", config])
            #expect(result.status == 74, "\(arguments): \(result.status) \(result.stderr)")
            #expect(
                result.stderr.contains(
                    "written by a newer watchlistd (schema version 99, migrations v99-from-the-future"
                ),
                "\(result.stderr)"
            )
        }
        let pool = try DatabasePool(path: path)
        #expect(try pool.read { try Int.fetchOne($0, sql: "PRAGMA user_version") } == 99, "left as it was")
    }

    @Test func zeroByteDatabaseIsAWarning() throws {
        let dir = try TempDir()
        let config = try Self.setUp(dir, feeds: "feed: file://\(Repo.fixtures.path)/feeds/rss2.xml\n  name: rss\n")
        try dir.write("state/db.sqlite", "")
        let result = try runBinary(["run", "--once", "--config", config])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            result.stderr.contains("database \(dir.path)/state/db.sqlite is an empty file (0 bytes)"),
            "\(result.stderr)"
        )
        #expect(result.stderr.contains("restore it from a backup"), "\(result.stderr)")
    }

    /// Another process in a write transaction (an sqlite3 shell left open): `run` says
    /// which process, after a short wait, instead of failing hours later.
    @Test func databaseLockedByAnotherProcessNamesIt() throws {
        let dir = try TempDir()
        let config = try Self.makeDatabase(dir)
        let path = dir.path + "/state/db.sqlite"
        let holder = try Child(
            "/usr/bin/python3",
            [
                "-c",
                """
                import os, sqlite3, sys, time
                db = sqlite3.connect(sys.argv[1], isolation_level=None)
                db.execute("BEGIN IMMEDIATE")
                print(os.getpid(), flush=True)
                time.sleep(60)
                """, path,
            ]
        )
        close(holder.stdinFD)
        defer {
            kill(holder.pid, SIGKILL)
            holder.wait()
        }
        let pid = holder.readLine()
        #expect(Int(pid) != nil, "\(pid)")
        let result = try runBinary(["run", "--once", "--config", config])
        #expect(result.status == 74, "\(result.status) \(result.stderr)")
        #expect(result.stderr.contains("another process keeps it locked (pid \(pid) (python3)"), "\(result.stderr)")
    }

    // MARK: Load

    /// `concurrency: 64` with 64 slow feeds: all 64 transfers run at once (libdispatch's
    /// queue added a thread a second, so the server saw a handful at a time).
    @Test func sixtyFourFeedsAreFetchedAtOnce() throws {
        let dir = try TempDir()
        let feeds = dir.url.appendingPathComponent("feeds")
        try FileManager.default.copyItem(at: Repo.fixtures.appendingPathComponent("feeds"), to: feeds)
        let http = try ServerProcess.http(serving: feeds.path)
        var text = ""
        for feed in 0..<64 {
            text += "feed: http://127.0.0.1:\(http.port)/rss2.xml?delay=2&feed=\(feed)\n  name: f\(feed)\n"
        }
        let config = try Self.setUp(dir, feeds: text, extra: "concurrency: 64\n")
        let result = try runBinary(["run", "--once", "--config", config])
        #expect(result.status == 0, "\(result.stderr)")
        let held = Int((try? String(contentsOfFile: dir.path + "/concurrency.max", encoding: .utf8)) ?? "") ?? 0
        #expect(held >= 48, "the server saw at most \(held) of the 64 requests at once")
    }

    /// A feed that hangs after its headers (curl gives up after 30 s of silence) holds no
    /// other feed back: a 10 s feed is fetched again meanwhile, and the watchdog is pinged
    /// from the heartbeat, not at the end of a cycle that waits for the hanging feed.
    @Test func hangingFeedHoldsNoOtherFeedBack() throws {
        let dir = try TempDir()
        let feeds = dir.url.appendingPathComponent("feeds")
        try FileManager.default.copyItem(at: Repo.fixtures.appendingPathComponent("feeds"), to: feeds)
        let http = try ServerProcess.http(serving: feeds.path)
        let hostile = try ServerProcess.hostile()
        let config = try Self.setUp(
            dir,
            feeds: """
                feed: http://127.0.0.1:\(hostile.port)/hang-body
                  name: hang
                  interval: 10s
                feed: http://127.0.0.1:\(http.port)/rss2.xml
                  name: rss
                  interval: 10s

                """
        )
        let notify = try NotifyListener(path: dir.path + "/notify.sock")
        let daemon = try DaemonProcess(
            ["run", "--config", config],
            environment: ["NOTIFY_SOCKET": dir.path + "/notify.sock", "WATCHDOG_USEC": "2000000"]
        )
        func rssRequests() -> Int {
            ((try? String(contentsOfFile: dir.path + "/requests.log", encoding: .utf8)) ?? "").components(
                separatedBy: "\n"
            )
            .filter { $0.contains("/rss2.xml") }.count
        }
        let deadline = Date().addingTimeInterval(25)  // the hanging fetch fails after about 30 s
        while Date() < deadline, rssRequests() < 2 { usleep(100_000) }
        let messages = notify.wait(for: "no such message", seconds: 0.3)
        #expect(rssRequests() >= 2, "the 10 s feed was fetched \(rssRequests()) time(s) while the other hung")
        #expect(!daemon.log.contains("feed failing"), "the hanging fetch is still in flight: \(daemon.log)")
        #expect(messages.filter { $0.hasPrefix("WATCHDOG=1") }.count >= 3, "\(messages)")
        #expect(daemon.stop() == 0, "\(daemon.log)")
    }

    /// A full disk: the fetched items cannot be stored. Fetching pauses (it used to fetch
    /// every due feed again every second), `status` shows the error, and once there is
    /// space again the daemon stores them. The database lives on a 2 MB tmpfs (root only,
    /// as CI runs).
    @Test(.enabled(if: getuid() == 0, "mounting a tmpfs needs root"))
    func fullDiskPausesFetchingAndRecovers() throws {
        let dir = try TempDir()
        let feeds = dir.url.appendingPathComponent("feeds")
        try FileManager.default.copyItem(at: Repo.fixtures.appendingPathComponent("feeds"), to: feeds)
        let http = try ServerProcess.http(serving: feeds.path)
        // The server reads the file after the delay: time to fill the disk under the running daemon.
        let config = try Self.setUp(
            dir,
            feeds: "feed: http://127.0.0.1:\(http.port)/rss2.xml?delay=2\n  name: rss\n  interval: 10s\n"
        )
        try FileManager.default.createDirectory(atPath: dir.path + "/state", withIntermediateDirectories: true)
        let mount = try Child("/bin/mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", dir.path + "/state"])
        close(mount.stdinFD)
        try #require(mount.wait() == 0, "cannot mount a tmpfs")
        defer {
            let umount = try? Child("/bin/umount", [dir.path + "/state"])
            if let umount {
                close(umount.stdinFD)
                umount.wait()
            }
        }
        #expect(try runBinary(["run", "--once", "--config", config]).status == 0)
        let daemon = try DaemonProcess(["run", "--config", config])
        #expect(daemon.waitForLog("watchlistd running"), "\(daemon.log)")
        let before = ((try? String(contentsOfFile: dir.path + "/requests.log", encoding: .utf8)) ?? "").components(
            separatedBy: "\n"
        ).count
        // Fill the disk, then give the feed 300 new listings (far more than the WAL holds).
        let filler = try #require(
            FileHandle(
                forWritingAtPath: {
                    FileManager.default.createFile(atPath: dir.path + "/state/filler", contents: nil)
                    return dir.path + "/state/filler"
                }()
            )
        )
        let chunk = Data(repeating: 0x55, count: 16384)
        while (try? filler.write(contentsOf: chunk)) != nil {}
        try? filler.close()
        var items = ""
        for i in 0..<300 {
            items +=
                "<item><title>Listing \(i) of Orion Shipping \(String(repeating: "x", count: 500))</title><guid>big-\(i)</guid></item>"
        }
        try Data("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>big</title>\(items)</channel></rss>".utf8)
            .write(to: feeds.appendingPathComponent("rss2.xml"))
        #expect(daemon.waitForLog("cannot store what a feed returned"), "\(daemon.log)")
        sleep(3)  // before the fix: a fetch a second
        let requests =
            ((try? String(contentsOfFile: dir.path + "/requests.log", encoding: .utf8)) ?? "").components(
                separatedBy: "\n"
            ).count - before
        #expect(requests == 1, "fetches while the disk is full: \(requests)")
        let status = try runBinary(["status", "--config", config])
        #expect(status.stdout.contains("store error at"), "\(status.stdout) \(status.stderr)")
        #expect(status.stdout.contains("SQLITE_FULL") || status.stdout.contains("full"), "\(status.stdout)")
        // Space again: the next try stores the listings and clears the error.
        try FileManager.default.removeItem(atPath: dir.path + "/state/filler")
        #expect(daemon.waitForLog("fetching resumed"), "\(daemon.log)")
        #expect(daemon.stop() == 0, "\(daemon.log)")
        let store = try Store(path: dir.path + "/state/db.sqlite")
        #expect(try store.hits().count >= 300, "the listings are stored once there is space")
        let after = try runBinary(["status", "--config", config])
        #expect(!after.stdout.contains("store error at"), "\(after.stdout)")
    }
}
