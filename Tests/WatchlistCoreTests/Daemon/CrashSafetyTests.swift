import Foundation
import GRDB
import Testing
@testable import WatchlistCore

/// What survives a crash or a stop: kill -9 at random points of a cycle, then a restart,
/// loses no hit and no alert; SIGTERM in the middle of a cycle exits 0 promptly and
/// leaves a database that passes `PRAGMA integrity_check` with its outbox intact.
@Suite("Crash safety", .serialized)
struct CrashSafetyTests {
    /// 16 feeds of 40 items; every fifth item names a watched company.
    static func writeFeeds(in dir: TempDir) throws {
        let companies = ["Kestrel Bank", "Lumen Pharma", "Orion Shipping"]
        for feed in 0..<16 {
            var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>f\(feed)</title>"
            for item in 0..<40 {
                let title =
                    item % 5 == 0
                    ? "Post \(feed)-\(item): \(companies[(feed + item) % 3]) records for sale"
                    : "Post \(feed)-\(item): combolist refresh"
                xml +=
                    "<item><title>\(title)</title><guid>g-\(feed)-\(item)</guid><description>\(String(repeating: "filler ", count: 60))</description></item>"
            }
            try dir.write("feeds/f\(feed).xml", xml + "</channel></rss>")
        }
    }

    /// `smtp`: the mail server's port (nil: no e-mail); `alerts`: more alert blocks.
    static func config(
        _ dir: TempDir,
        port: Int,
        smtp: Int?,
        database: String,
        alerts: String = "",
        feedSuffix: (Int) -> String = { _ in "" }
    ) throws -> String {
        var text = "watchlists: \(Repo.fixtures.path)/watchlists\ndatabase: \(database)\n"
        for feed in 0..<16 {
            text +=
                "feed: http://127.0.0.1:\(port)/f\(feed).xml\(feedSuffix(feed))\n  name: f\(feed)\n  interval: 10s\n"
        }
        if let smtp {
            text +=
                "smtp: smtp://127.0.0.1:\(smtp)\n  from: watchlistd@test.example\n  grouping: hit\n  max-per-hour: 1000\n"
        }
        text += alerts
        let name = (database as NSString).lastPathComponent + ".conf"
        try dir.write(name, text)
        return dir.path + "/" + name
    }

