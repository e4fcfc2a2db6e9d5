import Foundation
import GRDB
import Logging
import Testing
@testable import WatchlistCore
#if canImport(Glibc)
import Glibc
#endif

/// Delivery against a real SMTP server (aiosmtpd on 127.0.0.1): transient failures are
/// retried, permanent ones parked with the reason, nothing is marked sent before the
/// server accepted it, and feed text never reaches a header raw.
@Suite("Alert delivery", .serialized)
struct DeliveryTests {
    let acme = try! watchlist("customer: Acme\nemail: soc@acme.example\nentity: Gree Electric\n", file: "acme.watch")

    /// A store holding one hit for Acme, queued for e-mail, with the given listing title.
    func storeWithHit(_ dir: TempDir, title: String = "Gree Electric customer data") async throws -> Store {
        let store = try Store(path: dir.path + "/db.sqlite")
        let feed = try await store.feedState(name: "f", url: "http://127.0.0.1/")
        let item = try await #require(
            try store.storeItems(
                feed: feed,
                items: [FeedItem(guid: "1", link: "http://127.0.0.1/1", title: title)],
                at: Date()
            ).first
        )
        let hits = Matcher(watchlists: [acme]).match(item.item.matchText, threshold: 0.8)
        #expect(hits.count == 1)
        try store.recordHits(item: item.id, hits: hits, channels: { _ in [.email] }, at: Date())
        return store
    }

    func dispatcher(_ store: Store, port: Int, configure: (inout SMTPTransport) -> Void = { _ in }) -> AlertDispatcher {
        var transport = SMTPTransport(url: "smtp://127.0.0.1:\(port)")
        configure(&transport)
        return AlertDispatcher(
            store: store,
            watchlists: [acme],
            channels: [EmailChannel(watchlists: [acme], transport: transport, from: "watchlistd@test.example")],
            logger: Logger(label: "test")
        )
    }

    @Test func startTLSRequiredButNotOfferedIsRefusedAndKept() async throws {
        let dir = try TempDir()
        let store = try await storeWithHit(dir)
        let smtp = try ServerProcess.smtp(storingIn: dir.path + "/mail")
        let report = try await dispatcher(store, port: smtp.port) { $0.startTLS = .require }.dispatch()
        #expect(report[.email].messages == 0)
        let row = try outboxRow(store)
        #expect(row.state == "pending")
        #expect(row.error?.contains("does not offer STARTTLS") == true, "\(row.error ?? "")")
        #expect(try ReceivedMail.all(in: dir.path + "/mail").isEmpty)
        withExtendedLifetime(smtp) {}
    }

    /// Fail closed at the C boundary: a value libcurl refuses (a negative time limit) fails
    /// the delivery with the option's name; nothing reaches the server, the hit stays queued.
    @Test func anOptionLibcurlRefusesFailsTheDeliveryWithItsName() async throws {
        let dir = try TempDir()
        let store = try await storeWithHit(dir)
        let smtp = try ServerProcess.smtp(storingIn: dir.path + "/mail")
        let report = try await dispatcher(store, port: smtp.port) { $0.timeout = -1 }.dispatch()
        #expect(report[.email].messages == 0)
        let row = try outboxRow(store)
        #expect(row.state == "pending")
        #expect(row.error?.contains("refused CURLOPT_TIMEOUT (curl error 43: ") == true, "\(row.error ?? "")")
        #expect(try ReceivedMail.all(in: dir.path + "/mail").isEmpty)
        withExtendedLifetime(smtp) {}
    }

    @Test func operatorCopyLoginAndHeloName() async throws {
        let dir = try TempDir()
        let store = try await storeWithHit(dir)
        try dir.write("smtp-password", "s3cret\n")
        let smtp = try ServerProcess.smtp(storingIn: dir.path + "/mail", auth: "watchlistd:s3cret")
        let report = try await dispatcher(store, port: smtp.port) {
            $0.bcc = ["ops@mssp.example"]
            $0.user = "watchlistd"
            $0.passwordFile = dir.path + "/smtp-password"
            $0.helo = "alerts.mssp.example"
        }.dispatch()
        #expect(report[.email].messages == 1)
        let mail = try #require(try ReceivedMail.all(in: dir.path + "/mail").first)
        #expect(mail.recipients.sorted() == ["ops@mssp.example", "soc@acme.example"])
        #expect(mail.headers["bcc"] == nil)
        #expect(mail.headers["to"] == "soc@acme.example")
        let envelope =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.path + "/mail/1.json")))
            as! [String: Any]
        #expect(envelope["helo"] as? String == "alerts.mssp.example")
        withExtendedLifetime(smtp) {}
    }

    @Test func wrongPasswordIsParked() async throws {
        let dir = try TempDir()
        let store = try await storeWithHit(dir)
        try dir.write("smtp-password", "wrong\n")
        let smtp = try ServerProcess.smtp(storingIn: dir.path + "/mail", auth: "watchlistd:s3cret")
        _ = try await dispatcher(store, port: smtp.port) {
            $0.user = "watchlistd"
            $0.passwordFile = dir.path + "/smtp-password"
        }.dispatch()
        let row = try outboxRow(store)
        #expect(row.state == "failed")
        #expect(row.error?.contains("535") == true, "\(row.error ?? "")")
        #expect(row.error?.contains("wrong") != true, "the password never appears in errors")
        withExtendedLifetime(smtp) {}
    }

    func outboxRow(_ store: Store) throws -> (state: String, attempts: Int, error: String?, next: Date) {
        try store.pool.read { db in
            let row = try #require(
                try Row.fetchOne(db, sql: "SELECT state, attempts, last_error, next_attempt_at FROM outbox")
            )
            return (row["state"], row["attempts"], row["last_error"], row["next_attempt_at"])
        }
    }

    @Test(arguments: [421, 451])
    func temporaryRefusalIsRetriedLater(_ code: Int) async throws {
        let dir = try TempDir()
        let store = try await storeWithHit(dir)
        let smtp = try ServerProcess.smtp(storingIn: dir.path + "/mail", reply: code)
        let report = try await dispatcher(store, port: smtp.port).dispatch()
        #expect(report[.email].messages == 0)
        let row = try outboxRow(store)
        #expect(row.state == "pending")
        #expect(row.attempts == 1)
        #expect(row.error?.contains(String(code)) == true, "\(row.error ?? "")")
        #expect(row.next > Date().addingTimeInterval(30))
        withExtendedLifetime(smtp) {}
    }

    @Test func permanentRefusalIsParkedWithTheReason() async throws {
        let dir = try TempDir()
        let store = try await storeWithHit(dir)
        let smtp = try ServerProcess.smtp(storingIn: dir.path + "/mail", reply: 550)
        _ = try await dispatcher(store, port: smtp.port).dispatch()
        let row = try outboxRow(store)
        #expect(row.state == "failed")
        #expect(row.error?.contains("550") == true)
        #expect(row.error?.contains("parked") == true)
        // A parked row is not sent again.
        #expect(try await store.dueOutbox(channel: .email, at: Date().addingTimeInterval(86400)).isEmpty)
        withExtendedLifetime(smtp) {}
    }

    @Test func serverDownThenUpDeliversOnTheRetry() async throws {
        let dir = try TempDir()
        let store = try await storeWithHit(dir)
        let deadPort = closedTCPPort()
        let down = try await dispatcher(store, port: deadPort).dispatch()
        #expect(down[.email].messages == 0)
        #expect(try outboxRow(store).state == "pending")

        let smtp = try ServerProcess.smtp(storingIn: dir.path + "/mail")
        let early = try await dispatcher(store, port: smtp.port).dispatch()
        #expect(early[.email].messages == 0, "not due yet: backoff")
        let later = try await dispatcher(store, port: smtp.port).dispatch(now: Date().addingTimeInterval(7200))
        #expect(later[.email].messages == 1)
        #expect(try outboxRow(store).state == "sent")
        #expect(try ReceivedMail.all(in: dir.path + "/mail").count == 1)
        withExtendedLifetime(smtp) {}
    }

    @Test func aMatchInTheBodyIsShownInAnExcerpt() async throws {
        let dir = try TempDir()
        let store = try Store(path: dir.path + "/db.sqlite")
        let feed = try await store.feedState(name: "f", url: "http://127.0.0.1/")
        let body =
            String(repeating: "filler ", count: 40) + "the <victim> is Gree Electric, 40 GB "
            + String(repeating: "more ", count: 40)
        let item = try #require(
            try await store.storeItems(
                feed: feed,
                items: [FeedItem(guid: "1", title: "New dump", body: body)],
                at: Date()
            ).first
        )
        try store.recordHits(
            item: item.id,
            hits: Matcher(watchlists: [acme]).match(item.item.matchText, threshold: 0.8),
            channels: { _ in [.email] },
            at: Date()
        )
        let smtp = try ServerProcess.smtp(storingIn: dir.path + "/mail")
        #expect(try await dispatcher(store, port: smtp.port).dispatch()[.email].messages == 1)
        let mail = try #require(try ReceivedMail.all(in: dir.path + "/mail").first)
        #expect(mail.body.contains("excerpt:   …"))
        #expect(mail.body.contains("the <victim> is Gree Electric, 40 GB"))
        #expect(mail.html.contains("the &lt;victim&gt; is <mark>Gree Electric</mark>, 40 GB"))
        withExtendedLifetime(smtp) {}
    }

    @Test func hostileTitleNeverReachesAHeader() async throws {
        let dir = try TempDir()
        let hostile =
            "Gree Electric dump\r\nBcc: attacker@evil.example\r\nSubject: pwned\u{2028}X-Evil: 1 =?UTF-8?B?cHduZWQ=?= <script>alert(1)</script>"
            + String(repeating: "格力电器数据", count: 350)
        let store = try await storeWithHit(dir, title: hostile)
        let smtp = try ServerProcess.smtp(storingIn: dir.path + "/mail")
        let report = try await dispatcher(store, port: smtp.port).dispatch()
        #expect(report[.email].messages == 1)
        let raw = try String(contentsOfFile: dir.path + "/mail/1.eml", encoding: .utf8)
        let header = raw.components(separatedBy: "\r\n\r\n")[0]
        let names = header.components(separatedBy: "\r\n").filter { !$0.hasPrefix(" ") }.compactMap {
            $0.split(separator: ":").first
        }
        #expect(names.filter { $0.lowercased() == "subject" }.count == 1)
        #expect(!names.contains { ["bcc", "x-evil"].contains($0.lowercased()) })
        #expect(header.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 998 })
        let mail = try #require(try ReceivedMail.all(in: dir.path + "/mail").first)
        #expect(mail.recipients == ["soc@acme.example"])
        #expect(!mail.body.contains("\r\nBcc:"))
        // The HTML part escapes what the feed wrote and highlights the match.
        #expect(mail.html.contains("<mark>Gree Electric</mark>"))
        #expect(!mail.html.contains("<script"))
        withExtendedLifetime(smtp) {}
    }
}

