/// Why a name did not match: for `watchlistd match --explain` when a text gives no hit
/// of a name the analyst expected. Brute force over every Latin name and core (an
/// interactive command, not the matching path).
public struct NearMiss: Sendable {
    public var customer: String
    public var entity: String
    public var name: String
    public var file: String
    public var line: Int
    /// The words of the text that came closest, as written.
    public var text: String
    /// Plain edit distance between the folded forms.
    public var distance: Int
    /// The rule that refused it.
    public var reason: String
}

extension Matcher {
    /// The names closest to some run of words of `text` that gave no hit, each with the rule
    /// that refused it, closest first.
    public func nearMisses(in text: String, limit: Int = 5) -> [NearMiss] {
        let folded = normalizer.normalize(text)
        // Names with a hit, or a candidate below the threshold (shown with the steps that refused it).
        let hitNames = Set(candidates(in: text).map { "\($0.customer)\u{0}\($0.entity)" })
        // Runs of Latin words of the text: (start, end, words).
        var wordStarts: [Int] = []
        for i in 0..<folded.count where folded.classes[i] == .word && folded.isWordStart(i) { wordStarts.append(i) }
        func wordEnd(_ start: Int) -> Int {
            var e = start + 1
            while e < folded.count, folded.classes[e] == .word, !folded.wordStart[e] { e += 1 }
            return e
        }
        var windows: [(start: Int, end: Int, words: Int)] = []
        for (k, start) in wordStarts.enumerated() {
            var end = wordEnd(start)
            for n in 1...4 {
                windows.append((start, end, n))
                guard k + n < wordStarts.count, wordStarts[k + n] == end else { break }
                end = wordEnd(end)
            }
        }
        var found: [String: NearMiss] = [:]
        for watchlist in watchlists {
            for entity in watchlist.entities where !hitNames.contains("\(watchlist.customer)\u{0}\(entity.name)") {
                for name in entity.names where name.relation != .domain {
                    let n = normalizer.normalize(name.value)
                    guard !n.scalars.isEmpty, n.classes.allSatisfy({ $0 == .word }) else { continue }
                    var keys: [(Range<Int>, Bool)] = [(0..<n.count, false)]
                    if let core = LegalForms.core(of: n) { keys.append((core, true)) }
                    for (range, isCore) in keys {
                        let key = Array(n.scalars[range])
                        let keyWords = Self.wordCount(n, range.lowerBound, range.upperBound)
                        for window in windows where abs(window.words - keyWords) <= 1 {
                            let written = Array(folded.scalars[window.start..<window.end])
                            guard abs(written.count - key.count) <= max(2, key.count / 3) else { continue }
                            let distance = Self.editDistance(key, written)
                            guard distance > 0 || window.words != keyWords, distance <= max(2, key.count / 3) else {
                                continue
                            }
                            let id = "\(watchlist.customer)\u{0}\(entity.name)\u{0}\(name.value)"
                            if let current = found[id], current.distance <= distance { continue }
                            let reason = refusal(
                                key: key,
                                keyWords: keyWords,
                                written: written,
                                window: window,
                                isCore: isCore,
                                folded: folded,
                                name: n,
                                range: range
                            )
                            found[id] = NearMiss(
                                customer: watchlist.customer,
                                entity: entity.name,
                                name: name.value,
                                file: watchlist.file,
                                line: name.line,
                                text: folded.original(window.start..<window.end),
                                distance: distance,
                                reason: reason
                            )
                        }
                    }
                }
            }
        }
        return found.values.sorted {
            ($0.distance, $0.customer, $0.entity, $0.name) < ($1.distance, $1.customer, $1.entity, $1.name)
        }
        .prefix(limit).map { $0 }
    }

