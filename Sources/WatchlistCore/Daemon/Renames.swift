import Foundation
import Logging

/// A rename is not news. Renaming a feed, an entity or a customer must not make the
/// store see new listings or new names, so each has an identity that outlives its name:
/// - a **feed** is its URL: a configured feed whose name the store does not know takes
///   over the stored feed with the same URL whose name is no longer configured (its
///   items stay its own, so they are not new);
/// - a **customer** is its watchlist file: hits recorded from `acme.watch` under a
///   customer name no watchlist uses any more move to the customer that file names now;
/// - an **entity** is its names: a stored entity no watchlist has any more is the
///   customer's new entity that shares one of its names (any relation, compared without
///   case); failing that, when exactly one entity disappeared from the customer and one
///   new entity appeared, they are the same.
/// The store's hits and backfilled names are renamed before backfill runs, so backfill
/// finds them known (hits are unique per item, customer and entity) and sends nothing.
public enum Renames {
    /// Recognises and applies the customer and entity renames of `pipeline.watchlists`
    /// (feeds are adopted at every cycle: `Store.adoptRenamedFeeds`). Returns what it did,
    /// one line each (also logged).
    @discardableResult
    public static func apply(pipeline: Pipeline) throws -> [String] {
        let store = pipeline.store
        var done: [String] = []
        let current = Set(pipeline.watchlists.map(\.customer))
        var byFile: [String: String] = [:]
        for list in pipeline.watchlists { byFile[(list.file as NSString).lastPathComponent] = list.customer }
        var renamedCustomers: [String: String] = [:]
        for (customer, file) in try store.hitCustomerFiles() where !current.contains(customer) {
            guard let now = byFile[(file as NSString).lastPathComponent], renamedCustomers[customer] == nil else {
                continue
            }
            renamedCustomers[customer] = now
        }
        for (from, to) in renamedCustomers.sorted(by: { $0.key < $1.key }) {
            try store.rename(customer: from, to: to)
            done.append("customer \"\(from)\" is now \"\(to)\" (same watchlist file)")
        }
        let known = try store.knownEntities()
        for list in pipeline.watchlists {
            let stored = known[list.customer] ?? [:]
            let names = Dictionary(
                list.entities.map { ($0.name, Set($0.names.map { $0.value.lowercased() })) },
                uniquingKeysWith: { $0.union($1) }
            )
            let vanished = stored.keys.filter { names[$0] == nil }.sorted()
            let appeared = names.keys.filter { stored[$0] == nil }.sorted()
            guard !vanished.isEmpty, !appeared.isEmpty else { continue }
            var renames: [(String, String)] = []
            for old in vanished {
                let values = Set(stored[old]!.map { $0.lowercased() })
                let sharing = appeared.filter { !names[$0]!.isDisjoint(with: values) }
                if sharing.count == 1 { renames.append((old, sharing[0])) }
            }
            // What is left: one entity went and one came, sharing no name: the same, renamed whole.
            let leftOld = vanished.filter { old in !renames.contains { $0.0 == old } }
            let leftNew = appeared.filter { new in !renames.contains { $0.1 == new } }
            if leftOld.count == 1, leftNew.count == 1 { renames.append((leftOld[0], leftNew[0])) }
            for (old, target) in renames {
                try store.rename(entity: old, to: target, customer: list.customer)
                done.append("entity \"\(old)\" of \(list.customer) is now \"\(target)\"")
            }
        }
        for line in done {
            pipeline.logger.notice(
                "rename recognised; its earlier hits are not sent again",
                metadata: ["rename": "\(line)"]
            )
        }
        return done
    }
}