@Suite("alerts command", .serialized)
struct AlertsCommandTests {
    @Test func showsParkedFailuresWithTheReason() throws {
        let dir = try TempDir()
        let smtp = try ServerProcess.smtp(storingIn: dir.path + "/mail", reply: 550)
        try dir.write(
            "watchlistd.conf",
            """
            watchlists: \(Repo.fixtures.path)/watchlists
            database: db.sqlite
            feed: file://\(Repo.fixtures.path)/feeds/rss2.xml
              name: rss
            smtp: smtp://127.0.0.1:\(smtp.port)
              from: watchlistd@test.example
            """
        )
        let run = try runBinary(["run", "--once", "--config", dir.path + "/watchlistd.conf"])
        #expect(run.status == 75, "every delivery failed: EX_TEMPFAIL")
        let alerts = try runBinary(["alerts", "--config", dir.path + "/watchlistd.conf"])
        #expect(alerts.status == 0)
        #expect(alerts.stdout.contains("email: pending 0, sent 0, failed 2"), "\(alerts.stdout)")
        #expect(alerts.stdout.contains("failed email Orion Group — Orion Shipping & Logistics [rss]"))
        #expect(alerts.stdout.contains("last error: e-mail to soc@orion.example via smtp://127.0.0.1:\(smtp.port)"))
        #expect(alerts.stdout.contains("550"))
        #expect(try runBinary(["alerts", "--config", dir.path + "/watchlistd.conf", "--state", "bogus"]).status == 64)

        // After a fix, the operator requeues by id (as shown after #) or by customer.
        let id = try #require(
            alerts.stdout.split(separator: "\n").first { $0.hasPrefix("#") }?.dropFirst().split(separator: " ").first
        )
        let one = try runBinary(["alerts", "--config", dir.path + "/watchlistd.conf", "--requeue", "--id", String(id)])
        #expect(one.status == 0)
        #expect(one.stdout.contains("requeued #\(id) failed email "), "\(one.stdout)")
        #expect(one.stdout.contains("1 requeued"))
        let rest = try runBinary([
            "alerts", "--config", dir.path + "/watchlistd.conf", "--requeue", "--customer", "kestrel bank",
        ])
        #expect(rest.stdout.contains("1 requeued"), "\(rest.stdout)")
        let after = try runBinary(["alerts", "--config", dir.path + "/watchlistd.conf"])
        #expect(after.stdout.contains("email: pending 2, sent 0, failed 0"), "\(after.stdout)")
        withExtendedLifetime(smtp) {}
    }
}

