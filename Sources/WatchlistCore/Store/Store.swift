import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#endif

/// An item that is stored and needs matching (new, or its text changed).
public struct StoredItem: Sendable {
    public var id: Int64
    public var feed: String
    public var item: FeedItem
}

/// A feed's fetch state, as kept between cycles.
public struct FeedState: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var url: String
    public var etag: String?
    public var lastModified: String?
    public var lastSuccess: Date?
    public var lastError: String?
    public var lastErrorAt: Date?
    public var errorCount: Int
    public var nextDue: Date?
    public var itemsSeen: Int
    /// Set when the stored next-due date could not be used (unreadable, or further ahead
    /// than any delay the daemon sets): the feed is then due now. Says what was stored.
    public var nextDueProblem: String? = nil
}

/// A hit as stored, with its listing's details, for `hits` and for alerts.
public struct StoredHit: Sendable, Equatable {
    public var id: Int64
    public var itemKey: String
    public var feed: String
    public var customer: String
    public var entity: String
    public var name: String
    public var relation: String
    public var matched: String
    public var score: Double
    public var title: String
    public var link: String?
    public var seen: Date
    public var watchFile: String
    public var watchLine: Int
    /// `title` or `body`: where the matched text stands in the listing.
    public var field: String = "title"
    /// Where the match stands in the listing's body, when it is not in the title: up to
    /// 80 characters either side of the matched text.
    public var excerpt: String? = nil
}

/// An outbox row: one hit to deliver on one channel.
public struct OutboxEntry: Sendable, Equatable {
    public var id: Int64
    public var channel: ChannelName
    public var attempts: Int
    public var hit: StoredHit
    /// After a partial delivery, the recipients still owed and due (sorted); empty: the
    /// customer's recipients and the bcc.
    public var owed: [String] = []
}

/// One recipient's result of a delivery.
public struct RecipientResult: Sendable, Equatable {
    public var address: String
    /// nil when the server accepted the message for this recipient.
    public var error: String?
    public var permanent = false

    public init(address: String, error: String? = nil, permanent: Bool = false) {
        (self.address, self.error, self.permanent) = (address, error, permanent)
    }
}

/// Which outbox rows `alerts --requeue` selects (as `postsuper -r`): by id, customer
/// and state; every criterion given must hold.
public struct AlertSelection: Sendable {
    public var ids: [Int64] = []
    public var customer: String?
    /// failed (the default), pending, suppressed.
    public var states: [OutboxState] = [.failed]

    public init(ids: [Int64] = [], customer: String? = nil, states: [OutboxState] = [.failed]) {
        (self.ids, self.customer, self.states) = (ids, customer, states)
    }
}

/// The name an alert channel is known by in the outbox (`outbox.channel`), the metrics,
/// `alerts`, `status` and `test-alert`. Each channel declares its own (`ChannelName.email`
/// beside `EmailChannel`); the store only keeps it.
public struct ChannelName: RawRepresentable, Hashable, Comparable, Sendable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { rawValue = value }
    public var description: String { rawValue }
    public static func < (a: ChannelName, b: ChannelName) -> Bool { a.rawValue < b.rawValue }
}

/// The state of an outbox row (and of a recipient a row still owes after a partial
/// delivery), stored as its raw string. `suppressed` is never stored: it is how a row
/// `run --once --no-send` recorded as sent (`outbox.suppressed`) is shown and selected.
public enum OutboxState: String, Sendable, CaseIterable, Comparable {
    case pending, sent, failed, suppressed

    public static func < (a: OutboxState, b: OutboxState) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// SQLite through GRDB: feeds and their fetch state, items, hits, and the alert outbox.
/// WAL mode (a `DatabasePool`), migrations append-only (see `Migrations.swift`).
public final class Store: Sendable {
    let pool: DatabasePool
    public let path: String
    /// A random id made when the database was created (`v10-database-id`): mixed into
    /// Message-IDs, so a rebuilt database never reuses one for different content.
    public let databaseID: String
    /// Problems found on opening that do not stop it (a zero-byte file), for the log.
    public let warnings: [String]

    /// Opens (creating if needed) the database and applies every pending migration.
    /// Refuses a database a newer watchlistd has migrated (unknown migrations or a higher
    /// `user_version`): its schema is not this version's to touch.
    public init(path: String) throws {
        self.path = path
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        var warnings: [String] = []
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber, size.intValue == 0
        {
            warnings.append(
                "database \(path) is an empty file (0 bytes): a new database is made in it. If it held hits before, "
                    + "stop watchlistd and restore it from a backup (a failed copy or a full disk leaves such a file)"
            )
        }
        self.warnings = warnings
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            let migrator = Migrations.migrator
            let known = migrator.migrations.count
            let complete = try pool.read { db in
                let unknown = try migrator.appliedIdentifiers(db).subtracting(migrator.migrations).sorted()
                let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
                if !unknown.isEmpty || version > known {
                    throw StoreError.Newer(unknownMigrations: unknown, userVersion: version, known: known)
                }
                return try migrator.hasCompletedMigrations(db)
            }
            // Nothing to migrate: no write at all (`status` works on a full disk).
            if !complete { try migrator.migrate(pool) }
            if try pool.read({ db in try Int.fetchOne(db, sql: "PRAGMA user_version") }) != known {
                try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA user_version = \(known)") }
            }
            databaseID =
                try pool.read { db in try String.fetchOne(db, sql: "SELECT value FROM database_info WHERE key = 'id'") }
                ?? ""
        } catch {
            throw StoreError(path: path, underlying: error)
        }
    }

