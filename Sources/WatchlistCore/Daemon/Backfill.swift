import Foundation
import Logging

/// Backfill: when a reload adds or changes names, the stored listings of the last
/// `backfill:` days are matched against those names only, and only hits that are new
/// are recorded (and so alerted). An analyst adds a JV partner today and learns that it
/// was sold last week.
public enum Backfill {
    /// The watchlists reduced to what `new` has and `old` had not: per customer and
    /// entity, the names (relation and value) that are new, with the entity's excludes.
    public static func changes(from old: [Watchlist], to new: [Watchlist]) -> [Watchlist] {
        var result: [Watchlist] = []
        for list in new {
            let before = old.first { $0.customer == list.customer }
            var changed = list
            changed.entities = list.entities.compactMap { entity in
                let previous = before?.entities.first { $0.name == entity.name }
                let known = Set((previous?.names ?? []).map { "\($0.relation.rawValue)\u{0}\($0.value)" })
                var reduced = entity
                reduced.names = entity.names.filter { !known.contains("\($0.relation.rawValue)\u{0}\($0.value)") }
                return reduced.names.isEmpty ? nil : reduced
            }
            if !changed.entities.isEmpty { result.append(changed) }
        }
        return result
    }

    /// Runs the backfill for `changed` over `pipeline`'s store; returns the new hits.
    @discardableResult
    public static func run(_ changed: [Watchlist], pipeline: Pipeline, now: Date = Date()) throws -> Int {
        guard !changed.isEmpty, pipeline.config.backfill > 0 else { return 0 }
        let matcher = Matcher(watchlists: changed)
        let items = try pipeline.store.items(since: now.addingTimeInterval(-pipeline.config.backfill))
        var hits = 0
        for item in items {
            let found = matcher.match(item.item.matchText, threshold: pipeline.config.threshold)
            guard !found.isEmpty else { continue }
            hits += try pipeline.store.recordHits(item: item.id, hits: found, channels: pipeline.channels(for:), at: now)
        }
        pipeline.logger.notice("backfill done", metadata: [
            "names": "\(matcher.nameCount)", "items": "\(items.count)", "hits.new": "\(hits)",
        ])
        return hits
    }
}