@Suite("test-alert command", .serialized)
struct TestAlertCommandTests {
    @Test func sendsAMarkedTestThroughEveryChannel() throws {
        let dir = try TempDir()
        let smtp = try ServerProcess.smtp(storingIn: dir.path + "/mail")
        let syslog = try UDPListener()
        try dir.write(
            "watchlistd.conf",
            """
            watchlists: \(Repo.fixtures.path)/watchlists
            database: db.sqlite
            smtp: smtp://127.0.0.1:\(smtp.port)
              from: watchlistd@test.example
            syslog: udp://127.0.0.1:\(syslog.port)
            """
        )
        let result = try runBinary([
            "test-alert", "--config", dir.path + "/watchlistd.conf", "--customer", "Kestrel Bank",
        ])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("e-mail: ok — accepted for cti@kestrel.example, soc@kestrel.example"))
        #expect(result.stdout.contains("syslog: ok — sent to udp://127.0.0.1:\(syslog.port)"))
        let mail = try #require(try ReceivedMail.all(in: dir.path + "/mail").first)
        #expect(mail.headers["subject"] == "[watchlistd] TEST alert for Kestrel Bank — no action needed")
        #expect(mail.body.hasPrefix("THIS IS A TEST"))
        #expect(syslog.drain().first?.contains("TEST watchlistd test alert") == true)
        // No hit and no outbox row is stored by a test.
        #expect(try Store(path: dir.path + "/db.sqlite").hits().isEmpty)

