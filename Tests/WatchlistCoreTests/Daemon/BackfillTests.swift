import Foundation
import Logging
import Testing
@testable import WatchlistCore

@Suite("Backfill")
struct BackfillTests {
    @Test func addedNamesAreMatchedAgainstRecentListingsAndAlertedOnce() async throws {
        let dir = try TempDir()
        try dir.write("lists/acme.watch", "customer: Acme\nemail: soc@acme.example\nentity: Orion Shipping\n")
        try dir.write("w.conf", "watchlists: lists\ndatabase: db.sqlite\nemail-dir: out\nbackfill: 30d\n")
        let config = try ConfigParser.load(dir.path + "/w.conf")
        let pipeline = try Pipeline.build(config: config, logger: Logger(label: "test"))
        let store = pipeline.store
        #expect(try Backfill.catchUp(pipeline: pipeline) == 0, "a first start: the names are the baseline")
        let feed = try await store.feedState(name: "f", url: "http://127.0.0.1/")
        let now = Date()
        // Listings stored days ago: one names Orion (already watched), two name Kestrel.
        let recent = try await store.storeItems(
            feed: feed,
            items: [
                FeedItem(guid: "1", title: "Orion Shipping and Kestrel Bank dumps"),
                FeedItem(guid: "2", title: "Kestrel Bank wire logs"),
            ],
            at: now.addingTimeInterval(-3 * 86400)
        )
        let old = try await store.storeItems(
            feed: feed,
            items: [FeedItem(guid: "3", title: "Kestrel Bank 2019 archive")],
            at: now.addingTimeInterval(-40 * 86400)
        )
        #expect(recent.count == 2 && old.count == 1)
        for item in recent + old {
            try store.recordHits(
                item: item.id,
                hits: pipeline.matcher.match(item.item.matchText, threshold: 0.8),
                channels: pipeline.channels(for:),
                at: now.addingTimeInterval(-3 * 86400)
            )
        }
        #expect(try store.hits().map(\.entity) == ["Orion Shipping"])

        // The analyst adds Kestrel Bank today.
        try dir.write(
            "lists/acme.watch",
            "customer: Acme\nemail: soc@acme.example\nentity: Orion Shipping\nentity: Kestrel Bank\n  alias: 凯斯特银行\n"
        )
        let state = DaemonState(pipeline: pipeline, configPath: dir.path + "/w.conf")
        #expect(state.reload())
        let hits = try store.hits()
        #expect(hits.filter { $0.entity == "Kestrel Bank" }.count == 2, "both recent listings, not the 40-day-old one")
        #expect(hits.filter { $0.entity == "Orion Shipping" }.count == 1, "nothing already known is recorded again")
        #expect(try await store.outboxCounts()["email/pending"] == 3)

        // Reloading without a change adds nothing; the alerts go out once.
        #expect(state.reload())
        #expect(try store.hits().count == 3)
        let report = try await state.current.dispatcher.dispatch(holdBack: false)
        #expect(report[.email].hits == 3)
        #expect(try await state.current.dispatcher.dispatch(holdBack: false)[.email].hits == 0)
    }

    @Test func namesAddedWhileTheDaemonWasDownAreBackfilledAtStartAndOnlyOnce() async throws {
        let dir = try TempDir()
        try dir.write("lists/acme.watch", "customer: Acme\nemail: soc@acme.example\nentity: Orion Shipping\n")
        try dir.write("w.conf", "watchlists: lists\ndatabase: db.sqlite\nemail-dir: out\n")
        let first = try Pipeline.build(
            config: try ConfigParser.load(dir.path + "/w.conf"),
            logger: Logger(label: "test")
        )
        try Backfill.catchUp(pipeline: first)
        let feed = try await first.store.feedState(name: "f", url: "http://127.0.0.1/")
        let items = try await first.store.storeItems(
            feed: feed,
            items: [FeedItem(guid: "1", title: "Kestrel Bank wire logs")],
            at: Date().addingTimeInterval(-86400)
        )
        _ = try await first.store.recordMatches(
            items.map { (item: $0.id, hits: first.matcher.match($0.item.matchText, threshold: 0.8)) },
            channels: first.channels(for:),
            at: Date()
        )
        #expect(try first.store.hits().isEmpty)

        // Stopped; the analyst adds Kestrel Bank to the file; started again.
        try dir.write(
            "lists/acme.watch",
            "customer: Acme\nemail: soc@acme.example\nentity: Orion Shipping\nentity: Kestrel Bank\n"
        )
        let second = try Pipeline.build(
            config: try ConfigParser.load(dir.path + "/w.conf"),
            logger: Logger(label: "test")
        )
        // A start that dies after recording the hits but before recording the names owes the
        // backfill again: running it again adds no hit twice.
        #expect(
            try Backfill.run(
                Backfill.unknown(in: second.watchlists, known: second.store.knownNames()),
                pipeline: second
            ) == 1
        )
        #expect(try Backfill.catchUp(pipeline: second) == 0)
        #expect(try second.store.hits().map(\.entity) == ["Kestrel Bank"])
        #expect(try await second.store.outboxCounts() == ["email/pending": 1])
        #expect(try Backfill.catchUp(pipeline: second) == 0, "nothing is owed twice")
        #expect(try second.store.knownNames().count == 2)
    }

    @Test func owedNamesAreTheNewNamesOnly() throws {
        let before = try watchlist("customer: A\nentity: X Corp\n  alias: X\nentity: Y Corp\n")
        let after = try watchlist(
            "customer: A\nentity: X Corp\n  alias: X\n  jv: X-Z Partners\nentity: Y Corp\nentity: Z Corp\n  exclude: Zed\n"
        )
        let changed = Backfill.unknown(in: [after], known: Set(Backfill.keys([before])))
        #expect(changed.count == 1)
        #expect(changed[0].entities.map(\.name) == ["X Corp", "Z Corp"])
        #expect(changed[0].entities[0].names.map(\.value) == ["X-Z Partners"])
        #expect(changed[0].entities[1].excludes.map(\.value) == ["Zed"])
    }

    @Test func runOnceBackfillsNamesAddedSinceTheLastRun() throws {
        let dir = try TempDir()
        try FileManager.default.createDirectory(atPath: dir.path + "/lists", withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: Repo.fixtures.path + "/watchlists/orion.watch",
            toPath: dir.path + "/lists/orion.watch"
        )
        try dir.write(
            "w.conf",
            """
            watchlists: lists
            database: db.sqlite
            email-dir: out
            feed: file://\(Repo.fixtures.path)/feeds/rss2.xml
              name: rss
            """
        )
        let config = dir.path + "/w.conf"
        #expect(try runBinary(["run", "--once", "--config", config]).status == 0)
        let mails = {
            (try? FileManager.default.contentsOfDirectory(atPath: dir.path + "/out"))?.filter { $0.hasSuffix(".eml") }
                ?? []
        }
        #expect(mails().count == 1, "Orion only")
        // Kestrel's watchlist is added between two cron runs; the feed has not changed.
        try FileManager.default.copyItem(
            atPath: Repo.fixtures.path + "/watchlists/kestrel.watch",
            toPath: dir.path + "/lists/kestrel.watch"
        )
        let second = try runBinary(["run", "--once", "--config", config])
        #expect(second.status == 0)
        #expect(second.stderr.contains("backfill done"), "\(second.stderr)")
        #expect(mails().count == 2, "one new message, for Kestrel")
        let hits = try runBinary(["hits", "--config", config, "--json"]).stdout
        #expect(hits.contains("\"customer\":\"Kestrel Bank\""), "\(hits)")
        #expect(try runBinary(["run", "--once", "--config", config]).status == 0)
        #expect(mails().count == 2, "owed once, paid once")
    }
}

