import Foundation
import Synchronization

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
    /// Where `matched` stands: the listing's title or its body.
    public var field: Field = .title
}

/// The part of a listing a hit was found in.
public enum Field: String, Sendable, Codable {
    case title, body
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
public final class Matcher: Sendable {
    enum OwnerKind: UInt8, Sendable { case name, nameCore, exclude, fuzzyPiece, variant }

    struct Owner: Sendable {
        var watchlist: Int32
        var entity: Int32
        var name: Int32
        var kind: OwnerKind
        /// For `name` and `nameCore`: the most Latin words the match may span (a listing may
        /// run a name's words together, never split them further). Per owner, not per pattern:
        /// another customer's spelling of the same name must not change this one's.
        var words: Int32 = Int32.max
        /// For `name` and `nameCore`: the matched form is an everyday English word or an
        /// acronym of up to 3 letters, which counts only with evidence (see `needsEvidence`).
        var weak = false
        /// For `name` and `nameCore`: one word that is a word or a proper noun of English but
        /// not an everyday one ("Collins", "Parker", "Asia", "Sony"): a mention of it counts on
        /// its own in a title, but not in a body without corroboration, and not where the
        /// words around it make it part of another name (see `anotherNameAround`).
        var nameLike = false
        /// For `name`: its core is one such word ("TECHNOLOGIES, Inc."): with a capitalised word
        /// before it, the whole name is the end of another firm's ("Hall Technologies Inc").
        var commonCore = false
        /// For `name` and `nameCore`: `nameLike`, and a proper noun (a surname, a place, a brand):
        /// a group company of it needs a country or region after it.
        var properNoun = false
        /// For `variant`: its index in `variantSteps` / `variantScores` (Variants.swift).
        var variant: Int32 = -1
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
        /// For each scalar, which word of the name it belongs to; each word's budget (units,
        /// `Fuzzy.budget`), and the whole name's.
        let wordOf: [Int]
        let wordBudgets: [Int]
        let totalUnits: Int
        let reversedScalars: [UInt32]
        let reversedWordOf: [Int]
        /// Edits the pieces are cut for (pigeonhole: one of maxEdits + 1 pieces is intact).
        let maxEdits: Int
        /// Two sets of piece start offsets (the second shifted by one letter).
        let pieceOffsets: [[Int]]
        let owners: [Owner]

        init(
            scalars: [UInt32],
            wordOf: [Int],
            wordBudgets: [Int],
            totalUnits: Int,
            maxEdits: Int,
            pieceOffsets: [[Int]],
            owners: [Owner]
        ) {
            self.scalars = scalars
            self.wordOf = wordOf
            self.wordBudgets = wordBudgets
            self.totalUnits = totalUnits
            self.reversedScalars = scalars.reversed()
            self.reversedWordOf = wordOf.reversed()
            self.maxEdits = maxEdits
            self.pieceOffsets = pieceOffsets
            self.owners = owners
        }

        func adding(_ owner: Owner) -> FuzzyKey {
            FuzzyKey(
                scalars: scalars,
                wordOf: wordOf,
                wordBudgets: wordBudgets,
                totalUnits: totalUnits,
                maxEdits: maxEdits,
                pieceOffsets: pieceOffsets,
                owners: owners + [owner]
            )
        }
    }

    /// A misspelling piece's owner as a scan hit reads it: 24 bytes instead of an `Owner`'s
    /// 60, in its own array (at 20,000 entities a listing visits about 900 of them, and
    /// the `Owner` records no longer fit in the cache).
    struct PieceOwner: Sendable {
        var fuzzyKey: Int32
        var pieceOffset: Int32
        var keyLength: Int32
        var keyFirst: UInt32
        /// `firstLetterBits` of the key's first letter (see `nearWordStarts`).
        var firstLetters: UInt32
        var piece: UInt8
        var pieceSet: Int8
        var lastPiece: Bool
        var keyEdits: Int8
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
    /// Owners of pattern `p` but misspelling pieces: `owners[ownerStart[p]..<ownerStart[p + 1]]`.
    let ownerStart: [Int32]
    let owners: [Owner]
    /// Misspelling pieces of pattern `p`, in the same order:
    /// `pieceOwners[pieceOwnerStart[p]..<pieceOwnerStart[p + 1]]`.
    let pieceOwnerStart: [Int32]
    let pieceOwners: [PieceOwner]
    let firstIsWord: [Bool]
    let lastIsWord: [Bool]
    /// Per pattern, which of its owners a scan hit can concern (`anyOwner`, `firstPieces`, `lastPieces` bits): most hits
    /// are of misspelling pieces where no piece of theirs may start or end, and are dropped
    /// before their owners are read.
    let ownerKinds: [UInt8]
    static let anyOwner: UInt8 = 1, firstPieces: UInt8 = 2, lastPieces: UInt8 = 4
    let shortCJK: [Bool]
    let fuzzyKeys: [FuzzyKey]
    /// Per watchlist (customer), every Latin word of its watched names: a "misspelling" that
    /// spells one of them is that word. Per customer, so that one customer's names never
    /// change another's hits.
    let vocabularies: [Set<ScalarKey>]
    /// Steps and scores of the `variant` owners.
    let variantSteps: [String]
    let variantScores: [Double]
    /// Per variant: what it needs around it (a short name's human misspelling needs evidence).
    let variantNeeds: [Variants.Evidence]
    /// Lower-cased domain → owners.
    let domains: [String: [DomainOwner]]
    /// Per watchlist and entity: the registered companies (`RegisteredNames`) one of its names
    /// is, as filed; empty for names written by hand.
    let registeredRecords: [[Set<Int32>]]
    /// Per watchlist and entity: its names whose core (without the legal form) is also the core
    /// or the name of other entities of the same watchlist → those entities (`SharedCores.swift`).
    let sharedCores: [[[Int32: [Int32]]]]
    /// Scratch buffers and remembered alignments (`Fuzzy.Memo`) of the listings matched so
    /// far, one per listing being matched at a time: taken for a listing, put back after it.
    let scratchPool = Mutex<[Fuzzy.Scratch]>([])

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

        var vocabularies = [Set<ScalarKey>](repeating: [], count: watchlists.count)
        var variantSteps: [String] = []
        var variantScores: [Double] = []
        var variantNeeds: [Variants.Evidence] = []
        func pattern(_ key: [UInt32]) -> Int { pattern(ScalarKey(key)) }
        func pattern(_ hashed: ScalarKey) -> Int {
            if let id = patternIndex[hashed] { return id }
            patternIndex[hashed] = patterns.count
            patterns.append(hashed.scalars)
            return patterns.count - 1
        }
        func addFuzzy(_ plan: FuzzyPlan, owner: Owner) {
            if let id = fuzzyIndex[plan.key] {
                fuzzyKeys[id] = fuzzyKeys[id].adding(owner)
                return
            }
            let key = plan.key.scalars
            let id = fuzzyKeys.count
            fuzzyIndex[plan.key] = id
            fuzzyKeys.append(
                FuzzyKey(
                    scalars: key,
                    wordOf: plan.wordOf,
                    wordBudgets: plan.budgets,
                    totalUnits: plan.units,
                    maxEdits: plan.edits,
                    pieceOffsets: plan.sets,
                    owners: [owner]
                )
            )
            for (set, offsets) in plan.sets.enumerated() {
                for p in offsets.indices {
                    own(
                        pattern(plan.pieces[set][p]),
                        Owner(
                            watchlist: owner.watchlist,
                            entity: owner.entity,
                            name: owner.name,
                            kind: .fuzzyPiece,
                            fuzzyKey: Int32(id),
                            piece: Int32(p),
                            lastPiece: p == offsets.count - 1,
                            pieceSet: Int8(set),
                            pieceOffset: Int32(offsets[p]),
                            keyLength: Int32(key.count),
                            keyFirst: key[0],
                            keyLast: key[key.count - 1],
                            keyEdits: Int8(plan.edits)
                        )
                    )
                }
            }
        }

        // Folding every name is the bulk of a load and independent per name: done on all
        // cores first, then the patterns are added in file order.
        var texts: [String] = []
        // Per text, the entity's names in Chinese characters (for romanisations of its Latin names).
        var hanNames: [[String]] = []
        var japanese: [Bool] = []
        for watchlist in watchlists {
            for entity in watchlist.entities {
                let values = entity.names.filter { $0.relation != .domain }.map(\.value)
                let isJapanese = values.contains(where: Romanisation.isJapanese)
                let han =
                    isJapanese || !values.contains(where: Romanisation.isLatin) ? [] : values.filter(Romanisation.isHan)
                for value in values {
                    texts.append(value)
                    hanNames.append(han)
                    japanese.append(isJapanese)
                }
                for exclude in entity.excludes {
                    texts.append(exclude.value)
                    hanNames.append([])
                    japanese.append(false)
                }
            }
        }
        let readings = Romanisation.readings(of: hanNames.flatMap { $0 })
        let prepared = Self.foldAll(
            texts,
            normalizer,
            han: hanNames.map { $0.compactMap { readings[$0] } },
            japanese: japanese
        )
        var nextPrepared = 0
        patternIndex.reserveCapacity(texts.count * 4)
        patterns.reserveCapacity(texts.count * 4)
        ownerPattern.reserveCapacity(texts.count * 8)
        ownerList.reserveCapacity(texts.count * 8)

        for (w, watchlist) in watchlists.enumerated() {
            for (e, entity) in watchlist.entities.enumerated() {
                for (n, name) in entity.names.enumerated() {
                    if name.relation == .domain {
                        var domain = Substring(name.value.lowercased())
                        while domain.hasPrefix(".") { domain = domain.dropFirst() }
                        while domain.hasSuffix(".") { domain = domain.dropLast() }
                        domains[String(domain), default: []].append(
                            DomainOwner(watchlist: Int32(w), entity: Int32(e), name: Int32(n))
                        )
                        continue
                    }
                    let item = prepared[nextPrepared]
                    nextPrepared += 1
                    guard let full = item.full else { continue }
                    let owner = Owner(
                        watchlist: Int32(w),
                        entity: Int32(e),
                        name: Int32(n),
                        kind: .name,
                        words: Int32(item.fullWords),
                        weak: item.fullWeak,
                        nameLike: item.fullNameLike,
                        commonCore: item.coreOneWord && (item.coreWeak || item.coreNameLike),
                        properNoun: item.fullProperNoun
                    )
                    own(pattern(full), owner)
                    for word in item.words { vocabularies[w].insert(word) }
                    // Typos are looked for in the distinctive part of a name: never in its legal form.
                    var fuzzyOwner = owner
                    fuzzyOwner.commonCore = false
                    if let core = item.core {
                        fuzzyOwner.kind = .nameCore
                        fuzzyOwner.words = Int32(item.coreWords)
                        fuzzyOwner.weak = item.coreWeak
                        fuzzyOwner.nameLike = item.coreNameLike
                        fuzzyOwner.properNoun = item.coreProperNoun
                        own(pattern(core), fuzzyOwner)
                    }
                    if let plan = item.fuzzy { addFuzzy(plan, owner: fuzzyOwner) }
                    for variant in item.variants {
                        var variantOwner = Owner(
                            watchlist: Int32(w),
                            entity: Int32(e),
                            name: Int32(n),
                            kind: .variant,
                            words: Int32(variant.words)
                        )
                        variantOwner.variant = Int32(variantSteps.count)
                        variantSteps.append(variant.step)
                        variantScores.append(variant.score)
                        variantNeeds.append(variant.needs)
                        own(pattern(variant.key), variantOwner)
                    }
                }
                for x in entity.excludes.indices {
                    let item = prepared[nextPrepared]
                    nextPrepared += 1
                    guard let full = item.full else { continue }
                    own(pattern(full), Owner(watchlist: Int32(w), entity: Int32(e), name: Int32(x), kind: .exclude))
                }
            }
        }

        // Owners grouped by pattern (a stable counting sort keeps file order within a pattern),
        // misspelling pieces apart from the others.
        var ownerStart = [Int32](repeating: 0, count: patterns.count + 1)
        var pieceOwnerStart = [Int32](repeating: 0, count: patterns.count + 1)
        for (k, p) in ownerPattern.enumerated() {
            if ownerList[k].kind == .fuzzyPiece {
                pieceOwnerStart[Int(p) + 1] += 1
            } else {
                ownerStart[Int(p) + 1] += 1
            }
        }
        for i in 0..<patterns.count {
            ownerStart[i + 1] += ownerStart[i]
            pieceOwnerStart[i + 1] += pieceOwnerStart[i]
        }
        var owners = [Owner](
            repeating: Owner(watchlist: 0, entity: 0, name: 0, kind: .name),
            count: Int(ownerStart[patterns.count])
        )
        var pieceOwners = [PieceOwner](
            repeating: PieceOwner(
                fuzzyKey: 0,
                pieceOffset: 0,
                keyLength: 0,
                keyFirst: 0,
                firstLetters: 0,
                piece: 0,
                pieceSet: 0,
                lastPiece: false,
                keyEdits: 0
            ),
            count: Int(pieceOwnerStart[patterns.count])
        )
        // An owner other than a first or last piece of a misspelling key concerns every hit;
        // a first piece only hits at a word start, a last piece only hits at a word end.
        var ownerKinds = [UInt8](repeating: 0, count: patterns.count)
        var fill = ownerStart
        var pieceFill = pieceOwnerStart
        for (k, p) in ownerPattern.enumerated() {
            let owner = ownerList[k]
            switch (owner.kind, owner.piece == 0, owner.lastPiece) {
            case (.fuzzyPiece, true, false): ownerKinds[Int(p)] |= Self.firstPieces
            case (.fuzzyPiece, false, true): ownerKinds[Int(p)] |= Self.lastPieces
            default: ownerKinds[Int(p)] |= Self.anyOwner
            }
            if owner.kind == .fuzzyPiece {
                pieceOwners[Int(pieceFill[Int(p)])] = PieceOwner(
                    fuzzyKey: owner.fuzzyKey,
                    pieceOffset: owner.pieceOffset,
                    keyLength: owner.keyLength,
                    keyFirst: owner.keyFirst,
                    firstLetters: Self.firstLetterBits(owner.keyFirst),
                    piece: UInt8(owner.piece),
                    pieceSet: owner.pieceSet,
                    lastPiece: owner.lastPiece,
                    keyEdits: owner.keyEdits
                )
                pieceFill[Int(p)] += 1
            } else {
                owners[Int(fill[Int(p)])] = owner
                fill[Int(p)] += 1
            }
        }
        self.automaton = AhoCorasick(patterns: patterns)
        self.ownerStart = ownerStart
        self.owners = owners
        self.pieceOwnerStart = pieceOwnerStart
        self.pieceOwners = pieceOwners
        self.ownerKinds = ownerKinds
        self.firstIsWord = patterns.map { table.classOfFolded($0[0]) == .word }
        self.lastIsWord = patterns.map { table.classOfFolded($0[$0.count - 1]) == .word }
        self.shortCJK = patterns.map { $0.count <= 3 && $0.allSatisfy { table.classOfFolded($0) == .cjk } }
        self.fuzzyKeys = fuzzyKeys
        self.domains = domains
        self.vocabularies = vocabularies
        self.variantSteps = variantSteps
        self.variantScores = variantScores
        self.variantNeeds = variantNeeds
        self.registeredRecords = watchlists.map { watchlist in
            watchlist.entities.map { entity in
                Set(entity.names.filter { $0.relation != .domain }.flatMap { RegisteredNames.records(named: $0.value) })
            }
        }
        self.sharedCores = Self.sharedCores(watchlists, prepared)
        // The load's temporaries are millions of small allocations; free them on another
        // core instead of making the caller wait.
        nonisolated(unsafe) var garbage: [Any]? = [prepared, patternIndex, patterns, ownerList, fuzzyIndex]
        DispatchQueue.global(qos: .utility).async { if garbage != nil { garbage = nil } }
    }

