import Foundation
import GRDB
import Logging
import Testing
@testable import WatchlistCore

/// The webhook channel against a real HTTP receiver on 127.0.0.1
/// (Tests/Support/webhook_receiver.py), which verifies the signature with the secret the
/// way a receiver would (Python's hmac), records every body and answers what it is told.
@Suite("Webhook", .serialized)
struct WebhookTests {
    /// A configuration polling rss2.xml (two hits: Orion Group, Kestrel Bank) with
    /// `webhook` as its block (nil: none), over `watchlists` (default: the fixtures').
    static func config(_ dir: TempDir, webhook: String?, watchlists: String? = nil) throws -> String {
        var text = """
            watchlists: \(watchlists ?? Repo.fixtures.path + "/watchlists")
            database: db.sqlite
            feed: file://\(Repo.fixtures.path)/feeds/rss2.xml
              name: rss

            """
        if let webhook { text += webhook + "\n" }
        try dir.write("w.conf", text)
        return dir.path + "/w.conf"
    }

    static func outbox(_ dir: TempDir) throws -> [String: Int] {
        try Store(path: dir.path + "/db.sqlite").outboxCounts()
    }

    @Test func theSignatureIsHMACSHA256OfTheBody() {
        // RFC 4231-style known answer (the HMAC-SHA256 example everyone quotes).
        #expect(
            WebhookChannel.signature("The quick brown fox jumps over the lazy dog", secret: "key")
                == "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
        )
    }

    @Test func hitsArePostedPerCustomerInSignedDocumentsTheReceiverVerifies() throws {
        let dir = try TempDir()
        try dir.write("hook.key", "s3cret-key\n")
        let receiver = try ServerProcess.webhook(storingIn: dir.path + "/posts", secret: dir.path + "/hook.key")
        let config = try Self.config(
            dir,
            webhook: """
                metrics-file: metrics.prom
                webhook: http://127.0.0.1:\(receiver.port)/hooks/watchlistd
                  secret-file: hook.key
                  allow-internal: yes
                """
        )
        let run = try runBinary(["run", "--once", "--config", config])
        #expect(run.status == 0, "\(run.stderr)")
        let metrics = try String(contentsOfFile: dir.path + "/metrics.prom", encoding: .utf8)
        #expect(
            metrics.contains("watchlistd_alert_deliveries_total{channel=\"webhook\",result=\"sent\"} 2\n"),
            "\(metrics)"
        )
        #expect(metrics.contains("watchlistd_outbox{channel=\"webhook\",state=\"sent\"} 2\n"), "\(metrics)")
        let posts = try ReceivedPost.all(in: dir.path + "/posts")
        // One POST per customer and dispatch, each with that customer's hits only.
        #expect(
            posts.map { $0.hits.compactMap { $0["customer"] as? String } }.sorted { $0.first ?? "" < $1.first ?? "" }
                == [["Kestrel Bank"], ["Orion Group"]]
        )
        for post in posts {
            #expect(post.signature == true)
            #expect(post.path == "/hooks/watchlistd")
            #expect(post.contentType == "application/json")
        }
        let hit = try #require(posts.flatMap(\.hits).first { $0["customer"] as? String == "Kestrel Bank" })
        for key in [
            "item", "feed", "customer", "entity", "name", "relation", "matched", "score", "field", "title", "link",
            "seen",
            "explanation", "id",
        ] {
            #expect(hit[key] != nil, "missing \(key) in \(hit)")
        }
        #expect(hit["entity"] as? String == "Kestrel Bank")
        #expect(hit["feed"] as? String == "rss")
        // Each hit carries `hits --json`'s keys with the same values (docs/interfaces.md).
        let lines = try runBinary(["hits", "--config", config, "--json"]).stdout.split(separator: "\n")
        let listed = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(listed.count == 2)
        for expected in listed {
            let posted = try #require(
                posts.flatMap(\.hits).first { $0["customer"] as? String == expected["customer"] as? String }
            )
            for (key, value) in expected {
                #expect(
                    (posted[key] as? NSObject)?.isEqual(value) == true || (value is NSNull && posted[key] is NSNull),
                    "\(key): hits --json has \(value), the webhook \(posted[key] ?? "nothing")"
                )
            }
        }
        #expect(try Self.outbox(dir)["webhook/sent"] == 2)
        withExtendedLifetime(receiver) {}
    }

    @Test func aWrongSecretIsRefusedByTheReceiverAndKept() throws {
        let dir = try TempDir()
        try dir.write("hook.key", "s3cret-key\n")
        try dir.write("other.key", "not-the-key\n")
        let receiver = try ServerProcess.webhook(storingIn: dir.path + "/posts", secret: dir.path + "/hook.key")
        let config = try Self.config(
            dir,
            webhook: """
                webhook: http://127.0.0.1:\(receiver.port)/hook
                  secret-file: other.key
                  allow-internal: yes
                """
        )
        let run = try runBinary(["run", "--once", "--config", config])
        #expect(run.status == 75, "every delivery failed: \(run.stderr)")
        #expect(try ReceivedPost.all(in: dir.path + "/posts").map(\.signature) == [false, false])
        #expect(try Self.outbox(dir)["webhook/failed"] == 2)
        withExtendedLifetime(receiver) {}
    }

    @Test func serverErrorIsRetriedWithBackoffThenDelivered() async throws {
        let dir = try TempDir()
        // one POST per customer
        let receiver = try ServerProcess.webhook(storingIn: dir.path + "/posts", answers: [500, 500])
        let config = try Self.config(
            dir,
            webhook: "webhook: http://127.0.0.1:\(receiver.port)/hook\n  allow-internal: yes"
        )
        let pipeline = try Pipeline.build(config: try ConfigParser.load(config), logger: Logger(label: "test"))
        let first = try await pipeline.runCycle(all: true)
        #expect(first.dispatch[.webhook].messages == 0)
        #expect(
            first.dispatch[.webhook].failures.first?.contains(
                "HTTP status 500: receiver refuses: 500 — will be retried"
            ) == true,
            "\(first.dispatch[.webhook].failures)"
        )
        #expect(try await pipeline.store.outboxCounts()["webhook/pending"] == 2)
        let early = try await pipeline.dispatcher.dispatch(now: Date().addingTimeInterval(30))
        #expect(early[.webhook].messages == 0, "not due yet: backoff")
        let later = try await pipeline.dispatcher.dispatch(now: Date().addingTimeInterval(61))
        #expect(later[.webhook].messages == 2)
        #expect(later[.webhook].hits == 2)
        #expect(try await pipeline.store.outboxCounts() == ["webhook/sent": 2])
        // The retry carries the same document: the same hits with the same ids.
        let posts = try ReceivedPost.all(in: dir.path + "/posts")
        #expect(posts.map(\.status) == [500, 500, 200, 200])
        #expect(posts.count == 4 && posts[0].body == posts[2].body && posts[1].body == posts[3].body)
        withExtendedLifetime(receiver) {}
    }

    @Test func tooManyRequestsWaitsForRetryAfter() async throws {
        let dir = try TempDir()
        let receiver = try ServerProcess.webhook(storingIn: dir.path + "/posts", answers: [429, 429], retryAfter: 600)
        let config = try Self.config(
            dir,
            webhook: "webhook: http://127.0.0.1:\(receiver.port)/hook\n  allow-internal: yes"
        )
        let pipeline = try Pipeline.build(config: try ConfigParser.load(config), logger: Logger(label: "test"))
        _ = try await pipeline.runCycle(all: true)
        #expect(
            try await pipeline.dispatcher.dispatch(now: Date().addingTimeInterval(120))[.webhook].messages == 0,
            "the backoff (60 s) is shorter than the receiver's Retry-After (600 s)"
        )
        #expect(try await pipeline.dispatcher.dispatch(now: Date().addingTimeInterval(601))[.webhook].hits == 2)
        #expect(try ReceivedPost.all(in: dir.path + "/posts").map(\.status) == [429, 429, 200, 200])
        withExtendedLifetime(receiver) {}
    }

    @Test func aClientErrorIsParkedWithTheReasonShownByAlerts() throws {
        let dir = try TempDir()
        let receiver = try ServerProcess.webhook(storingIn: dir.path + "/posts", answers: [400, 400])
        let config = try Self.config(
            dir,
            webhook: "webhook: http://127.0.0.1:\(receiver.port)/hook\n  allow-internal: yes"
        )
        let run = try runBinary(["run", "--once", "--config", config])
        #expect(run.status == 75, "\(run.stderr)")
        let alerts = try runBinary(["alerts", "--config", config])
        #expect(alerts.stdout.contains("webhook: pending 0, sent 0, failed 2"), "\(alerts.stdout)")
        #expect(alerts.stdout.contains("failed webhook Kestrel Bank"), "\(alerts.stdout)")
        #expect(
            alerts.stdout.contains(
                "last error: webhook http://127.0.0.1:\(receiver.port)/hook (\(config):5): HTTP status 400: receiver refuses: 400 — refused; parked"
            ),
            "\(alerts.stdout)"
        )
        // Parked: a second run sends nothing; after a requeue it goes (the receiver now accepts).
        #expect(try runBinary(["run", "--once", "--config", config]).status == 0)
        #expect(try ReceivedPost.all(in: dir.path + "/posts").count == 2)
        #expect(try runBinary(["alerts", "--config", config, "--requeue"]).status == 0)
        #expect(try runBinary(["run", "--once", "--config", config]).status == 0)
        #expect(try ReceivedPost.all(in: dir.path + "/posts").map(\.status) == [400, 400, 200, 200])
        #expect(try Self.outbox(dir) == ["webhook/sent": 2])
        withExtendedLifetime(receiver) {}
    }

    @Test func aWatchFilesWebhookGetsOnlyThatCustomersHits() throws {
        let dir = try TempDir()
        let receiver = try ServerProcess.webhook(storingIn: dir.path + "/posts")
        try FileManager.default.createDirectory(atPath: dir.path + "/lists", withIntermediateDirectories: true)
        for name in ["kestrel", "lumen", "orion"] {
            var text = try String(contentsOfFile: Repo.fixtures.path + "/watchlists/\(name).watch", encoding: .utf8)
            if name == "kestrel" {
                text += "\nwebhook: http://127.0.0.1:\(receiver.port)/kestrel\n  allow-internal: yes\n"
            }
            try dir.write("lists/\(name).watch", text)
        }
        // Only Kestrel's own webhook: Orion's hit is queued on no webhook at all.
        let config = try Self.config(dir, webhook: nil, watchlists: dir.path + "/lists")
        #expect(try runBinary(["run", "--once", "--config", config]).status == 0)
        var posts = try ReceivedPost.all(in: dir.path + "/posts")
        #expect(posts.map(\.path) == ["/kestrel"])
        #expect(posts.flatMap(\.hits).compactMap { $0["customer"] as? String } == ["Kestrel Bank"])
        #expect(try Self.outbox(dir) == ["webhook/sent": 1])

        // With the configuration's webhook too: it gets every customer's, Kestrel's still only Kestrel's.
        let both = try TempDir()
        let shared = try Self.config(
            both,
            webhook: "webhook: http://127.0.0.1:\(receiver.port)/all\n  allow-internal: yes",
            watchlists: dir.path + "/lists"
        )
        #expect(try runBinary(["run", "--once", "--config", shared]).status == 0)
        posts = Array(try ReceivedPost.all(in: dir.path + "/posts").dropFirst())
        let byPath = Dictionary(grouping: posts, by: \.path).mapValues {
            Set($0.flatMap(\.hits).compactMap { $0["customer"] as? String })
        }
        #expect(byPath == ["/all": ["Kestrel Bank", "Orion Group"], "/kestrel": ["Kestrel Bank"]], "\(byPath)")
        #expect(try Self.outbox(both) == ["webhook/sent": 2])
        withExtendedLifetime(receiver) {}
    }

    @Test func theSSRFGuardRefusesAnInternalReceiverUnlessAllowed() throws {
        let dir = try TempDir()
        let receiver = try ServerProcess.webhook(storingIn: dir.path + "/posts")
        // A webhook URL naming an internal address is guarded (unlike a feed's): 127.0.0.1 here
        // stands for 169.254.169.254, which a test must not reach.
        let config = try Self.config(dir, webhook: "webhook: http://127.0.0.1:\(receiver.port)/hook")
        #expect(try runBinary(["run", "--once", "--config", config]).status == 75)
        #expect(try ReceivedPost.all(in: dir.path + "/posts").isEmpty, "nothing reached the receiver")
        let alerts = try runBinary(["alerts", "--config", config])
        #expect(alerts.stdout.contains("refused to connect to internal address 127.0.0.1"), "\(alerts.stdout)")
        #expect(alerts.stdout.contains("set `allow-internal: yes` in the `webhook:` block"), "\(alerts.stdout)")
        #expect(try Self.outbox(dir)["webhook/failed"] == 2)
        withExtendedLifetime(receiver) {}
    }

    @Test func testAlertPostsAMarkedDocument() throws {
        let dir = try TempDir()
        try dir.write("hook.key", "k\n")
        let receiver = try ServerProcess.webhook(storingIn: dir.path + "/posts", secret: dir.path + "/hook.key")
        let config = try Self.config(
            dir,
            webhook: "webhook: http://127.0.0.1:\(receiver.port)/hook\n  secret-file: hook.key\n  allow-internal: yes"
        )
        let result = try runBinary(["test-alert", "--config", config, "--customer", "Kestrel Bank"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(
            result.stdout.contains("webhook: ok — accepted by http://127.0.0.1:\(receiver.port)/hook"),
            "\(result.stdout)"
        )
        let post = try #require(try ReceivedPost.all(in: dir.path + "/posts").first)
        #expect(post.signature == true)
        let document = try JSONSerialization.jsonObject(with: post.body) as? [String: Any]
        #expect(document?["test"] as? Bool == true)
        withExtendedLifetime(receiver) {}
    }

    @Test func theBlockIsCheckedWhereverItIs() throws {
        do {
            _ = try ConfigParser.parse(
                Data(
                    """
                    watchlists: lists
                    database: d
                    webhook: https://hooks.example/all
                      secret-file: missing.key
                    webhook: ftp://hooks.example/
                    """.utf8
                ),
                file: "/etc/watchlistd/w.conf"
            )
            Issue.record("a broken webhook block was accepted")
        } catch let error as ConfigurationError {
            #expect(
                error.description == """
                    /etc/watchlistd/w.conf:4: `secret-file:` /etc/watchlistd/missing.key must be readable and hold the signing key on its first line
                    /etc/watchlistd/w.conf:5: webhook URL `ftp://hooks.example/` must start with https:// (or http:// for a receiver on this network)
                    /etc/watchlistd/w.conf:5: `webhook:` given twice (first at line 3); a customer's own webhook goes in its .watch file
                    """
            )
        }
        let (list, problems) = WatchlistParser.parse(
            Data(
                """
                customer: A
                webhook: http://hooks.example/a
                  grouping: hit
                  timeout: 5s
                entity: Alpha Corp
                """.utf8
            ),
            file: "a.watch"
        )
        #expect(
            problems.map(\.description) == [
                "a.watch:2: warning: webhook URL `http://hooks.example/a` is plain http: hits cross the network unencrypted; use https://"
            ]
        )
        #expect(list?.webhook?.grouping == .hit)
        #expect(list?.webhook?.timeout == 5)
        #expect(list?.webhook?.transfer.allowInternal == false)
        #expect(list?.entities.map(\.name) == ["Alpha Corp"])
        #expect(WebhookConfig(url: "https://user:pa@ss@hooks.example/a@b").shownURL == "https://***@hooks.example/a@b")
        #expect(WebhookConfig(url: "https://hooks.example/a@b").shownURL == "https://hooks.example/a@b")
    }
}
