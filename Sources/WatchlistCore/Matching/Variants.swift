import Foundation

/// Written variants of a watched name, each with its own score and step: standard
/// abbreviations ("Mfg" for Manufacturing, and back) and slips in short names ("Yamtao").
///
/// Tried and taken out (measured on the benchmark corpus, seeds 1 and 2, 2,000 entities): a
/// generic word left out ("Citrix" for Citrix Systems fired on 674 listings naming Citrix as
/// the access method, "Shengke" for Shengke Foods on 58) and romanisations through ICU
/// ("Kimura", "Matsuda" from katakana are surnames; pinyin near-names are the benchmark's
/// traps): precision at 2,000 entities, seed 2, fell from 0.985 to 0.864.
enum Variants {
    struct Variant: Sendable {
        var text: String
        var score: Double
        var step: String
    }

    static let abbreviationScore = 0.92
    static let slipScore = 0.90
    /// How a slip variant's step starts: a misspelt name is never a group company's ("Sanok
    /// Rubber Company" is not Sanko).
    static let slipStep = "misspelt:"

    /// Words and their standard abbreviations in company names (as registries and sellers write them).
    static let abbreviations: [(full: String, short: String)] = [
        ("manufacturing", "mfg"), ("international", "intl"), ("electric", "elec"), ("electronics", "elec"),
        ("technology", "tech"), ("technologies", "tech"), ("industries", "inds"), ("industries", "ind"),
        ("industrial", "ind"),
        ("industry", "ind"), ("holdings", "hldgs"), ("services", "svcs"), ("systems", "sys"), ("national", "natl"),
        ("pharmaceutical", "pharm"), ("pharmaceuticals", "pharma"), ("chemical", "chem"), ("chemicals", "chem"),
        ("engineering", "eng"), ("management", "mgmt"), ("brothers", "bros"), ("associates", "assoc"),
        ("development", "dev"), ("financial", "finl"), ("communications", "comms"), ("laboratories", "labs"),
        ("products", "prods"), ("corporation", "corp"), ("company", "co"), ("limited", "ltd"), ("incorporated", "inc"),
        ("construction", "constr"), ("equipment", "equip"), ("distribution", "dist"), ("investment", "invest"),
        ("securities", "sec"), ("insurance", "ins"), ("manufacturers", "mfrs"), ("american", "amer"), ("bank", "bk"),
        ("service", "svc"), ("services", "svc"), ("railway", "rwy"), ("railway", "rly"), ("securities", "secs"),
        ("medical", "med"), ("semiconductor", "semi"), ("electronic", "elec"), ("materials", "matls"),
        ("industrial", "indl"), ("department", "dept"), ("electronics", "electr"), ("international", "int"),
    ]
    static let toShort: [String: [String]] = Dictionary(grouping: abbreviations, by: \.full).mapValues {
        $0.map(\.short)
    }
    static let toFull: [String: [String]] = Dictionary(grouping: abbreviations, by: \.short).mapValues {
        $0.map(\.full)
    }

    /// The variants of a name (its folded words and core), at most 24.
    static func of(name: String, folded: NormalizedText, core: Range<Int>?) -> [Variant] {
        var out: [Variant] = []
        let range = core ?? 0..<folded.count
        var words: [String] = []
        var allWord = true
        for i in range {
            if folded.classes[i] != .word {
                allWord = false
                break
            }
            if i == range.lowerBound || folded.wordStart[i] { words.append("") }
            words[words.count - 1].unicodeScalars.append(UnicodeScalar(folded.scalars[i]) ?? " ")
        }
        if allWord, words.count >= 2 {
            // Abbreviations: each replaceable word alone, then all of them.
            let replaceable = words.indices.filter { toShort[words[$0]] != nil || toFull[words[$0]] != nil }
            func alternatives(_ i: Int) -> [String] { toShort[words[i]] ?? toFull[words[i]] ?? [] }
            // Each alternative of each word alone, then every word with its first alternative.
            var forms: [[Int: String]] = replaceable.flatMap { i in alternatives(i).map { [i: $0] } }
            if replaceable.count > 1 {
                forms.append(Dictionary(uniqueKeysWithValues: replaceable.map { ($0, alternatives($0)[0]) }))
                if replaceable.count > 2 {  // and every pair
                    for a in replaceable.indices {
                        for b in replaceable.indices where b > a {
                            forms.append([
                                replaceable[a]: alternatives(replaceable[a])[0],
                                replaceable[b]: alternatives(replaceable[b])[0],
                            ])
                        }
                    }
                }
            }
            for form in forms.prefix(12) {
                var w = words
                for (i, short) in form { w[i] = short }
                // "First Ins" read out is "first insurance": a phrase of everyday words, no name.
                if w.allSatisfy({ EnglishWords.isEveryday($0.unicodeScalars.map(\.value)) }) { continue }
                let changes = form.keys.sorted().map { "\(w[$0]) for \(words[$0])" }.joined(separator: ", ")
                out.append(
                    Variant(
                        text: w.joined(separator: " "),
                        score: abbreviationScore,
                        step: "a standard abbreviation: \(changes)"
                    )
                )
            }
        }
        // A short name (5 to 7 letters, one word) with two neighbours swapped, a letter doubled or
        // a doubled letter written once ("Yamtao", "Meddix", "Recom"): slips that keep the name's
        // letters, which the piece search does not reach in so short a word. Not when the slip
        // spells an English word or another registered company's word.
        if allWord, words.count == 1, (5...7).contains(words[0].count),
            words[0].unicodeScalars.allSatisfy({ $0.value >= 0x61 && $0.value <= 0x7A })
        {
            let w = Array(words[0].unicodeScalars.map(\.value))
            var slips: [([UInt32], String)] = []
            for i in 0..<(w.count - 1) where w[i] != w[i + 1] && i > 0 {
                var t = w
                t.swapAt(i, i + 1)
                slips.append((t, "two letters swapped"))
            }
            for i in 1..<w.count where i == w.count - 1 || w[i] != w[i + 1] {
                if w[i] == w[i - 1] {
                    var t = w
                    t.remove(at: i)
                    slips.append((t, "a doubled letter written once"))
                } else if !Confusions.isVowel(w[i]) || i == w.count - 1 {
                    var t = w
                    t.insert(w[i], at: i)
                    slips.append((t, "a letter doubled"))
                }
            }
            for (t, step) in slips where !EnglishWords.isWord(t) && !EnglishWords.registry.contains(ScalarKey(t)) {
                out.append(
                    Variant(
                        text: String(String.UnicodeScalarView(t.compactMap(UnicodeScalar.init))),
                        score: slipScore,
                        step: "\(slipStep) \(step)"
                    )
                )
            }
        }
        return Array(out.prefix(24))
    }
}
