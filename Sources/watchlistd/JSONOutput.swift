import Foundation
import WatchlistCore

/// `hits --json`: one object a line with the keys in docs/interfaces.md.
enum HitJSON {
    struct Output: Encodable {
        var item: String
        var feed: String
        var customer: String
        var entity: String
        var name: String
        var relation: String
        var matched: String
        var score: Double
        var field: String
        var title: String
        var link: String?
        var seen: String
        var watchlist: String

        enum CodingKeys: String, CodingKey {
            case item, feed, customer, entity, name, relation, matched, score, field, title, link, seen, watchlist
        }

        // `link` is written as null when the listing has none: scripts can rely on the key.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(item, forKey: .item)
            try container.encode(feed, forKey: .feed)
            try container.encode(customer, forKey: .customer)
            try container.encode(entity, forKey: .entity)
            try container.encode(name, forKey: .name)
            try container.encode(relation, forKey: .relation)
            try container.encode(matched, forKey: .matched)
            try container.encode(score, forKey: .score)
            try container.encode(field, forKey: .field)
            try container.encode(title, forKey: .title)
            try container.encode(link, forKey: .link)
            try container.encode(seen, forKey: .seen)
            try container.encode(watchlist, forKey: .watchlist)
        }
    }

    static func line(_ hit: StoredHit) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        let output = Output(
            item: hit.itemKey,
            feed: hit.feed,
            customer: hit.customer,
            entity: hit.entity,
            name: hit.name,
            relation: hit.relation,
            matched: hit.matched,
            score: (hit.score * 100).rounded() / 100,
            field: hit.field,
            title: hit.title,
            link: hit.link,
            seen: FeedDates.rfc3339(hit.seen),
            watchlist: "\(hit.watchFile):\(hit.watchLine)"
        )
        return (try? encoder.encode(output)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

/// `match` on JSON Lines: one object a line per hit, with the keys in docs/interfaces.md.
struct MatchJSON: Encodable {
    var id: String
    var customer: String
    var entity: String
    var name: String
    var relation: String
    var matched: String
    var score: Double
    var field: String

    init(id: String, hit: MatchHit) {
        (self.id, customer, entity, name) = (id, hit.customer, hit.entity, hit.name)
        (relation, matched, score, field) = (
            hit.relation.rawValue, hit.matched, (hit.score * 100).rounded() / 100, hit.field.rawValue
        )
    }
}