        let unknown = try runBinary(["test-alert", "--config", dir.path + "/watchlistd.conf", "--customer", "Nobody"])
        // A usage error (64), not an unavailable service (69), naming the known customers.
        #expect(unknown.status == 64, "\(unknown.stdout)\(unknown.stderr)")
        #expect(unknown.stderr.contains("has `customer: Nobody`; known customers: Kestrel Bank"), "\(unknown.stderr)")
        withExtendedLifetime(smtp) {}
    }
}

/// Grouping: per dispatch, per hit, digest windows and the hourly cap (messages are
/// written as .eml files here; the SMTP path is the same code).
@Suite("Alert grouping")
struct GroupingTests {
    let acme = try! watchlist(
        """
        customer: Acme
        email: soc@acme.example
        entity: Orion Shipping
        entity: Kestrel Bank
        entity: Lumen Pharma
        entity: Nova Mining
        entity: Zephyr Airlines
        """,
        file: "acme.watch"
    )

    /// A store with one hit per title, all seen at `seen`.
    func store(_ dir: TempDir, titles: [String], seen: Date) async throws -> Store {
        let store = try Store(path: dir.path + "/db.sqlite")
        let feed = try await store.feedState(name: "f", url: "http://127.0.0.1/")
        let matcher = Matcher(watchlists: [acme])
        let items = try await store.storeItems(
            feed: feed,
            items: titles.enumerated().map { FeedItem(guid: "\($0.offset)", title: $0.element) },
            at: seen
        )
        for item in items {
            try store.recordHits(
                item: item.id,
                hits: matcher.match(item.item.matchText, threshold: 0.8),
                channels: { _ in [.email] },
                at: seen
            )
        }
        return store
    }

