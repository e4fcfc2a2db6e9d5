import Foundation
import Testing
@testable import WatchlistCore

/// `run --once` as cron and scripts use it: its exit status tells whether alerts went out,
/// and `--no-send` records a first start without alerting it.
@Suite("run --once", .serialized)
struct RunOnceTests {
    /// A configuration reading the RSS fixture (an Orion and a Kestrel hit) and mailing through `smtpPort`.
    func writeConfig(_ dir: TempDir, smtpPort: Int) throws -> String {
        try dir.write(
            "watchlistd.conf",
            """
            watchlists: \(Repo.fixtures.path)/watchlists
            database: db.sqlite
            feed: file://\(Repo.fixtures.path)/feeds/rss2.xml
              name: rss
            smtp: smtp://127.0.0.1:\(smtpPort)
              from: watchlistd@test.example
            """
        )
        return dir.path + "/watchlistd.conf"
    }

    @Test func exits75WhenEveryDeliveryFailedAnd0WhenTheyGoOut() async throws {
        let dir = try TempDir()
        let refusing = try ServerProcess.smtp(storingIn: dir.path + "/refused", reply: 451)
        let config = try writeConfig(dir, smtpPort: refusing.port)
        let failed = try await runBinaryOffPool(["run", "--once", "--config", config])
        #expect(failed.status == 75, "\(failed.stderr)")
        #expect(failed.stderr.contains("every alert delivery failed"), "\(failed.stderr)")
        #expect(failed.stderr.contains("451"))
        #expect(try await Store(path: dir.path + "/db.sqlite").outboxCounts() == ["email/pending": 2])

        // The relay is fixed: the queued alerts go out, exit 0.
        let smtp = try ServerProcess.smtp(storingIn: dir.path + "/mail")
        _ = try writeConfig(dir, smtpPort: smtp.port)
        let store = try Store(path: dir.path + "/db.sqlite")
        // due now, not after the backoff
        #expect(try store.requeue(AlertSelection(states: [.pending]), at: Date()).count == 2)
        let ok = try await runBinaryOffPool(["run", "--once", "--config", config])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(try await Store(path: dir.path + "/db.sqlite").outboxCounts() == ["email/sent": 2], "\(ok.stderr)")
        #expect(try ReceivedMail.all(in: dir.path + "/mail").count == 2)  // Orion's and Kestrel's
        // Nothing to deliver is not a failure either.
        #expect(try await runBinaryOffPool(["run", "--once", "--config", config]).status == 0)
        withExtendedLifetime((refusing, smtp)) {}
    }

    @Test func noSendRecordsHitsWithoutAlertingThemEver() async throws {
        let dir = try TempDir()
        let smtp = try ServerProcess.smtp(storingIn: dir.path + "/mail")
        let config = try writeConfig(dir, smtpPort: smtp.port)
        #expect(try await runBinaryOffPool(["run", "--no-send", "--config", config]).status == 64)

        let first = try await runBinaryOffPool(["run", "--once", "--no-send", "--config", config])
        #expect(first.status == 0, "\(first.stderr)")
        let store = try Store(path: dir.path + "/db.sqlite")
        #expect(try store.hits().count == 2)
        #expect(try await store.outboxCounts() == ["email/suppressed": 2])
        #expect(try ReceivedMail.all(in: dir.path + "/mail").isEmpty)
        let alerts = try await runBinaryOffPool(["alerts", "--config", config, "--state", "suppressed"])
        #expect(alerts.stdout.contains("email: pending 0, sent 0, failed 0, suppressed 2"), "\(alerts.stdout)")
        #expect(alerts.stdout.contains("suppressed email Orion Group"))

        // A later normal run never sends them.
        #expect(try await runBinaryOffPool(["run", "--once", "--config", config]).status == 0)
        #expect(try ReceivedMail.all(in: dir.path + "/mail").isEmpty)
        withExtendedLifetime(smtp) {}
    }
}
