import Foundation

/// One mention of a watched name in a listing.
public struct MatchHit: Sendable, Equatable {
    public var customer: String
    public var entity: String
    /// The watchlist value that matched, as written in the file.
    public var name: String
    public var relation: Relation
    /// The text exactly as it stands in the listing.
    public var matched: String
    public var score: Double
    /// Where the watched name is written: the `.watch` file and line.
    public var file: String
    public var line: Int
    /// The steps that made the listing's text equal to the name, for `--explain`.
    public var steps: [String]
    /// The folded forms compared, for `--explain`.
    public var foldedName: String
    public var foldedMatched: String
    /// UTF-8 byte range of `matched` in the listing text.
    public var byteRange: Range<Int>
}

/// The matching interface the daemon and the CLI use. The engine behind it may change;
/// its callers do not.
public protocol ListingMatcher: Sendable {
    /// Every hit in `text`, at most one per (customer, entity, name): the best-scoring one.
    /// Hits below `threshold` are dropped.
    func match(_ text: String, threshold: Double) -> [MatchHit]
}

/// The matcher: every watched name folded (`Normalizer`) into one Aho–Corasick automaton,
/// boundary rules applied to each occurrence, `exclude:` phrases cancelling the
/// occurrences they overlap, domains matched on label boundaries.
///
/// Scores say how much folding it took to make the listing's text equal to the name:
///
/// | score | the listing's text equals the watched name … |
/// |---|---|
/// | 1.00 | as written |
/// | 0.99 | ignoring case |
/// | 0.98 | after NFKC (full-/half-width forms, compatibility characters) |
/// | 0.97 | after script folding (traditional/simplified Chinese, Japanese shinjitai) |
/// | 0.96 | after punctuation, spacing, accents, invisible characters and look-alike letters |
/// | −0.05 | when it matched the name without its legal form ("Co., Ltd.", 株式会社…) |
///
/// Domains score 1.0 for the domain itself and 0.98 for a subdomain or an e-mail address.
public final class Matcher: ListingMatcher, Sendable {
    /// Who owns a pattern.
    struct Owner: Sendable {
        enum Kind: Sendable { case name(legalFormStripped: Bool), exclude }
        var watchlist: Int32
        var entity: Int32
        var name: Int32
        var kind: Kind
    }

    struct DomainOwner: Sendable {
        var watchlist: Int32
        var entity: Int32
        var name: Int32
    }

    public let watchlists: [Watchlist]
    let normalizer: Normalizer
    let automaton: AhoCorasick
    /// Pattern id → its owners (one folded pattern may belong to many customers' names).
    let owners: [[Owner]]
    /// Pattern id → whether its first / last scalar is a word character (needs a boundary).
    let boundaryAtStart: [Bool]
    let boundaryAtEnd: [Bool]
    /// Lower-cased domain → owners.
    let domains: [String: [DomainOwner]]

