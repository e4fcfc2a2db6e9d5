import Foundation
import Logging

/// Backfill: when names are added (on a reload, or in the files while the daemon was
/// down: checked at every start), the stored listings of the last `backfill:` days are
/// matched against those names only, and only hits that are new are recorded (and so
/// alerted). An analyst adds a JV partner today and learns that it was sold last week.
/// The store remembers which names are done (`watched_name`), so nothing is owed twice,
/// and when a name left the files, so that a name coming back is matched against what
/// arrived while it was away.
public enum Backfill {
    /// Every name of `watchlists`, as the store keys it.
    static func keys(_ watchlists: [Watchlist]) -> [Store.NameKey] {
        watchlists.flatMap { list in
            list.entities.flatMap { entity in
                entity.names.map {
                    Store.NameKey(
                        customer: list.customer,
                        entity: entity.name,
                        relation: $0.relation.rawValue,
                        value: $0.value
                    )
                }
            }
        }
    }

    /// The watchlists reduced to the names not in `known`: per customer and entity, the
    /// names (relation and value) whose backfill is owed, with the entity's excludes.
    public static func unknown(in watchlists: [Watchlist], known: Set<Store.NameKey>) -> [Watchlist] {
        select(in: watchlists) { !known.contains($0) }
    }

    /// The watchlists reduced to the names `keep` says yes to, with their entities' excludes.
    static func select(in watchlists: [Watchlist], _ keep: (Store.NameKey) -> Bool) -> [Watchlist] {
        var result: [Watchlist] = []
        for list in watchlists {
            var changed = list
            changed.entities = list.entities.compactMap { entity in
                var reduced = entity
                reduced.names = entity.names.filter {
                    keep(
                        Store.NameKey(
                            customer: list.customer,
                            entity: entity.name,
                            relation: $0.relation.rawValue,
                            value: $0.value
                        )
                    )
                }
                return reduced.names.isEmpty ? nil : reduced
            }
            if !changed.entities.isEmpty { result.append(changed) }
        }
        return result
    }

    /// Backfills every name the store has not backfilled yet — added on a reload, or in
    /// the files while the daemon was down — then records them as done. Crash-safe: names
    /// are recorded only after their hits are committed, so an interrupted backfill runs
    /// again at the next start, and adds no hit twice (hits are unique per item, customer
    /// and entity). Renames are recognised first (`Renames`). On a database that knows no names yet (a first start, or one from
    /// before this bookkeeping) the current names are the baseline: nothing is owed.
    @discardableResult
    public static func catchUp(pipeline: Pipeline, now: Date = Date()) throws -> Int {
        let store = pipeline.store
        try Renames.apply(pipeline: pipeline)  // a renamed entity or customer is not owed a backfill
        let known = try store.knownNames()
        let all = keys(pipeline.watchlists)
        if known.isEmpty {
            try store.recordKnownNames(all, at: now)
            return 0
        }
        var hits = 0
        // Names back in the files after a time out of them (a file removed or renamed to
        // `.off`, then restored): the listings stored meanwhile were matched without them,
        // so they are matched now, from when the name went (at most `retention:` back).
        let unwatched = try store.unwatchedNames()
        var returning: [Date: Set<Store.NameKey>] = [:]
        for key in all {
            guard var since = unwatched[key] else { continue }
            if pipeline.config.retention > 0 { since = max(since, now.addingTimeInterval(-pipeline.config.retention)) }
            returning[since, default: []].insert(key)
        }
        for (since, names) in returning.sorted(by: { $0.key < $1.key }) {
            hits += try run(
                select(in: pipeline.watchlists) { names.contains($0) },
                pipeline: pipeline,
                now: now,
                since: since
            )
        }
        let owed = unknown(in: pipeline.watchlists, known: known)
        if !owed.isEmpty { hits += try run(owed, pipeline: pipeline, now: now) }
        try store.recordKnownNames(keys(owed) + returning.values.flatMap { $0 }, at: now)
        // Names no longer in the files: remembered with the time they went.
        try store.markUnwatched(except: Set(all), at: now)
        return hits
    }

    /// Matches the stored listings first seen since `since` (by default the last
    /// `backfill:` days; nothing when that is 0) against `changed`; returns the new hits.
    @discardableResult
    static func run(_ changed: [Watchlist], pipeline: Pipeline, now: Date = Date(), since: Date? = nil) throws -> Int {
        guard !changed.isEmpty, since != nil || pipeline.config.backfill > 0 else { return 0 }
        let matcher = Matcher(watchlists: changed)
        let items = try pipeline.store.items(since: since ?? now.addingTimeInterval(-pipeline.config.backfill))
        var hits = 0
        for item in items {
            let found = matcher.match(
                title: item.item.title,
                body: item.item.body,
                threshold: pipeline.config.threshold
            )
            guard !found.isEmpty else { continue }
            hits += try pipeline.store.recordHits(
                item: item.id,
                hits: found,
                channels: pipeline.channels(for:),
                at: now,
                repeatsSince: pipeline.repeatWindowStart(now)
            )
        }
        pipeline.logger.notice(
            "backfill done",
            metadata: [
                "names": "\(matcher.nameCount)", "items": "\(items.count)", "hits.new": "\(hits)",
            ]
        )
        return hits
    }
}