    /// Builds the bundled tables every load reads (the fold table, the word lists, the
    /// registry's names and legal forms). Each is built once, on first use; calling this on
    /// another thread while the watchlists are read takes their building off the load's path
    /// (otherwise the first name folded waits for them, and so does the other core).
    public static func prepareBundledTables() {
        DispatchQueue.concurrentPerform(iterations: 2) { part in
            if part == 0 {
                _ = FoldTable.shared
                _ = LegalForms.folded
                _ = EnglishWords.all
                _ = EnglishWords.registry
                _ = Confusions.costs
            } else {
                _ = RegisteredNames.identifying
                _ = RegisteredNames.phrases
                _ = RegisteredNames.firstWords
                _ = EnglishWords.everyday
                _ = EnglishWords.properNouns
            }
        }
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
        var fullWeak = false
        var coreWeak = false
        var fullNameLike = false
        var coreNameLike = false
        var coreOneWord = false
        var fullProperNoun = false
        var coreProperNoun = false
        /// Its Latin words, for the vocabulary.
        var words: [ScalarKey] = []
        var fuzzy: FuzzyPlan?
        /// Abbreviated, shortened and romanised forms (Variants), folded.
        var variants: [(key: ScalarKey, words: Int, score: Double, step: String, needs: Variants.Evidence)] = []
    }

    /// How typos are looked for in one key: its words' budgets and its pieces.
    struct FuzzyPlan: Sendable {
        var key: ScalarKey
        var wordOf: [Int]
        var budgets: [Int]
        var units: Int
        var edits: Int
        var sets: [[Int]]
        var pieces: [[ScalarKey]]
    }

    static func prepare(_ folded: NormalizedText) -> Prepared {
        var item = Prepared()
        guard !folded.scalars.isEmpty else { return item }
        func wordCount(_ range: Range<Int>) -> Int {
            var count = 0
            for i in range where folded.classes[i] == .word && (i == range.lowerBound || folded.wordStart[i]) {
                count += 1
            }
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
            item.coreWeak = isWeak(folded, core, core: true)
            item.coreNameLike =
                !item.coreWeak
                && (isNameLike(folded, core) || businessWords.contains(ScalarKey(Array(folded.scalars[core]))))
            item.coreOneWord = item.coreWords == 1
            item.coreProperNoun = item.coreNameLike && EnglishWords.isProperNoun(Array(folded.scalars[core]))
        }
        item.fullWeak = isWeak(folded, 0..<folded.count)
        item.fullNameLike = !item.fullWeak && isNameLike(folded, 0..<folded.count)
        item.fullProperNoun = item.fullNameLike && EnglishWords.isProperNoun(folded.scalars)
        item.fuzzy = fuzzyPlan(folded, core ?? 0..<folded.count)
        // A core read without its leading "The" too short to misspell ("Boeing" of The Boeing
        // Company): misspellings are looked for with the article ("The Boiing Company").
        if item.fuzzy == nil, let core, core.lowerBound > 0,
            LegalForms.leadingArticle(folded, 0, core.upperBound) == core.lowerBound
        {
            item.fuzzy = fuzzyPlan(folded, 0..<core.upperBound)
        }
        return item
    }

    /// Whether a name (or core) is too ordinary to count on its own: one everyday English
    /// word ("SMART", "HOME" of HOME CO., LTD., "Canon"), a phrase of everyday words with a
    /// function word ("We Can"), or a Latin acronym of up to three letters or digits ("ABC"
    /// of ABC Holdings). Such a name counts only with evidence.
    /// `core`: the range is what is left once a legal form is dropped. A Chinese or Japanese
    /// core that is an everyday word is weak too (未来 of 未来集团, コロナ of 株式会社コロナ), and so
    /// is a name in Chinese characters that is one, as an English one is: registries file short
    /// names beside the full one (大量 for 大量科技, 世界 for 世界先進), and "大量出售" is a bulk
    /// sale. Brand names the word lists carry as names (百度, 微软) are not everyday words. A
    /// katakana name written without a form stays strong: it is a brand transliterated (イオン,
    /// スバル) far more often in a listing than the loanword it also spells.
    static func isWeak(_ folded: NormalizedText, _ range: Range<Int>, core: Bool = false) -> Bool {
        if !range.isEmpty, folded.classes[range].allSatisfy({ $0 == .cjk }) {
            let word = Array(folded.scalars[range])
            return (core || !word.contains { (0x30A1...0x30FC).contains($0) }) && CJKWords.isEveryday(word)
        }
        guard !range.isEmpty, folded.classes[range].allSatisfy({ $0 == .word }) else { return false }
        if range.count <= 3 { return true }
        var words: [[UInt32]] = []
        for i in range {
            if i == range.lowerBound || folded.wordStart[i] { words.append([]) }
            words[words.count - 1].append(folded.scalars[i])
        }
        if words.count == 1 { return EnglishWords.isEveryday(words[0]) }
        // A phrase of everyday words with a function word in it: "We Can", "As One",
        // "The Global", "All About" (not "Bank of China": "of" and "and" join names).
        return words.allSatisfy { EnglishWords.isEveryday($0) || functionWords.contains($0) }
            && words.contains { functionWords.contains($0) }
    }

    /// Whether a name (or core) is one word of four letters or more that English has, as a
    /// word or a proper noun (a surname, a place, a brand): "Collins", "Asia", "Polaris",
    /// "Sony". Other people, places and firms bear these names too.
    static func isNameLike(_ folded: NormalizedText, _ range: Range<Int>) -> Bool {
        guard range.count >= 4, folded.classes[range].allSatisfy({ $0 == .word }) else { return false }
        for i in range.dropFirst() where folded.wordStart[i] { return false }
        return EnglishWords.isWord(Array(folded.scalars[range]))
    }

    static let functionWords: Set<[UInt32]> = Set(
        [
            "the", "a", "as", "we", "can", "all", "about", "one", "my", "your", "our",
            "it", "is", "be", "to", "in", "on", "at", "by", "for", "with", "you", "me",
            "us", "no", "not", "so", "up", "go", "do", "this", "that",
        ]
        .map { $0.unicodeScalars.map(\.value) }
    )

    /// Misspellings are looked for in names (or cores) of 7 letters or more that are not
    /// one everyday English word (a misspelt "Smart" is another word, not a mention).
    static func fuzzyPlan(_ name: NormalizedText, _ range: Range<Int>) -> FuzzyPlan? {
        let key = Array(name.scalars[range])
        guard key.count >= 7, name.classes[range].allSatisfy({ $0 == .word }) else { return nil }
        var wordOf: [Int] = []
        var lengths: [Int] = []
        for i in range {
            if i == range.lowerBound || name.wordStart[i] { lengths.append(0) }
            lengths[lengths.count - 1] += 1
            wordOf.append(lengths.count - 1)
        }
        if lengths.count == 1, EnglishWords.isEveryday(key) { return nil }
        let budgets = lengths.map { Fuzzy.budget(wordLength: $0) }
        // A word of five letters or more may borrow when the others stand as written (Fuzzy.withinBudgets).
        let borrows = lengths.count >= 2 && lengths.contains { $0 >= 5 } && key.count >= 8
        let units = min(Fuzzy.maxUnits, max(budgets.reduce(0, +), borrows ? Fuzzy.borrowedBudget : 0))
        guard units >= 2 else { return nil }
        // Pieces of three letters or more: shorter ones stand in too many words to verify.
        // (Pieces are cut for the words' own budgets: a word borrowing is found when the other
        // piece is intact, which it mostly is; three pieces for all would double the time.)
        let edits = key.count >= 9 && budgets.reduce(0, +) >= 4 ? 2 : 1
        // With k edits one of k+1 pieces is intact, unless a swap straddles a piece
        // boundary; a second set of pieces with boundaries one letter later covers that.
        // (Two edits from 9 letters: with an 8-letter key's 2-letter piece, verifying the
        // piece hits took 30 % of the matching time for 4 of 629 misspellings more.)
        let count = edits + 1
        var sets: [[Int]] = [[], []]
        for p in 0..<count {
            let offset = p * key.count / count
            sets[0].append(offset)
            sets[1].append(p == 0 ? 0 : offset + 1)
        }
        let pieces = sets.map { offsets in
            offsets.indices.map { p in ScalarKey(Array(key[offsets[p]..<(p + 1 < count ? offsets[p + 1] : key.count)]))
            }
        }
        return FuzzyPlan(
            key: ScalarKey(key),
            wordOf: wordOf,
            budgets: budgets,
            units: units,
            edits: edits,
            sets: sets,
            pieces: pieces
        )
    }