    /// (feed, item, customer, entity) of every stored hit.
    static func hitKeys(_ config: String) throws -> Set<String> {
        let output = try runBinary(["hits", "--config", config, "--json"])
        return Set(
            output.stdout.split(separator: "\n").compactMap { line -> String? in
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                    return nil
                }
                return "\(object["feed"]!)|\(object["item"]!)|\(object["customer"]!)|\(object["entity"]!)"
            }
        )
    }

    /// `run --once` killed at each crash point (`FaultInjection`), which must be reached.
    static func runOnceKilled(_ config: String, at points: [String]) throws {
        for point in points {
            let child = try Child(
                Repo.binary.path,
                ["run", "--once", "--config", config, "--log-level", "error"],
                environment: ProcessInfo.processInfo.environment.merging(["WATCHLISTD_TEST_CRASH_AT": point]) { $1 }
            )
            close(child.stdinFD)
            #expect(child.wait() == 128 + SIGKILL, "\(point) is reached")
        }
    }

    /// `run --once` killed `times` times at a random moment within `seconds`; returns the delays (ms).
    static func runOnceKilledAtRandom(_ config: String, times: Int, within seconds: TimeInterval) throws -> [Int] {
        var generator = SystemRandomNumberGenerator()
        var delays: [Int] = []
        for _ in 0..<times {
            let delay = Int.random(in: 0...max(1, Int(seconds * 1000)), using: &generator)
            delays.append(delay)
            let child = try Child(Repo.binary.path, ["run", "--once", "--config", config, "--log-level", "error"])
            close(child.stdinFD)
            usleep(useconds_t(delay) * 1000)
            kill(child.pid, SIGKILL)
            child.wait()
        }
        return delays
    }

    @Test func killMinus9AtRandomPointsThenRestartLosesNoHitAndNoAlert() throws {
        let dir = try TempDir()
        try Self.writeFeeds(in: dir)
        let http = try ServerProcess.http(serving: dir.path + "/feeds")
        let referenceMail = try ServerProcess.smtp(storingIn: dir.path + "/mail-reference")
        let crashMail = try ServerProcess.smtp(storingIn: dir.path + "/mail")

        // The reference: one undisturbed cycle on its own database.
        let reference = try Self.config(dir, port: http.port, smtp: referenceMail.port, database: "reference.sqlite")
        let started = Date()
        #expect(try runBinary(["run", "--once", "--config", reference, "--log-level", "error"]).status == 0)
        let cycle = Date().timeIntervalSince(started)
        let expected = try Self.hitKeys(reference)
        #expect(expected.count == 128, "16 feeds × 8 naming items")

        // Runs that die at the boundaries between transactions (where random kills rarely
        // land), then 20 killed at random points of their cycle, then one allowed to finish.
        let crashing = try Self.config(dir, port: http.port, smtp: crashMail.port, database: "crash.sqlite")
        try Self.runOnceKilled(
            crashing,
            at: [
                "after-store-items:1", "after-store-items:4", "after-record-hits:2", "after-store-items:3",
                "after-mail-accepted:1", "after-mail-accepted:30",
            ]
        )
        let delays = try Self.runOnceKilledAtRandom(crashing, times: 20, within: cycle)
        let last = try runBinary(["run", "--once", "--config", crashing, "--log-level", "warning"])
        #expect(last.status == 0, "\(last.stderr)")

        #expect(try Self.hitKeys(crashing) == expected, "kill points (ms): \(delays)")
        let store = try Store(path: dir.path + "/crash.sqlite")
        #expect(try store.outboxCounts() == ["email/sent": 128], "kill points (ms): \(delays)")
        #expect(try store.pool.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") } == "ok")
        // Every hit reached the mail server at least once (a kill between the server's
        // acceptance and the commit that marks it sent means it is sent again: at least once).
        let mails = try ReceivedMail.all(in: dir.path + "/mail")
        for key in expected {
            let parts = key.split(separator: "|").map(String.init)
            let (feed, item) = (parts[0].dropFirst(), parts[1].split(separator: "-").last!)
            let title = "Post \(feed)-\(item):"
            #expect(
                mails.contains { $0.headers["x-watchlistd-customer"] == parts[2] && $0.body.contains(title) },
                "no mail for \(key); kill points (ms): \(delays)"
            )
        }
        #expect(mails.count >= 128)
        withExtendedLifetime((http, referenceMail, crashMail)) {}
    }

    @Test func killMinus9MidWebhookDeliveryThenRestartDeliversEveryHitAtLeastOnce() throws {
        let dir = try TempDir()
        try Self.writeFeeds(in: dir)
        let http = try ServerProcess.http(serving: dir.path + "/feeds")
        let receiver = try ServerProcess.webhook(storingIn: dir.path + "/posts")
        let config = try Self.config(
            dir,
            port: http.port,
            smtp: nil,
            database: "hook.sqlite",
            alerts: "webhook: http://127.0.0.1:\(receiver.port)/hook\n  grouping: hit\n  allow-internal: yes\n"
        )
        // Killed right after the receiver accepted a POST (before the rows are marked sent),
        // then at random points of a cycle, then one run allowed to finish.
        let started = Date()
        try Self.runOnceKilled(
            config,
            at: ["after-webhook-accepted:1", "after-webhook-accepted:40", "after-webhook-accepted:60"]
        )
        let delays = try Self.runOnceKilledAtRandom(config, times: 6, within: Date().timeIntervalSince(started) / 3)
        let last = try runBinary(["run", "--once", "--config", config, "--log-level", "warning"])
        #expect(last.status == 0, "\(last.stderr)")

        let expected = try Self.hitKeys(config)
        #expect(expected.count == 128, "16 feeds × 8 naming items")
        let store = try Store(path: dir.path + "/hook.sqlite")
        #expect(try store.outboxCounts() == ["webhook/sent": 128], "kill points (ms): \(delays)")
        // Every hit reached the receiver at least once (a kill between its 2xx and the
        // commit that marks the row sent means it is posted again: at least once, never zero).
        let posts = try ReceivedPost.all(in: dir.path + "/posts")
        let delivered = Set(
            posts.flatMap(\.hits).map { "\($0["feed"]!)|\($0["item"]!)|\($0["customer"]!)|\($0["entity"]!)" }
        )
        #expect(
            delivered == expected,
            "missing: \(expected.subtracting(delivered).sorted().prefix(5)); kill points (ms): \(delays)"
        )
        #expect(posts.count >= 128 + 1, "the POSTs accepted just before the crash points were posted again")
        withExtendedLifetime((http, receiver)) {}
    }

    @Test func sigtermMidCycleExitsPromptlyWithAnIntactDatabase() throws {
        let dir = try TempDir()
        try Self.writeFeeds(in: dir)
        let http = try ServerProcess.http(serving: dir.path + "/feeds")
        let smtp = try ServerProcess.smtp(storingIn: dir.path + "/mail")
        // Feeds 12…15 answer only after 60 s: the cycle is in progress when SIGTERM comes.
        let config = try Self.config(dir, port: http.port, smtp: smtp.port, database: "db.sqlite") {
            $0 >= 12 ? "?delay=60" : ""
        }
        let daemon = try DaemonProcess(["run", "--config", config, "--log-level", "info"])
        // Wait (bounded) until the 12 quick feeds are stored: 96 hits.
        let deadline = Date().addingTimeInterval(30)
        var hits = 0
        while Date() < deadline, hits < 96 {
            usleep(200_000)
            hits =
                (try? DatabaseQueue(path: dir.path + "/db.sqlite").read {
                    try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM hit") ?? 0
                }) ?? 0
        }
        #expect(hits == 96)
        #expect(daemon.stop() == 0)
        // The 60 s fetches were aborted (curl's progress callback), not waited for: a fetch
        // waited out would say "transfer ended at shutdown" (after 60 s).
        let stopped = daemon.log.split(separator: "\n").filter { $0.contains("fetch stopped: shutting down") }
        for feed in 12...15 {
            #expect(
                stopped.contains {
                    $0.contains("feed.name=f\(feed) ") && $0.contains("detail=\"transfer stopped at shutdown\"")
                },
                "f\(feed): \(daemon.log)"
            )
        }

        let store = try Store(path: dir.path + "/db.sqlite")
        #expect(try store.pool.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") } == "ok")
        #expect(try store.hits().count == 96)
        // Every hit is either sent or still pending in the outbox: none lost.
        let counts = try store.outboxCounts()
        #expect(counts["email/sent", default: 0] + counts["email/pending", default: 0] == 96, "\(counts)")
        #expect(counts["email/failed"] == nil)
        // The aborted fetches are not counted as feed errors.
        #expect(try store.feedStates().map(\.errorCount) == Array(repeating: 0, count: 16))
        withExtendedLifetime((http, smtp)) {}
    }
}