    /// The start-up checks of `run`: `PRAGMA quick_check` (a damaged file is refused with
    /// how to restore it), and a write transaction begun and rolled back (a database
    /// another process keeps locked is reported with that process, not found hours later).
    public func checkForRun(lockWait: TimeInterval = 3) throws {
        do {
            let problems = try pool.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check(5)") }
            if problems != ["ok"] { throw StoreError.Damaged(report: problems.joined(separator: "; ")) }
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA busy_timeout = \(Int(lockWait * 1000))")
                defer { try? db.execute(sql: "PRAGMA busy_timeout = 10000") }
                try db.execute(sql: "BEGIN IMMEDIATE")
                try db.execute(sql: "ROLLBACK")
            }
        } catch {
            throw StoreError(path: path, underlying: error)
        }
    }

    /// Why the daemon could not open or create the database at `path`, or nil when it can:
    /// the file (if it exists) opens for writing, and its folder (or, when the folder does
    /// not exist yet, the nearest existing parent) takes a new file, since SQLite creates
    /// the -wal and -shm files beside it. Changes nothing: the probe file is removed.
    public static func writeProblem(path: String) -> String? {
        var folder = (path as NSString).deletingLastPathComponent
        if folder.isEmpty { folder = "." }
        if FileManager.default.fileExists(atPath: path) {
            let fd = open(path, O_RDWR | O_CLOEXEC)
            if fd < 0 { return "cannot open \(path) for writing (\(String(cString: strerror(errno))))" }
            close(fd)
        }
        var existing = folder
        while !FileManager.default.fileExists(atPath: existing) {
            let parent = (existing as NSString).deletingLastPathComponent
            if parent.isEmpty || parent == existing { break }
            existing = parent
        }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: existing, isDirectory: &isFolder), isFolder.boolValue else {
            return "\(existing) is not a folder"
        }
        let probe = existing + "/.watchlistd-check-\(getpid())"
        let fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd < 0 {
            let reason = String(cString: strerror(errno))
            return existing == folder
                ? "cannot create files in \(folder) (\(reason)); SQLite needs the database, -wal and -shm files there"
                : "\(folder) does not exist and cannot be created in \(existing) (\(reason))"
        }
        close(fd)
        unlink(probe)
        return nil
    }

    /// The SQLite library in use (sqlite_version(), run in a memory database).
    public static var sqliteVersion: String {
        (try? DatabaseQueue().read { try String.fetchOne($0, sql: "SELECT sqlite_version()") } ?? nil) ?? "unknown"
    }

    // MARK: Feeds

    /// The stored state of a configured feed, creating its row on first sight.
    public func feedState(name: String, url: String) async throws -> FeedState {
        try await write { db in try Self.feedState(db, name: name, url: url) }
    }

    static func feedState(_ db: Database, name: String, url: String) throws -> FeedState {
        try db.execute(
            sql: """
                INSERT INTO feed (name, url) VALUES (?, ?)
                ON CONFLICT(name) DO UPDATE SET url = excluded.url
                """,
            arguments: [name, url]
        )
        let row = try Row.fetchOne(db, sql: "SELECT * FROM feed WHERE name = ?", arguments: [name])!
        return Self.feedState(row)
    }

    public func feedStates() throws -> [FeedState] {
        try read(Self.feedStates)
    }

    public func feedStates() async throws -> [FeedState] {
        try await read(Self.feedStates)
    }

    static func feedStates(_ db: Database) throws -> [FeedState] {
        try Row.fetchAll(db, sql: "SELECT * FROM feed ORDER BY name").map(Self.feedState)
    }

    /// The furthest ahead a next-due date can legitimately be: the longest interval
    /// (`interval:` at most 7d, plus jitter) or server-requested delay (24 h). A stored date
    /// beyond it (an older version honoured any Retry-After) is not trusted.
    static let longestDelay: TimeInterval = 8 * 86400

    static func feedState(_ row: Row) -> FeedState {
        var state = FeedState(
            id: row["id"],
            name: row["name"],
            url: row["url"],
            etag: row["etag"],
            lastModified: row["last_modified"],
            lastSuccess: date(row, "last_success_at"),
            lastError: row["last_error"],
            lastErrorAt: date(row, "last_error_at"),
            errorCount: row["error_count"],
            nextDue: date(row, "next_due_at"),
            itemsSeen: row["items_seen"]
        )
        let stored: DatabaseValue = row["next_due_at"]
        if !stored.isNull, state.nextDue == nil {
            state.nextDueProblem = "stored next-due value \(stored.description.prefix(40)) cannot be read as a date"
        } else if let due = state.nextDue, due.timeIntervalSinceNow > longestDelay {
            state.nextDueProblem =
                "stored next-due date \(stored.description.prefix(40)) is further ahead than any delay watchlistd sets"
            state.nextDue = nil
        }
        return state
    }

    /// A date column read without trusting it: nil when the stored value is not a date
    /// GRDB can read (reading it as `Date` directly would stop the process).
    static func date(_ row: Row, _ column: String) -> Date? {
        Date.fromDatabaseValue(row[column] as DatabaseValue)
    }

    public func recordFetchSuccess(
        feed: Int64,
        etag: String?,
        lastModified: String?,
        at now: Date,
        nextDue: Date
    ) async throws {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE feed SET etag = ?, last_modified = ?, last_success_at = ?, error_count = 0,
                           next_due_at = ? WHERE id = ?
                    """,
                arguments: [etag, lastModified, now, nextDue, feed]
            )
        }
    }

    public func recordFetchError(feed: Int64, message: String, at now: Date, nextDue: Date) async throws {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE feed SET last_error = ?, last_error_at = ?, error_count = error_count + 1, next_due_at = ?
                    WHERE id = ?
                    """,
                arguments: [message, now, nextDue, feed]
            )
        }
    }

    // MARK: Items

    /// Stores a fetch's items in one transaction. Returns those that need matching: new
    /// ones, known ones whose title or body changed (updated in place, never duplicated),
    /// and known ones a crash left unmatched. Every item in the document is marked seen
    /// now, and so is the feed's content (retention never prunes what a feed still holds).
    public func storeItems(feed: FeedState, items: [FeedItem], at now: Date) async throws -> [StoredItem] {
        try await write { db in try Self.storeItems(db, feed: feed, items: items, at: now) }
    }

    static func storeItems(_ db: Database, feed: FeedState, items: [FeedItem], at now: Date) throws -> [StoredItem] {
        var result: [StoredItem] = []
        var seenKeys = Set<String>()
        // Statements compiled once per transaction, the time encoded once (GRDB formats
        // a Date with a DateFormatter on every bind): a 1,000-feed cycle spent a third
        // of its time there.
        let stamp = now.databaseValue
        let find = try db.cachedStatement(
            sql: "SELECT id, title, body, matched FROM item WHERE feed_id = ? AND key = ?"
        )
        let update = try db.cachedStatement(
            sql:
                "UPDATE item SET title = ?, body = ?, updated_at = ?, last_seen_at = ?, matched = 0, content_key = ? WHERE id = ?"
        )
        let touch = try db.cachedStatement(sql: "UPDATE item SET last_seen_at = ? WHERE id = ?")
        let insert = try db.cachedStatement(
            sql: """
                INSERT INTO item (feed_id, key, guid, link, title, body, published_at, first_seen_at, updated_at, last_seen_at, matched, content_key)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)
                """
        )
        for item in items {
            let key = item.dedupKey
            guard seenKeys.insert(key).inserted else { continue }  // a feed repeating an item in one document
            if let row = try Row.fetchOne(find, arguments: [feed.id, key]) {
                let id: Int64 = row["id"]
                if row["title"] != item.title || row["body"] != item.body {
                    try update.execute(arguments: [
                        item.title, item.body, stamp, stamp, ListingIdentity.key(title: item.title, link: item.link),
                        id,
                    ])
                    result.append(StoredItem(id: id, feed: feed.name, item: item))
                } else {
                    try touch.execute(arguments: [stamp, id])
                    if row["matched"] == false { result.append(StoredItem(id: id, feed: feed.name, item: item)) }
                }
                continue
            }
            try insert.execute(arguments: [
                feed.id, key, item.guid, item.link, item.title, item.body,
                item.published?.databaseValue, stamp, stamp, stamp,
                ListingIdentity.key(title: item.title, link: item.link),
            ])
            result.append(StoredItem(id: db.lastInsertedRowID, feed: feed.name, item: item))
        }
        try db.execute(
            sql: """
                UPDATE feed SET items_seen = (SELECT COUNT(*) FROM item WHERE feed_id = ?), last_content_at = ? WHERE id = ?
                """,
            arguments: [feed.id, stamp, feed.id]
        )
        return result
    }

    /// Items stored but not yet matched: what a crash between storing and matching left.
    public func unmatchedItems() async throws -> [StoredItem] {
        try await read { db in try Self.unmatchedItems(db) }
    }

    static func unmatchedItems(_ db: Database) throws -> [StoredItem] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT item.id, feed.name AS feed_name, item.guid, item.link, item.title, item.body, item.published_at
                FROM item JOIN feed ON feed.id = item.feed_id WHERE item.matched = 0 ORDER BY item.id
                """
        ).map(Self.storedItem)
    }

    static func storedItem(_ row: Row) -> StoredItem {
        StoredItem(
            id: row["id"],
            feed: row["feed_name"],
            item: FeedItem(
                guid: row["guid"],
                link: row["link"],
                title: row["title"],
                body: row["body"],
                published: date(row, "published_at")
            )
        )
    }

    /// Items first seen since `since`, for backfill.
    public func items(since: Date) throws -> [StoredItem] {
        try pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT item.id, feed.name AS feed_name, item.guid, item.link, item.title, item.body, item.published_at
                    FROM item JOIN feed ON feed.id = item.feed_id WHERE item.first_seen_at >= ? ORDER BY item.id
                    """,
                arguments: [since]
            ).map(Self.storedItem)
        }
    }

    // MARK: Hits and outbox

    /// Records the hits of one item and, in the same transaction, one outbox row per new
    /// hit and channel. A hit is unique per (item, customer, entity): the best-scoring
    /// hit of each entity is kept, and one already recorded is left alone. With
    /// `repeatsSince`, a hit on a listing another item already brought to the customer
    /// since then (same `ListingIdentity`) is stored as a repeat, without an alert.
    /// Returns the number of new hits that are not repeats.
    @discardableResult
    public func recordHits(
        item: Int64,
        hits: [MatchHit],
        channels: (MatchHit) -> [ChannelName],
        at now: Date,
        repeatsSince: Date? = nil
    ) throws -> Int {
        try write { db in
            try Self.insertHits(db, item: item, hits: hits, channels: channels, at: now, repeatsSince: repeatsSince)
        }
    }

    /// Records the matching of a batch of items in one transaction: their hits and outbox
    /// rows, and each item marked matched (so a crash before this commits leaves the items
    /// unmatched, and the next cycle matches them again). Returns the number of new hits.
    public func recordMatches(
        _ results: [(item: Int64, hits: [MatchHit])],
        channels: @Sendable (MatchHit) -> [ChannelName],
        at now: Date,
        repeatsSince: Date? = nil
    ) async throws -> Int {
        try await write { db in
            try Self.recordMatches(db, results: results, channels: channels, at: now, repeatsSince: repeatsSince)
        }
    }

    static func recordMatches(
        _ db: Database,
        results: [(item: Int64, hits: [MatchHit])],
        channels: (MatchHit) -> [ChannelName],
        at now: Date,
        repeatsSince: Date?
    ) throws -> Int {
        var inserted = 0
        let matched = try db.cachedStatement(sql: "UPDATE item SET matched = 1 WHERE id = ?")
        for result in results {
            if !result.hits.isEmpty {
                inserted += try Self.insertHits(
                    db,
                    item: result.item,
                    hits: result.hits,
                    channels: channels,
                    at: now,
                    repeatsSince: repeatsSince
                )
            }
            try matched.execute(arguments: [result.item])
        }
        return inserted
    }

    static func insertHits(
        _ db: Database,
        item: Int64,
        hits: [MatchHit],
        channels: (MatchHit) -> [ChannelName],
        at now: Date,
        repeatsSince: Date? = nil
    ) throws -> Int {
        var best: [String: MatchHit] = [:]
        for hit in hits {
            let key = hit.customer + "\u{0}" + hit.entity
            if let current = best[key], current.score >= hit.score { continue }
            best[key] = hit
        }
        let ordered = best.values.sorted { ($0.customer, $0.entity) < ($1.customer, $1.entity) }
        var inserted = 0
        let stamp = now.databaseValue
        let insertHit = try db.cachedStatement(
            sql: """
                INSERT INTO hit (item_id, customer, entity, name, relation, matched, score, watch_file, watch_line, seen_at, repeat_of,
                                 field)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(item_id, customer, entity) DO NOTHING
                """
        )
        // The same listing (another item with the same content key) already brought to
        // this customer within the window: the earliest such hit.
        let earlier = try db.cachedStatement(
            sql: """
                SELECT hit.id FROM item AS this JOIN item AS other ON other.content_key = this.content_key AND other.id != this.id
                JOIN hit ON hit.item_id = other.id
                WHERE this.id = ? AND hit.customer = ? AND hit.seen_at >= ? ORDER BY hit.id LIMIT 1
                """
        )
        let insertOutbox = try db.cachedStatement(
            sql: "INSERT INTO outbox (hit_id, channel, state, next_attempt_at) VALUES (?, ?, 'pending', ?)"
        )
        for hit in ordered {
            let repeated = try repeatsSince.flatMap {
                try Int64.fetchOne(earlier, arguments: [item, hit.customer, $0])
            }
            try insertHit.execute(arguments: [
                item, hit.customer, hit.entity, hit.name, hit.relation.rawValue, hit.matched,
                hit.score, hit.file, hit.line, stamp, repeated, hit.field.rawValue,
            ])
            guard db.changesCount > 0, repeated == nil else { continue }
            inserted += 1
            let hitID = db.lastInsertedRowID
            for channel in channels(hit) {
                try insertOutbox.execute(arguments: [hitID, channel.rawValue, stamp])
            }
        }
        return inserted
    }

    static let hitColumns = """
        hit.id AS hit_id, item.key AS item_key, feed.name AS feed_name, hit.customer, hit.entity, hit.name,
        hit.relation, hit.matched, hit.score, item.title, item.body, item.link, hit.seen_at, hit.watch_file, hit.watch_line,
        hit.field
        """

    static func storedHit(_ row: Row) -> StoredHit {
        let key: String = row["item_key"]
        let itemID = key.split(separator: ":", maxSplits: 1).last.map(String.init) ?? key
        var hit = StoredHit(
            id: row["hit_id"],
            itemKey: itemID,
            feed: row["feed_name"],
            customer: row["customer"],
            entity: row["entity"],
            name: row["name"],
            relation: row["relation"],
            matched: row["matched"],
            score: row["score"],
            title: row["title"],
            link: row["link"],
            seen: date(row, "seen_at") ?? .distantPast,
            watchFile: row["watch_file"],
            watchLine: row["watch_line"],
            field: row["field"]
        )
        let body: String = row["body"]
        if hit.field == "body" || !hit.title.contains(hit.matched), let range = body.range(of: hit.matched) {
            let from = body.index(range.lowerBound, offsetBy: -80, limitedBy: body.startIndex) ?? body.startIndex
            let to = body.index(range.upperBound, offsetBy: 80, limitedBy: body.endIndex) ?? body.endIndex
            hit.excerpt =
                (from > body.startIndex ? "…" : "") + String(body[from..<to]) + (to < body.endIndex ? "…" : "")
        }
        return hit
    }

    /// Stored hits, newest first, optionally for one customer and since a time.
    public func hits(customer: String? = nil, since: Date? = nil, limit: Int? = nil) throws -> [StoredHit] {
        try pool.read { db in
            var sql = """
                SELECT \(Self.hitColumns) FROM hit
                JOIN item ON item.id = hit.item_id JOIN feed ON feed.id = item.feed_id WHERE 1
                """
            var arguments: StatementArguments = []
            if let customer {
                sql += " AND hit.customer = ? COLLATE NOCASE"
                arguments += [customer]
            }
            if let since {
                sql += " AND hit.seen_at >= ?"
                arguments += [since]
            }
            sql += " ORDER BY hit.seen_at DESC, hit.id DESC"
            if let limit {
                sql += " LIMIT ?"
                arguments += [limit]
            }
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.storedHit)
        }
    }

    /// How many hits are stored (since `since`, when given): counted by SQLite, not loaded.
    public func hitCount(since: Date? = nil) throws -> Int {
        try read { db in try Self.hitCount(db, since: since) }
    }

    public func hitCount(since: Date? = nil) async throws -> Int {
        try await read { db in try Self.hitCount(db, since: since) }
    }

    static func hitCount(_ db: Database, since: Date?) throws -> Int {
        guard let since else { return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM hit") ?? 0 }
        return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM hit WHERE seen_at >= ?", arguments: [since]) ?? 0
    }

    /// Outbox rows of `channel` that are due, oldest first.
    public func dueOutbox(channel: ChannelName, at now: Date) async throws -> [OutboxEntry] {
        try await read { db in try Self.dueOutbox(db, channel: channel, at: now) }
    }

    static func dueOutbox(_ db: Database, channel: ChannelName, at now: Date) throws -> [OutboxEntry] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT outbox.id AS outbox_id, outbox.channel, outbox.attempts, \(Self.hitColumns) FROM outbox
                JOIN hit ON hit.id = outbox.hit_id JOIN item ON item.id = hit.item_id JOIN feed ON feed.id = item.feed_id
                WHERE outbox.channel = ? AND outbox.state = 'pending' AND outbox.next_attempt_at <= ?
                ORDER BY outbox.id
                """,
            arguments: [channel.rawValue, now]
        ).map { row in
            var entry = OutboxEntry(
                id: row["outbox_id"],
                channel: ChannelName(rawValue: row["channel"]),
                attempts: row["attempts"],
                hit: Self.storedHit(row)
            )
            entry.owed = try String.fetchAll(
                db,
                sql: """
                    SELECT address FROM outbox_recipient WHERE outbox_id = ? AND state = 'pending' ORDER BY address
                    """,
                arguments: [entry.id]
            )
            return entry
        }
    }

    /// Records what one message did for each recipient of its envelope, for the rows it
    /// carried. Accepted recipients are no longer owed. A row with nothing owed is sent.
    /// When no recipient accepted and the rows owed nobody in particular, they stay
    /// whole (retried at `retryAt` unless every refusal was permanent, else parked), so a
    /// fixed `email:` line takes effect. Otherwise each refused recipient is owed:
    /// pending (retried) for a transient refusal, failed (parked until requeued) for a
    /// permanent one; the row is pending while one is pending, else failed.
    public func recordDelivery(
        _ ids: [Int64],
        results: [RecipientResult],
        retryAt: Date,
        at now: Date,
        messageID: String? = nil,
        customer: String? = nil
    ) async throws {
        let accepted = results.filter { $0.error == nil }
        let refused = results.filter { $0.error != nil }
        if refused.isEmpty { return try await markSent(ids, at: now, messageID: messageID, customer: customer) }
        var reasons: [String] = []  // each names its recipients; several sharing one reason say it once
        for case let reason? in refused.map(\.error) where !reasons.contains(reason) { reasons.append(reason) }
        let summary = reasons.joined(separator: "; ")
        try await writeToEnd { db in
            if !accepted.isEmpty, let messageID, let customer {
                try db.execute(
                    sql: "INSERT INTO sent_message (customer, message_id, hits, sent_at) VALUES (?, ?, ?, ?)",
                    arguments: [customer, messageID, ids.count, now]
                )
            }
            for id in ids {
                let owedBefore =
                    try Int.fetchOne(
                        db,
                        sql: "SELECT COUNT(*) FROM outbox_recipient WHERE outbox_id = ?",
                        arguments: [id]
                    ) ?? 0
                if accepted.isEmpty && owedBefore == 0 {
                    let parked = refused.allSatisfy(\.permanent)
                    try db.execute(
                        sql: """
                            UPDATE outbox SET attempts = attempts + 1, last_error = ?, state = ?, next_attempt_at = ? WHERE id = ?
                            """,
                        arguments: [summary, (parked ? OutboxState.failed : .pending).rawValue, retryAt, id]
                    )
                    continue
                }
                for result in accepted {
                    try db.execute(
                        sql: "DELETE FROM outbox_recipient WHERE outbox_id = ? AND address = ?",
                        arguments: [id, result.address]
                    )
                }
                for result in refused {
                    try db.execute(
                        sql: """
                            INSERT INTO outbox_recipient (outbox_id, address, state, last_error) VALUES (?, ?, ?, ?)
                            ON CONFLICT(outbox_id, address) DO UPDATE SET state = excluded.state, last_error = excluded.last_error
                            """,
                        arguments: [
                            id, result.address, (result.permanent ? OutboxState.failed : .pending).rawValue,
                            result.error,
                        ]
                    )
                }
                let pending =
                    try Int.fetchOne(
                        db,
                        sql: "SELECT COUNT(*) FROM outbox_recipient WHERE outbox_id = ? AND state = 'pending'",
                        arguments: [id]
                    ) ?? 0
                try db.execute(
                    sql: """
                        UPDATE outbox SET attempts = attempts + 1, last_error = ?, state = ?, next_attempt_at = ?,
                               sent_at = CASE WHEN ? THEN ? ELSE sent_at END WHERE id = ?
                        """,
                    arguments: [
                        summary, (pending > 0 ? OutboxState.pending : .failed).rawValue, retryAt, !accepted.isEmpty,
                        now, id,
                    ]
                )
            }
        }
    }

    /// Queues the selected rows again, due now with their backoff reset, as `postsuper -r`
    /// does; a row parked after a partial delivery is sent again only to the recipients
    /// that refused it. Suppressed rows are requeued only when asked for by state. Returns
    /// the rows requeued, as `alerts` shows them.
    @discardableResult
    public func requeue(_ selection: AlertSelection, at now: Date) throws -> [OutboxStatus] {
        let selected = try outbox(states: selection.states).filter { row in
            (selection.ids.isEmpty || selection.ids.contains(row.id))
                && (selection.customer.map { row.hit.customer.lowercased() == $0.lowercased() } ?? true)
        }
        guard !selected.isEmpty else { return [] }
        try write { db in
            for row in selected {
                try db.execute(
                    sql: """
                        UPDATE outbox SET state = 'pending', suppressed = 0, attempts = 0, next_attempt_at = ?, sent_at = NULL WHERE id = ?
                        """,
                    arguments: [now, row.id]
                )
                try db.execute(
                    sql: "UPDATE outbox_recipient SET state = 'pending' WHERE outbox_id = ?",
                    arguments: [row.id]
                )
            }
        }
        return selected
    }

    /// Marks rows delivered: called only after the server accepted them. With a
    /// Message-ID, the message is recorded too (for the hourly cap).
    public func markSent(_ ids: [Int64], at now: Date, messageID: String? = nil, customer: String? = nil) async throws {
        try await writeToEnd { db in try Self.markSent(db, ids: ids, at: now, messageID: messageID, customer: customer)
        }
    }

    static func markSent(_ db: Database, ids: [Int64], at now: Date, messageID: String?, customer: String?) throws {
        if let messageID, let customer {
            try db.execute(
                sql: "INSERT INTO sent_message (customer, message_id, hits, sent_at) VALUES (?, ?, ?, ?)",
                arguments: [customer, messageID, ids.count, now]
            )
        }
        for id in ids {
            try db.execute(
                sql:
                    "UPDATE outbox SET state = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?",
                arguments: [now, id]
            )
            try db.execute(sql: "DELETE FROM outbox_recipient WHERE outbox_id = ?", arguments: [id])
        }
    }

    /// The newest outbox row's id (0 when empty): what `suppress(after:)` starts from.
    public func lastOutboxID() throws -> Int64 {
        try pool.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM outbox") ?? 0 }
    }

    /// Marks the pending rows queued after row `id` as suppressed (`run --once --no-send`):
    /// recorded as sent, never delivered, never sent later. Returns how many.
    @discardableResult
    public func suppress(after id: Int64, at now: Date) throws -> Int {
        try write { db in
            try db.execute(
                sql: """
                    UPDATE outbox SET state = 'sent', suppressed = 1, sent_at = ?, last_error = NULL
                    WHERE id > ? AND state = 'pending'
                    """,
                arguments: [now, id]
            )
            return db.changesCount
        }
    }

    /// How many alert messages `customer` was sent since `since`.
    public func messagesSent(customer: String, since: Date) async throws -> Int {
        try await read { db in try Self.messagesSent(db, customer: customer, since: since) }
    }

    static func messagesSent(_ db: Database, customer: String, since: Date) throws -> Int {
        try Int.fetchOne(
            db,
            sql: "SELECT COUNT(*) FROM sent_message WHERE customer = ? AND sent_at >= ?",
            arguments: [customer, since]
        ) ?? 0
    }

    /// Records a failed delivery: retried at `retryAt`, or parked as failed when nil.
    public func markFailed(_ ids: [Int64], error: String, retryAt: Date?) async throws {
        try await writeToEnd { db in try Self.markFailed(db, ids: ids, error: error, retryAt: retryAt) }
    }

    static func markFailed(_ db: Database, ids: [Int64], error: String, retryAt: Date?) throws {
        for id in ids {
            try db.execute(
                sql: """
                    UPDATE outbox SET attempts = attempts + 1, last_error = ?,
                           state = CASE WHEN ? IS NULL THEN 'failed' ELSE 'pending' END,
                           next_attempt_at = COALESCE(?, next_attempt_at) WHERE id = ?
                    """,
                arguments: [error, retryAt, retryAt, id]
            )
        }
    }

    /// An outbox row as `watchlistd alerts` shows it.
    public struct OutboxStatus: Sendable {
        public var id: Int64
        public var channel: ChannelName
        public var state: OutboxState
        public var attempts: Int
        public var lastError: String?
        public var nextAttempt: Date
        public var sentAt: Date?
        public var hit: StoredHit
        /// Recipients still owed after a partial delivery, with their state and reason.
        public var owed: [(address: String, state: OutboxState, error: String?)] = []
    }

    /// Outbox rows in `states`, oldest first.
    public func outbox(states: [OutboxState]) throws -> [OutboxStatus] {
        try pool.read { db in
            let marks = states.map { _ in "?" }.joined(separator: ", ")
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT outbox.id AS outbox_id, outbox.channel, \(Self.shownState) AS state, outbox.attempts, outbox.last_error, outbox.next_attempt_at, outbox.sent_at,
                           \(Self.hitColumns) FROM outbox
                    JOIN hit ON hit.id = outbox.hit_id JOIN item ON item.id = hit.item_id JOIN feed ON feed.id = item.feed_id
                    WHERE \(Self.shownState) IN (\(marks)) ORDER BY outbox.id
                    """,
                arguments: StatementArguments(states.map(\.rawValue))
            ).map { row in
                var status = OutboxStatus(
                    id: row["outbox_id"],
                    channel: ChannelName(rawValue: row["channel"]),
                    state: OutboxState(rawValue: row["state"]) ?? .pending,
                    attempts: row["attempts"],
                    lastError: row["last_error"],
                    nextAttempt: Self.date(row, "next_attempt_at") ?? .distantPast,
                    sentAt: Self.date(row, "sent_at"),
                    hit: Self.storedHit(row)
                )
                status.owed = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT address, state, last_error FROM outbox_recipient WHERE outbox_id = ? ORDER BY address
                        """,
                    arguments: [status.id]
                ).map { ($0["address"], OutboxState(rawValue: $0["state"]) ?? .pending, $0["last_error"]) }
                return status
            }
        }
    }

    /// The state `alerts` and `status` show: a suppressed row (`run --no-send`) is stored
    /// as sent but shown as `suppressed`.
    static let shownState = "CASE WHEN outbox.suppressed THEN 'suppressed' ELSE outbox.state END"

    /// Outbox counts per channel and state (pending, sent, failed, suppressed), for `status` and the tests.
    public func outboxCounts() throws -> [String: Int] {
        try read { db in try Self.outboxCounts(db) }
    }

    public func outboxCounts() async throws -> [String: Int] {
        try await read { db in try Self.outboxCounts(db) }
    }

    static func outboxCounts(_ db: Database) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try Row.fetchAll(
            db,
            sql: "SELECT channel, \(Self.shownState) AS state, COUNT(*) AS n FROM outbox GROUP BY 1, 2"
        ) {
            counts["\(row["channel"] as String)/\(row["state"] as String)"] = row["n"]
        }
        return counts
    }

    // MARK: Renames (a rename is not news; see `Renames`)

    /// Configured feeds whose name the store does not know take over the stored feed with
    /// the same URL whose name is no longer configured: its items (and their hits) stay
    /// its own. Returns the renames.
    @discardableResult
    public func adoptRenamedFeeds(_ configured: [(name: String, url: String)]) throws -> [(from: String, to: String)] {
        let renames = Self.renames(stored: try read(Self.storedFeeds), configured: configured)
        if !renames.isEmpty { try write { db in try Self.rename(db, feeds: renames) } }
        return renames
    }

    @discardableResult
    public func adoptRenamedFeeds(
        _ configured: [(name: String, url: String)]
    ) async throws -> [(from: String, to: String)] {
        let renames = Self.renames(stored: try await read(Self.storedFeeds), configured: configured)
        if !renames.isEmpty { try await write { db in try Self.rename(db, feeds: renames) } }
        return renames
    }

    static func storedFeeds(_ db: Database) throws -> [(name: String, url: String)] {
        try Row.fetchAll(db, sql: "SELECT name, url FROM feed").map { ($0["name"] as String, $0["url"] as String) }
    }

    static func renames(
        stored: [(name: String, url: String)],
        configured: [(name: String, url: String)]
    ) -> [(from: String, to: String)] {
        let names = Set(configured.map(\.name))
        let storedNames = Set(stored.map(\.name))
        var orphans = stored.filter { !names.contains($0.name) }
        var renames: [(from: String, to: String)] = []
        for feed in configured where !storedNames.contains(feed.name) {
            guard let index = orphans.firstIndex(where: { $0.url == feed.url }) else { continue }
            renames.append((orphans[index].name, feed.name))
            orphans.remove(at: index)
        }
        return renames
    }

    static func rename(_ db: Database, feeds renames: [(from: String, to: String)]) throws {
        for rename in renames {
            try db.execute(sql: "UPDATE feed SET name = ? WHERE name = ?", arguments: [rename.to, rename.from])
        }
    }

    /// The customers hits were recorded for, with the watchlist file they came from.
    public func hitCustomerFiles() throws -> [(customer: String, file: String)] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT DISTINCT customer, watch_file FROM hit").map {
                ($0["customer"], $0["watch_file"])
            }
        }
    }

    /// Per customer, the entities whose names the store has backfilled and still watches,
    /// with their values.
    public func knownEntities() throws -> [String: [String: Set<String>]] {
        try pool.read { db in
            var entities: [String: [String: Set<String>]] = [:]
            for row in try Row.fetchAll(
                db,
                sql: "SELECT customer, entity, value FROM watched_name WHERE unwatched_at IS NULL"
            ) {
                entities[row["customer"], default: [:]][row["entity"], default: []].insert(row["value"])
            }
            return entities
        }
    }

    /// Renames a customer (`customer` given) or one customer's entity everywhere the
    /// store keeps it: hits, backfilled names, and sent messages (the hourly cap). A row
    /// that would collide with one already under the new name is left as it was.
    public func rename(customer from: String, to: String) throws {
        try write { db in
            for table in ["hit", "watched_name", "sent_message"] {
                try db.execute(
                    sql: "UPDATE OR IGNORE \(table) SET customer = ? WHERE customer = ?",
                    arguments: [to, from]
                )
            }
        }
    }

    public func rename(entity from: String, to: String, customer: String) throws {
        try write { db in
            for table in ["hit", "watched_name"] {
                try db.execute(
                    sql: "UPDATE OR IGNORE \(table) SET entity = ? WHERE customer = ? AND entity = ?",
                    arguments: [to, customer, from]
                )
            }
        }
    }

    // MARK: Watched names (backfill bookkeeping)

    /// A watched name as `watched_name` keys it.
    public struct NameKey: Hashable, Sendable {
        public var customer, entity, relation, value: String
        public init(customer: String, entity: String, relation: String, value: String) {
            (self.customer, self.entity, self.relation, self.value) = (customer, entity, relation, value)
        }
    }

    /// The names whose backfill is done.
    public func knownNames() throws -> Set<NameKey> {
        try pool.read { db in
            Set(
                try Row.fetchAll(db, sql: "SELECT customer, entity, relation, value FROM watched_name").map {
                    NameKey(
                        customer: $0["customer"],
                        entity: $0["entity"],
                        relation: $0["relation"],
                        value: $0["value"]
                    )
                }
            )
        }
    }

    /// The names that left the watchlists, with when (`unwatched_at`).
    public func unwatchedNames() throws -> [NameKey: Date] {
        try pool.read { db in
            var names: [NameKey: Date] = [:]
            for row in try Row.fetchAll(
                db,
                sql:
                    "SELECT customer, entity, relation, value, unwatched_at FROM watched_name WHERE unwatched_at IS NOT NULL"
            ) {
                names[
                    NameKey(
                        customer: row["customer"],
                        entity: row["entity"],
                        relation: row["relation"],
                        value: row["value"]
                    )
                ] = row["unwatched_at"]
            }
            return names
        }
    }

    /// Marks the watched names not in `current` as unwatched since `now` (those already
    /// unwatched keep their date). Returns how many were marked.
    @discardableResult
    public func markUnwatched(except current: Set<NameKey>, at now: Date) throws -> Int {
        let watched = try pool.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT customer, entity, relation, value FROM watched_name WHERE unwatched_at IS NULL"
            ).map {
                NameKey(customer: $0["customer"], entity: $0["entity"], relation: $0["relation"], value: $0["value"])
            }
        }
        let gone = watched.filter { !current.contains($0) }
        guard !gone.isEmpty else { return 0 }
        try write { db in
            let mark = try db.cachedStatement(
                sql: """
                    UPDATE watched_name SET unwatched_at = ? WHERE customer = ? AND entity = ? AND relation = ? AND value = ?
                    """
            )
            for name in gone {
                try mark.execute(arguments: [now, name.customer, name.entity, name.relation, name.value])
            }
        }
        return gone.count
    }

    /// Records names as backfilled and watched (after their hits are committed).
    public func recordKnownNames(_ names: [NameKey], at now: Date) throws {
        guard !names.isEmpty else { return }
        try write { db in
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO watched_name (customer, entity, relation, value, added_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT DO UPDATE SET unwatched_at = NULL
                    """
            )
            let stamp = now.databaseValue
            for name in names {
                try insert.execute(arguments: [name.customer, name.entity, name.relation, name.value, stamp])
            }
        }
    }

    // MARK: Configuration loads

    /// The daemon's last configuration load (at start or by a reload).
    public struct ConfigLoad: Sendable, Equatable {
        public var ok: Bool
        public var at: Date
        public var lastSuccess: Date?
        /// What was loaded, or why the reload was rejected (the first problem, FILE:LINE).
        public var detail: String
    }

    public func recordConfigLoad(ok: Bool, detail: String, at now: Date) throws {
        try write { db in
            try db.execute(
                sql: """
                    INSERT INTO config_load (id, ok, at, last_success_at, detail) VALUES (1, ?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET ok = excluded.ok, at = excluded.at, detail = excluded.detail,
                        last_success_at = COALESCE(excluded.last_success_at, config_load.last_success_at)
                    """,
                arguments: [ok, now, ok ? now : nil, detail]
            )
        }
    }

    public func lastConfigLoad() throws -> ConfigLoad? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM config_load WHERE id = 1").map {
                ConfigLoad(ok: $0["ok"], at: $0["at"], lastSuccess: $0["last_success_at"], detail: $0["detail"])
            }
        }
    }

    // MARK: Retention

    /// What one pruning removed.
    public struct PruneReport: Sendable, Equatable {
        public var items = 0
        public var hits = 0
        public var vacuumed = false
    }

    /// Deletes items last seen in their feed before `cutoff`, with their hits and outbox
    /// rows, and sent-message records older than `cutoff`. Never deleted: an item its feed
    /// still holds (seen in the feed's latest document; deleting it would make it new
    /// again at the next fetch), an item not yet matched, and an item with an alert still
    /// pending. Then the WAL is checkpointed, and the file is vacuumed when more than a
    /// quarter of its pages are free (SQLite reuses free pages, so the file otherwise stays
    /// at its high-water mark; VACUUM rewrites it, which is why it is not run every time).
    public func prune(before cutoff: Date) async throws -> PruneReport {
        var report = try await write { db in
            var report = PruneReport()
            let doomed = """
                SELECT item.id FROM item JOIN feed ON feed.id = item.feed_id
                WHERE item.last_seen_at < ? AND item.matched = 1
                  AND (feed.last_content_at IS NULL OR item.last_seen_at < feed.last_content_at)
                  AND NOT EXISTS (SELECT 1 FROM hit JOIN outbox ON outbox.hit_id = hit.id
                                  WHERE hit.item_id = item.id AND outbox.state = 'pending')
                """
            report.hits =
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM hit WHERE item_id IN (\(doomed))", arguments: [cutoff])
                ?? 0
            // hits, outbox: ON DELETE CASCADE
            try db.execute(sql: "DELETE FROM item WHERE id IN (\(doomed))", arguments: [cutoff])
            report.items = db.changesCount
            try db.execute(sql: "DELETE FROM sent_message WHERE sent_at < ?", arguments: [cutoff])
            try db.execute(sql: "UPDATE feed SET items_seen = (SELECT COUNT(*) FROM item WHERE feed_id = feed.id)")
            return report
        }
        do {
            report.vacuumed = try await pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
                let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
                let free = try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
                guard pages > 0, free * 4 > pages else { return false }
                try db.execute(sql: "VACUUM")
                try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
                return true
            }
        } catch {
            throw Self.wrapped(error, path: path)
        }
        return report
    }

    /// The size of the database file and its WAL, in bytes.
    public func fileSize() -> Int64 {
        [path, path + "-wal"].reduce(0) { total, file in
            total + (((try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? NSNumber)?.int64Value ?? 0)
        }
    }

    // MARK: Access
    //
    // Each query is written once, as a static function of a `Database`; a public method
    // reaches it synchronously (commands, tests, and work already on `Work`: backfill,
    // reloads) or asynchronously (the daemon's tasks). The async forms run on GRDB's own
    // queues (a reader of the pool, or its writer) and suspend the task instead of
    // blocking a thread of Swift's cooperative pool.

    /// Runs `body` in a read transaction, wrapping SQLite errors with the database path.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.read(body)
        } catch {
            throw StoreError(path: path, underlying: error)
        }
    }

    /// Runs `body` in a write transaction, wrapping SQLite errors with the database path.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.write(body)
        } catch {
            throw StoreError(path: path, underlying: error)
        }
    }

    /// `read` from async code, on one of GRDB's reader queues. A cancelled task stops
    /// waiting (GRDB interrupts the read and throws `CancellationError`).
    func read<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(body)
        } catch {
            throw Self.wrapped(error, path: path)
        }
    }

    /// `write` from async code, on GRDB's writer queue. A cancelled task stops waiting
    /// and the transaction rolls back (GRDB interrupts it): for the cycle's writes, each
    /// a unit the next cycle redoes (items stay unmatched, a feed stays due).
    func write<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.write(body)
        } catch {
            throw Self.wrapped(error, path: path)
        }
    }

    /// A write from async code that is carried through even when the task is cancelled:
    /// what a receiver accepted must be recorded (a delivery not marked sent goes out twice).
    func writeToEnd<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let path = self.path
        return try await withCheckedThrowingContinuation { continuation in
            pool.asyncWrite(body) { _, result in
                continuation.resume(with: result.mapError { Self.wrapped($0, path: path) })
            }
        }
    }

    /// SQLite errors with the database path; a cancellation stays what it is.
    static func wrapped(_ error: any Error, path: String) -> any Error {
        error is CancellationError ? error : StoreError(path: path, underlying: error)
    }
}

