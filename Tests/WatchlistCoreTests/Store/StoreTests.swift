import Foundation
import GRDB
import Logging
import Testing
@testable import WatchlistCore

@Suite("Store")
struct StoreTests {
    func hit(_ customer: String, _ entity: String, score: Double = 1.0, name: String = "X") -> MatchHit {
        MatchHit(
            customer: customer,
            entity: entity,
            name: name,
            relation: .alias,
            matched: name,
            score: score,
            file: "t.watch",
            line: 3,
            steps: ["exact"],
            foldedName: name,
            foldedMatched: name,
            byteRange: 0..<1
        )
    }

    @Test func migratesFromEmptyInWALMode() async throws {
        let dir = try TempDir()
        let store = try Store(path: dir.path + "/sub/db.sqlite")
        let (mode, tables, applied) = try await store.pool.read { db in
            (
                try String.fetchOne(db, sql: "PRAGMA journal_mode")!,
                try String.fetchAll(
                    db,
                    sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'grdb%' ORDER BY name"
                ),
                try Migrations.migrator.appliedMigrations(db)
            )
        }
        #expect(mode == "wal")
        #expect(
            tables == [
                "config_load", "database_info", "feed", "hit", "item", "outbox", "outbox_recipient", "sent_message",
                "watched_name",
            ]
        )
        #expect(
            applied == [
                "v1-feeds-items-hits-outbox", "v2-sent-messages", "v3-item-matched-last-seen", "v4-watched-names",
                "v5-config-load", "v6-outbox-suppressed", "v7-outbox-recipients", "v8-listing-identity",
                "v9-watched-name-unwatched", "v10-database-id", "v11-hit-field",
            ]
        )
        // Opening again applies nothing new and keeps the data.
        _ = try await store.feedState(name: "f", url: "http://127.0.0.1/")
        let again = try Store(path: dir.path + "/sub/db.sqlite")
        #expect(try await again.feedStates().map(\.name) == ["f"])
    }

    @Test func itemsAreDeduplicatedByGuidThenLinkThenHash() async throws {
        let dir = try TempDir()
        let store = try Store(path: dir.path + "/db.sqlite")
        let feed = try await store.feedState(name: "f", url: "http://127.0.0.1/")
        let now = Date()
        let first = [
            FeedItem(guid: "g1", link: "http://x/1", title: "one"),
            FeedItem(guid: nil, link: "http://x/2", title: "two"),
            FeedItem(guid: nil, link: nil, title: "three", body: "body"),
            FeedItem(guid: "g1", link: "http://x/1", title: "one"),  // repeated in the same document
        ]
        let stored = try await store.storeItems(feed: feed, items: first, at: now)
        #expect(stored.count == 3)
        // Until their matching is recorded, stored items come back for matching (a crash in between loses nothing).
        #expect(try await store.unmatchedItems().map(\.id) == stored.map(\.id))
        #expect(try await store.storeItems(feed: feed, items: first, at: now).count == 3)
        #expect(
            try await store.recordMatches(stored.map { (item: $0.id, hits: []) }, channels: { _ in [] }, at: now) == 0
        )
        #expect(try await store.unmatchedItems().isEmpty)
        // Re-sent, re-ordered, re-dated: nothing new.
        let again = [
            FeedItem(guid: nil, link: nil, title: "three", body: "body"),
            FeedItem(guid: "g1", link: "http://x/other", title: "one", published: Date()),
            FeedItem(guid: nil, link: "http://x/2", title: "two"),
        ]
        #expect(try await store.storeItems(feed: feed, items: again, at: now).isEmpty)
        // A changed title is an update of the same item, returned for matching again.
        let changed = try await store.storeItems(
            feed: feed,
            items: [FeedItem(guid: "g1", title: "one, now naming Gree")],
            at: now
        )
        #expect(changed.count == 1)
        #expect(try await store.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM item") } == 3)
        #expect(try await store.feedStates().first?.itemsSeen == 3)
        // The same GUID in another feed is another item.
        let other = try await store.feedState(name: "g", url: "http://127.0.0.1/g")
        #expect(
            try await store.storeItems(feed: other, items: [FeedItem(guid: "g1", title: "one")], at: now).count == 1
        )
    }

    @Test func hitIsUniquePerItemCustomerEntityWithOutboxInTheSameTransaction() async throws {
        let dir = try TempDir()
        let store = try Store(path: dir.path + "/db.sqlite")
        let feed = try await store.feedState(name: "f", url: "http://127.0.0.1/")
        let item = try await #require(
            try store.storeItems(feed: feed, items: [FeedItem(guid: "1", title: "t")], at: Date()).first
        )
        let both: (MatchHit) -> [ChannelName] = { _ in [.email, .syslog] }
        let inserted = try store.recordHits(
            item: item.id,
            hits: [
                hit("A", "Gree", score: 0.97, name: "格力电器"), hit("A", "Gree", score: 0.99, name: "Gree"),
                hit("B", "Gree"),
            ],
            channels: both,
            at: Date()
        )
        #expect(inserted == 2)
        // Recording again (a crash and retry, or a second match) adds nothing.
        #expect(
            try store.recordHits(item: item.id, hits: [hit("A", "Gree"), hit("B", "Gree")], channels: both, at: Date())
                == 0
        )
        let hits = try store.hits()
        #expect(hits.count == 2)
        #expect(hits.first { $0.customer == "A" }?.name == "Gree")  // the best-scoring name of the entity
        #expect(try await store.outboxCounts() == ["email/pending": 2, "syslog/pending": 2])
    }

    @Test func outboxSentAndRetriedAndParked() async throws {
        let dir = try TempDir()
        let store = try Store(path: dir.path + "/db.sqlite")
        let feed = try await store.feedState(name: "f", url: "http://127.0.0.1/")
        let item = try await #require(
            try store.storeItems(feed: feed, items: [FeedItem(guid: "1", title: "t")], at: Date()).first
        )
        try store.recordHits(
            item: item.id,
            hits: [hit("A", "E1"), hit("A", "E2"), hit("A", "E3")],
            channels: { _ in [.email] },
            at: Date()
        )
        let due = try await store.dueOutbox(channel: .email, at: Date())
        #expect(due.count == 3)
        try await store.markSent([due[0].id], at: Date())
        try await store.markFailed([due[1].id], error: "451 try later", retryAt: Date().addingTimeInterval(60))
        try await store.markFailed([due[2].id], error: "550 no such user", retryAt: nil)
        #expect(try await store.dueOutbox(channel: .email, at: Date()).isEmpty)
        #expect(try await store.dueOutbox(channel: .email, at: Date().addingTimeInterval(61)).map(\.id) == [due[1].id])
        #expect(try await store.outboxCounts() == ["email/sent": 1, "email/pending": 1, "email/failed": 1])
    }

    @Test func hitsFilterByCustomerAndSince() async throws {
        let dir = try TempDir()
        let store = try Store(path: dir.path + "/db.sqlite")
        let feed = try await store.feedState(name: "f", url: "http://127.0.0.1/")
        let items = try await store.storeItems(
            feed: feed,
            items: [FeedItem(guid: "1", title: "a"), FeedItem(guid: "2", title: "b")],
            at: Date()
        )
        let old = Date().addingTimeInterval(-10 * 86400)
        try store.recordHits(item: items[0].id, hits: [hit("Acme", "E")], channels: { _ in [] }, at: old)
        try store.recordHits(
            item: items[1].id,
            hits: [hit("Acme", "E"), hit("Other", "E")],
            channels: { _ in [] },
            at: Date()
        )
        #expect(try store.hits().count == 3)
        #expect(try store.hits(customer: "acme").count == 2)
        #expect(try store.hits(customer: "Acme", since: Date().addingTimeInterval(-86400)).count == 1)
        #expect(try store.hits().first?.itemKey == "2")  // newest first
    }

    @Test func retentionPrunesOnlyOldItemsNoLongerInTheirFeedAndNothingPending() async throws {
        let dir = try TempDir()
        let store = try Store(path: dir.path + "/db.sqlite")
        let feed = try await store.feedState(name: "f", url: "http://127.0.0.1/")
        let day: TimeInterval = 86400
        let longAgo = Date().addingTimeInterval(-400 * day)
        let body = String(repeating: "leaked rows ", count: 400)  // enough pages for VACUUM to matter
        // 400 days ago the feed held items 0..<300; hits on 0 (alert sent), 1 (alert pending) and 2 (no channel).
        let old = try await store.storeItems(
            feed: feed,
            items: (0..<300).map { FeedItem(guid: "\($0)", title: "old \($0)", body: body) },
            at: longAgo
        )
        _ = try await store.recordMatches(
            old.map { item in
                (item: item.id, hits: item.item.guid == "0" || item.item.guid == "1" ? [hit("A", "E")] : [])
            },
            channels: { _ in [.email] },
            at: longAgo
        )
        let due = try await store.dueOutbox(channel: .email, at: Date())
        try await store.markSent([due.first { $0.hit.itemKey == "0" }!.id], at: longAgo)
        // Today the feed holds items 299 (still there, seen 400 days ago first) and 300 (new, not yet matched).
        _ = try await store.storeItems(
            feed: feed,
            items: [
                FeedItem(guid: "299", title: "old 299", body: body),
                FeedItem(guid: "300", title: "new"),
            ],
            at: Date()
        )
        let sizeBefore = store.fileSize()

        let report = try await store.prune(before: Date().addingTimeInterval(-365 * day))
        let left = try await store.pool.read { try String.fetchAll($0, sql: "SELECT guid FROM item ORDER BY id") }
        #expect(left == ["1", "299", "300"])  // pending alert kept; still in the feed; new
        #expect(report.items == 298)
        #expect(report.hits == 1)
        #expect(report.vacuumed)
        #expect(store.fileSize() < sizeBefore / 2, "\(store.fileSize()) vs \(sizeBefore)")
        #expect(try await store.outboxCounts() == ["email/pending": 1])
        #expect(try await store.feedStates().first?.itemsSeen == 3)
        let check = try await store.pool.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") }
        #expect(check == "ok")
        // Nothing old enough is left: a second pass removes nothing and does not vacuum again.
        #expect(try await store.prune(before: Date().addingTimeInterval(-365 * day)) == Store.PruneReport())
    }

    /// `status` and STATUS= count hits in SQL (`hitCount`), not by loading every hit.
    @Test func hitsAreCountedBySQLite() async throws {
        let dir = try TempDir()
        let store = try Store(path: dir.path + "/db.sqlite")
        let feed = try await store.feedState(name: "f", url: "http://127.0.0.1/")
        let items = try await store.storeItems(
            feed: feed,
            items: (1...3).map { FeedItem(guid: "\($0)", title: "t\($0)") },
            at: Date()
        )
        let yesterday = Date().addingTimeInterval(-86400)
        try store.recordHits(item: items[0].id, hits: [hit("A", "X")], channels: { _ in [] }, at: yesterday)
        try store.recordHits(
            item: items[1].id,
            hits: [hit("A", "X"), hit("B", "Y")],
            channels: { _ in [] },
            at: Date()
        )
        #expect(try await store.hitCount() == 3)
        #expect(try await store.hitCount(since: Date().addingTimeInterval(-3600)) == 2)
        #expect(try await store.hitCount(since: Date().addingTimeInterval(60)) == 0)
    }

    /// What a receiver accepted is recorded even when the task delivering it is cancelled
    /// (SIGTERM during a send): a row left pending would be sent twice.
    @Test func aDeliveryIsRecordedEvenWhenItsTaskIsCancelled() async throws {
        let dir = try TempDir()
        let store = try Store(path: dir.path + "/db.sqlite")
        let feed = try await store.feedState(name: "f", url: "http://127.0.0.1/")
        let item = try #require(
            try await store.storeItems(feed: feed, items: [FeedItem(guid: "1", title: "t")], at: Date()).first
        )
        try store.recordHits(
            item: item.id,
            hits: [hit("A", "X"), hit("B", "Y")],
            channels: { _ in [.email] },
            at: Date()
        )
        let due = try await store.dueOutbox(channel: .email, at: Date())
        #expect(due.count == 2)
        let context = DeliveryContext(store: store, now: Date(), holdBack: true, logger: Logger(label: "test"))
        let delivery = Task {
            // cancelled after the receiver answered, before the outcome is recorded
            withUnsafeCurrentTask { $0?.cancel() }
            try await context.record(.delivered(), for: [due[0].id])
            try await context.record(.retry("421 try later", at: Date().addingTimeInterval(60)), for: [due[1].id])
        }
        try await delivery.value
        #expect(try await store.outboxCounts() == ["email/sent": 1, "email/pending": 1])
        #expect(try await store.dueOutbox(channel: .email, at: Date().addingTimeInterval(120)).map(\.attempts) == [1])
    }
}