    /// The first rule, in the order the engine applies them, that refuses `written` as `key`.
    func refusal(
        key: [UInt32],
        keyWords: Int,
        written: [UInt32],
        window: (start: Int, end: Int, words: Int),
        isCore: Bool,
        folded: NormalizedText,
        name: NormalizedText,
        range: Range<Int>
    ) -> String {
        let what = isCore ? "its core (without the legal form)" : "the name"
        if Self.isWeak(name, range) {
            return "\(what) is an everyday word or a short acronym: no misspellings are looked for"
        }
        if key.count < 7 {
            if keyWords == 1, key.count >= 5 {
                return "\(what) has \(key.count) letters: misspellings are looked for from 7; a short name counts "
                    + "misspelt only as people misspell it (a vowel past the first syllable, a sound-alike, a letter "
                    + "swapped, doubled or written once) with the entity's legal form, or a line of business after a "
                    + "sound-alike or slip"
            }
            return "\(what) has \(key.count) letters: misspellings are looked for from 7"
        }
        if window.words == keyWords + 1, written == key {
            return
                "the text splits a word of the name where it does not read as the name: a part shorter than 3 letters, "
                + "a legal form after the split (Gold Corp is not Goldcorp), or punctuation other than a space or hyphen"
        }
        if window.words != keyWords {
            return "the text has \(window.words) word\(window.words == 1 ? "" : "s") where \(what) has \(keyWords): "
                + "only one word split in two is read as the name (Fuji Film), never more or fewer"
        }
        if !Fuzzy.sameFirstLetter(key[0], written[0]) {
            return "the first letter differs: a different name (Kobayashi is not Obayashi)"
        }
        var wordOf: [Int] = []
        var lengths: [Int] = []
        for i in range {
            if i == range.lowerBound || name.wordStart[i] { lengths.append(0) }
            lengths[lengths.count - 1] += 1
            wordOf.append(lengths.count - 1)
        }
        let units = Self.weightedDistance(key, written)
        let allowed = min(Fuzzy.maxUnits, lengths.map { Fuzzy.budget(wordLength: $0) }.reduce(0, +))
        if units > allowed {
            return
                "the changes weigh \(Double(units) / 2) edits (look-alike ½, vowel/sound-alike/keyboard/missing/doubled/swapped 1, "
                + "other 1½); \(what) allows \(Double(allowed) / 2) (per word: none up to 3 letters, 1 up to 7, 2 from 8)"
        }
        var writtenWords: [[UInt32]] = [[]]
        for i in window.start..<window.end {
            if i > window.start && folded.wordStart[i] { writtenWords.append([]) }
            writtenWords[writtenWords.count - 1].append(folded.scalars[i])
        }
        var nameWords: [[UInt32]] = []
        for i in range {
            if i == range.lowerBound || name.wordStart[i] { nameWords.append([]) }
            nameWords[nameWords.count - 1].append(name.scalars[i])
        }
        let pairs = writtenWords.count == nameWords.count ? Array(zip(writtenWords, nameWords)) : []
        for (word, nameWord) in pairs where word != nameWord {
            let units = Self.weightedDistance(nameWord, word)
            if units > Fuzzy.budget(wordLength: nameWord.count),
                pairs.contains(where: { $0.0 != $0.1 && $0.1 != nameWord }) || units > Fuzzy.borrowedBudget
                    || nameWord.count < 5
            {
                return
                    "“\(String(decoding: word, as: Unicode.UTF32.self))” for “\(String(decoding: nameWord, as: Unicode.UTF32.self))” "
                    + "weighs \(Double(units) / 2) edits, more than one word of \(nameWord.count) letters takes"
            }
        }
        for (word, _) in pairs.filter({ $0.0 != $0.1 }) {
            let k = ScalarKey(word)
            if EnglishWords.registry.contains(k) {
                return "“\(String(decoding: word, as: Unicode.UTF32.self))” is the name of another registered company"
            }
            if EnglishWords.isWord(k) {
                return
                    "“\(String(decoding: word, as: Unicode.UTF32.self))” is an English word or a known name, not a misspelling"
            }
        }
        if Self.insideHostName(folded, window.start, window.end) {
            return "inside a host name: a look-alike domain, not a misspelling"
        }
        return
            "the changes are within budget but fall on one word beyond its own allowance, or no intact piece of the name was found to start from"
    }

    /// Plain edit distance (insertions, deletions, substitutions, swaps of neighbours).
    static func editDistance(_ a: [UInt32], _ b: [UInt32]) -> Int {
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in stride(from: 1, through: a.count, by: 1) {
            for j in stride(from: 1, through: b.count, by: 1) {
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[a.count][b.count]
    }

    /// The weighted distance of the error model (half-edit units), without bands or budgets.
    static func weightedDistance(_ a: [UInt32], _ b: [UInt32]) -> Int {
        let big = 1 << 20
        var d = [[Int]](repeating: [Int](repeating: big, count: b.count + 1), count: a.count + 1)
        d[0][0] = 0
        for i in 0...a.count {
            for j in 0...b.count where i > 0 || j > 0 {
                var best = big
                if i > 0, j > 0 {
                    best =
                        d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : Int(Confusions.substitution(a[i - 1], b[j - 1])))
                }
                if i > 0 { best = min(best, d[i - 1][j] + 2) }
                if j > 0 {
                    best = min(best, d[i][j - 1] + (i == a.count || i == 0 ? 3 : Int(Confusions.insertion(b, j - 1))))
                }
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { best = min(best, d[i - 2][j - 2] + 2) }
                if i > 0, j > 1 {
                    let u = Int(Confusions.oneForTwo(a[i - 1], b[j - 2], b[j - 1], forward: true))
                    if u > 0 { best = min(best, d[i - 1][j - 2] + u) }
                }
                if i > 1, j > 0 {
                    let u = Int(Confusions.oneForTwo(b[j - 1], a[i - 2], a[i - 1], forward: true))
                    if u > 0 { best = min(best, d[i - 2][j - 1] + u) }
                }
                d[i][j] = best
            }
        }
        return d[a.count][b.count]
    }
}
