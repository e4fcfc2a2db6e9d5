import Foundation
import Testing
@testable import WatchlistCore

/// A rename is not news: renaming a feed, an entity or the `customer:` line sends no
/// earlier hit again (`Renames`).
@Suite("Renames", .serialized)
struct RenameTests {
    static let orion = """
        customer: Orion Group
        email: soc@orion.example
        entity: Orion Shipping & Logistics
          alias: Orion Shipping
          domain: orion-shipping.example
        """

    /// A folder with a configuration reading the RSS fixture as feed `feed`, and `watchlist` as orion.watch.
    static func setUp(_ dir: TempDir, smtp: Int, feed: String = "rss", watchlist: String = orion) throws -> String {
        try dir.write("watchlists/orion.watch", watchlist)
        try dir.write(
            "watchlistd.conf",
            """
            watchlists: watchlists
            database: db.sqlite
            feed: file://\(Repo.fixtures.path)/feeds/rss2.xml
              name: \(feed)
            smtp: smtp://127.0.0.1:\(smtp)
              from: watchlistd@test.example
            """
        )
        return dir.path + "/watchlistd.conf"
    }

    /// One run before the rename and one after: the second sends nothing and adds no hit.
    func expectRenameIsNotNews(
        feed: String = "rss",
        after: String = orion,
        renamedFeed: String = "rss",
        check: (Store) throws -> Void
    ) async throws {
        let dir = try TempDir()
        let smtp = try ServerProcess.smtp(storingIn: dir.path + "/mail")
        let config = try Self.setUp(dir, smtp: smtp.port, feed: feed)
        #expect(try await runBinaryOffPool(["run", "--once", "--config", config]).status == 0)
        #expect(try ReceivedMail.all(in: dir.path + "/mail").count == 1)
        _ = try Self.setUp(dir, smtp: smtp.port, feed: renamedFeed, watchlist: after)
        let second = try await runBinaryOffPool(["run", "--once", "--config", config])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stderr.contains("rename") || second.stderr.contains("renamed"), "\(second.stderr)")
        #expect(try ReceivedMail.all(in: dir.path + "/mail").count == 1, "nothing is sent again")
        let store = try Store(path: dir.path + "/db.sqlite")
        #expect(try store.hits().count == 1, "no new hit")
        try check(store)
        withExtendedLifetime(smtp) {}
    }

    @Test func renamingAFeedKeepsItsListings() async throws {
        try await expectRenameIsNotNews(renamedFeed: "forum-rss") { (store: Store) throws in
            #expect(try store.feedStates().map(\.name) == ["forum-rss"])
            #expect(try store.hits().first?.feed == "forum-rss")
        }
    }

    @Test func renamingAnEntityIsNoBackfillStorm() async throws {
        let renamed = Self.orion.replacingOccurrences(
            of: "entity: Orion Shipping & Logistics",
            with: "entity: Orion Shipping and Logistics Ltd"
        )
        try await expectRenameIsNotNews(after: renamed) { (store: Store) throws in
            #expect(try store.hits().map(\.entity) == ["Orion Shipping and Logistics Ltd"])
        }
    }

    @Test func renamingTheCustomerSendsNothingAgain() async throws {
        let renamed = Self.orion.replacingOccurrences(of: "customer: Orion Group", with: "customer: Orion Group plc")
        try await expectRenameIsNotNews(after: renamed) { (store: Store) throws in
            #expect(try store.hits().map(\.customer) == ["Orion Group plc"])
        }
    }

    @Test func anEntityRenamedWithAllItsNamesIsTheOneThatAppeared() throws {
        let dir = try TempDir()
        try dir.write(
            "lists/a.watch",
            "customer: A\nemail: a@a.example\nentity: Acme Corp\nentity: Beta Ltd\n  alias: Beta\n"
        )
        try dir.write("w.conf", "watchlists: lists\ndatabase: db.sqlite\nemail-dir: out\n")
        let before = try Pipeline.build(
            config: try ConfigParser.load(dir.path + "/w.conf"),
            logger: .init(label: "test")
        )
        try before.store.recordKnownNames(Backfill.keys(before.watchlists), at: Date())
        try dir.write(
            "lists/a.watch",
            "customer: A\nemail: a@a.example\nentity: ACME Corporation\nentity: Beta Limited\n  alias: Beta\n"
        )
        let pipeline = try Pipeline.build(
            config: try ConfigParser.load(dir.path + "/w.conf"),
            logger: .init(label: "test"),
            store: before.store
        )
        // Beta keeps a name; Acme is the only other one that went while one came.
        #expect(
            try Renames.apply(pipeline: pipeline).sorted() == [
                "entity \"Acme Corp\" of A is now \"ACME Corporation\"",
                "entity \"Beta Ltd\" of A is now \"Beta Limited\"",
            ]
        )
    }
}