/// A watchlist file taken away (renamed to `.off`) and brought back: what arrived while it
/// was away is alerted when it returns, once.
@Suite("Backfill after a file comes back", .serialized)
struct ReturningNamesTests {
    static func rss(_ titles: [String]) -> String {
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title>"
            + titles.enumerated().map {
                "<item><guid>g\($0.offset)</guid><title>\($0.element)</title><link>http://leaks.example/\($0.offset)</link></item>"
            }.joined()
            + "</channel></rss>"
    }

    @Test func aListingThatArrivedWhileTheFileWasOffIsAlertedWhenItComesBack() async throws {
        let dir = try TempDir()
        try dir.write("lists/orion.watch", "customer: Orion Group\nemail: soc@orion.example\nentity: Orion Shipping\n")
        try dir.write(
            "lists/kestrel.watch",
            "customer: Kestrel Bank\nemail: cti@kestrel.example\nentity: Kestrel Bank\n"
        )
        try dir.write("feeds/leaks.xml", Self.rss(["Orion Shipping customer DB"]))
        let http = try ServerProcess.http(serving: dir.path + "/feeds")
        let smtp = try ServerProcess.smtp(storingIn: dir.path + "/mail")
        try dir.write(
            "w.conf",
            """
            watchlists: lists
            database: db.sqlite
            feed: http://127.0.0.1:\(http.port)/leaks.xml
              name: leaks
            smtp: smtp://127.0.0.1:\(smtp.port)
              from: watchlistd@test.example
            """
        )
        let config = dir.path + "/w.conf"
        #expect(try await runBinaryOffPool(["run", "--once", "--config", config]).status == 0)
        #expect(try ReceivedMail.all(in: dir.path + "/mail").count == 1)

        // The analyst parks Orion's file; meanwhile a new Orion listing is posted.
        try FileManager.default.moveItem(
            atPath: dir.path + "/lists/orion.watch",
            toPath: dir.path + "/lists/orion.watch.off"
        )
        try dir.write("feeds/leaks.xml", Self.rss(["Orion Shipping customer DB", "Orion Shipping payroll 2026"]))
        #expect(try await runBinaryOffPool(["run", "--once", "--config", config]).status == 0)
        #expect(try ReceivedMail.all(in: dir.path + "/mail").count == 1, "not watched: not alerted")

        // The file comes back: the listing that came while it was away is alerted, once.
        try FileManager.default.moveItem(
            atPath: dir.path + "/lists/orion.watch.off",
            toPath: dir.path + "/lists/orion.watch"
        )
        let back = try await runBinaryOffPool(["run", "--once", "--config", config])
        #expect(back.status == 0, "\(back.stderr)")
        let mails = try ReceivedMail.all(in: dir.path + "/mail")
        #expect(mails.count == 2)
        #expect(mails.last?.body.contains("Orion Shipping payroll 2026") == true)
        #expect(mails.last?.headers["subject"]?.contains("1 new hit") == true)
        #expect(try await runBinaryOffPool(["run", "--once", "--config", config]).status == 0)
        #expect(try ReceivedMail.all(in: dir.path + "/mail").count == 2, "owed once")
        withExtendedLifetime((http, smtp)) {}
    }
}