    static func foldAll(
        _ texts: [String],
        _ normalizer: Normalizer,
        han: [[Romanisation.Reading]] = [],
        japanese: [Bool] = []
    ) -> [Prepared] {
        _ = normalizer.table  // build the fold table once, before the workers start
        return parallelMap(texts.count, chunk: 2048) { i in
            let folded = normalizer.normalize(texts[i])
            var item = prepare(folded)
            let core = LegalForms.core(of: folded)
            for variant in Variants.of(
                name: texts[i],
                folded: folded,
                core: core,
                han: i < han.count ? han[i] : [],
                japanese: i < japanese.count && japanese[i]
            ) {
                // One word of folded letters (a short name's misspelling) is its own folded form.
                let letters = variant.text.unicodeScalars.map(\.value)
                if letters.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }) {
                    let key = ScalarKey(letters)
                    guard !letters.isEmpty, key != item.full, key != item.core else { continue }
                    item.variants.append((key, 1, variant.score, variant.step, variant.needs))
                    continue
                }
                let form = normalizer.normalize(variant.text)
                let key = ScalarKey(form.scalars)
                guard !form.scalars.isEmpty, key != item.full, key != item.core else { continue }
                let words = (0..<form.count).filter { form.classes[$0] == .word && ($0 == 0 || form.wordStart[$0]) }
                    .count
                item.variants.append((key, words, variant.score, variant.step, variant.needs))
            }
            return item
        }
    }

    /// Total number of watched names (for logs and `check`).
    public var nameCount: Int { watchlists.reduce(0) { $0 + $1.entities.reduce(0) { $0 + $1.names.count } } }

    /// Hits in a text taken as a listing's title.
    public func match(_ text: String, threshold: Double) -> [MatchHit] {
        candidates(in: text).filter { $0.score >= threshold }
    }

    /// Hits in a listing: its title and its body (a mention in the body counts for less).
    public func match(title: String, body: String, threshold: Double) -> [MatchHit] {
        candidates(title: title, body: body).filter { $0.score >= threshold }
    }

    static let splitStep = "a word of the name written as two: "

    /// Whether every word of `start..<end` is an everyday English word (or a legal form).
    static func everydayWordsOnly(_ text: NormalizedText, _ start: Int, _ end: Int) -> Bool {
        var word: [UInt32] = []
        var i = start
        while i <= end {
            if i == end || text.classes[i] != .word || (text.wordStart[i] && !word.isEmpty) {
                if !word.isEmpty {
                    guard EnglishWords.isEveryday(word) || functionWords.contains(word) else {
                        return false
                    }
                    if i < end, LegalForms.formStarts(at: i, in: text) { return true }
                }
                word.removeAll()
            }
            if i < end, text.classes[i] == .word { word.append(text.scalars[i]) }
            i += 1
        }
        return true
    }

    /// Score taken off a mention in the body: descriptions list brands, customers and
    /// suppliers; the title names the listing's subject.
    static let bodyPenalty = 0.05

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
        /// A weak name's mention not written as in the watchlist: it counts only beside
        /// another mention of the same entity.
        var needsEvidence = false
        /// An acronym written letter by letter ("N E C"): a deliberate way to write it.
        var spelled = false
    }

    /// Every hit with its score, whatever the threshold (for `--explain` near misses).
    public func candidates(in text: String) -> [MatchHit] {
        candidates(title: text, body: "")
    }

    /// Every hit in a listing with its score, whatever the threshold. Character references are
    /// read decoded ("Collins &amp; Co" is partners' names joined by "&"); the byte ranges and
    /// `matched` texts reported are the listing's own.
    public func candidates(title: String, body: String) -> [MatchHit] {
        let decodedTitle = EntityDecoded(title)
        let decodedBody = EntityDecoded(body)
        if decodedTitle == nil && decodedBody == nil { return candidatesAsWritten(title: title, body: body) }
        let titleMap = decodedTitle?.originalOffset ?? Array(0...title.utf8.count)
        let bodyMap = decodedBody?.originalOffset ?? Array(0...body.utf8.count)
        let original = Array((body.isEmpty ? title : title + "\n" + body).utf8)
        let titleLength = titleMap.count - 1
        func originalOffset(_ decoded: Int) -> Int {
            decoded <= titleLength ? titleMap[decoded] : title.utf8.count + 1 + bodyMap[decoded - titleLength - 1]
        }
        return candidatesAsWritten(title: decodedTitle?.text ?? title, body: decodedBody?.text ?? body).map { hit in
            var hit = hit
            let range = originalOffset(hit.byteRange.lowerBound)..<originalOffset(hit.byteRange.upperBound)
            hit.byteRange = range
            hit.matched = String(decoding: original[range], as: UTF8.self)
            // Read narrow, written wide: the score says the width was folded, as for a name.
            if hit.score > 0.98, hit.matched.unicodeScalars.contains(where: { (0xFF01...0xFF5E).contains($0.value) }) {
                hit.score = 0.98
                hit.steps.insert("width (NFKC)", at: 0)
            }
            return hit
        }
    }

    func candidatesAsWritten(title: String, body: String) -> [MatchHit] {
        let text = body.isEmpty ? title : title + "\n" + body
        let titleBytes = body.isEmpty ? Int.max : title.utf8.count
        let folded = normalizer.normalize(text)
        /// `extraWords`: 1 when the text splits one word of the name in two ("Fuji Film"),
        /// -1 for an acronym written letter by letter ("S.U.M.C.O.", "G.M.O. Media"), 2 when
        /// found with digits read as the letters they look like ("HAKUT0").
        let nearStarts = Self.nearWordStarts(folded)
        // What the scan finds goes into one struct passed to the callback `inout`: arrays the
        // callback captured would be checked for exclusive access at run time on every hit.
        struct Finds {
            var exact: [(owner: Owner, start: Int, end: Int, extraWords: Int)] = []
            var excluded: [(watchlist: Int32, entity: Int32, range: Range<Int>)] = []
            var pieces: [(key: Int32, piece: Int32, set: Int8, start: Int, end: Int)] = []
        }
        var finds = Finds()
        automaton.scan(folded.scalars, into: &finds) { finds, id, start, end in
            let kinds = ownerKinds[id]
            if kinds & Self.anyOwner == 0, kinds & Self.firstPieces == 0 || !folded.isWordStart(start),
                kinds & Self.lastPieces == 0 || !folded.isWordEnd(end)
            {
                return  // only pieces that cannot start or end here (the loop below would skip each)
            }
            let bounded = (!firstIsWord[id] || folded.isWordStart(start)) && (!lastIsWord[id] || folded.isWordEnd(end))
            let wordStartHere = folded.isWordStart(start)
            let wordEndHere = folded.isWordEnd(end)
            for k in Int(pieceOwnerStart[id])..<Int(pieceOwnerStart[id + 1]) {
                let owner = pieceOwners[k]
                if owner.piece == 0 && !wordStartHere { continue }
                if owner.lastPiece && !wordEndHere { continue }
                if !Self.piecePlausible(owner, start: start, folded, nearStarts) { continue }
                if let last = finds.pieces.last, last.key == owner.fuzzyKey, last.piece == Int32(owner.piece),
                    last.set == owner.pieceSet,
                    last.start == start
                {
                    continue
                }
                finds.pieces.append((owner.fuzzyKey, Int32(owner.piece), owner.pieceSet, start, end))
            }
            for k in Int(ownerStart[id])..<Int(ownerStart[id + 1]) {
                let owner = owners[k]
                switch owner.kind {
                case .exclude:
                    if bounded { finds.excluded.append((owner.watchlist, owner.entity, start..<end)) }
                case .variant:
                    if bounded, Self.wordCount(folded, start, end) <= Int(owner.words) {
                        finds.exact.append((owner, start, end, 0))
                    }
                case .name, .nameCore:
                    guard bounded else { continue }
                    let words = Self.wordCount(folded, start, end)
                    if words <= Int(owner.words) {
                        finds.exact.append((owner, start, end, 0))
                    } else if let joined = Self.acronymJoinedWords(folded, start, end), joined <= Int(owner.words) {
                        finds.exact.append((owner, start, end, -1))
                    } else if words == Int(owner.words) + 1 {
                        finds.exact.append((owner, start, end, 1))
                    } else if owner.words == 1, words == end - start, (2...6).contains(words) {
                        finds.exact.append((owner, start, end, -1))
                    }
                case .fuzzyPiece:
                    continue  // in `pieceOwners`
                }
            }
        }
        var exact = finds.exact
        let excluded = finds.excluded
        let pieces = finds.pieces
        finds = Finds()

        // Digits written for letters inside words ("HAKUT0", "T0pre", "KAUL1N"): the text again with
        // them read as letters, one scalar for one, so offsets stay.
        for (alternate, changed, windows) in Self.lookAlikeReadings(folded) {
            for window in windows {
                automaton.scan(Array(alternate[window])) { id, windowStart, windowEnd in
                    let start = windowStart + window.lowerBound
                    let end = windowEnd + window.lowerBound
                    guard changed[start..<end].contains(true) else { return }
                    let bounded =
                        (!firstIsWord[id] || folded.isWordStart(start)) && (!lastIsWord[id] || folded.isWordEnd(end))
                    guard bounded else { return }
                    for k in Int(ownerStart[id])..<Int(ownerStart[id + 1]) {
                        let owner = owners[k]
                        guard owner.kind == .name || owner.kind == .nameCore || owner.kind == .variant,
                            Self.wordCount(folded, start, end) <= Int(owner.words)
                        else { continue }
                        exact.append((owner, start, end, 2))
                    }
                }
            }
        }

        var raws: [Raw] = []
        var straddleCache: [Range<Int>: String?] = [:]
        var accepted: [(owner: Owner, start: Int, end: Int, extraWords: Int)] = []
        for (owner, start, end, extraWords) in exact {
            // "The Company's line of business" does not write S LINE: the "s" ends a possessive.
            if Self.possessiveS(folded, start) { continue }
            let range = Int(folded.starts[start])..<Int(folded.ends[end - 1])
            let name = watchlists[Int(owner.watchlist)].entities[Int(owner.entity)].names[Int(owner.name)]
            let matched = folded.original(start..<end)
            var (score, steps) =
                owner.kind == .variant
                ? (variantScores[Int(owner.variant)], [variantSteps[Int(owner.variant)]])
                : Self.grade(
                    matched: matched,
                    name: name.value,
                    partOfName: owner.kind == .nameCore,
                    table: normalizer.table
                )
            if extraWords == 1 {
                guard let split = splitWord(owner, name: name.value, folded, start, end) else { continue }
                score = min(score, 0.94)
                steps.append(Self.splitStep + split)
            } else if extraWords == 2 {
                score = min(score, Self.lookAlikeScore)
                steps.append(
                    "digits or an l read as the letters they look like (0 for o, 1 for l or i, 3 for e, 5 for s, l for I…)"
                )
            } else if extraWords == -1 {
                guard Self.spelledAcronym(folded, start, end) || Self.acronymJoinedWords(folded, start, end) != nil
                else { continue }
                score = min(score, 0.95)
                steps.append("an acronym written letter by letter")
            }
            if let mark = Self.joinedAcrossPunctuation(folded, start, end),
                !namePunctuation(owner, name.value).contains(mark)
            {
                // "science, arts" is not Science Arts: words of a name are never split by
                // a comma, a slash, a colon or brackets.
                score = min(score, Self.boundaryScore)
                steps.append("its words are split by “\(mark)”")
            }
            if Self.isOneWord(folded, start, end), Self.partOfHostLabel(folded, start, end) {
                // "yamato-esulon.com", "nextech-asia.com": another company's host name.
                score = min(score, Self.boundaryScore)
                steps.append("part of a longer label of a host name")
            }
            if Self.isTopLevelDomain(folded, start, end) {
                score = min(score, Self.boundaryScore)
                steps.append("the top-level domain of a host name")
            }
            accepted.append((owner, start, end, extraWords))
            if owner.kind == .nameCore {
                score -= 0.05
                steps.append("legal form left out")
            }
            if Self.insideKatakanaWord(folded, start, end) {
                score = min(score, Self.boundaryScore)
                steps.append("part of a longer katakana word")
            }
            // A slip in a short name or digits read as letters: a misspelling, never a group company
            // but for a line of business after it ("Sixon Tech", "KAUL1N Mfg").
            let misspelt =
                extraWords == 2
                || owner.kind == .variant && variantSteps[Int(owner.variant)].hasPrefix(Variants.slipStep)
            var context = true
            if owner.kind == .variant, variantNeeds[Int(owner.variant)] == .standsAlone {
                // A name with its generic word left out ("Kissei"): another line of business or a
                // capitalised word after it makes another firm's name ("Kissei Comtec"), and so does
                // another family's legal form ("Kissei Inc." for a Japanese K.K.).
                context = false
                if folded.original(start..<(start + 1)).first?.isLowercase == true {
                    // People write a name they shorten with its capital: "fintech" is the word.
                    score = min(score, Self.boundaryScore)
                    steps.append("written in lower case: a word, not the name shortened")
                } else if Self.accessMethod(folded, start, end) {
                    // "Selling access to … network (Citrix)", "via Citrix": the product, not the firm.
                    score = min(score, Self.boundaryScore)
                    steps.append("named as the way in (“(…)” alone, “via …”): the product, not the firm")
                } else if let before = Self.nameWordBefore(folded, start) {
                    // A town or another word of a name before it: "Fuzhou Rongxin", "Shiga Kissei".
                    score = min(score, Self.boundaryScore)
                    steps.append("preceded by \(before): part of another name")
                } else if let length = LegalForms.formLength(at: end, in: folded) {
                    if !formFitsEntity(owner, folded, end) {
                        score = min(score, Self.boundaryScore)
                        steps.append(
                            "with a legal form of another family (\(folded.original(end..<(end + length)))): another firm"
                        )
                    }
                } else if let region = Self.regionAfter(folded, end) {
                    score = min(score, Self.groupScore)
                    steps.append("a group company: \(matched) \(region)")
                } else if Self.namePartAfter(folded, end) {
                    score = min(score, Self.boundaryScore)
                    steps.append("another word of a name after it: another firm's name")
                }
            }
            if owner.kind == .variant, variantNeeds[Int(owner.variant)] == .romanised {
                // A Chinese name respelt in pinyin ("Zhong Hung" for CHUNG HUNG) keeps the name's
                // word breaks: mainland firms run the syllables together after a town
                // ("Zhengzhou Fengjian New Materials"), and a town or another name's word before it
                // makes it part of that name.
                let written = Self.wordCount(folded, start, end)
                if written != Int(owner.words) {
                    score = min(score, Self.boundaryScore)
                    steps.append(
                        "a Chinese name respelt, in \(written) word(s) where the name has \(owner.words): another firm's name"
                    )
                } else if let before = Self.nameWordBefore(folded, start) {
                    score = min(score, Self.boundaryScore)
                    steps.append("preceded by \(before): part of another name")
                }
            }
            if owner.kind == .variant,
                variantNeeds[Int(owner.variant)] == .legalForm
                    || variantNeeds[Int(owner.variant)] == .legalFormOrBusiness
            {
                // A short name's human misspelling ("Nosawa Corporation", "Keihen Holdings"): other
                // firms are one such edit away, so it counts only with the entity's legal form or a
                // line of business after it, and never when it spells a word of this customer's names.
                // A vowel of the first syllable changed counts only with a legal form of the company
                // family, not a grouping word ("Kaiwan Holdings" is not Keiwan Holdings Co., Ltd.),
                // and nowhere inside a host name ("api.kyuden.co.jp" is no Kyoden Co.).
                if vocabularies[Int(owner.watchlist)].contains(ScalarKey(Array(folded.scalars[start..<end])))
                    || variantSteps[Int(owner.variant)].contains(Variants.firstSyllableVowel)
                        && (Self.insideHostName(folded, start, end)
                            || LegalForms.groupingStarts(at: end, in: folded) != nil)
                {
                    accepted.removeLast()
                    continue
                }
                if let evidence = shortMisspellingEvidence(
                    owner,
                    folded,
                    end,
                    business: variantNeeds[Int(owner.variant)] == .legalFormOrBusiness
                )
                    ?? (variantNeeds[Int(owner.variant)] == .legalFormOrBusiness
                        && Self.introducedAsVictim(folded, start)
                        ? ("a short name's sound-alike introduced as the victim", false) : nil)
                {
                    steps.append(evidence.step)
                    if evidence.group { score = min(score, Self.groupScore) }
                    context = false
                } else {
                    // Not an explanation of the text either: a misspelling looked for otherwise may be.
                    accepted.removeLast()
                    score = min(score, Self.boundaryScore)
                    steps.append(
                        variantNeeds[Int(owner.variant)] == .legalForm
                            ? "a short name with a vowel changed or left out counts only with the entity's legal form"
                            : "a short name misspelt counts only with the entity's legal form or a line of business after it"
                    )
                    context = false
                }
            }
            if context, owner.kind == .nameCore || owner.kind == .variant || owner.words == 1,
                Self.isOneWord(folded, start, end),
                Self.nextWordIsCapitalized(folded, end),
                !LegalForms.formStarts(at: end, in: folded), !LegalForms.misspeltFormStarts(at: end, in: folded)
            {
                if misspelt, let business = Self.lineOfBusinessAfter(folded, end), businessFormFits(owner, folded, end)
                {
                    score = min(score, Self.groupScore)
                    steps.append("a group company: \(matched) \(business) (a line of business after a misspelt name)")
                } else if !owner.weak, !owner.properNoun || Places.startsWithRegion(at: end, in: folded), !misspelt,
                    let group = Self.groupCompany(folded, end) ?? Self.regionAfter(folded, end)
                {
                    // "<core> <business words> <legal form>": a group company (Omron
                    // Healthcare Co., Ltd., Makita U.S.A. Inc.), reported as such. A core that
                    // is also a surname, a place or a brand names a group company only with a
                    // country or region after it (Yamaha Canada Music Ltd.): "Parker Appliance
                    // Company" and "Mitsubishi Chemical Group" are other firms.
                    score = min(score, Self.groupScore)
                    steps.append("a group company: \(matched) \(group)")
                } else {
                    // A one-word name or core ("JBS" of JBS S.A., "Mitsubishi" of Mitsubishi
                    // Corporation, a registry's "ASIA") followed by another capitalised word is
                    // part of another company's name: JBS Furniture, Mitsubishi Estate, Asia Vital
                    // Components.
                    score = min(score, Self.boundaryScore)
                    steps.append("followed by another capitalised word: another company's name")
                }
            }
            if owner.words == 1 || owner.kind == .nameCore || owner.kind == .variant,
                Self.isOneWord(folded, start, end),
                let before = Self.capitalisedNameBefore(folded, start)
            {
                // "Shiga Sekisui" is not Sekisui Chemical, "Mount Fuji" is not Fuji.
                score = min(score, Self.boundaryScore)
                steps.append("preceded by \(before): part of another name")
            } else if (owner.weak || owner.nameLike) && Self.isOneWord(folded, start, end) || owner.commonCore,
                let before = Self.nameWordBefore(folded, start, shouted: owner.commonCore)
            {
                // A surname, place or word with another name's word before it: "Kessler Collins",
                // "TC Capital Asia", "CR ASIA", "Star Shuttle".
                score = min(score, Self.boundaryScore)
                steps.append("preceded by \(before): part of another name")
            } else if Self.isOneWord(folded, start, end), let partner = Self.partnerName(folded, start, end),
                owner.weak || owner.nameLike
                    || EnglishWords.isProperNoun(Array(partner.lowercased().unicodeScalars.map(\.value)))
            {
                // "Smith & Sharp", "Brittan & Ray LLC", "Bieler + Lang", "Collins & Co":
                // a surname or word joined to another name is a firm of partners; so is any
                // name joined to a surname ("Stone, Avant & Daniels").
                score = min(score, Self.boundaryScore)
                steps.append("joined to \(partner): part of another name")
            }
            if owner.words == 1 || owner.kind == .nameCore || owner.kind == .variant,
                Self.isOneWord(folded, start, end)
            {
                let distinctive = !owner.weak && !owner.nameLike && end - start > 4
                if let why = Self.anotherNameAround(folded, start, end, distinctive: distinctive) {
                    score = min(score, Self.boundaryScore)
                    steps.append(why)
                } else if owner.nameLike, LegalForms.formStarts(at: end, in: folded),
                    LegalForms.groupingStarts(at: end, in: folded) == nil, !formFitsEntity(owner, folded, end)
                {
                    // "Aspect Studios Asia Pty Ltd" is not a registry's ASIA of Taiwan.
                    score = min(score, Self.boundaryScore)
                    steps.append("written with a legal form of another country's firms: another firm")
                } else if owner.nameLike, let grouping = groupingNotOwn(owner, folded, end) {
                    // "Asahi Group" is not Asahi Co., Ltd.: a surname, place or word with a
                    // grouping word the entity's names do not have is another firm.
                    score = min(score, Self.boundaryScore)
                    steps.append("with “\(grouping)”, which none of the entity's names has: another firm")
                }
            }
            if shortCJKPattern(folded, start, end) {
                let word: String?
                if let cached = straddleCache[start..<end] {
                    word = cached
                } else {
                    word = CJKBoundaries.straddledWord(folded, start: start, end: end)
                    straddleCache[start..<end] = word
                }
                if let word {
                    score = min(score, Self.boundaryScore)
                    steps.append("crosses a word boundary: the text reads \(word)")
                }
            }
            if owner.kind != .variant, end < folded.count, folded.classes[end] == .cjk,
                let other = Self.otherOrganisationAfter(
                    folded,
                    start,
                    end,
                    own: watchlists[Int(owner.watchlist)].entities[Int(owner.entity)].names.map {
                        normalizer.normalize($0.value).scalars
                    }
                )
            {
                score = min(score, Self.boundaryScore)
                steps.append("runs on into \(other): another organisation's name")
            }
            raws.append(
                Raw(
                    owner: owner,
                    start: start,
                    end: end,
                    method: .exact,
                    score: score,
                    steps: steps,
                    byteRange: range,
                    spelled: extraWords == -1
                )
            )
        }

        // Misspellings: verify each piece hit against its whole name.
        var verified = Set<[Int]>()
        var scratch =
            pieces.isEmpty
            ? Fuzzy.Scratch()
            : scratchPool.withLock { $0.popLast() } ?? Fuzzy.Scratch(memoSlots: Fuzzy.Memo.slots(keys: fuzzyKeys.count))
        scratch.tried.removeAll(keepingCapacity: true)
        defer { if !pieces.isEmpty { scratchPool.withLock { $0.append(scratch) } } }
        for (keyID, piece, set, start, _) in pieces {
            let key = fuzzyKeys[Int(keyID)]
            guard
                let found = Fuzzy.verify(
                    key: key,
                    keyID: Int(keyID),
                    piece: Int(piece),
                    offsets: key.pieceOffsets[Int(set)],
                    pieceStart: start,
                    text: folded,
                    scratch: &scratch
                ),
                found.edits > 0, verified.insert([Int(keyID), found.start, found.end]).inserted
            else { continue }
            let (s, e) = (found.start, found.end)
            // Inside a host name a near miss is a look-alike domain, not a misspelling.
            if Self.insideHostName(folded, s, e) { continue }
            guard let changed = Self.changedWords(key, folded, s, e) else { continue }
            let range = Int(folded.starts[s])..<Int(folded.ends[e - 1])
            for owner in key.owners {
                // A word of the name with a letter doubled or written once that spells a surname
                // or place ("Kim Forrest" for KIM FOREST) is the name only with its legal form or a
                // line of business after it: alone it is a person's name.
                var evidence: (step: String, group: Bool)?
                if !misspellingPlausible(
                    changed.changed,
                    unchanged: changed.unchanged,
                    names: changed.names,
                    watchlist: Int(owner.watchlist)
                ) {
                    guard
                        zip(changed.changed, changed.names).allSatisfy({
                            Self.doubledProperNoun($0, $1)
                                && !vocabularies[Int(owner.watchlist)].contains(ScalarKey($0))
                        }),
                        let found = shortMisspellingEvidence(owner, folded, e, business: true)
                    else { continue }
                    evidence = found
                }
                // An exact name of this customer covering this text explains it better.
                if accepted.contains(where: { $0.owner.watchlist == owner.watchlist && $0.start <= s && $0.end >= e }) {
                    continue
                }
                var score = Self.misspellingScore(units: found.units)
                var steps = [
                    "misspelt: \(found.edits) edit\(found.edits == 1 ? "" : "s") weighing \(Double(found.units) / 2) "
                        + "(look-alike ½, vowel/sound-alike/keyboard/missing/doubled/swapped 1, other 1½) over \(key.scalars.count) letters"
                ]
                if let evidence {
                    steps.append("a letter doubled or written once spells a surname or place: \(evidence.step)")
                    if evidence.group { score = min(score, Self.groupScore) }
                }
                if key.wordBudgets.count == 1, Self.nextWordIsCapitalized(folded, e),
                    !LegalForms.formStarts(at: e, in: folded),
                    !LegalForms.misspeltFormStarts(at: e, in: folded), !owner.properNoun,
                    Self.regionAfter(folded, e) != nil
                {
                    score = min(score, Self.groupScore)
                    steps.append("a group company: with \(Self.regionAfter(folded, e)!) after it")
                } else if key.wordBudgets.count == 1, Self.nextWordIsCapitalized(folded, e),
                    !LegalForms.formStarts(at: e, in: folded),
                    !LegalForms.misspeltFormStarts(at: e, in: folded)
                {
                    if found.edits == 1, found.units <= 2, evidence == nil, !owner.properNoun, !owner.nameLike,
                        !zip(changed.changed, changed.names).contains(where: { Self.vowelChanged($0, $1) }),
                        let business = Self.lineOfBusinessAfter(folded, e), businessFormFits(owner, folded, e)
                    {
                        // One human misspelling (a sound, a swap, a letter doubled: not a vowel, which
                        // makes other firms' names, "Astera Software") and a line of business after it
                        // ("Kontrel Technology"): as for a short name's misspelling, a group company.
                        score = min(score, Self.groupScore)
                        steps.append("a group company: a line of business after a misspelt name (\(business))")
                    } else {
                        score = min(score, Self.boundaryScore)
                        steps.append("followed by another capitalised word: another company's name")
                    }
                } else if let before = Self.nameWordBefore(folded, s) {
                    score = min(score, Self.boundaryScore)
                    steps.append("preceded by \(before): part of another name")
                }
                // A company writes its own name right, with its own legal form: a one-word near miss
                // with a legal form the watched name does not have is another company's name
                // ("Albatros S.r.l.", "Anderco PTE LTD", "ValueMax Group" are not Albatron, Anderson,
                // VALUENEX JAPAN Inc.).
                // (Not a form of the name's own family written another way, "Noretake Co., Ltd." for
                // NORITAKE CO., LIMITED; nor a letter doubled or written once with a form of the
                // entity's family, its English name filed without one: "Zennitron Corp" for
                // ZENITRON, 增你強股份有限公司.)
                if key.wordBudgets.count == 1, let form = foreignForm(owner, folded, s, e),
                    !formOfOwnFamily(owner, folded, e, nameOnly: true),
                    !(zip(changed.changed, changed.names).allSatisfy({ Self.doubledOrSingled($0, $1) })
                        && formOfOwnFamily(owner, folded, e, nameOnly: false))
                {
                    score = min(score, Self.boundaryScore)
                    steps.append("written with the legal form “\(form)”, which the name does not have: another company")
                }
                // Leak sites list a victim by its own name, copied from its site: a title that is
                // nothing but a near miss ("Arbitech", "Siltech (siltechcorp.local)", "Starline")
                // is another firm, spelt right.
                // (One-word names: in a longer name the words written right are the evidence.)
                if key.wordBudgets.count == 1, Int(folded.starts[s]) < titleBytes,
                    Self.titleIsTheNameAlone(folded, s, e, titleBytes: titleBytes)
                {
                    score = min(score, Self.boundaryScore)
                    steps.append("the whole title is this near miss: a listing names its victim as it spells itself")
                }
                // Misspellings are looked for in the core; a legal form right after it is the
                // rest of the name ("Dell Technilobies Inc.").
                if owner.kind == .nameCore, !LegalForms.formStarts(at: e, in: folded) {
                    score -= 0.05
                    steps.append("legal form left out")
                }
                raws.append(
                    Raw(
                        owner: owner,
                        start: s,
                        end: e,
                        method: .fuzzy(edits: found.edits),
                        score: score,
                        steps: steps,
                        byteRange: range
                    )
                )
            }
        }

        if !excluded.isEmpty {
            raws.removeAll { raw in
                excluded.contains {
                    $0.watchlist == raw.owner.watchlist && $0.entity == raw.owner.entity
                        && $0.range.overlaps(raw.start..<raw.end)
                }
            }
        }

        refuseOtherRegistered(&raws, folded)
        if !domains.isEmpty {
            refuseOtherSites(&raws, folded, titleBytes: titleBytes)
            raws += domainHits(folded)
        }

        // A weak name (an everyday word, a short acronym) counts when it is written as in
        // the watchlist, in the title, or beside another mention of the same entity.
        // Case is no evidence in a shouted listing, nor inside a host name ("CO.UK").
        // Case is evidence only where it is a choice: not in a shouted title, not inside a host
        // name ("CO.UK"), not a capital at the start of a sentence ("First part of …"), not beside
        // another capitalised word ("County Linen UK", "CR ASIA": part of another name), and
        // never for a name of one or two letters.
        let caseSaysNothing =
            raws.contains { $0.owner.weak } && Self.shouted(title.isEmpty ? folded : normalizer.normalize(title))
        for i in raws.indices where raws[i].owner.weak && raws[i].method == .exact {
            let raw = raws[i]
            let name = watchlists[Int(raw.owner.watchlist)].entities[Int(raw.owner.entity)].names[Int(raw.owner.name)]
            let matched = String(decoding: folded.utf8[raw.byteRange], as: UTF8.self)
            let asWritten = Self.writtenAsInWatchlist(matched, name.value, partOfName: raw.owner.kind == .nameCore)
            // With a legal form right after it, the name is written as a company's ("TCI Co., Ltd.",
            // "SCREEN Holdings"), when the form is of the entity's family: "ATC SA", "GPM GmbH" and
            // "ABC Group" (a grouping word its names do not have) are other firms.
            // (An acronym spelled with full stops, "S.D.I. Corporation", reads like a host name but
            // is none: one letter a label.)
            if raw.end - raw.start > 2, raw.byteRange.lowerBound < titleBytes,
                LegalForms.formStarts(at: raw.end, in: folded),
                raw.spelled || !Self.insideHostName(folded, raw.start, raw.end)
            {
                let grouping = LegalForms.groupingStarts(at: raw.end, in: folded)
                if let grouping, !normalizer.normalize(name.value).folded.contains(grouping) {
                    raws[i].score = min(raw.score, Self.boundaryScore)
                    raws[i].steps.append(
                        "an everyday word or short acronym with a legal form its names do not have: another firm"
                    )
                    continue
                }
                if grouping == nil, !formFitsEntity(raw.owner, folded, raw.end) {
                    raws[i].score = min(raw.score, Self.boundaryScore)
                    raws[i].steps.append(
                        "an everyday word or short acronym with a legal form its names do not have: another firm"
                    )
                    continue
                }
                if asWritten, Self.nameWordBefore(folded, raw.start) == nil {
                    raws[i].steps.append("an everyday word or short acronym, written with a legal form")
                    continue
                }
            }
            if let joined = Self.hyphenJoined(folded, raw.start, raw.end) {
                raws[i].score = min(raw.score, Self.boundaryScore)
                raws[i].steps.append("joined by a hyphen to \(joined): part of another name")
                continue
            }
            if asWritten && !caseSaysNothing
                || !matched.unicodeScalars.contains(where: \.properties.changesWhenCaseMapped),
                Self.introducedAsVictim(folded, raw.start)
            {
                raws[i].steps.append("an everyday word or short acronym, introduced as the victim")
                continue
            }
            // A title that is nothing but the word or acronym says nothing of which firm it is ("TSC",
            // "REGAL"): many bear the name.
            raws[i].needsEvidence =
                !asWritten || caseSaysNothing || raw.byteRange.lowerBound >= titleBytes
                || raw.end - raw.start <= 2 || Self.bareTitle(folded, raw.start, raw.end, titleBytes: titleBytes)
                || Self.insideHostName(folded, raw.start, raw.end) || Self.afterArticle(folded, raw.start)
                || (matched.contains { $0.isLowercase } && Self.atSentenceStart(folded, raw.start))
                || Self.besideCapitalisedWord(folded, raw.start, raw.end)
        }
        // A surname, place or brand in a body ("Asia", "Achilles", "multi-mega pixel") is mostly
        // someone else's: there it needs the entity mentioned elsewhere in the listing too.
        // So does any one-word name in a body, unless the body introduces it as the victim
        // ("Victim: Kestrel.", "the full dump of Kestrel") or writes it with a legal form.
        for i in raws.indices where raws[i].byteRange.lowerBound >= titleBytes && raws[i].score >= Self.defaultThreshold
        {
            let raw = raws[i]
            if case .domain = raw.method { continue }
            if !Self.isOneWord(folded, raw.start, raw.end), !Self.introducedAsVictim(folded, raw.start),
                Self.everydayWordsOnly(folded, raw.start, raw.end)
                    || raw.steps.contains(where: { $0.hasPrefix(Self.splitStep) })
            {
                // "wealth management", "open door", "space market" in a description: ordinary
                // words, or a name read from two words, say little there.
                raws[i].needsEvidence = true
                continue
            }
            guard Self.isOneWord(folded, raw.start, raw.end), !Self.introducedAsVictim(folded, raw.start) else {
                continue
            }
            if Self.legalFormAfter(folded, raw.end), !(raw.owner.nameLike && raw.method == .exact) {
                continue
            }
            raws[i].needsEvidence = true
        }
        refuseSharedCores(&raws, folded)
        for i in raws.indices where raws[i].needsEvidence {
            let raw = raws[i]
            let corroborated = raws.contains { other in
                other.owner.watchlist == raw.owner.watchlist && other.owner.entity == raw.owner.entity
                    && !other.needsEvidence
                    && other.score >= Self.defaultThreshold && !other.byteRange.overlaps(raw.byteRange)
            }
            if corroborated {
                raws[i].steps.append("an everyday word or short acronym, corroborated by another mention of the entity")
            } else {
                raws[i].score = min(raw.score, Self.boundaryScore)
                raws[i].steps.append(
                    "an everyday word or short acronym: counts only written as in the watchlist (in the title), "
                        + "with its legal form, or beside another name or domain of the entity"
                )
            }
        }
        for i in raws.indices where raws[i].byteRange.lowerBound >= titleBytes {
            raws[i].score -= Self.bodyPenalty
            raws[i].steps.append("in the body, not the title (−\(Self.bodyPenalty))")
        }

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
            return MatchHit(
                customer: watchlist.customer,
                entity: entity.name,
                name: name.value,
                relation: name.relation,
                matched: matched,
                score: (raw.score * 1000).rounded() / 1000,
                file: watchlist.file,
                line: name.line,
                steps: raw.steps,
                foldedName: foldedName,
                foldedMatched: foldedMatched,
                byteRange: raw.byteRange,
                field: raw.byteRange.lowerBound >= titleBytes ? .body : .title
            )
        }
    }

    /// Whether the text at `start..<end` is part of a dotted host name or e-mail address.
    static func insideHostName(_ text: NormalizedText, _ start: Int, _ end: Int) -> Bool {
        let bytes = text.utf8
        func isHost(_ b: UInt8) -> Bool {
            (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) || b == 0x2E || b == 0x2D
                || b == 0x40
        }
        var i = Int(text.starts[start])
        while i > 0, isHost(bytes[i - 1]) { i -= 1 }
        var j = Int(text.ends[end - 1])
        while j < bytes.count, isHost(bytes[j]) { j += 1 }
        while j > i, bytes[j - 1] == 0x2E || bytes[j - 1] == 0x2D { j -= 1 }  // a sentence's full stop
        guard j > i, let dot = bytes[i..<j].lastIndex(of: 0x2E) else { return false }
        return dot + 1 < j && bytes[dot + 1] >= 0x41
    }

    /// Whether `start..<end` ends a host name's label after a hyphen ("nextech-asia.com",
    /// "j-w-anderson.com": another company's name). A name starting a label is kept:
    /// group companies' hosts read "kyocera-avx.com", "wacoal-america.com".
    static func partOfHostLabel(_ text: NormalizedText, _ start: Int, _ end: Int) -> Bool {
        guard insideHostName(text, start, end) else { return false }
        let from = Int(text.starts[start])
        if from > 0 && text.utf8[from - 1] == 0x2D { return true }
        // A name starting a label is a group's host when the rest is a country or region, a
        // legal form, a short code or a line of business (kyocera-avx.com, wacoal-america.com,
        // yorozu-corp.co.jp, fujikura-electronics.co.th); otherwise another name (jean-nouvel,
        // onyx-fire.com, casa-andina.com).
        let to = Int(text.ends[end - 1])
        guard to < text.utf8.count, text.utf8[to] == 0x2D, end < text.count, text.classes[end] == .word else {
            return false
        }
        var e = end + 1
        while e < text.count, text.classes[e] == .word, !text.wordStart[e] { e += 1 }
        let rest = String(decoding: text.utf8[Int(text.starts[end])..<Int(text.ends[e - 1])], as: UTF8.self)
            .lowercased()
        return
            !(rest.count <= 3 || Places.regions.contains(rest) || LegalForms.formStarts(at: end, in: text)
            || lineOfBusiness.contains(rest))
    }

    /// Words for what a group company does, as they follow a group's name in its host names.
    static let lineOfBusiness: Set<String> = [
        "electronics", "electric", "tech", "technology", "technologies", "motor", "motors", "chemical", "chemicals",
        "pharma", "medical", "systems", "industries", "industrial", "engineering", "trading", "logistics", "group",
        "global", "international", "holdings", "solutions", "software", "semiconductor", "auto", "automotive",
    ]

    /// Whether `start..<end` is the last label of a host name ("asia" in wtpartnership.asia).
    static func isTopLevelDomain(_ text: NormalizedText, _ start: Int, _ end: Int) -> Bool {
        let bytes = text.utf8
        let from = Int(text.starts[start])
        let to = Int(text.ends[end - 1])
        guard from > 1, bytes[from - 1] == 0x2E else { return false }
        let before = bytes[from - 2]
        guard
            (before >= 0x61 && before <= 0x7A) || (before >= 0x41 && before <= 0x5A)
                || (before >= 0x30 && before <= 0x39)
        else { return false }
        if to < bytes.count {
            let after = bytes[to]
            if (after >= 0x61 && after <= 0x7A) || (after >= 0x41 && after <= 0x5A) || (after >= 0x30 && after <= 0x39)
                || after == 0x2D
            {
                return false
            }
            if after == 0x2E, to + 1 < bytes.count, bytes[to + 1] >= 0x41 { return false }
        }
        return true
    }

    /// A katakana name next to more katakana is part of a longer word: イオン in
    /// マイナスイオン, セイコー in セイコーエプソン. グループ and ホールディングス after it are
    /// legal forms, not another word.
    static func insideKatakanaWord(_ text: NormalizedText, _ start: Int, _ end: Int) -> Bool {
        func isKatakana(_ v: UInt32) -> Bool { (0x30A1...0x30FA).contains(v) || v == 0x30FC }
        if start > 0, isKatakana(text.scalars[start]), isKatakana(text.scalars[start - 1]),
            text.ends[start - 1] == text.starts[start]
        {
            return true
        }
        if end < text.count, isKatakana(text.scalars[end - 1]), isKatakana(text.scalars[end]),
            text.starts[end] == text.ends[end - 1], !LegalForms.formStarts(at: end, in: text)
        {
            return true
        }
        return false
    }

    static let stopWords: Set<[UInt32]> = Set(
        [
            "and", "the", "of", "for", "in", "on", "at", "to", "by", "with", "from", "an",
            "its", "our", "all", "new", "data", "leak", "dump", "sale",
        ].map { $0.unicodeScalars.map(\.value) }
    )

    /// A cheap look before verifying a piece hit: the name's first letter (which typos keep)
    /// must stand on a word start where the name would begin, give or take its edit
    /// allowance, and the text must be long enough to hold it.
    /// `nearStarts`: `nearWordStarts(text)`, a first look (the letters of the word starts
    /// within 3 of each position) that rules out most hits before the word starts are read.
    @inline(__always)
    static func piecePlausible(_ owner: PieceOwner, start: Int, _ text: NormalizedText, _ nearStarts: [UInt32]) -> Bool
    {
        let k = Int(owner.keyEdits)
        let m = Int(owner.keyLength)
        let implied = start - Int(owner.pieceOffset)
        let n = text.count
        // The end is not checked: a typo may change the last letter.
        guard implied + m - k - 1 <= n else { return false }
        if owner.piece == 0 { return true }
        // Every s the loop below reads is within 3 of this index (k ≤ 2; s is clamped to 0..<n).
        guard nearStarts[min(max(implied, 0), n - 1)] & owner.firstLetters != 0 else { return false }
        for s in max(0, implied - k - 1)...max(0, implied + k + 1)
        where s < n && text.isWordStart(s) && Fuzzy.sameFirstLetter(owner.keyFirst, text.scalars[s]) {
            return true
        }
        return false
    }

    /// A bit for a first letter, shared by letters that may be confused for each other only
    /// where that makes a test weaker, never stricter: a–z their own bit, digits five
    /// bits, anything else one bit.
    @inline(__always)
    static func letterBit(_ v: UInt32) -> UInt32 {
        if v &- 0x61 < 26 { return 1 << (v &- 0x61) }
        if v &- 0x30 < 10 { return 1 << (26 + (v &- 0x30) % 5) }
        return 1 << 31
    }

    /// `letterBit` of `first` and of every ASCII letter `Fuzzy.sameFirstLetter` takes for it,
    /// and the bit of everything else (whatever that rule comes to take beyond ASCII).
    static func firstLetterBits(_ first: UInt32) -> UInt32 {
        if first < 128 { return asciiFirstLetterBits[Int(first)] }
        return firstLetterBitsWorkedOut(first)
    }

    static func firstLetterBitsWorkedOut(_ first: UInt32) -> UInt32 {
        var bits = letterBit(first) | 1 << 31
        for v in UInt32(0)..<128 where Fuzzy.sameFirstLetter(first, v) { bits |= letterBit(v) }
        return bits
    }

    /// `firstLetterBits` of the ASCII letters, worked out once (a load asks for one per piece).
    static let asciiFirstLetterBits: [UInt32] = (UInt32(0)..<128).map { firstLetterBitsWorkedOut($0) }

    /// Per position, the `letterBit`s of the letters at the word starts within 3 of it.
    static func nearWordStarts(_ text: NormalizedText) -> [UInt32] {
        let n = text.count
        var near = [UInt32](repeating: 0, count: n)
        for s in 0..<n where text.isWordStart(s) {
            let bit = letterBit(text.scalars[s])
            for t in max(0, s - 3)...min(n - 1, s + 3) { near[t] |= bit }
        }
        return near
    }

    /// The words of a misspelt match that differ from the name's, pair by pair; nil when
    /// the word counts differ.
    static func changedWords(
        _ key: FuzzyKey,
        _ text: NormalizedText,
        _ start: Int,
        _ end: Int
    )
        -> (changed: [[UInt32]], unchanged: [[UInt32]], names: [[UInt32]])?
    {
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
        guard textWords.count == nameWords.count else { return nil }
        return (
            zip(textWords, nameWords).filter { $0 != $1 }.map(\.0),
            zip(textWords, nameWords).filter { $0 == $1 }.map(\.0),
            zip(textWords, nameWords).filter { $0 != $1 }.map(\.1)
        )
    }

    /// A misspelt word must not be a word in its own right: longer than 2 letters (a name's
    /// word of one or two letters takes one more at most: "JFC International" is not J
    /// International, "Nan uYa" is Nan Ya), not an
    /// English word ("medical" is not Medicar, "Information" is not Informatica), not a
    /// word of this customer's other names ("and Electric" is not "Ande Electric").
    /// In a name of several words, a misspelt word may spell an English word when the
    /// words written right carry at least 4 letters that are no everyday word ("Kinross God
    /// Corp.", but not "Blue Zone" for BLUE ZONES).
    /// An everyday word of the name written in another number ("Yutaka Food Corp." for YUTAKA
    /// FOODS CORPORATION) is the name when its distinctive words stand exactly.
    func misspellingPlausible(_ changed: [[UInt32]], unchanged: [[UInt32]], names: [[UInt32]], watchlist: Int) -> Bool {
        let unchangedLetters = unchanged.filter { !EnglishWords.isEveryday($0) }.reduce(0) { $0 + $1.count }
        for (written, name) in zip(changed, names) {
            if unchangedLetters >= 4, Self.inflected(written, name) { continue }
            let key = ScalarKey(written)
            if written.count <= 2 || name.count <= 2 && written.count > name.count + 1
                || vocabularies[watchlist].contains(key)
                || Self.stopWords.contains(written)
                || EnglishWords.registry.contains(key) && !Self.filedMisspelling(written, of: name)
            {
                return false
            }
            if EnglishWords.isWord(key) && unchangedLetters < 4 { return false }
        }
        return true
    }

    /// Whether a registry word is a registry's own misspelling of the everyday word the name has
    /// ("finacial" as filed for financial): one edit from a word of 7 letters or more, no English
    /// word itself. Such a word names no other company.
    static func filedMisspelling(_ written: [UInt32], of name: [UInt32]) -> Bool {
        name.count >= 7 && EnglishWords.isEveryday(name) && !EnglishWords.isWord(written)
            && editDistance(written, name) == 1
    }

    /// Whether `written` is `name` with one letter doubled or a doubled letter written once, and
    /// a proper noun of English (a surname, a place), neither an everyday word nor a registry's.
    static func doubledProperNoun(_ written: [UInt32], _ name: [UInt32]) -> Bool {
        EnglishWords.isProperNoun(written) && !EnglishWords.isEveryday(written)
            && !EnglishWords.registry.contains(ScalarKey(written)) && doubledOrSingled(written, name)
    }

    /// Whether `written` is `name` with one letter doubled or a doubled letter written once.
    static func doubledOrSingled(_ written: [UInt32], _ name: [UInt32]) -> Bool {
        let (short, long) = written.count < name.count ? (written, name) : (name, written)
        guard long.count == short.count + 1 else { return false }
        for i in 1..<long.count where long[i] == long[i - 1] {
            var t = long
            t.remove(at: i)
            if t == short { return true }
        }
        return false
    }

    /// Whether `written` is `name` with one vowel for another (Flesbrel for Flesbral).
    static func vowelChanged(_ written: [UInt32], _ name: [UInt32]) -> Bool {
        guard written.count == name.count else { return false }
        let differing = written.indices.filter { written[$0] != name[$0] }
        return differing.count == 1 && Confusions.isVowel(written[differing[0]])
            && Confusions.isVowel(name[differing[0]])
    }

    /// Whether `written` is the everyday word `name` in the other number: foods/food,
    /// industry/industries, glass/glasses.
    static func inflected(_ written: [UInt32], _ name: [UInt32]) -> Bool {
        let (short, long) = written.count < name.count ? (written, name) : (name, written)
        let s: UInt32 = 0x73
        let plural =
            long == short + [s] || long == short + [0x65, s]
            || short.last == 0x79 && long == short.dropLast() + [0x69, 0x65, s]
        return plural && short.count >= 3 && EnglishWords.isEveryday(short) && EnglishWords.isEveryday(long)
    }

    /// 0.92 for look-alike characters only, 0.90 for one edit's worth, 0.88, 0.86 for two.
    static func misspellingScore(units: Int) -> Double {
        units <= 1 ? 0.92 : units == 2 ? 0.90 : units == 3 ? 0.88 : 0.86
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

    static func wordCount(_ text: NormalizedText, _ start: Int, _ end: Int) -> Int {
        var count = 0
        for i in start..<end where text.classes[i] == .word && (i == start || text.wordStart[i]) { count += 1 }
        return count
    }

    static let groupScore = 0.85
    static let lookAlikeScore = 0.90

    /// Units and ordinal endings written after a number: "5GB" and "1st" are no words misspelt.
    static let units: Set<[UInt32]> = Set(
        [
            "gb", "tb", "mb", "kb", "pb", "st", "nd", "rd", "th", "am", "pm", "km", "kg", "mm", "cm", "hz", "px", "ms",
            "pc",
        ]
        .map { $0.unicodeScalars.map(\.value) }
    )

    /// Whether a word is a digit then a unit ("5gb", "1st") or digits around letters in a code.
    static func numberAndUnit(_ word: [UInt32]) -> Bool {
        guard let first = word.first, first >= 0x30 && first <= 0x39 else { return false }
        return units.contains(Array(word.dropFirst()))
    }

    /// The text with digits inside words read as letters ("HAKUT0" → hakuto), once with 1 as l
    /// and once as i, which scalars changed, and the windows around them worth scanning; none
    /// when no word of three letters or more has one or two such digits (not "450GB", not an
    /// onion address).
    /// The l of a word that OCR or a copy made of an I: a lower-case l in a word written in
    /// capitals ("ZUlKO"), or the l after a capital I that starts a word ("Ilda" for Iida).
    static func lForI(_ text: NormalizedText, _ start: Int, _ end: Int) -> Int? {
        func byte(_ k: Int) -> UInt8? {
            let b = Int(text.starts[k])
            return Int(text.ends[k]) == b + 1 ? text.utf8[b] : nil
        }
        if byte(start) == 0x49, byte(start + 1) == 0x6C { return start + 1 }
        var ell: Int?
        for k in start..<end {
            guard let b = byte(k) else { return nil }
            if b == 0x6C {
                guard ell == nil, k > start else { return nil }
                ell = k
            } else if b >= 0x61 && b <= 0x7A {
                return nil
            }
        }
        return ell
    }

    static func lookAlikeReadings(_ text: NormalizedText) -> [([UInt32], [Bool], [Range<Int>])] {
        // The letter each digit is read as (a switch: this runs on every listing).
        func letter(_ digit: UInt32) -> UInt32 {
            switch digit {
            case 0x30: 0x6F
            case 0x33: 0x65
            case 0x34: 0x61
            case 0x35: 0x73
            case 0x37: 0x74
            case 0x38: 0x62
            default: 0x67  // 0x39
            }
        }
        var positions: [Int] = []
        var ells: [Int] = []  // an l read as i
        var i = 0
        while i < text.count {
            guard text.classes[i] == .word else {
                i += 1
                continue
            }
            var e = i + 1
            while e < text.count, text.classes[e] == .word, !text.wordStart[e] { e += 1 }
            var digits = false
            var alpha = false
            var digitCount = 0
            for k in i..<e {
                let v = text.scalars[k]
                if v >= 0x30 && v <= 0x39 {
                    digits = true
                    digitCount += 1
                } else if v >= 0x61 && v <= 0x7A {
                    alpha = true
                }
            }
            // Words of three letters or more with one or two digits ("HAKUT0", "KAUL1N"), and short
            // words of two letters and a digit 0, 1 or 3 ("0ne", "M1x"): not a number and its unit or
            // an ordinal ("5GB", "1st", "4th").
            var short = false
            if e - i == 3, digitCount == 1 {
                for k in i..<e where text.scalars[k] == 0x30 || text.scalars[k] == 0x31 || text.scalars[k] == 0x33 {
                    short = !Self.numberAndUnit(Array(text.scalars[i..<e]))
                }
            }
            if digits && alpha && digitCount <= 2 && (e - i - digitCount >= 3 || short) && e - i <= 24 {
                for k in i..<e
                where text.scalars[k] >= 0x30 && text.scalars[k] <= 0x39 && text.scalars[k] != 0x32
                    && text.scalars[k] != 0x36
                {
                    positions.append(k)
                }
            }
            if e - i >= 4, e - i <= 24, let l = Self.lForI(text, i, e) { ells.append(l) }
            i = e
        }
        guard !positions.isEmpty || !ells.isEmpty else { return [] }
        // Windows: 64 scalars either side of each changed word (longer than any name's run there), merged.
        var windows: [Range<Int>] = []
        for k in (positions + ells).sorted() {
            let window = max(0, k - 64)..<min(text.count, k + 65)
            if let last = windows.last, last.upperBound >= window.lowerBound {
                windows[windows.count - 1] = last.lowerBound..<max(last.upperBound, window.upperBound)
            } else {
                windows.append(window)
            }
        }
        let hasOne = positions.contains { text.scalars[$0] == 0x31 }
        return (hasOne ? [UInt32(0x6C), 0x69] : [0x6C]).map { one in
            var scalars = text.scalars
            var changed = [Bool](repeating: false, count: text.count)
            for k in positions {
                scalars[k] = scalars[k] == 0x31 ? one : letter(scalars[k])
                changed[k] = true
            }
            for k in ells {
                scalars[k] = 0x69
                changed[k] = true
            }
            return (scalars, changed, windows)
        }
    }

    /// The number of words of `start..<end` when each run of two or more one-letter words
    /// (split by dots, spaces or hyphens) counts as one ("G.M.O. Financial" is two); nil when
    /// there is no such run.
    static func acronymJoinedWords(_ text: NormalizedText, _ start: Int, _ end: Int) -> Int? {
        var words: [(start: Int, length: Int)] = []
        for i in start..<end where i == start || text.wordStart[i] || text.classes[i] != text.classes[i - 1] {
            guard text.classes[i] == .word else { return nil }
            words.append((i, 0))
        }
        for w in words.indices { words[w].length = (w + 1 < words.count ? words[w + 1].start : end) - words[w].start }
        var count = 0
        var joined = false
        var w = 0
        while w < words.count {
            var run = w
            while run + 1 < words.count, words[run].length == 1, words[run + 1].length == 1,
                Self.gap(text, before: words[run + 1].start - 1, after: words[run + 1].start)
                    .allSatisfy({ $0 == 0x2E || $0 == 0x20 || $0 == 0x2D })
            {
                run += 1
            }
            if run > w { joined = true }
            count += 1
            w = run + 1
        }
        return joined ? count : nil
    }

    /// The text between a one-word core and a legal form when it is one to three
    /// capitalised words ("Healthcare Co., Ltd." after Omron, "U.S.A. Inc." after Makita).
    static func groupCompany(_ text: NormalizedText, _ end: Int) -> String? {
        var i = end
        var words = 0
        while i < text.count, words < 4 {
            if let length = LegalForms.formLength(at: i, in: text) {
                guard words > 0 else { return nil }
                var to = Int(text.ends[i + length - 1])
                if to < text.utf8.count, text.utf8[to] == 0x2E { to += 1 }  // its closing full stop ("Ltd.")
                return String(decoding: text.utf8[Int(text.starts[end])..<to], as: UTF8.self)
            }
            guard text.classes[i] == .word, text.isWordStart(i) else { return nil }
            let first = text.utf8[Int(text.starts[i])]
            guard first >= 0x41 && first <= 0x5A || first >= 0x30 && first <= 0x39 else { return nil }
            words += 1
            i += 1
            while i < text.count, text.classes[i] == .word, !text.wordStart[i] { i += 1 }
        }
        return nil
    }

    /// Line-of-business words (and their abbreviations) that follow a group company's name:
    /// "Sixxon Tech", "Kaulin Mfg", "Yahorng Electric" (not "Capital", "Partners": other firms).
    static let groupLineWords: Set<ScalarKey> = Set(
        lineOfBusiness.union([
            "mfg", "elec", "ind", "inds", "manufacturing", "machinery", "machine", "materials", "precision", "optical",
            "optics", "steel", "metal", "metals", "foods", "food", "construction", "energy", "power", "plastics",
            "enterprise", "enterprises", "biotechnology", "biotech", "optoelectronics", "pharmaceutical",
            "pharmaceuticals", "semiconductors", "instruments", "components", "networks", "telecom", "textiles",
        ]).map { ScalarKey(Array($0.unicodeScalars.map(\.value))) }
    )

    /// A capitalised line-of-business word right after `end` (a space apart), then a legal form,
    /// the end of the text or a word that is not capitalised: the words as written ("Tech",
    /// "Electric Co., Ltd."); nil otherwise ("Sanok Rubber Company", "Tech Data Corp").
    static func lineOfBusinessAfter(_ text: NormalizedText, _ end: Int) -> String? {
        guard let e = capitalWordEnd(text, end) else { return nil }
        guard groupLineWords.contains(ScalarKey(Array(text.scalars[end..<e]))) else { return nil }
        var to = Int(text.ends[e - 1])
        if let length = LegalForms.formLength(at: e, in: text) {
            to = Int(text.ends[e + length - 1])
            if to < text.utf8.count, text.utf8[to] == 0x2E { to += 1 }
        } else if nextWordIsCapitalized(text, e) {
            return nil
        }
        return String(decoding: text.utf8[Int(text.starts[end])..<to], as: UTF8.self)
    }

    /// What makes a short name's human misspelling a mention ("Nosawa Corporation"): a legal form
    /// right after it that is the entity's (a grouping word its names have, a form of its family,
    /// or of the company family when its names have none), or a line of business after it (a
    /// group company). Nil when there is neither.
    func shortMisspellingEvidence(
        _ owner: Owner,
        _ text: NormalizedText,
        _ end: Int,
        business: Bool
    ) -> (step: String, group: Bool)? {
        if let length = LegalForms.formLength(at: end, in: text) {
            let entity = watchlists[Int(owner.watchlist)].entities[Int(owner.entity)]
            let names = entity.names.filter { $0.relation != .domain }.map { normalizer.normalize($0.value) }
            let written = text.original(end..<(end + length))
            if let grouping = LegalForms.groupingStarts(at: end, in: text) {
                guard names.contains(where: { $0.folded.contains(grouping) }) else { return nil }
                return ("a short name's misspelling with its own grouping word “\(written)”", false)
            }
            var own = Set<String>()
            for name in names { own.formUnion(LegalForms.families(of: name)) }
            let family = LegalForms.family(at: end, length: length, in: text)
            guard own.contains(family) || own.isEmpty && family == "company" else { return nil }
            return ("a short name's misspelling with its legal form “\(written)”", false)
        }
        if business, let business = Self.lineOfBusinessAfter(text, end) {
            return ("a group company: a short name's misspelling with a line of business after it (\(business))", true)
        }
        return nil
    }

    /// The capitalised word right before `start` (a space apart) when it is part of another
    /// name: a word that is no English word ("Shiga"), or an English word capitalised in
    /// the middle of an ordinary sentence ("Mount" in "photos from Mount Fuji"). Not at the
    /// start of a sentence, not in a title where most words are capitalised.
    static func capitalisedNameBefore(_ text: NormalizedText, _ start: Int) -> String? {
        guard let (w, bytes) = spacedWordBefore(text, start) else { return nil }
        guard let first = bytes.first, first >= 0x41 && first <= 0x5A, bytes.count >= 2,
            bytes.dropFirst().allSatisfy({ $0 >= 0x61 && $0 <= 0x7A })
        else { return nil }
        // The start of a sentence or of the text: the capital of an English word says nothing
        // there ("Photos Fuji took"); a word English does not have is a name anyway ("Kessler
        // Collins", "Shiga Sekisui").
        var p = Int(text.starts[w]) - 1
        while p >= 0, text.utf8[p] == 0x20 { p -= 1 }
        let atStart =
            p < 0 || [0x2E, 0x21, 0x3F, 0x3A, 0x0A, 0x7C, 0x5B, 0x5D, 0x28, 0x29, 0x2D, 0x22].contains(text.utf8[p])
        let word = String(decoding: bytes, as: UTF8.self)
        let lower = Array(word.lowercased().unicodeScalars.map(\.value))
        if EnglishWords.isWord(lower) {
            // A given name or surname and no everyday word, no region: a person ("Michael Komatsu").
            let person =
                EnglishWords.isProperNoun(lower) && !EnglishWords.isEveryday(lower)
                && !Places.regions.contains(word.lowercased())
            guard person || !atStart && !mostlyCapitalised(text) else { return nil }
        } else if LegalForms.formStarts(at: w, in: text) {
            return nil
        }
        return word
    }

    /// Whether the word at `start` is the "s" of a possessive ("Company's"), which the
    /// normaliser makes a word of its own so that "Kestrel Bank's" ends on "Bank".
    static func possessiveS(_ text: NormalizedText, _ start: Int) -> Bool {
        guard start > 0, text.scalars[start] == 0x73, text.classes[start - 1] == .word, text.isWordEnd(start + 1)
        else { return false }
        let gap = String(decoding: text.utf8[Int(text.ends[start - 1])..<Int(text.starts[start])], as: UTF8.self)
        return gap.unicodeScalars.count == 1 && Normalizer.isApostrophe(gap.unicodeScalars.first!.value)
    }

    /// A capitalised name joined to `start..<end` by "&", "+" or "and" (either side), as
    /// partners' names are: "Smith & Sharp", "Bieler + Lang", "Collins & Co".
    static func partnerName(_ text: NormalizedText, _ start: Int, _ end: Int) -> String? {
        /// The word starting at `w`: its end and its original text.
        func word(at w: Int) -> (end: Int, text: String) {
            var e = w + 1
            while e < text.count, text.classes[e] == .word, !text.wordStart[e] { e += 1 }
            return (e, String(decoding: text.utf8[Int(text.starts[w])..<Int(text.ends[e - 1])], as: UTF8.self))
        }
        func wordStart(before w: Int) -> Int {
            var s = w - 1
            while s > 0, text.classes[s - 1] == .word, !text.wordStart[s] { s -= 1 }
            return s
        }
        func spaced(_ a: Int, _ b: Int) -> Bool {
            Self.gap(text, before: a, after: b).allSatisfy { $0 == 0x20 || $0 == 0x2B }
        }
        func isJoiner(_ w: String) -> Bool { w == "&" || w == "and" || w == "And" || w == "AND" }
        func hasPlus(_ a: Int, _ b: Int) -> Bool { Self.gap(text, before: a, after: b).contains(0x2B) }
        func capitalised(_ s: String) -> Bool { s.utf8.first.map { $0 >= 0x41 && $0 <= 0x5A } ?? false }
        // After: "Sharp & Co", "Lang + Partner".
        if end < text.count, text.classes[end] == .word, spaced(end - 1, end) {
            let next = word(at: end)
            if hasPlus(end - 1, end), capitalised(next.text) { return next.text }
            if isJoiner(next.text), next.end < text.count, text.classes[next.end] == .word,
                spaced(next.end - 1, next.end)
            {
                let partner = word(at: next.end)
                if capitalised(partner.text) { return partner.text }
            }
        }
        // Before: "Smith & Sharp", "Bieler + Lang".
        if start > 0, text.classes[start - 1] == .word, spaced(start - 1, start) {
            let w = wordStart(before: start)
            let previous = word(at: w)
            if hasPlus(start - 1, start), capitalised(previous.text) { return previous.text }
            if isJoiner(previous.text), w > 0, text.classes[w - 1] == .word, spaced(w - 1, w) {
                let partner = word(at: wordStart(before: w))
                if capitalised(partner.text) { return partner.text }
            }
        }
        return nil
    }

    /// The word right before `start` when only spaces stand between: where it starts and its
    /// bytes.
    static func spacedWordBefore(_ text: NormalizedText, _ start: Int) -> (Int, ArraySlice<UInt8>)? {
        guard start > 0, text.classes[start - 1] == .word else { return nil }
        let gap = Self.gap(text, before: start - 1, after: start)
        guard !gap.isEmpty, gap.allSatisfy({ $0 == 0x20 }) else { return nil }
        var w = start - 1
        while w > 0, text.classes[w - 1] == .word, !text.wordStart[w] { w -= 1 }
        return (w, text.utf8[Int(text.starts[w])..<Int(text.ends[start - 1])])
    }

    /// The word right before `start` (a space apart) when it starts with a capital and is no
    /// word a listing puts before a victim's name ("Leak", "Hacked", "New", "Data"…).
    /// `shouted`: a shouted word counts too (before a whole name whose core is one ordinary
    /// word: "BIOREP TECHNOLOGIES, INC.").
    static func nameWordBefore(_ text: NormalizedText, _ start: Int, shouted: Bool = false) -> String? {
        guard let (w, bytes) = spacedWordBefore(text, start) else { return nil }
        guard let first = bytes.first, first >= 0x41 && first <= 0x5A, bytes.count >= 2 else { return nil }
        // A shouted word of four letters or more is mostly the listing's ("FRESH", "SELLING").
        if !shouted, bytes.count >= 4, !bytes.contains(where: { $0 >= 0x61 && $0 <= 0x7A }) { return nil }
        let word = String(decoding: bytes, as: UTF8.self)
        return listingWords.contains(word.lowercased()) ? nil : word
    }

    /// Words leak sites write around a victim's name, which are no part of it.
    static let listingWords: Set<String> = [
        "leak", "leaks", "leaked", "data", "hacked", "hack", "breach", "breached", "new", "post", "posted", "files",
        "file",
        "published", "publish", "full", "dump", "sample", "samples", "update", "updated", "database", "ransomware",
        "attack",
        "attacked", "victim", "stolen", "exposed", "documents", "part", "about", "from", "for", "by", "of", "in", "on",
        "at",
        "and", "the", "with", "to", "company", "customer", "customers", "client", "clients", "security", "network",
        "links",
        "link", "download", "free", "sale", "sell", "selling", "buy", "access", "accounts", "account", "info",
        "information",
        "dox", "doxxed", "private", "internal", "confidential", "emails", "email", "mail", "source", "code", "archive",
        "backup", "backups", "server", "servers", "credentials", "passwords", "users", "user", "employees", "employee",
        "fresh", "wts", "wtb", "selling", "sold", "initial", "exclusive", "urgent", "hot", "premium", "huge", "massive",
        "leaking", "publication", "published", "breaking", "alert", "warning", "announcement", "records", "record",
        "invoices", "contracts", "payroll", "orders", "drawings", "designs", "blueprints",
        "portal", "admin", "domain", "databases", "db", "dump", "dumps", "documentation", "docs", "hr", "vpn", "rdp",
        "shell", "ransom", "ransomed", "encrypted", "breached", "compromised", "stolen", "exfiltrated", "leaks",
    ]

    /// The word a hyphen joins to `start..<end` ("SMS-SME", "SRS-Stahl", "GEO-Alpinbau"), outside
    /// host names, when it is no legal form.
    static func hyphenJoined(_ text: NormalizedText, _ start: Int, _ end: Int) -> String? {
        if insideHostName(text, start, end) { return nil }
        if end < text.count, text.classes[end] == .word,
            Self.gap(text, before: end - 1, after: end).elementsEqual([0x2D]),
            !Self.legalFormAfter(text, end)
        {
            var e = end + 1
            while e < text.count, text.classes[e] == .word, !text.wordStart[e] { e += 1 }
            return text.original(end..<e)
        }
        if start > 0, text.classes[start - 1] == .word,
            Self.gap(text, before: start - 1, after: start).elementsEqual([0x2D])
        {
            var w = start - 1
            while w > 0, text.classes[w - 1] == .word, !text.wordStart[w] { w -= 1 }
            return text.original(w..<start)
        }
        return nil
    }

    /// Whether the legal form after the line of business at `end`, if any, is of the owner's
    /// family: a misspelt name with another country's form ("Naemtran Chemicals AG" for a
    /// Ltd.) is another firm, not a group company.
    func businessFormFits(_ owner: Owner, _ text: NormalizedText, _ end: Int) -> Bool {
        guard let e = Self.capitalWordEnd(text, end), LegalForms.formStarts(at: e, in: text) else { return true }
        return formFitsEntity(owner, text, e)
    }

    /// Whether a legal form follows `end` as a firm's: not a lower-case word a hyphen joins to
    /// the one before ("a mega-corporation", "non-profit-corporation").
    static func legalFormAfter(_ text: NormalizedText, _ end: Int) -> Bool {
        guard LegalForms.formStarts(at: end, in: text) else { return false }
        guard Self.gap(text, before: end - 1, after: end).elementsEqual([0x2D]) else { return true }
        return text.original(end..<(end + 1)).first?.isLowercase != true
    }

    /// Whether the title is `start..<end` alone, with punctuation at most (a bare "TSC").
    static func bareTitle(_ text: NormalizedText, _ start: Int, _ end: Int, titleBytes: Int) -> Bool {
        let from = Int(text.starts[start])
        let to = Int(text.ends[end - 1])
        let limit = min(titleBytes, text.utf8.count)
        guard to <= limit else { return false }
        func quiet(_ b: UInt8) -> Bool {
            !(b >= 0x30 && b <= 0x39 || b >= 0x41 && b <= 0x5A || b >= 0x61 && b <= 0x7A || b >= 0x80)
        }
        return text.utf8[0..<from].allSatisfy(quiet) && text.utf8[to..<limit].allSatisfy(quiet)
    }

    /// Whether the words before `start` introduce a victim: a label ("Victim:", "Company:",
    /// "受害单位：") or a listing word and "of"/"from" ("the full dump of", "data stolen from").
    static func introducedAsVictim(_ text: NormalizedText, _ start: Int) -> Bool {
        var p = Int(text.starts[start]) - 1
        while p >= 0, text.utf8[p] == 0x20 { p -= 1 }
        let colon =
            // ":", "："
            p >= 0 && text.utf8[p] == 0x3A || p >= 2 && text.utf8[(p - 2)...p].elementsEqual([0xEF, 0xBC, 0x9A])
        if colon {
            // The label before the colon: the text back to the previous sentence or line.
            var q = p - (text.utf8[p] == 0x3A ? 1 : 3)
            while q >= 0, text.utf8[q] == 0x20 { q -= 1 }
            var from = q
            while from >= 0, ![0x2E, 0x0A, 0x3A, 0x21, 0x3F, 0x7C, 0x28, 0x5B].contains(text.utf8[from]) { from -= 1 }
            guard q > from else { return false }
            let label = String(decoding: text.utf8[(from + 1)...q], as: UTF8.self).trimmingCharacters(in: .whitespaces)
                .lowercased()
            return victimLabels.contains(label)
                || victimLabels.contains(where: { $0.count > 1 && label.hasSuffix($0) && !$0.allSatisfy(\.isASCII) })
        }
        func wordBefore(_ i: Int) -> (start: Int, text: String)? {
            guard i > 0, text.classes[i - 1] == .word else { return nil }
            var w = i - 1
            while w > 0, text.classes[w - 1] == .word, !text.wordStart[w] { w -= 1 }
            return (
                w, String(decoding: text.utf8[Int(text.starts[w])..<Int(text.ends[i - 1])], as: UTF8.self).lowercased()
            )
        }
        guard let joiner = wordBefore(start), joiner.text == "of" || joiner.text == "from",
            let framing = wordBefore(joiner.start)
        else { return false }
        return listingWords.contains(framing.text)
    }

    /// Whether the legal form at `position` may be the entity's: any, unless all the entity's
    /// forms are of the company family (Co., Ltd., Inc., 株式会社, 股份有限公司…), which then it must be.
    func formFitsEntity(_ owner: Owner, _ text: NormalizedText, _ position: Int) -> Bool {
        guard let length = LegalForms.formLength(at: position, in: text) else { return false }
        var own = Set<String>()
        for name in watchlists[Int(owner.watchlist)].entities[Int(owner.entity)].names where name.relation != .domain {
            own.formUnion(LegalForms.families(of: normalizer.normalize(name.value)))
        }
        // Sellers write another form for a firm of forms like S.A. or AG ("JBS LLC"); a firm of
        // Japan, Taiwan or China written "ATC SA" or "GPM GmbH" is another firm.
        return own != ["company"] || own.contains(LegalForms.family(at: position, length: length, in: text))
    }

    /// Whether a legal form right after `end` (past punctuation) is of a family the entity's
    /// names have (Corp. for a Taiwanese registry name whose Chinese name ends 股份有限公司), or with
    /// `nameOnly` the family of the owner's own name's form (Co., Ltd. for CO., LIMITED).
    func formOfOwnFamily(_ owner: Owner, _ text: NormalizedText, _ end: Int, nameOnly: Bool) -> Bool {
        var p = end
        while p < text.count, text.classes[p] != .word { p += 1 }
        guard let length = LegalForms.formLength(at: p, in: text) else { return false }
        var own = Set<String>()
        let names = watchlists[Int(owner.watchlist)].entities[Int(owner.entity)].names
        for (n, name) in names.enumerated() where name.relation != .domain && (!nameOnly || n == Int(owner.name)) {
            own.formUnion(LegalForms.families(of: normalizer.normalize(name.value)))
        }
        return own.contains(LegalForms.family(at: p, length: length, in: text))
    }

    /// The grouping word ("Group", "Holdings", "Industries"…) after a space at `end`, when none
    /// of the owner's entity's names has it.
    func groupingNotOwn(_ owner: Owner, _ text: NormalizedText, _ end: Int) -> String? {
        guard end < text.count, text.classes[end] == .word,
            Self.gap(text, before: end - 1, after: end).elementsEqual([0x20]),
            let grouping = LegalForms.groupingStarts(at: end, in: text)
        else { return nil }
        let names = watchlists[Int(owner.watchlist)].entities[Int(owner.entity)].names
        if names.contains(where: { normalizer.normalize($0.value).folded.contains(grouping) }) { return nil }
        return grouping
    }

    /// The legal form right after `start..<end` (or a grouping word right before it: "Grupo
    /// Galilea") when the owner's name does not have it.
    func foreignForm(_ owner: Owner, _ text: NormalizedText, _ start: Int, _ end: Int) -> String? {
        let name = normalizer.normalize(
            watchlists[Int(owner.watchlist)].entities[Int(owner.entity)].names[Int(owner.name)].value
        )
        var form: Range<Int>?
        var p = end
        while p < text.count, text.classes[p] != .word { p += 1 }  // "Innotec, Corp.", "PHARMATIS-SAS"
        if let length = LegalForms.formLength(at: p, in: text) { form = p..<(p + length) }
        if form == nil, start > 0, text.classes[start - 1] == .word {
            var w = start - 1
            while w > 0, text.classes[w - 1] == .word, !text.wordStart[w] { w -= 1 }
            if LegalForms.groupingStarts(at: w, in: text) != nil { form = w..<start }
        }
        guard let form else { return nil }
        let written = Array(text.scalars[form])
        let nameScalars = name.scalars
        guard written.count <= nameScalars.count else { return text.original(form) }
        for i in 0...(nameScalars.count - written.count) where Array(nameScalars[i..<(i + written.count)]) == written {
            return nil
        }
        return text.original(form)
    }

    /// Labels that name the victim of a listing, as leak sites and sellers write them.
    static let victimLabels: Set<String> = [
        "victim", "company", "target", "organization", "organisation", "name", "company name", "victim name", "client",
        "initial access", "access",
        "受害单位", "受害單位", "受害企业", "受害企業", "目标企业", "目標企業", "目标", "目標", "公司", "企业", "企業",
        "被害企業", "被害組織", "対象", "対象企業", "企業名", "会社名",
    ]

    /// The country or region word right after a core ("Bridgestone Americas", "Yamaha Europe"):
    /// a group company's name, when the word after it is not capitalised too.
    static func regionAfter(_ text: NormalizedText, _ end: Int) -> String? {
        guard Places.startsWithRegion(at: end, in: text) else { return nil }
        var e = end + 1
        while e < text.count, text.classes[e] == .word, !text.wordStart[e] { e += 1 }
        if e < text.count, text.classes[e] == .word, Self.nextWordIsCapitalized(text, e),
            !LegalForms.formStarts(at: e, in: text)
        {
            return nil
        }
        return text.original(end..<e)
    }

    /// Whether "the" or "of" stands right before `start`: "Fruit of the Earth", "Government of
    /// the People", "University of the West": an everyday word used as one.
    static func afterArticle(_ text: NormalizedText, _ start: Int) -> Bool {
        guard let (_, bytes) = spacedWordBefore(text, start) else { return false }
        let word = String(decoding: bytes, as: UTF8.self).lowercased()
        return word == "the" || word == "of"
    }

    /// Whether most Latin words of the text start with a capital (a title-cased headline).
    static func mostlyCapitalised(_ text: NormalizedText) -> Bool {
        var words = 0
        var capitalised = 0
        for i in 0..<text.count where text.classes[i] == .word && text.isWordStart(i) {
            let b = text.utf8[Int(text.starts[i])]
            guard b < 0x80, (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) else { continue }
            words += 1
            if b <= 0x5A { capitalised += 1 }
        }
        return words > 0 && capitalised * 2 >= words
    }

    /// Whether every word of `start..<end` is one letter, separated by dots, spaces or hyphens.
    static func spelledAcronym(_ text: NormalizedText, _ start: Int, _ end: Int) -> Bool {
        for i in start..<end where !text.isWordStart(i) { return false }
        for i in (start + 1)..<end {
            let gap = Self.gap(text, before: i - 1, after: i)
            guard !gap.isEmpty, gap.allSatisfy({ $0 == 0x2E || $0 == 0x20 || $0 == 0x2D }) else { return false }
        }
        return true
    }

    /// Whether `matched` has the letters of the name (or, for a core, of a part of it)
    /// in the same case, whatever the punctuation and width: "HOME" for HOME CO., LTD.,
    /// "N.E.C." and "ＮＥＣ" for NEC.
    static func writtenAsInWatchlist(_ matched: String, _ name: String, partOfName: Bool) -> Bool {
        let letters = { (s: String) in
            String(
                s.precomposedStringWithCompatibilityMapping.unicodeScalars.filter {
                    CharacterSet.alphanumerics.contains($0)
                }
            )
        }
        let m = letters(matched)
        let n = letters(name)
        // Chinese and Japanese have no case: the way it is written says nothing of intent.
        guard m.unicodeScalars.contains(where: { $0.properties.changesWhenCaseMapped }) else { return false }
        return partOfName ? n.contains(m) : m == n
    }

    /// When the text splits one word of the name in two where people do ("Fuji Film" for
    /// Fujifilm, "Hik-vision"): both parts at least 3 letters of a word of 6 or more, a
    /// space or hyphen between them, and the second part no legal form ("Gold Corp" is not
    /// Goldcorp). Returns the split word as written.
    func splitWord(_ owner: Owner, name: String, _ text: NormalizedText, _ start: Int, _ end: Int) -> String? {
        let folded = normalizer.normalize(name)
        let range = owner.kind == .nameCore ? (LegalForms.core(of: folded) ?? 0..<folded.count) : 0..<folded.count
        guard range.count == end - start else { return nil }
        var nameStarts: [Int] = []
        var textStarts: [Int] = []
        for r in 1..<range.count {
            if folded.wordStart[range.lowerBound + r] { nameStarts.append(r) }
            if text.wordStart[start + r] { textStarts.append(r) }
        }
        let extra = textStarts.filter { !nameStarts.contains($0) }
        guard extra.count == 1, let r = extra.first else { return nil }
        let wordBegin = nameStarts.last(where: { $0 < r }) ?? 0
        let wordEnd = nameStarts.first(where: { $0 > r }) ?? range.count
        guard wordEnd - wordBegin >= 6, r - wordBegin >= 3, wordEnd - r >= 3 else { return nil }
        let gap = Self.gap(text, before: start + r - 1, after: start + r)
        guard !gap.isEmpty, gap.allSatisfy({ $0 == 0x20 || $0 == 0x2D }) else { return nil }
        guard !LegalForms.formStarts(at: start + r, in: text) else { return nil }
        // Two everyday words are a phrase, not a name split in two ("well done" is not WELLDONE),
        // unless a legal form follows ("Info Mart Corporation" is Infomart) or the name's other
        // words are written with them ("Broad Band Security" for BroadBand Security).
        if EnglishWords.isEveryday(Array(text.scalars[(start + wordBegin)..<(start + r)])),
            EnglishWords.isEveryday(Array(text.scalars[(start + r)..<(start + wordEnd)])),
            !LegalForms.formStarts(at: end, in: text), nameStarts.isEmpty
        {
            return nil
        }
        return text.original((start + wordBegin)..<(start + wordEnd))
    }

    /// The punctuation between the words of the name (or of its core, for a core match).
    func namePunctuation(_ owner: Owner, _ name: String) -> String {
        let folded = normalizer.normalize(name)
        let range = owner.kind == .nameCore ? (LegalForms.core(of: folded) ?? 0..<folded.count) : 0..<folded.count
        var marks = String.UnicodeScalarView()
        for i in range.dropFirst() where folded.wordStart[i] {
            for b in Self.gap(folded, before: i - 1, after: i) where b < 0x80 { marks.append(UnicodeScalar(b)) }
        }
        return String(marks)
    }

    /// The punctuation between two words of a match that no name is written across, if any.
    static func joinedAcrossPunctuation(_ text: NormalizedText, _ start: Int, _ end: Int) -> String? {
        for i in (start + 1)..<end where text.classes[i] == .word && text.wordStart[i] {
            for b in Self.gap(text, before: i - 1, after: i)
            where [0x2C, 0x3B, 0x3A, 0x7C, 0x2F, 0x5C, 0x28, 0x29, 0x5B, 0x5D, 0x22, 0x21, 0x3F, 0x0A].contains(b) {
                return String(UnicodeScalar(b))
            }
        }
        return nil
    }

    /// The original bytes between folded scalars `before` and `after` (empty when both
    /// come from one character, as the "and" of "&").
    static func gap(_ text: NormalizedText, before: Int, after: Int) -> ArraySlice<UInt8> {
        let from = Int(text.ends[before])
        let to = Int(text.starts[after])
        return from < to ? text.utf8[from..<to] : []
    }

    static func isOneWord(_ text: NormalizedText, _ start: Int, _ end: Int) -> Bool {
        for i in start..<end where text.classes[i] != .word || i > start && text.wordStart[i] { return false }
        return true
    }

    /// Where the word starting at `end` ends, when it is separated by spaces only and starts
    /// with a capital Latin letter.
    static func capitalWordEnd(_ text: NormalizedText, _ end: Int) -> Int? {
        guard end < text.count, text.classes[end] == .word else { return nil }
        let gap = Self.gap(text, before: end - 1, after: end)
        guard !gap.isEmpty, gap.allSatisfy({ $0 == 0x20 }) else { return nil }
        let first = text.utf8[Int(text.starts[end])]
        guard first >= 0x41 && first <= 0x5A else { return nil }
        var e = end + 1
        while e < text.count, text.classes[e] == .word, !text.wordStart[e] { e += 1 }
        return e
    }

    /// Whether a word stands as the way into a network: alone in brackets ("network (Citrix)")
    /// or after "via", "using", "through" or "type:" ("Access type: Citrix").
    static func accessMethod(_ text: NormalizedText, _ start: Int, _ end: Int) -> Bool {
        let bytes = text.utf8
        var p = Int(text.starts[start]) - 1
        while p >= 0, bytes[p] == 0x20 { p -= 1 }
        var q = Int(text.ends[end - 1])
        while q < bytes.count, bytes[q] == 0x20 { q += 1 }
        if p >= 0, q < bytes.count, bytes[p] == 0x28 && bytes[q] == 0x29 || bytes[p] == 0x5B && bytes[q] == 0x5D {
            return p > 0
        }
        if p >= 0, bytes[p] == 0x3A { p -= 1 }
        var from = p
        while from >= 0, (bytes[from] | 0x20) >= 0x61 && (bytes[from] | 0x20) <= 0x7A { from -= 1 }
        guard from < p else { return false }
        let word = String(decoding: bytes[(from + 1)...p], as: UTF8.self).lowercased()
        return ["via", "using", "through", "type"].contains(word)
    }

    /// Whether the word after `end` continues a name: joined by a hyphen, a full stop or an
    /// underscore ("Fangyu-Investment", "Jiacheng.Communications"),
    /// or a space apart (an ideographic one too) and capitalised ("Lanrong Logistics", not a
    /// word listings write about what was taken) or a line of business ("shengke semiconductor").
    static func namePartAfter(_ text: NormalizedText, _ end: Int) -> Bool {
        guard end < text.count, text.classes[end] == .word else { return false }
        let gap = String(decoding: Self.gap(text, before: end - 1, after: end), as: UTF8.self)
        if gap == "-" { return true }
        if gap == "." || gap == "_" {
            // "Jiacheng.Communications", not a file's extension ("Mochizawa.rar", "…_files").
            return text.original(end..<(end + 1)).first?.isUppercase == true
        }
        guard !gap.isEmpty, gap.unicodeScalars.allSatisfy({ $0 == " " || $0 == "\u{3000}" }) else { return false }
        var e = end + 1
        while e < text.count, text.classes[e] == .word, !text.wordStart[e] { e += 1 }
        let key = ScalarKey(Array(text.scalars[end..<e]))
        if businessWords.contains(key) { return true }
        let word = text.original(end..<e)
        guard word.first?.isUppercase == true else { return false }
        guard listingWords.contains(word.lowercased()) else { return true }
        // A word listings also write ("Information", "Data") that capitalised words and a legal
        // form follow: another firm's name ("Longshi Information Tools Ltd.").
        var next = e
        for _ in 0..<3 {
            guard let wordEnd = capitalWordEnd(text, next) else { return false }
            if LegalForms.formStarts(at: next, in: text) { return true }
            next = wordEnd
        }
        return LegalForms.formStarts(at: next, in: text)
    }

    /// Whether the next word, separated by spaces only, starts with a capital Latin letter.
    static func nextWordIsCapitalized(_ text: NormalizedText, _ end: Int) -> Bool {
        guard let e = capitalWordEnd(text, end) else { return false }
        // A short all-capitals word after a name is mostly what was taken (VPN, SQL, HR).
        let word = text.utf8[Int(text.starts[end])..<Int(text.ends[e - 1])]
        // Nor is a word listings write about what was taken ("Nipro Customer Data", "SHIMANO
        // EMPLOYEE RECORDS"): that is the listing's, not a longer name's.
        // ("Tech Data Corp" with its legal form is a name.)
        if listingWords.contains(String(decoding: word, as: UTF8.self).lowercased()) {
            var next = e
            while next < text.count, text.classes[next] != .word { next += 1 }
            if next >= text.count || !LegalForms.formStarts(at: next, in: text) { return false }
        }
        let lower = word.contains { $0 >= 0x61 && $0 <= 0x7A }
        return lower || word.count >= 5
    }

    /// Whether `start` begins the text or a sentence (after . ! ? : | [ ] ( ) or a dash).
    static func atSentenceStart(_ text: NormalizedText, _ start: Int) -> Bool {
        var p = Int(text.starts[start]) - 1
        while p >= 0, text.utf8[p] == 0x20 || text.utf8[p] == 0x09 { p -= 1 }
        return p < 0
            || [0x2E, 0x21, 0x3F, 0x3A, 0x0A, 0x7C, 0x5B, 0x5D, 0x28, 0x29, 0x2D, 0x22, 0x5F].contains(text.utf8[p])
    }

    /// Whether a word starting with a capital stands right before or after `start..<end`,
    /// a space apart (legal forms after it excepted: they are the name's).
    static func besideCapitalisedWord(_ text: NormalizedText, _ start: Int, _ end: Int) -> Bool {
        func capital(_ i: Int) -> Bool {
            let b = text.utf8[Int(text.starts[i])]
            return b >= 0x41 && b <= 0x5A
        }
        if start > 0, text.classes[start - 1] == .word {
            let gap = Self.gap(text, before: start - 1, after: start)
            if !gap.isEmpty, gap.allSatisfy({ $0 == 0x20 || $0 == 0x5F }) {
                var w = start - 1
                while w > 0, text.classes[w - 1] == .word, !text.wordStart[w] { w -= 1 }
                if capital(w) { return true }
            }
        }
        if end < text.count, text.classes[end] == .word, !LegalForms.formStarts(at: end, in: text) {
            let gap = Self.gap(text, before: end - 1, after: end)
            if !gap.isEmpty, gap.allSatisfy({ $0 == 0x20 || $0 == 0x5F }), capital(end) { return true }
        }
        return false
    }

    /// Whether the listing is written in capitals (a shouted title): then the case of a
    /// word says nothing about it.
    static func shouted(_ text: NormalizedText) -> Bool {
        var upper = 0
        var lower = 0
        for b in text.utf8 {
            if b >= 0x41 && b <= 0x5A { upper += 1 } else if b >= 0x61 && b <= 0x7A { lower += 1 }
        }
        return upper >= 8 && upper * 10 >= (upper + lower) * 7
    }

    /// CJK names of up to 3 characters. Longer names are not checked: neither ICU nor a
    /// frequency dictionary (jieba) reads their edges reliably — ICU puts a boundary in
    /// 东方电气|化学, jieba reads 中国|平安保险, which is Ping An's own name.
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
    func reportable(_ raws: [Raw]) -> [Raw] {
        var keep = [Bool](repeating: true, count: raws.count)
        for i in raws.indices {
            let a = raws[i]
            for j in raws.indices where j != i {
                let b = raws[j]
                guard b.byteRange.lowerBound <= a.byteRange.lowerBound, b.byteRange.upperBound >= a.byteRange.upperBound
                else { continue }
                if b.owner.watchlist == a.owner.watchlist, b.owner.entity == a.owner.entity {
                    if b.byteRange.count > a.byteRange.count || b.score > a.score
                        || b.score == a.score && b.byteRange == a.byteRange && j < i && b.owner.name == a.owner.name
                    {
                        keep[i] = false
                        break
                    }
                } else if b.owner.watchlist == a.owner.watchlist, b.byteRange.count > a.byteRange.count,
                    b.score >= Self.defaultThreshold,
                    entityName(b.owner).lowercased() != entityName(a.owner).lowercased()
                {
                    // A longer name of another company this customer watches covers this text:
                    // "Mitsubishi Electric" is not a mention of Mitsubishi Corporation (by its
                    // core "Mitsubishi"). Only the same customer's names count here: what one
                    // customer is alerted to never depends on another customer's watchlist.
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
                if c.score > raws[i].score
                    || c.score == raws[i].score && c.byteRange.lowerBound <= raws[i].byteRange.lowerBound
                {
                    continue
                }
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
        let lowerMatched = matched.lowercased()
        let lowerName = name.lowercased()
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
    /// An entity that declares its domains has told us its sites. A one-word mention that is
    /// (or names) another site in the title is that site's owner: "APEX - apexspedition.de" and
    /// "acsi.org" are not the APEX of apex.com.tw or the ACSI of acercsi.com, while "Zyxel.eu"
    /// (zyxelgroup.com) and "mirle-automation.com" (mirle.com.tw) may be theirs.
    func refuseOtherSites(_ raws: inout [Raw], _ folded: NormalizedText, titleBytes: Int) {
        guard raws.contains(where: { $0.score >= Self.boundaryScore }) else { return }
        let limit = min(titleBytes, folded.utf8.count)
        let hosts = Self.hostnames(in: Array(folded.utf8[0..<limit])).filter { !$0.2 }
        guard !hosts.isEmpty else { return }
        for i in raws.indices
        where raws[i].score > Self.boundaryScore && Self.isOneWord(folded, raws[i].start, raws[i].end) {
            let raw = raws[i]
            let entity = watchlists[Int(raw.owner.watchlist)].entities[Int(raw.owner.entity)]
            let declared = entity.names.filter { $0.relation == .domain }.map { $0.value.lowercased() }
            guard !declared.isEmpty else { continue }
            let word = String(decoding: folded.utf8[raw.byteRange], as: UTF8.self).lowercased()
            for (host, range, _) in hosts {
                if declared.contains(where: { host == $0 || host.hasSuffix("." + $0) }) { continue }
                var labels = host.split(separator: ".")
                if labels.first == "www", labels.count > 2 { labels.removeFirst() }
                // The label the mention stands in, or the host the word names.
                let label: Substring
                if range.contains(raw.byteRange.lowerBound) {
                    guard let containing = labels.first(where: { $0.contains(word) }) else { continue }
                    label = containing
                } else if let first = labels.first, first.hasPrefix(word) {
                    label = first
                } else {
                    continue
                }
                let own = declared.contains { domain in
                    var d = domain.split(separator: ".")
                    if d.first == "www", d.count > 2 { d.removeFirst() }
                    guard let l = d.first else { return false }
                    return l == label || l.hasPrefix(label) || label.hasPrefix(l + "-")
                }
                if !own {
                    raws[i].score = min(raw.score, Self.boundaryScore)
                    raws[i].steps.append(
                        "the listing's site is \(host), not the entity's (\(declared.joined(separator: ", ")))"
                    )
                    break
                }
            }
        }
    }

    func domainHits(_ folded: NormalizedText) -> [Raw] {
        var raws: [Raw] = []
        for (host, range, isEmail) in Self.hostnames(in: folded.utf8) {
            var suffix = Substring(host)
            var isSubdomain = false
            while true {
                if let list = domains[String(suffix)] {
                    for owner in list {
                        let sub = isSubdomain || isEmail
                        raws.append(
                            Raw(
                                owner: Owner(
                                    watchlist: owner.watchlist,
                                    entity: owner.entity,
                                    name: owner.name,
                                    kind: .name
                                ),
                                start: 0,
                                end: 0,
                                method: .domain(host),
                                score: sub ? 0.98 : 1.0,
                                steps: [
                                    isEmail ? "e-mail address at the domain" : isSubdomain ? "subdomain" : "domain"
                                ],
                                byteRange: range
                            )
                        )
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
    static func hostnames(in text: [UInt8]) -> [(String, Range<Int>, Bool)] {
        // Read through a buffer: this walks every byte of every listing.
        text.withUnsafeBufferPointer { hostnames(in: $0) }
    }

    static func hostnames(in bytes: UnsafeBufferPointer<UInt8>) -> [(String, Range<Int>, Bool)] {
        var result: [(String, Range<Int>, Bool)] = []
        @inline(__always) func isHostByte(_ b: UInt8) -> Bool {
            (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) || b == 0x2E || b == 0x2D
        }
        var i = 0
        let count = bytes.count
        while i < count {
            guard isHostByte(bytes[i]) else {
                i += 1
                continue
            }
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
                bytes[lastDot + 1] >= 0x41
            else { continue }  // a letter after the last dot: not "1.3"
            let host = String(decoding: bytes[start..<end], as: UTF8.self).lowercased()
            var rangeStart = start
            var isEmail = false
            if start > 0, bytes[start - 1] == 0x40 {
                rangeStart = start - 1
                while rangeStart > 0,
                    isHostByte(bytes[rangeStart - 1]) || bytes[rangeStart - 1] == 0x5F || bytes[rangeStart - 1] == 0x2B
                        || bytes[rangeStart - 1] == 0x25
                {
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
