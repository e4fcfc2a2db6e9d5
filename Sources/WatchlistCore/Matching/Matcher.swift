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
    /// What it took to make the listing's text equal to the name, for `--explain`.
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

/// The matching engine.
///
/// At load, every watched name is folded (`Normalizer`) and goes into one Aho–Corasick
/// automaton, with its core (the name without its legal form, `LegalForms`), its
/// `exclude:` phrases, and, for Latin names of 8 letters or more, the pieces that find
/// typos (pigeonhole: with k edits, one of k+1 pieces is intact). A listing is folded
/// and scanned once; then:
///
/// - Latin-edged names must start and end on word boundaries ("Gree" is not in
///   "agreement"; spacing does not matter: "GreeElectric" is "Gree Electric");
/// - CJK names of two or three characters must not straddle a word: ICU's dictionary
///   segmentation of the surrounding text must put boundaries at both ends, and the
///   characters on either side must not form a word with the name's edge characters
///   (格力 in 资格力争, 京东 in 北京东南, 東芝 in 関東芝浦);
/// - a piece hit is verified against the whole name with the OSA edit distance
///   (per word: none up to 3 letters, 1 up to 9, 2 from 10; at most 2 in all), on word
///   boundaries, with the first letter and the number of words kept, and only where no exact
///   name covers the same text;
/// - an `exclude:` phrase cancels the mentions of its entity that it overlaps;
/// - of two hits of one entity, the one inside the other is not reported again.
///
/// Domains are matched separately, on label boundaries.
///
/// Scores say how much it took to make the listing's text equal to the name:
///
/// | score | the listing's text equals the watched name … |
/// |---|---|
/// | 1.00 | as written |
/// | 0.99 | ignoring case |
/// | 0.98 | after NFKC (full-/half-width forms, compatibility characters) |
/// | 0.97 | after script folding (traditional/simplified Chinese, Japanese shinjitai) |
/// | 0.96 | after punctuation, spacing, accents, invisible characters and look-alike letters |
/// | 0.90 / 0.86 | with one / two typos (edit distance) |
/// | −0.05 | matched the name without its legal form ("Co., Ltd.", 株式会社, 集团…) |
/// | 0.50 | a short CJK name straddling a word boundary (never above the default threshold) |
///
/// Domains score 1.0 for the domain itself and 0.98 for a subdomain or an e-mail address.
/// The default threshold, 0.8, keeps everything but boundary-straddling CJK.
public final class Matcher: ListingMatcher, Sendable {
    enum OwnerKind: UInt8, Sendable { case name, nameCore, exclude, fuzzyPiece }

    struct Owner: Sendable {
        var watchlist: Int32
        var entity: Int32
        var name: Int32
        var kind: OwnerKind
        /// For `fuzzyPiece`: the fuzzy key and which of its pieces.
        var fuzzyKey: Int32 = -1
        var piece: Int32 = 0
        var lastPiece = false
        var pieceSet: Int8 = 0
        /// For `fuzzyPiece`: the piece's offset in its key, the key's length, first and
        /// last letters and edit allowance, so that most piece hits are rejected without
        /// touching the key.
        var pieceOffset: Int32 = 0
        var keyLength: Int32 = 0
        var keyFirst: UInt32 = 0
        var keyLast: UInt32 = 0
        var keyEdits: Int8 = 0
    }

    /// A name (or core) that typos are looked for in. A class: it is read per piece hit,
    /// and copying a struct of arrays there costs more than the verification.
    final class FuzzyKey: Sendable {
        let scalars: [UInt32]
        /// For each scalar, which word of the name it belongs to; each word's edit budget.
        let wordOf: [Int]
        let wordBudgets: [Int]
        let reversedScalars: [UInt32]
        let reversedWordOf: [Int]
        let maxEdits: Int
        /// Two sets of piece start offsets (the second shifted by one letter).
        let pieceOffsets: [[Int]]
        let owners: [Owner]

        init(scalars: [UInt32], wordOf: [Int], wordBudgets: [Int], maxEdits: Int, pieceOffsets: [[Int]], owners: [Owner]) {
            self.scalars = scalars
            self.wordOf = wordOf
            self.wordBudgets = wordBudgets
            self.reversedScalars = scalars.reversed()
            self.reversedWordOf = wordOf.reversed()
            self.maxEdits = maxEdits
            self.pieceOffsets = pieceOffsets
            self.owners = owners
        }

        func adding(_ owner: Owner) -> FuzzyKey {
            FuzzyKey(scalars: scalars, wordOf: wordOf, wordBudgets: wordBudgets, maxEdits: maxEdits,
                     pieceOffsets: pieceOffsets, owners: owners + [owner])
        }
    }

