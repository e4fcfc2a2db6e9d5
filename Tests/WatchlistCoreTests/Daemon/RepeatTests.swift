import Foundation
import Testing
@testable import WatchlistCore

/// A listing is news once per customer: not again when its feed mints a new GUID on every
/// fetch, nor when a second feed carries it (`ListingIdentity`).
@Suite("Repeated listings", .serialized)
struct RepeatTests {
    /// An RSS document with one item per (guid, title, link).
    static func rss(_ items: [(guid: String, title: String, link: String)]) -> String {
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title>"
            + items.map {
                "<item><guid isPermaLink=\"false\">\($0.guid)</guid><title>\($0.title)</title><link>\($0.link)</link></item>"
            }.joined()
            + "</channel></rss>"
    }

    /// A configuration with the fixture watchlists, feeds `names` from the HTTP server and SMTP.
    static func config(_ dir: TempDir, http: Int, smtp: Int, feeds names: [String]) throws -> String {
        try dir.write(
            "watchlistd.conf",
            """
            watchlists: \(Repo.fixtures.path)/watchlists
            database: db.sqlite
            smtp: smtp://127.0.0.1:\(smtp)
              from: watchlistd@test.example

            """ + names.map { "feed: http://127.0.0.1:\(http)/\($0).xml\n  name: \($0)\n" }.joined()
        )
        return dir.path + "/watchlistd.conf"
    }

    @Test func aFeedChangingEveryGUIDAlertsTheListingOnce() async throws {
        let dir = try TempDir()
        try dir.write(
            "feeds/leaks.xml",
            Self.rss([
                ("fetch-1-a", "Orion Shipping customer DB", "http://leaks.example/t/1"),
                ("fetch-1-b", "Kestrel Bank dump", "http://leaks.example/t/2"),
            ])
        )
        let http = try ServerProcess.http(serving: dir.path + "/feeds")
        let smtp = try ServerProcess.smtp(storingIn: dir.path + "/mail")
        let config = try Self.config(dir, http: http.port, smtp: smtp.port, feeds: ["leaks"])
        #expect(try await runBinaryOffPool(["run", "--once", "--config", config]).status == 0)
        #expect(try ReceivedMail.all(in: dir.path + "/mail").count == 2)

        // The next fetch: every GUID is new, the listings are not (the title's case and
        // spacing and the link's scheme, tracking parameter and slash differ).
        try dir.write(
            "feeds/leaks.xml",
            Self.rss([
                ("fetch-2-a", "orion shipping  Customer DB", "https://leaks.example/t/1/?utm_source=rss"),
                ("fetch-2-b", "Kestrel Bank dump", "http://leaks.example/t/2"),
                ("fetch-2-c", "Orion Shipping customer DB, part 2", "http://leaks.example/t/3"),
            ])
        )
        let second = try await runBinaryOffPool(["run", "--once", "--config", config])
        #expect(second.status == 0, "\(second.stderr)")
        let mails = try ReceivedMail.all(in: dir.path + "/mail")
        #expect(mails.count == 3, "only the new listing (part 2) is alerted")
        #expect(mails.last?.body.contains("part 2") == true)
        #expect(mails.last?.headers["subject"]?.contains("1 new hit") == true)
        // The repeats are stored (the listing was seen again), not alerted.
        let store = try Store(path: dir.path + "/db.sqlite")
        #expect(try store.hits().count == 5)
        #expect(try await store.outboxCounts() == ["email/sent": 3])
        withExtendedLifetime((http, smtp)) {}
    }

    @Test func theSameListingInTwoFeedsAlertsOnce() async throws {
        let dir = try TempDir()
        try dir.write(
            "feeds/one.xml",
            Self.rss([("one-17", "Selling Orion Shipping customer DB", "http://forum.example/t/17")])
        )
        try dir.write(
            "feeds/two.xml",
            Self.rss([("mirror-9", "Selling Orion Shipping customer DB", "http://www.forum.example/t/17#post")])
        )
        let http = try ServerProcess.http(serving: dir.path + "/feeds")
        let smtp = try ServerProcess.smtp(storingIn: dir.path + "/mail")
        let config = try Self.config(dir, http: http.port, smtp: smtp.port, feeds: ["one", "two"])
        #expect(try await runBinaryOffPool(["run", "--once", "--config", config]).status == 0)
        let mails = try ReceivedMail.all(in: dir.path + "/mail")
        #expect(mails.count == 1)
        #expect(mails.first?.headers["subject"]?.contains("1 new hit") == true, "\(mails.map(\.headers))")
        #expect(try Store(path: dir.path + "/db.sqlite").hits().count == 2)
        withExtendedLifetime((http, smtp)) {}
    }

    @Test(arguments: [
        (
            "Orion  SHIPPING dump", "https://www.Leaks.example:443/t/1/?utm_medium=x#top",
            "orion shipping dump\nleaks.example/t/1"
        ),
        ("ＯＲＩＯＮ dump", "http://leaks.example/t?id=4&fbclid=z", "orion dump\nleaks.example/t?id=4"),
        ("no link", "", "no link\n"),
    ])
    func normalisation(_ title: String, _ link: String, _ key: String) {
        #expect(ListingIdentity.key(title: title, link: link.isEmpty ? nil : link) == key)
    }
}