    func dispatcher(_ store: Store, _ dir: TempDir, grouping: SMTPConfig.Grouping, cap: Int = 12) -> AlertDispatcher {
        var email = EmailChannel(
            watchlists: [acme],
            transport: DirectoryTransport(directory: dir.path + "/out"),
            from: "w@test.example"
        )
        email.grouping = grouping
        email.maxPerHour = cap
        return AlertDispatcher(store: store, watchlists: [acme], channels: [email], logger: Logger(label: "test"))
    }

    @Test func perHitSendsOneMessageEach() async throws {
        let dir = try TempDir()
        let now = Date()
        let s = try await store(
            dir,
            titles: ["Orion Shipping dump", "Kestrel Bank dump", "Lumen Pharma dump"],
            seen: now
        )
        let report = try await dispatcher(s, dir, grouping: .perHit).dispatch(now: now)
        #expect(report[.email].messages == 3)
        #expect(report[.email].hits == 3)
    }

    @Test func hourlyCapFoldsTheRestIntoTheNextMessage() async throws {
        let dir = try TempDir()
        let now = Date()
        let s = try await store(
            dir,
            titles: ["Orion Shipping dump", "Kestrel Bank dump", "Lumen Pharma dump"],
            seen: now
        )
        let d = dispatcher(s, dir, grouping: .perHit, cap: 2)
        let first = try await d.dispatch(now: now)
        #expect(first[.email].messages == 2)  // one single, then the other two folded into one
        #expect(first[.email].hits == 3)
        // Two more hits within the hour: the cap is reached, they wait.
        let more = try await store(dir, titles: ["Nova Mining dump", "Zephyr Airlines dump"], seen: now)
        _ = more
        let held = try await d.dispatch(now: now.addingTimeInterval(60))
        #expect(held[.email].messages == 0)
        #expect(try await s.outboxCounts()["email/pending"] == 2)
        let later = try await d.dispatch(now: now.addingTimeInterval(3700))
        #expect(later[.email].hits == 2)
        #expect(try await s.outboxCounts()["email/pending"] == nil)
    }

    @Test func theHourlyCapIsLoggedWhenReachedAndWhenOverNotEveryCycle() async throws {
        let dir = try TempDir()
        let now = Date()
        let s = try await store(dir, titles: ["Orion Shipping dump"], seen: now)
        let log = LogLines()
        var d = dispatcher(s, dir, grouping: .perHit, cap: 1)
        d.logger = log.logger()
        #expect(try await d.dispatch(now: now)[.email].messages == 1)
        _ = try await store(dir, titles: ["Kestrel Bank dump"], seen: now)
        for minute in 1...30 { _ = try await d.dispatch(now: now.addingTimeInterval(Double(minute) * 60)) }
        #expect(try await d.dispatch(now: now.addingTimeInterval(3700))[.email].messages == 1)
        let notices = log.all.filter { $0.contains("hourly alert cap") }
        #expect(notices.count == 2, "\(notices)")
        #expect(notices.first?.hasPrefix("<5>hourly alert cap reached;") == true)
        #expect(notices.last?.hasPrefix("<5>hourly alert cap over;") == true)
    }