    struct DomainOwner: Sendable {
        var watchlist: Int32
        var entity: Int32
        var name: Int32
    }

    public static let defaultThreshold = 0.8
    static let boundaryScore = 0.5

    public let watchlists: [Watchlist]
    let normalizer: Normalizer
    let automaton: AhoCorasick
    /// Owners of pattern `p`: `owners[ownerStart[p]..<ownerStart[p + 1]]`.
    let ownerStart: [Int32]
    let owners: [Owner]
    let firstIsWord: [Bool]
    let lastIsWord: [Bool]
    let shortCJK: [Bool]
    let fuzzyKeys: [FuzzyKey]
    /// Pattern `p` names at most `patternWords[p]` Latin words.
    let patternWords: [Int32]
    /// Every Latin word of every watched name: a "typo" that spells one of them is that word.
    let vocabulary: Set<ScalarKey>
    /// Lower-cased domain → owners.
    let domains: [String: [DomainOwner]]

    public init(watchlists: [Watchlist], normalizer: Normalizer = Normalizer()) {
        self.watchlists = watchlists
        self.normalizer = normalizer
        let table = normalizer.table
        var patternIndex: [ScalarKey: Int] = [:]
        var patterns: [[UInt32]] = []
        // (pattern, owner) pairs in insertion order; grouped by pattern at the end.
        var ownerPattern: [Int32] = []
        var ownerList: [Owner] = []
        func own(_ pattern: Int, _ owner: Owner) {
            ownerPattern.append(Int32(pattern))
            ownerList.append(owner)
        }
        var fuzzyIndex: [ScalarKey: Int] = [:]
        var fuzzyKeys: [FuzzyKey] = []
        var domains: [String: [DomainOwner]] = [:]

        var patternWords: [Int32] = []
        var vocabulary = Set<ScalarKey>()
        /// The pattern for `key`; `words` is how many Latin words the name has there (a
        /// listing may run them together, never split them further).
        func pattern(_ key: [UInt32], words: Int = Int(Int32.max)) -> Int {
            pattern(ScalarKey(key), words: words)
        }
        func pattern(_ hashed: ScalarKey, words: Int = Int(Int32.max)) -> Int {
            let key = hashed.scalars
            if let id = patternIndex[hashed] {
                patternWords[id] = max(patternWords[id], Int32(words))
                return id
            }
            patternIndex[hashed] = patterns.count
            patterns.append(key)
            patternWords.append(Int32(words))
            return patterns.count - 1
        }
        func wordCount(_ text: NormalizedText, _ range: Range<Int>) -> Int {
            var count = 0
            for i in range where text.classes[i] == .word && (i == range.lowerBound || text.wordStart[i]) { count += 1 }
            return count
        }
        func addVocabulary(_ text: NormalizedText) {
            var word: [UInt32] = []
            for i in 0..<text.count {
                if text.classes[i] != .word || text.wordStart[i] {
                    if !word.isEmpty { vocabulary.insert(ScalarKey(word)) }
                    word.removeAll()
                }
                if text.classes[i] == .word { word.append(text.scalars[i]) }
            }
            if !word.isEmpty { vocabulary.insert(ScalarKey(word)) }
        }

        func addFuzzy(_ plan: FuzzyPlan, owner: Owner) {
            if let id = fuzzyIndex[plan.key] {
                fuzzyKeys[id] = fuzzyKeys[id].adding(owner)
                return
            }
            let key = plan.key.scalars
            let id = fuzzyKeys.count
            fuzzyIndex[plan.key] = id
            fuzzyKeys.append(FuzzyKey(scalars: key, wordOf: plan.wordOf, wordBudgets: plan.budgets, maxEdits: plan.edits,
                                      pieceOffsets: plan.sets, owners: [owner]))
            for (set, offsets) in plan.sets.enumerated() {
                for p in offsets.indices {
                    own(pattern(plan.pieces[set][p]), Owner(watchlist: owner.watchlist, entity: owner.entity, name: owner.name,
                                                           kind: .fuzzyPiece, fuzzyKey: Int32(id), piece: Int32(p),
                                                           lastPiece: p == offsets.count - 1, pieceSet: Int8(set),
                                                           pieceOffset: Int32(offsets[p]), keyLength: Int32(key.count),
                                                           keyFirst: key[0], keyLast: key[key.count - 1], keyEdits: Int8(plan.edits)))
                }
            }
        }

        // Folding every name is the bulk of a load and independent per name: done on all
        // cores first, then the patterns are added in file order.
        var texts: [String] = []
        for watchlist in watchlists {
            for entity in watchlist.entities {
                for name in entity.names where name.relation != .domain { texts.append(name.value) }
                for exclude in entity.excludes { texts.append(exclude.value) }
            }
        }
        let prepared = Self.foldAll(texts, normalizer)
        var nextPrepared = 0
        patternIndex.reserveCapacity(texts.count * 4)
        patterns.reserveCapacity(texts.count * 4)
        ownerPattern.reserveCapacity(texts.count * 8)
        ownerList.reserveCapacity(texts.count * 8)
        patternWords.reserveCapacity(texts.count * 4)
        vocabulary.reserveCapacity(texts.count)

        for (w, watchlist) in watchlists.enumerated() {
            for (e, entity) in watchlist.entities.enumerated() {
                for (n, name) in entity.names.enumerated() {
                    if name.relation == .domain {
                        var domain = Substring(name.value.lowercased())
                        while domain.hasPrefix(".") { domain = domain.dropFirst() }
                        while domain.hasSuffix(".") { domain = domain.dropLast() }
                        domains[String(domain), default: []].append(DomainOwner(watchlist: Int32(w), entity: Int32(e), name: Int32(n)))
                        continue
                    }
                    let item = prepared[nextPrepared]
                    nextPrepared += 1
                    guard let full = item.full else { continue }
                    let owner = Owner(watchlist: Int32(w), entity: Int32(e), name: Int32(n), kind: .name)
                    own(pattern(full, words: item.fullWords), owner)
                    for word in item.words { vocabulary.insert(word) }
                    // Typos are looked for in the distinctive part of a name: never in its legal form.
                    var fuzzyOwner = owner
                    if let core = item.core {
                        fuzzyOwner.kind = .nameCore
                        own(pattern(core, words: item.coreWords), fuzzyOwner)
                    }
                    if let plan = item.fuzzy { addFuzzy(plan, owner: fuzzyOwner) }
                }
                for x in entity.excludes.indices {
                    let item = prepared[nextPrepared]
                    nextPrepared += 1
                    guard let full = item.full else { continue }
                    own(pattern(full), Owner(watchlist: Int32(w), entity: Int32(e), name: Int32(x), kind: .exclude))
                }
            }
        }

        // Owners grouped by pattern (a stable counting sort keeps file order within a pattern).
        var ownerStart = [Int32](repeating: 0, count: patterns.count + 1)
        for p in ownerPattern { ownerStart[Int(p) + 1] += 1 }
        for i in 0..<patterns.count { ownerStart[i + 1] += ownerStart[i] }
        var owners = [Owner](repeating: Owner(watchlist: 0, entity: 0, name: 0, kind: .name), count: ownerList.count)
        var fill = ownerStart
        for (k, p) in ownerPattern.enumerated() {
            owners[Int(fill[Int(p)])] = ownerList[k]
            fill[Int(p)] += 1
        }
        self.automaton = AhoCorasick(patterns: patterns)
        self.ownerStart = ownerStart
        self.owners = owners
        self.firstIsWord = patterns.map { table.classOfFolded($0[0]) == .word }
        self.lastIsWord = patterns.map { table.classOfFolded($0[$0.count - 1]) == .word }
        self.shortCJK = patterns.map { $0.count <= 3 && $0.allSatisfy { table.classOfFolded($0) == .cjk } }
        self.fuzzyKeys = fuzzyKeys
        self.domains = domains
        self.patternWords = patternWords
        self.vocabulary = vocabulary
        // The load's temporaries are millions of small allocations; free them on another
        // core instead of making the caller wait.
        nonisolated(unsafe) var garbage: [Any]? = [prepared, patternIndex, patterns, ownerList, fuzzyIndex]
        DispatchQueue.global(qos: .utility).async { if garbage != nil { garbage = nil } }
    }