/// A database error, naming the file and what to do about it.
public struct StoreError: Error, CustomStringConvertible {
    public var path: String
    public var underlying: any Error

    public init(path: String, underlying: any Error) {
        self.path = path
        // Wrapped once: a StoreError passed through another `write` keeps its own advice.
        self.underlying = (underlying as? StoreError)?.underlying ?? underlying
    }

    /// A database migrated by a newer watchlistd.
    struct Newer: Error, CustomStringConvertible {
        var unknownMigrations: [String]
        var userVersion: Int
        var known: Int
        var description: String {
            "written by a newer watchlistd (schema version \(userVersion)\(unknownMigrations.isEmpty ? "" : ", migrations " + unknownMigrations.joined(separator: ", ")); this one knows up to version \(known))"
        }
    }

    /// `PRAGMA quick_check` found problems.
    struct Damaged: Error, CustomStringConvertible {
        var report: String
        var description: String { "damaged (quick_check: \(report.prefix(300)))" }
    }

    /// The SQLite result code behind the error, if it is one.
    public var resultCode: ResultCode? { (underlying as? DatabaseError)?.resultCode }

    /// Whether the disk (or SQLite's page limit) is full.
    public var isFull: Bool { resultCode == .SQLITE_FULL }

    public var description: String {
        let what =
            (underlying as? DatabaseError).map { "\($0.message ?? "\($0.resultCode)") (\($0.resultCode))" }
            ?? "\(underlying)"
        return "database \(path): \(what); \(advice)"
    }

