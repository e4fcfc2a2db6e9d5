/// Names that say which company only with their legal form. A bulk watchlist imported from a
/// registry holds several companies whose names differ only there (EDINET: FUJI CORPORATION,
/// FUJI CO., LTD., FUJI CORPORATION LIMITED): "Fuji" or "Fuji America Corporation" in a listing
/// is at most one of them, and the listing does not say which. Such a mention counts only
/// corroborated by another name or a domain of the entity, or with a grouping word or a legal
/// form of a family that is this entity's and none of the others' ("Asahi Group" is ASAHI
/// GROUP HOLDINGS, not Asahi Co., Ltd.); written with its full name ("Fuji Co., Ltd."), the
/// name is matched whole and counts as usual. Shortened names ("Fuji" of Fuji Electric, an
/// abbreviation) of such a core are as ambiguous.
///
/// Within one watchlist only: what a customer is alerted to depends on the listing, that
/// customer's own watchlist and bundled data, never on another customer's names.
extension Matcher {
    static func sharedCores(_ watchlists: [Watchlist], _ prepared: [Prepared]) -> [[[Int32: [Int32]]]] {
        var next = 0
        var result: [[[Int32: [Int32]]]] = []
        for watchlist in watchlists {
            // Each entity's cores, and who has each core or whole name.
            var cores: [[(name: Int32, key: ScalarKey)]] = []
            var holders: [ScalarKey: Set<Int32>] = [:]
            for (e, entity) in watchlist.entities.enumerated() {
                var own: [(name: Int32, key: ScalarKey)] = []
                for (n, name) in entity.names.enumerated() where name.relation != .domain {
                    let item = prepared[next]
                    next += 1
                    if let full = item.full { holders[full, default: []].insert(Int32(e)) }
                    if let core = item.core {
                        own.append((Int32(n), core))
                        holders[core, default: []].insert(Int32(e))
                    }
                }
                next += entity.excludes.count
                cores.append(own)
            }
            result.append(
                cores.enumerated().map { e, own in
                    var shared: [Int32: [Int32]] = [:]
                    for (name, key) in own {
                        let others = holders[key, default: []].filter { $0 != Int32(e) }.sorted()
                        if !others.isEmpty { shared[name] = others }
                    }
                    return shared
                }
            )
        }
        return result
    }

    /// A mention of a name's core that another entity of the same watchlist shares counts only
    /// beside another mention of the entity that is its own (its full name, another alias, its
    /// domain), or with a grouping word or a legal form family after it that fits none of the
    /// others. Also below the default threshold: whatever threshold a caller uses.
    func refuseSharedCores(_ raws: inout [Raw], _ text: NormalizedText) {
        for i in raws.indices
        where (raws[i].owner.kind == .nameCore || raws[i].owner.kind == .variant) && raws[i].score > Self.boundaryScore
        {
            let raw = raws[i]
            let w = Int(raw.owner.watchlist)
            let e = Int(raw.owner.entity)
            guard let others = sharedCores[w][e][raw.owner.name] else { continue }
            let corroborated = raws.contains { mention in
                mention.owner.watchlist == raw.owner.watchlist && mention.owner.entity == raw.owner.entity
                    && mention.score >= Self.defaultThreshold && !mention.needsEvidence
                    && !mention.byteRange.overlaps(raw.byteRange)
                    && (mention.owner.kind != .nameCore && mention.owner.kind != .variant
                        || sharedCores[w][e][mention.owner.name] == nil)
            }
            if corroborated || formSaysWhich(raw.owner, others, text, raw.end) { continue }
            raws[i].score = min(raw.score, Self.boundaryScore)
            raws[i].steps.append(
                "without its legal form also the name of \(watchlists[w].entities[Int(others[0])].name): "
                    + "which company is meant is not said"
            )
        }
    }

    /// Whether the legal form or grouping word after `end` is the owner's entity's and none of
    /// the `others`'.
    func formSaysWhich(_ owner: Owner, _ others: [Int32], _ text: NormalizedText, _ end: Int) -> Bool {
        guard LegalForms.formStarts(at: end, in: text) else { return false }
        func fits(_ entity: Int32) -> Bool {
            var candidate = owner
            candidate.entity = entity
            if LegalForms.groupingStarts(at: end, in: text) != nil {
                return groupingNotOwn(candidate, text, end) == nil
            }
            // "Yamato Corporation" is YAMATO CORPORATION, not YAMATO HOLDINGS CO., LTD.: a name
            // with a grouping word is written with it.
            return formFitsEntity(candidate, text, end) && !hasGroupingWord(candidate)
        }
        return fits(owner.entity) && !others.contains(where: fits)
    }

    /// Whether every name of the owner's entity has a grouping word ("Holdings", "Group").
    func hasGroupingWord(_ owner: Owner) -> Bool {
        let names = watchlists[Int(owner.watchlist)].entities[Int(owner.entity)].names.filter {
            $0.relation != .domain
        }
        return !names.isEmpty
            && names.allSatisfy { name in
                let folded = normalizer.normalize(name.value)
                return (0..<folded.count).contains { i in
                    folded.isWordStart(i) && LegalForms.groupingStarts(at: i, in: folded) != nil
                }
            }
    }
}