    /// Folds `texts` on all cores, keeping their order.
    /// A name folded, with its core (legal forms removed) found: the per-name work of a
    /// load, done in parallel.
    struct Prepared: Sendable {
        /// The folded name; nil when nothing is left to match.
        var full: ScalarKey?
        var fullWords = 0
        /// The name without its legal form, when it has one.
        var core: ScalarKey?
        var coreWords = 0
        /// Its Latin words, for the vocabulary.
        var words: [ScalarKey] = []
        var fuzzy: FuzzyPlan?
    }

    /// How typos are looked for in one key: its words' budgets and its pieces.
    struct FuzzyPlan: Sendable {
        var key: ScalarKey
        var wordOf: [Int]
        var budgets: [Int]
        var edits: Int
        var sets: [[Int]]
        var pieces: [[ScalarKey]]
    }

    static func prepare(_ folded: NormalizedText, table: FoldTable) -> Prepared {
        var item = Prepared()
        guard !folded.scalars.isEmpty else { return item }
        func wordCount(_ range: Range<Int>) -> Int {
            var count = 0
            for i in range where folded.classes[i] == .word && (i == range.lowerBound || folded.wordStart[i]) { count += 1 }
            return count
        }
        item.full = ScalarKey(folded.scalars)
        item.fullWords = wordCount(0..<folded.count)
        var word: [UInt32] = []
        for i in 0..<folded.count {
            if folded.classes[i] != .word || folded.wordStart[i] {
                if !word.isEmpty { item.words.append(ScalarKey(word)) }
                word.removeAll()
            }
            if folded.classes[i] == .word { word.append(folded.scalars[i]) }
        }
        if !word.isEmpty { item.words.append(ScalarKey(word)) }
        let core = LegalForms.core(of: folded)
        if let core {
            item.core = ScalarKey(Array(folded.scalars[core]))
            item.coreWords = wordCount(core)
        }
        item.fuzzy = fuzzyPlan(folded, core ?? 0..<folded.count)
        return item
    }