    public init(watchlists: [Watchlist], normalizer: Normalizer = Normalizer()) {
        self.watchlists = watchlists
        self.normalizer = normalizer
        var patternIndex: [[UInt32]: Int] = [:]
        var patterns: [[UInt32]] = []
        var owners: [[Owner]] = []
        var starts: [Bool] = []
        var ends: [Bool] = []
        var domains: [String: [DomainOwner]] = [:]

        func add(_ folded: NormalizedText, scalars: [UInt32]? = nil, owner: Owner) {
            let key = scalars ?? folded.scalars
            guard !key.isEmpty else { return }
            if let id = patternIndex[key] {
                owners[id].append(owner)
                return
            }
            patternIndex[key] = patterns.count
            patterns.append(key)
            owners.append([owner])
            starts.append(FoldTable.shared.classOfFolded(key.first!) == .word)
            ends.append(FoldTable.shared.classOfFolded(key.last!) == .word)
        }

        for (w, watchlist) in watchlists.enumerated() {
            for (e, entity) in watchlist.entities.enumerated() {
                for (n, name) in entity.names.enumerated() {
                    if name.relation == .domain {
                        let domain = name.value.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "."))
                        domains[domain, default: []].append(DomainOwner(watchlist: Int32(w), entity: Int32(e), name: Int32(n)))
                        continue
                    }
                    let folded = normalizer.normalize(name.value)
                    add(folded, owner: Owner(watchlist: Int32(w), entity: Int32(e), name: Int32(n), kind: .name(legalFormStripped: false)))
                    if let core = LegalForms.strip(folded.scalars, classes: folded.classes) {
                        add(folded, scalars: core, owner: Owner(watchlist: Int32(w), entity: Int32(e), name: Int32(n), kind: .name(legalFormStripped: true)))
                    }
                }
                for (x, exclude) in entity.excludes.enumerated() {
                    add(normalizer.normalize(exclude.value), owner: Owner(watchlist: Int32(w), entity: Int32(e), name: Int32(x), kind: .exclude))
                }
            }
        }
        self.automaton = AhoCorasick(patterns: patterns)
        self.owners = owners
        self.boundaryAtStart = starts
        self.boundaryAtEnd = ends
        self.domains = domains
    }

    /// Total number of watched names (for logs and `check`).
    public var nameCount: Int { watchlists.reduce(0) { $0 + $1.entities.reduce(0) { $0 + $1.names.count } } }

    public func match(_ text: String, threshold: Double) -> [MatchHit] {
        candidates(in: text).filter { $0.score >= threshold }
    }

    /// Every hit with its score, whatever the threshold (for `--explain` near misses).
    public func candidates(in text: String) -> [MatchHit] {
        let folded = normalizer.normalize(text)
        var found: [(owner: Owner, start: Int, end: Int)] = []
        var excluded: [Int64: [Range<Int>]] = [:]
        let n = folded.scalars.count

        automaton.scan(folded.scalars) { id, start, end in
            if boundaryAtStart[id], start > 0, folded.classes[start - 1] == .word { return }
            if boundaryAtEnd[id], end < n, folded.classes[end] == .word { return }
            for owner in owners[id] {
                if case .exclude = owner.kind {
                    excluded[Int64(owner.watchlist) << 32 | Int64(owner.entity), default: []].append(start..<end)
                } else {
                    found.append((owner, start, end))
                }
            }
        }

        var all: [(key: Int64, hit: MatchHit)] = []
        func keep(_ hit: MatchHit, w: Int32, e: Int32, n: Int32) {
            all.append((Int64(w) << 40 | Int64(e) << 20 | Int64(n), hit))
        }

        for (owner, start, end) in found {
            if let spans = excluded[Int64(owner.watchlist) << 32 | Int64(owner.entity)],
               spans.contains(where: { $0.overlaps(start..<end) }) { continue }
            let watchlist = watchlists[Int(owner.watchlist)]
            let entity = watchlist.entities[Int(owner.entity)]
            let name = entity.names[Int(owner.name)]
            let matched = folded.original(start..<end)
            var (score, steps): (Double, [String])
            if case .name(legalFormStripped: true) = owner.kind {
                (score, steps) = Self.grade(matched: matched, name: name.value, partOfName: true)
                score -= 0.05
                steps.append("legal form left out")
            } else {
                (score, steps) = Self.grade(matched: matched, name: name.value, partOfName: false)
            }
            let range = Int(folded.starts[start])..<Int(folded.ends[end - 1])
            keep(MatchHit(customer: watchlist.customer, entity: entity.name, name: name.value, relation: name.relation,
                          matched: matched, score: score, file: watchlist.file, line: name.line, steps: steps,
                          foldedName: normalizer.normalize(name.value).folded,
                          foldedMatched: String(String.UnicodeScalarView(folded.scalars[start..<end].compactMap(Unicode.Scalar.init))),
                          byteRange: range),
                 w: owner.watchlist, e: owner.entity, n: owner.name)
        }

        if !domains.isEmpty {
            for (host, range, isEmail) in Self.hostnames(in: folded.utf8) {
                var suffix = Substring(host)
                var isSubdomain = false
                while true {
                    if let list = domains[String(suffix)] {
                        for owner in list {
                            let watchlist = watchlists[Int(owner.watchlist)]
                            let entity = watchlist.entities[Int(owner.entity)]
                            let name = entity.names[Int(owner.name)]
                            let matched = String(decoding: folded.utf8[range], as: UTF8.self)
                            let sub = isSubdomain || isEmail
                            keep(MatchHit(customer: watchlist.customer, entity: entity.name, name: name.value, relation: .domain,
                                          matched: matched, score: sub ? 0.98 : 1.0, file: watchlist.file, line: name.line,
                                          steps: [isEmail ? "e-mail address at the domain" : isSubdomain ? "subdomain" : "domain"],
                                          foldedName: String(suffix), foldedMatched: host, byteRange: range),
                                 w: owner.watchlist, e: owner.entity, n: owner.name)
                        }
                    }
                    guard let dot = suffix.firstIndex(of: ".") else { break }
                    suffix = suffix[suffix.index(after: dot)...]
                    isSubdomain = true
                }
            }
        }
        // Shadowed mentions go first, then each name keeps its best (then earliest) mention.
        let visible = Self.withoutShadowedHits(all.map(\.hit))
        var best: [Int64: MatchHit] = [:]
        for (key, hit) in all where visible.contains(where: { $0 == hit }) {
            if let current = best[key], current.score > hit.score
                || current.score == hit.score && current.byteRange.lowerBound <= hit.byteRange.lowerBound { continue }
            best[key] = hit
        }
        return best.values.sorted { ($0.byteRange.lowerBound, $0.customer, $0.entity, $0.name) < ($1.byteRange.lowerBound, $1.customer, $1.entity, $1.name) }
    }

    /// How much folding made `matched` equal to `name`: the score and the step's name.
    /// Drops a hit when another hit of the same customer and entity covers its text and
    /// is longer, or covers the same text with a better score: "Gree" inside "Gree Daikin
    /// Precision Mold", 格力电器 inside 珠海格力电器, "gree" inside vpn.gree.com.cn,
    /// 株式会社東芝 (legal form left out) beside 東芝 on the same "東芝". Each mention is
    /// then reported once, by the most specific name.
    static func withoutShadowedHits(_ hits: [MatchHit]) -> [MatchHit] {
        var groups: [String: [MatchHit]] = [:]
        for hit in hits { groups[hit.customer + "\u{0}" + hit.entity, default: []].append(hit) }
        var kept: [MatchHit] = []
        for group in groups.values {
            for hit in group {
                let shadowed = group.contains { other in
                    other.byteRange.lowerBound <= hit.byteRange.lowerBound && other.byteRange.upperBound >= hit.byteRange.upperBound
                        && (other.byteRange.count > hit.byteRange.count || other.score > hit.score)
                }
                if !shadowed { kept.append(hit) }
            }
        }
        return kept
    }

    /// With `partOfName`, `matched` is compared with a part of the name (the name
    /// without its legal form).
    static func grade(matched: String, name: String, partOfName: Bool) -> (Double, [String]) {
        func same(_ a: String, _ b: String) -> Bool { partOfName ? b.contains(a) : a == b }
        if same(matched, name) { return (1.0, ["exact"]) }
        let lowerMatched = matched.lowercased(), lowerName = name.lowercased()
        if same(lowerMatched, lowerName) { return (0.99, ["case"]) }
        let nfkcMatched = lowerMatched.precomposedStringWithCompatibilityMapping.lowercased()
        let nfkcName = lowerName.precomposedStringWithCompatibilityMapping.lowercased()
        if same(nfkcMatched, nfkcName) { return (0.98, ["width (NFKC)"]) }
        if same(FoldTable.shared.foldScript(nfkcMatched), FoldTable.shared.foldScript(nfkcName)) {
            return (0.97, ["script (traditional/shinjitai → simplified)"])
        }
        return (0.96, ["punctuation, spacing, accents, invisible or look-alike characters"])
    }

    /// Host names in the text: maximal runs of ASCII letters, digits, dots and hyphens
    /// with at least one dot, lower-cased, trimmed of dots and hyphens; an e-mail
    /// address's local part is included in the byte range.
    static func hostnames(in bytes: [UInt8]) -> [(String, Range<Int>, Bool)] {
        var result: [(String, Range<Int>, Bool)] = []
        func isHostByte(_ b: UInt8) -> Bool {
            (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) || b == 0x2E || b == 0x2D
        }
        var i = 0
        while i < bytes.count {
            guard isHostByte(bytes[i]) else { i += 1; continue }
            var start = i
            while i < bytes.count, isHostByte(bytes[i]) { i += 1 }
            var end = i
            while start < end, bytes[start] == 0x2E || bytes[start] == 0x2D { start += 1 }
            while end > start, bytes[end - 1] == 0x2E || bytes[end - 1] == 0x2D { end -= 1 }
            guard end > start, bytes[start..<end].contains(0x2E) else { continue }
            let host = String(decoding: bytes[start..<end], as: UTF8.self).lowercased()
            var rangeStart = start
            var isEmail = false
            if start > 0, bytes[start - 1] == 0x40 {
                isEmail = true
                rangeStart = start - 1
                while rangeStart > 0, isHostByte(bytes[rangeStart - 1]) || [0x5F, 0x2B, 0x25].contains(bytes[rangeStart - 1]) {
                    rangeStart -= 1
                }
                if rangeStart == start - 1 { isEmail = false; rangeStart = start }
            }
            result.append((host, rangeStart..<end, isEmail))
        }
        return result
    }
}