    @Test func digestWindowHoldsHitsUntilTheOldestIsOldEnough() async throws {
        let dir = try TempDir()
        let now = Date()
        let s = try await store(dir, titles: ["Orion Shipping dump", "Kestrel Bank dump"], seen: now)
        let d = dispatcher(s, dir, grouping: .window(900))
        #expect(try await d.dispatch(now: now.addingTimeInterval(60))[.email].messages == 0)
        let sent = try await d.dispatch(now: now.addingTimeInterval(901))
        #expect(sent[.email].messages == 1)
        #expect(sent[.email].hits == 2)
    }

    @Test func runOnceIsNotHeldBack() async throws {
        let dir = try TempDir()
        let now = Date()
        let s = try await store(dir, titles: ["Orion Shipping dump", "Kestrel Bank dump"], seen: now)
        let d = dispatcher(s, dir, grouping: .window(900), cap: 1)
        #expect(try await d.dispatch(now: now, holdBack: false)[.email].hits == 2)
    }

    @Test func configuresGroupingAndCap() throws {
        let config = try ConfigParser.parse(
            Data(
                """
                watchlists: w
                database: d
                smtp: smtp://127.0.0.1:25
                  from: w@test.example
                  grouping: 15m
                  max-per-hour: 4
                """.utf8
            ),
            file: "/etc/w.conf"
        )
        #expect(config.smtp?.grouping == .window(900))
        #expect(config.smtp?.maxPerHour == 4)
    }
}

@Suite("Crash between acceptance and marking sent", .serialized)
struct CrashTests {
    @Test func aCrashAfterAcceptanceGivesAtMostADuplicateWithTheSameMessageID() throws {
        let dir = try TempDir()
        let smtp = try ServerProcess.smtp(storingIn: dir.path + "/mail")
        try dir.write(
            "watchlistd.conf",
            """
            watchlists: \(Repo.fixtures.path)/watchlists
            database: db.sqlite
            feed: file://\(Repo.fixtures.path)/feeds/rss2.xml
              name: rss
            smtp: smtp://127.0.0.1:\(smtp.port)
              from: watchlistd@test.example
            """
        )
        let config = dir.path + "/watchlistd.conf"
        // The process dies (SIGKILL) right after the server accepted the first message.
        let crashed = try runBinary(
            ["run", "--once", "--config", config],
            environment: ["WATCHLISTD_TEST_CRASH_AT": "after-mail-accepted"]
        )
        #expect(crashed.status == 128 + SIGKILL)
        let afterCrash = try ReceivedMail.all(in: dir.path + "/mail")
        #expect(afterCrash.count == 1)
        // Restarted normally: nothing is lost; the message accepted before the crash comes
        // again with the same Message-ID, the other one once.
        let again = try runBinary(["run", "--once", "--config", config])
        #expect(again.status == 0)
        let mails = try ReceivedMail.all(in: dir.path + "/mail")
        #expect(mails.count == 3)
        let ids = mails.compactMap { $0.headers["message-id"] }
        #expect(Set(ids).count == 2, "\(ids)")
        #expect(ids.filter { $0 == afterCrash[0].headers["message-id"] }.count == 2)
        #expect(try Store(path: dir.path + "/db.sqlite").outboxCounts() == ["email/sent": 2])
        // And never twice in normal operation.
        _ = try runBinary(["run", "--once", "--config", config])
        #expect(try ReceivedMail.all(in: dir.path + "/mail").count == 3)
        withExtendedLifetime(smtp) {}
    }
}