    static func fuzzyPlan(_ name: NormalizedText, _ range: Range<Int>) -> FuzzyPlan? {
        let key = Array(name.scalars[range])
        guard key.count >= 8, name.classes[range].allSatisfy({ $0 == .word }) else { return nil }
        var wordOf: [Int] = []
        var lengths: [Int] = []
        for i in range {
            if i == range.lowerBound || name.wordStart[i] { lengths.append(0) }
            lengths[lengths.count - 1] += 1
            wordOf.append(lengths.count - 1)
        }
        let budgets = lengths.map { Fuzzy.budget(wordLength: $0) }
        let edits = min(2, budgets.reduce(0, +))
        guard edits > 0 else { return nil }
        // With k edits one of k+1 pieces is intact, unless a swap straddles a piece
        // boundary; a second set of pieces with boundaries one letter later covers that.
        let count = edits + 1
        var sets: [[Int]] = [[], []]
        for p in 0..<count {
            sets[0].append(p * key.count / count)
            sets[1].append(p == 0 ? 0 : p * key.count / count + 1)
        }
        let pieces = sets.map { offsets in
            offsets.indices.map { p in ScalarKey(Array(key[offsets[p]..<(p + 1 < count ? offsets[p + 1] : key.count)])) }
        }
        return FuzzyPlan(key: ScalarKey(key), wordOf: wordOf, budgets: budgets, edits: edits, sets: sets, pieces: pieces)
    }

