/// The names of registered companies, as filed (`Data/RegistryNameData.swift`: Japan's EDINET,
/// Taiwan's TWSE/TPEx, cleanco's list; made by `scripts/make-registry-words.py`). They tell which
/// registered company a fuller name in a listing is: "HOYA Corporation" is EDINET's HOYA
/// CORPORATION, not TPEx's "HOYA" (a resort); "Asahi Group" is ASAHI GROUP HOLDINGS, not
/// Asahi Co., Ltd. Bundled data, the same for every customer: no customer's watchlist changes
/// what another's entity is.
enum RegisteredNames {
    /// A phrase (lower-case words joined by one space) → the records it names: a record's full
    /// name, its name without the legal form, and that without a last grouping word.
    static let phrases: [String: [Int32]] = {
        var phrases: [String: [Int32]] = [:]
        for (index, record) in records.enumerated() {
            var forms: Set<String> = []
            for name in record where !containsCJK(name) {
                var words = fold(name)
                guard !words.isEmpty else { continue }
                forms.insert(words.joined(separator: " "))
                words = withoutLegalForm(words)
                forms.insert(words.joined(separator: " "))
                if words.count > 1, let last = words.last, ["holdings", "holding", "group"].contains(last) {
                    forms.insert(words.dropLast().joined(separator: " "))
                }
            }
            for form in forms { phrases[form, default: []].append(Int32(index)) }
        }
        return phrases
    }()

    /// How many registered companies' English names (without the legal form) start with each
    /// word: one that starts several ("nippon", "tokyo") names none of them alone.
    static let firstWords: [String: Int] = {
        var names: [String: Set<String>] = [:]
        for record in records {
            guard let english = record.first, !containsCJK(english) else { continue }
            let words = withoutLegalForm(fold(english))
            guard let first = words.first else { continue }
            names[first, default: []].insert(words.joined(separator: " "))
        }
        return names.mapValues(\.count)
    }()

    /// Each company's names as filed: English first, then its Japanese or Chinese names.
    static let records: [[Substring]] = RegistryNameData.names.split(separator: "\n").map {
        $0.split(separator: "|")
    }

    /// A name a company is known by for certain: its full name in its own script (ＨＯＹＡ株式会社,
    /// 富野大飯店股份有限公司) or an English name of two words or more (HOYA CORPORATION). A
    /// one-word short name ("HOYA") could be any of several.
    static let identifying: [String: [Int32]] = {
        var identifying: [String: [Int32]] = [:]
        for (index, record) in records.enumerated() {
            for name in record {
                let words = fold(name)
                guard containsCJK(name) || words.count >= 2 else { continue }
                identifying[words.joined(separator: " "), default: []].append(Int32(index))
            }
        }
        return identifying
    }()

    static func containsCJK(_ name: some StringProtocol) -> Bool {
        name.unicodeScalars.contains {
            $0.value >= 0x3040 && $0.value <= 0x9FFF || $0.value >= 0xF900 && $0.value <= 0xFAFF
        }
    }

    /// The companies a watched name identifies (see `identifying`).
    static func records(named name: String) -> [Int32] {
        let words = fold(name)
        guard !words.isEmpty else { return [] }
        return identifying[words.joined(separator: " ")] ?? []
    }

    /// Lower-case words of letters and digits, legal forms written out ("Nidec Corp." and NIDEC
    /// CORPORATION are one name).
    static func fold(_ name: some StringProtocol) -> [String] {
        name.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map { canonical(String($0)) }
    }

    static func canonical(_ word: String) -> String {
        switch word {
        case "corp": "corporation"
        case "inc": "incorporated"
        case "ltd": "limited"
        case "co": "company"
        default: word
        }
    }

    static let legalForms: [[String]] = [
        ["company", "limited"], ["kabushiki", "kaisha"], ["k", "k"], ["pte", "limited"], ["pty", "limited"],
        ["sdn", "bhd"], ["s", "a"], ["n", "v"], ["b", "v"], ["corporation"], ["incorporated"], ["limited"],
        ["company"], ["kk"], ["plc"], ["llc"], ["sa"], ["ag"], ["nv"],
        ["bv"], ["gmbh"], ["ab"], ["oy"], ["oyj"], ["asa"], ["spa"], ["se"], ["tbk"],
    ]

    static func withoutLegalForm(_ words: [String]) -> [String] {
        var words = words
        var changed = true
        while changed, words.count > 1 {
            changed = false
            for form in legalForms where words.count > form.count && Array(words.suffix(form.count)) == form {
                words.removeLast(form.count)
                changed = true
                break
            }
        }
        return words
    }
}

extension Matcher {
    /// A mention that is part of a longer name of another registered company ("HOYA" in "HOYA
    /// Corporation" for a registry's other HOYA) is that company's. Only for an entity whose own
    /// name is a registered one (a registry import): a name an analyst wrote by hand ("HOYA") may
    /// mean any of them.
    func refuseOtherRegistered(_ raws: inout [Raw], _ folded: NormalizedText) {
        var words: [(start: Int, end: Int)]?
        for i in raws.indices where raws[i].method == .exact && raws[i].score > Self.boundaryScore {
            let raw = raws[i]
            let own = registeredRecords[Int(raw.owner.watchlist)][Int(raw.owner.entity)]
            guard !own.isEmpty else { continue }
            if words == nil { words = Self.wordSpans(folded) }
            guard let words, let first = words.firstIndex(where: { $0.end > raw.start }),
                let last = words.lastIndex(where: { $0.start < raw.end })
            else { continue }
            func joined(_ a: Int, _ b: Int) -> Bool {
                let gap = Self.gap(folded, before: words[a].end - 1, after: words[b].start)
                return !gap.contains(where: { [0x0A, 0x7C, 0x28, 0x29, 0x5B, 0x5D, 0x3A, 0x2F, 0x5C].contains($0) })
            }
            var other: Int32?
            search: for a in stride(from: first, through: max(0, first - 2), by: -1) {
                if a < first, !joined(a, a + 1) { break }
                for b in last..<min(words.count, last + 5) {
                    if b > last, !joined(b - 1, b) { break }
                    if a == first && b == last { continue }
                    let phrase = (a...b).map { w in
                        RegisteredNames.canonical(
                            String(
                                String.UnicodeScalarView(
                                    folded.scalars[words[w].start..<words[w].end].compactMap(Unicode.Scalar.init)
                                )
                            )
                        )
                    }.joined(separator: " ")
                    if let records = RegisteredNames.phrases[phrase],
                        let found = records.first(where: { !own.contains($0) }),
                        !records.contains(where: { own.contains($0) })
                    {
                        other = found
                        break search
                    }
                }
            }
            if let other {
                raws[i].score = min(raw.score, Self.boundaryScore)
                raws[i].steps.append(
                    "part of the name of another registered company: \(RegisteredNames.records[Int(other)][0])"
                )
            }
        }
    }

    /// Every word of the folded text: its scalar range.
    static func wordSpans(_ text: NormalizedText) -> [(start: Int, end: Int)] {
        var spans: [(start: Int, end: Int)] = []
        var i = 0
        while i < text.count {
            guard text.classes[i] == .word else {
                i += 1
                continue
            }
            var e = i + 1
            while e < text.count, text.classes[e] == .word, !text.wordStart[e] { e += 1 }
            spans.append((i, e))
            i = e
        }
        return spans
    }
}
