import Foundation
import GRDB
import Logging
import Testing
@testable import WatchlistCore

/// One refused recipient costs only that recipient; a digest larger than the relay
/// takes is split. Against aiosmtpd on 127.0.0.1.
@Suite("Partial delivery and message size", .serialized)
struct PartialDeliveryTests {
    let acme = try! watchlist(
        """
        customer: Acme
        email: soc@acme.example, gone@acme.example
        entity: Gree Electric
        """,
        file: "acme.watch"
    )

    /// A store holding `count` hits for Acme, queued for e-mail.
    func store(_ dir: TempDir, hits count: Int = 1) async throws -> Store {
        let store = try Store(path: dir.path + "/db.sqlite")
        let feed = try await store.feedState(name: "f", url: "http://127.0.0.1/")
        let items = (0..<count).map {
            FeedItem(guid: "\($0)", link: "http://127.0.0.1/\($0)", title: "Gree Electric customer data, part \($0)")
        }
        for item in try await store.storeItems(feed: feed, items: items, at: Date()) {
            try store.recordHits(
                item: item.id,
                hits: Matcher(watchlists: [acme]).match(item.item.matchText, threshold: 0.8),
                channels: { _ in [.email] },
                at: Date()
            )
        }
        return store
    }

    func dispatcher(_ store: Store, port: Int, bcc: [String] = [], maxMessageSize: Int = 10_000_000) -> AlertDispatcher
    {
        var transport = SMTPTransport(url: "smtp://127.0.0.1:\(port)")
        transport.bcc = bcc
        var email = EmailChannel(watchlists: [acme], transport: transport, from: "watchlistd@test.example")
        email.maxMessageSize = maxMessageSize
        return AlertDispatcher(store: store, watchlists: [acme], channels: [email], logger: Logger(label: "test"))
    }

    @Test func oneRefusedRecipientIsParkedAloneAndRequeuedAlone() async throws {
        let dir = try TempDir()
        let store = try await store(dir)
        let smtp = try ServerProcess.smtp(storingIn: dir.path + "/mail", refusing: ["gone@acme.example"])
        let report = try await dispatcher(store, port: smtp.port, bcc: ["ops@mssp.example"]).dispatch()
        #expect(report[.email].messages == 1)
        #expect(report.failures.count == 1)
        // The other recipient and the bcc copy got the message, in one transaction.
        let mails = try ReceivedMail.all(in: dir.path + "/mail")
        #expect(mails.count == 1)
        #expect(mails.first?.recipients.sorted() == ["ops@mssp.example", "soc@acme.example"])
        // Only the refused recipient is parked, with the server's reason.
        let row = try #require(try store.outbox(states: [.failed]).first)
        #expect(row.owed.map(\.address) == ["gone@acme.example"])
        #expect(row.owed.first?.state == .failed)
        #expect(row.owed.first?.error?.contains("550 5.1.1 <gone@acme.example>") == true, "\(row.owed)")
        #expect(
            try await dispatcher(store, port: smtp.port).dispatch(now: Date().addingTimeInterval(86400))[.email]
                .messages == 0
        )

        // The mailbox is fixed; requeued (by customer), the message goes to that recipient only.
        let fixed = try ServerProcess.smtp(storingIn: dir.path + "/fixed")
        #expect(try store.requeue(AlertSelection(customer: "acme"), at: Date()).map(\.id) == [row.id])
        let again = try await dispatcher(store, port: fixed.port, bcc: ["ops@mssp.example"]).dispatch()
        #expect(again[.email].messages == 1)
        #expect(try ReceivedMail.all(in: dir.path + "/fixed").map(\.recipients) == [["gone@acme.example"]])
        #expect(try await store.outboxCounts() == ["email/sent": 1])
        #expect(try store.requeue(AlertSelection(), at: Date()).isEmpty, "nothing failed is left")
        withExtendedLifetime((smtp, fixed)) {}
    }

    @Test func testAlertNamesTheRefusedRecipientAndTheAcceptedOnes() async throws {
        let dir = try TempDir()
        let smtp = try ServerProcess.smtp(storingIn: dir.path + "/mail", refusing: ["gone@acme.example"])
        let results = await dispatcher(try store(dir, hits: 0), port: smtp.port).sendTest(customer: "Acme")
        let mail = try #require(results.first { $0.channel == "e-mail" })
        #expect(!mail.ok)
        #expect(
            mail.detail.hasPrefix("accepted for soc@acme.example; e-mail to gone@acme.example via "),
            "\(mail.detail)"
        )
        #expect(mail.detail.contains("550 5.1.1 <gone@acme.example>"))
        #expect(try ReceivedMail.all(in: dir.path + "/mail").map(\.recipients) == [["soc@acme.example"]])
        withExtendedLifetime(smtp) {}
    }

    @Test func aBatchLargerThanTheServerTakesIsSplit() async throws {
        let dir = try TempDir()
        let store = try await store(dir, hits: 60)
        let smtp = try ServerProcess.smtp(storingIn: dir.path + "/mail", sizeLimit: 30_000)
        let report = try await dispatcher(store, port: smtp.port).dispatch()
        #expect(report.failures.isEmpty, "\(report.failures)")
        #expect(report[.email].hits == 60)
        #expect(report[.email].messages >= 2)
        #expect(try await store.outboxCounts() == ["email/sent": 60])
        let sizes = try FileManager.default.contentsOfDirectory(atPath: dir.path + "/mail").filter {
            $0.hasSuffix(".eml")
        }
        .map { try Data(contentsOf: URL(fileURLWithPath: dir.path + "/mail/" + $0)).count }
        #expect(sizes.count == report[.email].messages)
        #expect(sizes.allSatisfy { $0 <= 30_000 }, "\(sizes)")
        withExtendedLifetime(smtp) {}
    }

    @Test func theConfiguredMaximumSplitsToo() async throws {
        let dir = try TempDir()
        let store = try await store(dir, hits: 40)
        let smtp = try ServerProcess.smtp(storingIn: dir.path + "/mail")  // advertises 32 MiB
        let report = try await dispatcher(store, port: smtp.port, maxMessageSize: 15_000).dispatch()
        #expect(report[.email].hits == 40)
        #expect(report[.email].messages >= 2)
        let config = try ConfigParser.parse(
            Data(
                """
                watchlists: w
                database: d
                smtp: smtp://127.0.0.1:25
                  from: w@test.example
                  max-message-size: 5M
                """.utf8
            ),
            file: "/etc/w.conf"
        )
        #expect(config.smtp?.maxMessageSize == 5_000_000)
        #expect(throws: ConfigurationError.self) {
            try ConfigParser.parse(
                Data(
                    "watchlists: w\ndatabase: d\nsmtp: smtp://127.0.0.1:25\n  from: w@test.example\n  max-message-size: 99999999999999999999M\n"
                        .utf8
                ),
                file: "/etc/w.conf"
            )
        }
        withExtendedLifetime(smtp) {}
    }

    @Test func aSingleHitTooLargeSaysSoNotCurlsText() async throws {
        let dir = try TempDir()
        let store = try await store(dir)
        let smtp = try ServerProcess.smtp(storingIn: dir.path + "/mail", sizeLimit: 1_000)
        _ = try await dispatcher(store, port: smtp.port).dispatch()
        let row = try #require(try store.outbox(states: [.failed]).first)
        let error = try #require(row.lastError)
        #expect(error.contains("message too large ("), "\(error)")
        #expect(error.contains(" bytes; server limit 1000)"), "\(error)")
        #expect(!error.contains("curl error"))
        withExtendedLifetime(smtp) {}
    }
}