    static func foldAll(_ texts: [String], _ normalizer: Normalizer) -> [Prepared] {
        final class Results: @unchecked Sendable {
            // @unchecked: each chunk index is written by exactly one worker of
            // concurrentPerform, and read only after it returns.
            var items: [Prepared]
            init(_ count: Int) { items = Array(repeating: Prepared(), count: count) }
        }
        _ = normalizer.table  // build the fold table once, before the workers start
        let results = Results(texts.count)
        let chunk = 2048
        let chunks = (texts.count + chunk - 1) / chunk
        results.items.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let out = buffer
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                for i in (c * chunk)..<min(texts.count, (c + 1) * chunk) {
                    out[i] = prepare(normalizer.normalize(texts[i]), table: normalizer.table)
                }
            }
        }
        return results.items
    }

    /// Total number of watched names (for logs and `check`).
    public var nameCount: Int { watchlists.reduce(0) { $0 + $1.entities.reduce(0) { $0 + $1.names.count } } }

    public func match(_ text: String, threshold: Double) -> [MatchHit] {
        candidates(in: text).filter { $0.score >= threshold }
    }

    /// How a raw occurrence was found.
    enum Method: Equatable {
        case exact
        case fuzzy(edits: Int)
        case domain(String)
    }

    /// An occurrence before it becomes a `MatchHit` (no strings built yet).
    struct Raw {
        var owner: Owner
        var start: Int
        var end: Int
        var method: Method
        var score: Double
        var steps: [String]
        var byteRange: Range<Int>
    }

    /// Every hit with its score, whatever the threshold (for `--explain` near misses).
    public func candidates(in text: String) -> [MatchHit] {
        let folded = normalizer.normalize(text)
        var exact: [(owner: Owner, start: Int, end: Int)] = []
        var excluded: [(watchlist: Int32, entity: Int32, range: Range<Int>)] = []
        var pieces: [(key: Int32, piece: Int32, set: Int8, start: Int, end: Int)] = []

        automaton.scan(folded.scalars) { id, start, end in
            let bounded = (!firstIsWord[id] || folded.isWordStart(start)) && (!lastIsWord[id] || folded.isWordEnd(end))
            for k in Int(ownerStart[id])..<Int(ownerStart[id + 1]) {
                let owner = owners[k]
                switch owner.kind {
                case .exclude:
                    if bounded { excluded.append((owner.watchlist, owner.entity, start..<end)) }
                case .name, .nameCore:
                    if bounded && Self.wordsWithin(folded, start, end, limit: Int(patternWords[id])) { exact.append((owner, start, end)) }
                case .fuzzyPiece:
                    if owner.piece == 0 && !folded.isWordStart(start) { continue }
                    if owner.lastPiece && !folded.isWordEnd(end) { continue }
                    if !Self.piecePlausible(owner, start: start, end: end, folded) { continue }
                    if let last = pieces.last, last.key == owner.fuzzyKey, last.piece == owner.piece, last.set == owner.pieceSet,
                       last.start == start { continue }
                    pieces.append((owner.fuzzyKey, owner.piece, owner.pieceSet, start, end))
                }
            }
        }

        var raws: [Raw] = []
        var straddleCache: [Range<Int>: String?] = [:]
        for (owner, start, end) in exact {
            let range = Int(folded.starts[start])..<Int(folded.ends[end - 1])
            let name = watchlists[Int(owner.watchlist)].entities[Int(owner.entity)].names[Int(owner.name)]
            let matched = folded.original(start..<end)
            var (score, steps) = Self.grade(matched: matched, name: name.value, partOfName: owner.kind == .nameCore, table: normalizer.table)
            if owner.kind == .nameCore {
                score -= 0.05
                steps.append("legal form left out")
            }
            if Self.insideKatakanaWord(folded, start, end) {
                score = min(score, Self.boundaryScore)
                steps.append("part of a longer katakana word")
            }
            if owner.kind == .nameCore, Self.isOneWord(folded, start, end), Self.nextWordIsCapitalized(folded, end),
               !LegalForms.formStarts(at: end, in: folded) {
                // A one-word core ("JBS" of JBS S.A., "Mitsubishi" of Mitsubishi Corporation)
                // followed by another capitalised word is part of another company's name:
                // JBS Furniture, Mitsubishi Estate.
                score = min(score, Self.boundaryScore)
                steps.append("followed by another capitalised word: another company's name")
            }
            if shortCJKPattern(folded, start, end) {
                let word: String?
                if let cached = straddleCache[start..<end] { word = cached } else {
                    word = CJKBoundaries.straddledWord(folded, start: start, end: end)
                    straddleCache[start..<end] = word
                }
                if let word {
                    score = min(score, Self.boundaryScore)
                    steps.append("crosses a word boundary: the text reads \(word)")
                }
            }
            raws.append(Raw(owner: owner, start: start, end: end, method: .exact, score: score, steps: steps, byteRange: range))
        }

        // Typos: verify each piece hit against its whole name.
        var verified = Set<[Int]>()
        var scratch = Fuzzy.Scratch()
        for (keyID, piece, set, start, _) in pieces {
            let key = fuzzyKeys[Int(keyID)]
            guard let (s, e, edits) = Fuzzy.verify(key: key, piece: Int(piece), offsets: key.pieceOffsets[Int(set)], pieceStart: start,
                                                   text: folded, scratch: &scratch),
                  edits > 0, verified.insert([Int(keyID), s, e]).inserted else { continue }
            // Inside a host name a near miss is a look-alike domain, not a typo.
            if Self.insideHostName(folded, s, e) { continue }
            if !typoWordsPlausible(key, folded, s, e) { continue }
            // An exact name (of any entity) covering this text explains it better.
            if exact.contains(where: { $0.start <= s && $0.end >= e }) { continue }
            let range = Int(folded.starts[s])..<Int(folded.ends[e - 1])
            for owner in key.owners {
                var score = edits == 1 ? 0.90 : 0.86
                var steps = ["\(edits) typo\(edits == 1 ? "" : "s") (edit distance \(edits) over \(key.scalars.count) letters)"]
                if owner.kind == .nameCore {
                    score -= 0.05
                    steps.append("legal form left out")
                }
                raws.append(Raw(owner: owner, start: s, end: e, method: .fuzzy(edits: edits), score: score, steps: steps, byteRange: range))
            }
        }

        if !excluded.isEmpty {
            raws.removeAll { raw in
                excluded.contains { $0.watchlist == raw.owner.watchlist && $0.entity == raw.owner.entity && $0.range.overlaps(raw.start..<raw.end) }
            }
        }

        if !domains.isEmpty { raws += domainHits(folded) }

        return reportable(raws).map { raw in
            let watchlist = watchlists[Int(raw.owner.watchlist)]
            let entity = watchlist.entities[Int(raw.owner.entity)]
            let name = entity.names[Int(raw.owner.name)]
            let matched = String(decoding: folded.utf8[raw.byteRange], as: UTF8.self)
            let foldedMatched: String
            let foldedName: String
            if case .domain(let host) = raw.method {
                foldedMatched = host
                foldedName = name.value.lowercased()
            } else {
                var part = NormalizedText()
                part.scalars = Array(folded.scalars[raw.start..<raw.end])
                part.classes = Array(folded.classes[raw.start..<raw.end])
                part.wordStart = Array(folded.wordStart[raw.start..<raw.end])
                foldedMatched = part.folded
                foldedName = normalizer.normalize(name.value).folded
            }
            return MatchHit(customer: watchlist.customer, entity: entity.name, name: name.value, relation: name.relation,
                            matched: matched, score: raw.score, file: watchlist.file, line: name.line, steps: raw.steps,
                            foldedName: foldedName, foldedMatched: foldedMatched, byteRange: raw.byteRange)
        }
    }

    /// Whether the text at `start..<end` is part of a dotted host name or e-mail address.
    static func insideHostName(_ text: NormalizedText, _ start: Int, _ end: Int) -> Bool {
        let bytes = text.utf8
        func isHost(_ b: UInt8) -> Bool {
            (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) || b == 0x2E || b == 0x2D || b == 0x40
        }
        var i = Int(text.starts[start])
        while i > 0, isHost(bytes[i - 1]) { i -= 1 }
        var j = Int(text.ends[end - 1])
        while j < bytes.count, isHost(bytes[j]) { j += 1 }
        while j > i, bytes[j - 1] == 0x2E || bytes[j - 1] == 0x2D { j -= 1 }  // a sentence's full stop
        guard j > i, let dot = bytes[i..<j].lastIndex(of: 0x2E) else { return false }
        return dot + 1 < j && bytes[dot + 1] >= 0x41
    }

    /// A katakana name next to more katakana is part of a longer word: イオン in
    /// マイナスイオン, セイコー in セイコーエプソン. グループ and ホールディングス after it are
    /// legal forms, not another word.
    static func insideKatakanaWord(_ text: NormalizedText, _ start: Int, _ end: Int) -> Bool {
        func isKatakana(_ v: UInt32) -> Bool { (0x30A1...0x30FA).contains(v) || v == 0x30FC }
        if start > 0, isKatakana(text.scalars[start]), isKatakana(text.scalars[start - 1]),
           text.ends[start - 1] == text.starts[start] { return true }
        if end < text.count, isKatakana(text.scalars[end - 1]), isKatakana(text.scalars[end]),
           text.starts[end] == text.ends[end - 1], !LegalForms.formStarts(at: end, in: text) { return true }
        return false
    }

    static let stopWords: Set<[UInt32]> = Set(["and", "the", "of", "for", "in", "on", "at", "to", "by", "with", "from", "an",
                                               "its", "our", "all", "new", "data", "leak", "dump", "sale"].map { $0.unicodeScalars.map(\.value) })

    /// A cheap look before verifying a piece hit: the name's first letter (which typos keep)
    /// must stand on a word start where the name would begin, give or take its edit
    /// allowance, and the text must be long enough to hold it.
    @inline(__always)
    static func piecePlausible(_ owner: Owner, start: Int, end: Int, _ text: NormalizedText) -> Bool {
        let k = Int(owner.keyEdits), m = Int(owner.keyLength)
        let implied = start - Int(owner.pieceOffset)
        let n = text.count
        var startOK = owner.piece == 0
        if !startOK {
            for s in max(0, implied - k)...max(0, implied + k) where s < n && text.scalars[s] == owner.keyFirst && text.isWordStart(s) {
                startOK = true
                break
            }
        }
        guard startOK else { return false }
        // The end is not checked: a typo may change the last letter.
        return implied + m - k <= n
    }

    /// Compares the name's words with the listing's, pair by pair: a changed word must be
    /// longer than 3 letters and must not be a word of any watched name ("and Electric" is
    /// not "Ande Electric", "Information" is not "Informatica").
    func typoWordsPlausible(_ key: FuzzyKey, _ text: NormalizedText, _ start: Int, _ end: Int) -> Bool {
        var textWords: [[UInt32]] = []
        for i in start..<end {
            if i == start || text.wordStart[i] { textWords.append([]) }
            textWords[textWords.count - 1].append(text.scalars[i])
        }
        var nameWords: [[UInt32]] = []
        for (i, scalar) in key.scalars.enumerated() {
            if i == 0 || key.wordOf[i] != key.wordOf[i - 1] { nameWords.append([]) }
            nameWords[nameWords.count - 1].append(scalar)
        }
        guard textWords.count == nameWords.count else { return false }
        for (written, watched) in zip(textWords, nameWords) where written != watched {
            if written.count <= 2 || vocabulary.contains(ScalarKey(written)) || Self.stopWords.contains(written) { return false }
        }
        return true
    }

    /// Whether `start..<end` spans at most `limit` Latin words: "S.p" is not "SP",
    /// "Gold Corp" is not "Goldcorp" (while "GreeElectric" is "Gree Electric").
    static func wordsWithin(_ text: NormalizedText, _ start: Int, _ end: Int, limit: Int) -> Bool {
        var count = 0
        for i in start..<end where text.classes[i] == .word && (i == start || text.wordStart[i]) {
            count += 1
            if count > limit { return false }
        }
        return true
    }

    static func isOneWord(_ text: NormalizedText, _ start: Int, _ end: Int) -> Bool {
        for i in start..<end where text.classes[i] != .word || i > start && text.wordStart[i] { return false }
        return true
    }

    /// Whether the next word, separated by spaces only, starts with a capital Latin letter.
    static func nextWordIsCapitalized(_ text: NormalizedText, _ end: Int) -> Bool {
        guard end < text.count, text.classes[end] == .word else { return false }
        let gap = text.utf8[Int(text.ends[end - 1])..<Int(text.starts[end])]
        guard !gap.isEmpty, gap.allSatisfy({ $0 == 0x20 }) else { return false }
        let first = text.utf8[Int(text.starts[end])]
        return first >= 0x41 && first <= 0x5A
    }

    @inline(__always)
    private func shortCJKPattern(_ text: NormalizedText, _ start: Int, _ end: Int) -> Bool {
        guard end - start <= 3 else { return false }
        for i in start..<end where text.classes[i] != .cjk { return false }
        return true
    }

    func entityName(_ owner: Owner) -> String {
        watchlists[Int(owner.watchlist)].entities[Int(owner.entity)].name
    }

    /// Drops shadowed occurrences, then keeps each name's best (then earliest) one.
    ///
    /// An occurrence is shadowed when another of the same customer and entity covers its
    /// text and is longer, or covers the same text with a better score: "Gree" inside
    /// "Gree Daikin Precision Mold", 格力电器 inside 珠海格力电器, 株式会社東芝 (legal form left
    /// out) beside 東芝 on the same "東芝". Each mention is then reported once, by its most
    /// specific name.
    func reportable(_ raws: [Raw], threshold: Double = 0) -> [Raw] {
        var keep = [Bool](repeating: true, count: raws.count)
        for i in raws.indices {
            let a = raws[i]
            for j in raws.indices where j != i {
                let b = raws[j]
                guard b.byteRange.lowerBound <= a.byteRange.lowerBound, b.byteRange.upperBound >= a.byteRange.upperBound else { continue }
                if b.owner.watchlist == a.owner.watchlist, b.owner.entity == a.owner.entity {
                    if b.byteRange.count > a.byteRange.count || b.score > a.score
                        || b.score == a.score && b.byteRange == a.byteRange && j < i && b.owner.name == a.owner.name {
                        keep[i] = false
                        break
                    }
                } else if b.byteRange.count > a.byteRange.count, b.score >= Self.defaultThreshold,
                          entityName(b.owner).lowercased() != entityName(a.owner).lowercased() {
                    // A longer watched name of another company covers this text: "Mitsubishi
                    // Electric" is not a mention of Mitsubishi Corporation (by its core
                    // "Mitsubishi"), whichever customer watches it.
                    keep[i] = false
                    break
                }
            }
        }
        var best: [Int64: Int] = [:]
        for i in raws.indices where keep[i] {
            let o = raws[i].owner
            let key = Int64(o.watchlist) << 40 | Int64(o.entity) << 20 | Int64(o.name)
            if let current = best[key] {
                let c = raws[current]
                if c.score > raws[i].score || c.score == raws[i].score && c.byteRange.lowerBound <= raws[i].byteRange.lowerBound { continue }
            }
            best[key] = i
        }
        return best.values.sorted().map { raws[$0] }.sorted {
            ($0.byteRange.lowerBound, $0.owner.watchlist, $0.owner.entity, $0.owner.name)
                < ($1.byteRange.lowerBound, $1.owner.watchlist, $1.owner.entity, $1.owner.name)
        }
    }

    /// How much folding made `matched` equal to `name`. With `partOfName`, `matched` is
    /// compared with a part of the name (the name without its legal form).
    static func grade(matched: String, name: String, partOfName: Bool, table: FoldTable) -> (Double, [String]) {
        func same(_ a: String, _ b: String) -> Bool { partOfName ? b.contains(a) : a == b }
        if same(matched, name) { return (1.0, ["exact"]) }
        let lowerMatched = matched.lowercased(), lowerName = name.lowercased()
        if same(lowerMatched, lowerName) { return (0.99, ["case"]) }
        let nfkcMatched = lowerMatched.precomposedStringWithCompatibilityMapping.lowercased()
        let nfkcName = lowerName.precomposedStringWithCompatibilityMapping.lowercased()
        if same(nfkcMatched, nfkcName) { return (0.98, ["width (NFKC)"]) }
        if same(table.foldScript(nfkcMatched), table.foldScript(nfkcName)) {
            return (0.97, ["script (traditional/shinjitai → simplified)"])
        }
        return (0.96, ["punctuation, spacing, accents, invisible or look-alike characters"])
    }

    /// Domains, subdomains and e-mail addresses at watched domains.
    func domainHits(_ folded: NormalizedText) -> [Raw] {
        var raws: [Raw] = []
        for (host, range, isEmail) in Self.hostnames(in: folded.utf8) {
            var suffix = Substring(host)
            var isSubdomain = false
            while true {
                if let list = domains[String(suffix)] {
                    for owner in list {
                        let sub = isSubdomain || isEmail
                        raws.append(Raw(owner: Owner(watchlist: owner.watchlist, entity: owner.entity, name: owner.name, kind: .name),
                                        start: 0, end: 0, method: .domain(host), score: sub ? 0.98 : 1.0,
                                        steps: [isEmail ? "e-mail address at the domain" : isSubdomain ? "subdomain" : "domain"],
                                        byteRange: range))
                    }
                }
                guard let dot = suffix.firstIndex(of: ".") else { break }
                suffix = suffix[suffix.index(after: dot)...]
                isSubdomain = true
            }
        }
        return raws
    }

    /// Host names in the text: maximal runs of ASCII letters, digits, dots and hyphens
    /// with a dot and a letter after the last dot, lower-cased, trimmed of dots and
    /// hyphens; an e-mail address's local part is included in the byte range.
    static func hostnames(in bytes: [UInt8]) -> [(String, Range<Int>, Bool)] {
        var result: [(String, Range<Int>, Bool)] = []
        @inline(__always) func isHostByte(_ b: UInt8) -> Bool {
            (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) || b == 0x2E || b == 0x2D
        }
        var i = 0
        let count = bytes.count
        while i < count {
            guard isHostByte(bytes[i]) else { i += 1; continue }
            var start = i
            var dots = 0
            while i < count, isHostByte(bytes[i]) {
                if bytes[i] == 0x2E { dots += 1 }
                i += 1
            }
            guard dots > 0 else { continue }
            var end = i
            while start < end, bytes[start] == 0x2E || bytes[start] == 0x2D { start += 1 }
            while end > start, bytes[end - 1] == 0x2E || bytes[end - 1] == 0x2D { end -= 1 }
            guard end > start, let lastDot = bytes[start..<end].lastIndex(of: 0x2E), lastDot + 1 < end,
                  bytes[lastDot + 1] >= 0x41 else { continue }  // a letter after the last dot: not "1.3"
            let host = String(decoding: bytes[start..<end], as: UTF8.self).lowercased()
            var rangeStart = start
            var isEmail = false
            if start > 0, bytes[start - 1] == 0x40 {
                rangeStart = start - 1
                while rangeStart > 0, isHostByte(bytes[rangeStart - 1]) || [0x5F, 0x2B, 0x25].contains(bytes[rangeStart - 1]) {
                    rangeStart -= 1
                }
                if rangeStart == start - 1 { rangeStart = start } else { isEmail = true }
            }
            result.append((host, rangeStart..<end, isEmail))
        }
        return result
    }
}

/// A folded string as a dictionary key, hashed once (FNV-1a) instead of element by
/// element through `Hasher`: loading 100,000 names hashes millions of them.
struct ScalarKey: Hashable, Sendable {
    let scalars: [UInt32]
    let hash: Int

    init(_ scalars: [UInt32]) {
        self.scalars = scalars
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for s in scalars { h = (h ^ UInt64(s)) &* 0x0000_0100_0000_01B3 }
        hash = Int(truncatingIfNeeded: h)
    }

    func hash(into hasher: inout Hasher) { hasher.combine(hash) }
    static func == (a: ScalarKey, b: ScalarKey) -> Bool { a.hash == b.hash && a.scalars == b.scalars }
}