    var advice: String {
        let recover =
            "stop watchlistd, then restore the file from a backup, or save what is readable with "
            + "`sqlite3 \(path) .recover | sqlite3 \(path).recovered` and point `database:` at \(path).recovered"
        if underlying is Newer {
            return
                "run the newer watchlistd that wrote it, or point `database:` at another file; this version does not change it"
        }
        if underlying is Damaged { return recover }
        switch resultCode {
        case .SQLITE_CORRUPT?, .SQLITE_NOTADB?: return "the file is damaged or not a watchlistd database: " + recover
        case .SQLITE_BUSY?, .SQLITE_LOCKED?:
            let holders = LockHolders.describe(files: [path, path + "-shm", path + "-wal"])
            return "another process keeps it locked" + (holders.isEmpty ? "" : " (\(holders))")
                + "; end that process's transaction or stop it (`fuser -v \(path)*` lists them)"
        case .SQLITE_FULL?: return "the disk is full: free space on it; watchlistd retries with backoff meanwhile"
        case .SQLITE_READONLY?, .SQLITE_CANTOPEN?, .SQLITE_PERM?, .SQLITE_AUTH?:
            return "check that the file and its folder exist and are writable by the user watchlistd runs as"
        default: return "check that the file is writable and the disk is not full"
        }
    }
}

/// Who holds POSIX locks on files (SQLite's), from /proc/locks: "pid 1234 (sqlite3)".
enum LockHolders {
    static func describe(files: [String]) -> String {
        var inodes = Set<String>()
        for file in files {
            var info = stat()
            if stat(file, &info) == 0 { inodes.insert(":\(info.st_ino)") }
        }
        guard !inodes.isEmpty, let text = try? String(contentsOfFile: "/proc/locks", encoding: .utf8) else { return "" }
        var pids: [Int32] = []
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            // "1: POSIX  ADVISORY  WRITE 1234 08:01:567 0 EOF" (a blocked waiter's line has "->" first)
            guard fields.count >= 6, fields[1] != "->", let pid = Int32(fields[4]), pid != getpid(),
                inodes.contains(where: { fields[5].hasSuffix($0) }), !pids.contains(pid)
            else { continue }
            pids.append(pid)
        }
        return pids.map { pid in
            let name = (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?.trimmingCharacters(
                in: .whitespacesAndNewlines
            )
            return "pid \(pid)" + (name.map { " (\($0))" } ?? "")
        }.joined(separator: ", ")
    }
}
