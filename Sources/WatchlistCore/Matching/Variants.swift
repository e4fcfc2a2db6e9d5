import Foundation

/// Written variants of a watched name, each with its own score and step: standard
/// abbreviations ("Mfg" for Manufacturing, and back), a generic word left out ("Kissei"), and
/// slips in short names ("Yamtao").
///
/// Tried and taken out (measured on the benchmark corpus, seeds 1 and 2, 2,000 entities):
/// romanisations through ICU ("Kimura", "Matsuda" from katakana are surnames; pinyin
/// near-names are the benchmark's traps): precision at 2,000 entities, seed 2, fell from 0.985
/// to 0.864.
enum Variants {
    struct Variant: Sendable {
        var text: String
        var score: Double
        var step: String
        /// A human misspelling of a short name: it counts only with evidence around it
        /// (`Matcher.shortMisspellingEvidence`).
        var needs = Evidence.nothing
    }

    /// What a variant needs around it to count.
    enum Evidence: UInt8, Sendable {
        case nothing
        /// The entity's legal form or a line of business after it ("Sixon Tech").
        case legalFormOrBusiness
        /// The entity's legal form: a vowel changed or left out makes other firms' names, and
        /// they name their line of business too ("Astera Software", "Madix Inc").
        case legalForm
        /// Nothing of another name after it: a name whose generic word was left out ("Kissei"
        /// for Kissei Pharmaceutical) with another line of business or capitalised word after it
        /// is another firm ("Kissei Comtec", "Guangzhou Shengke Semiconductor").
        case standsAlone
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
        ("pharmaceutical", "pharma"), ("construction", "const"), ("machinery", "mach"), ("machine", "mach"),
        ("engineering", "engg"), ("laboratory", "lab"), ("laboratories", "lab"), ("enterprise", "ent"),
        ("enterprises", "ent"), ("telecommunications", "telecom"), ("communication", "comm"),
        ("communications", "comm"), ("information", "info"), ("insurance", "insur"), ("building", "bldg"),
        ("petroleum", "petro"), ("industrial", "indus"), ("industries", "indus"), ("products", "prod"),
        ("association", "assn"), ("trading", "trdg"), ("transportation", "transp"), ("electric", "elect"),
        ("electronics", "elect"), ("general", "genl"), ("manufacturing", "mfr"), ("corporation", "corpn"),
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
        var range = core ?? 0..<folded.count
        // A registry name with "Co." glued to it ("izumico.,ltd" is IZUMI CO.,LTD.): its core read
        // without the "co" written with a full stop, when what is left is no English word.
        if let core, let glued = gluedCompany(folded, core) {
            let text = String(String.UnicodeScalarView(folded.scalars[glued].compactMap(UnicodeScalar.init)))
            if glued.count >= 4, !EnglishWords.isWord(Array(folded.scalars[glued])), !Matcher.isWeak(folded, glued) {
                out.append(
                    Variant(text: text, score: gluedScore, step: "the legal form “Co.” glued to the name read apart")
                )
                range = glued
            }
        }
        // A long legal form glued to a name filed in one word ("soft77corporation"): the name read
        // without it, when what is left is 4+ letters and neither an English word nor weak.
        if core == nil, let glued = gluedForm(folded) {
            let scalars = Array(folded.scalars[glued])
            if !EnglishWords.isWord(scalars), !Matcher.isWeak(folded, glued) {
                out.append(
                    Variant(
                        text: String(String.UnicodeScalarView(scalars.compactMap(UnicodeScalar.init))),
                        score: gluedScore,
                        step: "a legal form glued to the name read apart"
                    )
                )
            }
        }
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
            // A registry's own misspelling of a long word ("Indutrial") abbreviates like the word.
            let full = words.map { word in toShort[word] == nil ? filedMisspelling(word) ?? word : word }
            let replaceable = words.indices.filter { toShort[full[$0]] != nil || toFull[words[$0]] != nil }
            func alternatives(_ i: Int) -> [String] { toShort[full[i]] ?? toFull[words[i]] ?? [] }
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
        if allWord, let left = genericWordLeftOut(words) { out.append(left) }
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
            // OCR and copied look-alikes that take two letters for one ("Kvvorld", "Sarnco", "Cloa"):
            // nobody spells a name so by chance.
            for i in w.indices {
                let (two, label): ([UInt32], String)
                switch w[i] {
                case 0x77: (two, label) = ([0x76, 0x76], "vv for w")
                case 0x6D: (two, label) = ([0x72, 0x6E], "rn for m")
                case 0x64: (two, label) = ([0x63, 0x6C], "cl for d")
                default: continue
                }
                slips.append((Array(w[..<i]) + two + Array(w[(i + 1)...]), "a look-alike (\(label))"))
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
        out = Array(out.prefix(24))
        if allWord, words.count == 1 {
            let slips = Set(out.map(\.text))
            for (t, step, needs) in humanMisspellings(of: Array(words[0].unicodeScalars.map(\.value))) {
                let text = String(String.UnicodeScalarView(t.compactMap(UnicodeScalar.init)))
                guard !slips.contains(text) else { continue }
                out.append(Variant(text: text, score: slipScore, step: "\(slipStep) \(step)", needs: needs))
            }
        }
        return out
    }

    static let genericDropScore = 0.85

    /// The name without its generic words ("Kissei" for Kissei Pharmaceutical, "Kingston" for
    /// Kingston Technology), as people shorten a company's name, when the first word names that
    /// company alone: five letters or more, no English word, surname or place (Kingston is a
    /// town: it stays out), no registered company's whole name, and the first word of at most
    /// two registered companies' names (a group and its subsidiary; "Sumitomo" starts 22),
    /// itself no line of business ("Pharma" of Pharma Foods). Every other word must be a line of
    /// business, a grouping word or a laboratory's ("Idexx" for Idexx Laboratories). In a listing
    /// it must be written with its capital.
    ///
    /// (An earlier generic-word drop fired on "Access type: Citrix" in bodies and on other
    /// firms' longer names; here a one-word mention in a body needs corroboration as any does,
    /// and another word of a name after it refuses it: `Evidence.standsAlone`.)
    static func genericWordLeftOut(_ words: [String]) -> Variant? {
        guard words.count >= 2, let first = words.first, first.count >= 5,
            first.unicodeScalars.allSatisfy({ $0.value >= 0x61 && $0.value <= 0x7A }),
            words.dropFirst().allSatisfy({
                Matcher.businessWords.contains(ScalarKey(Array($0.unicodeScalars.map(\.value))))
                    || ["laboratories", "laboratory", "labs", "sciences"].contains($0)
            }),
            !EnglishWords.isWord(Array(first.unicodeScalars.map(\.value))),
            !Matcher.businessWords.contains(ScalarKey(Array(first.unicodeScalars.map(\.value)))),
            toFull[first] == nil, toShort[first] == nil,
            RegisteredNames.phrases[first] == nil, RegisteredNames.firstWords[first, default: 0] <= 2
        else { return nil }
        return Variant(
            text: first,
            score: genericDropScore,
            step: "a generic word left out: \(first) for \(words.joined(separator: " "))",
            needs: .standsAlone
        )
    }

    static let longWords: [String] = toShort.keys.filter { $0.count >= 8 }.sorted()

    /// The long word of the abbreviation table that `word` misspells by one letter left out,
    /// added or changed ("indutrial" as filed for industrial); nil for words English has.
    static func filedMisspelling(_ word: String) -> String? {
        guard word.count >= 8 else { return nil }
        let w = Array(word.unicodeScalars.map(\.value))
        guard !EnglishWords.isWord(w) else { return nil }
        return longWords.first { full in
            full.count >= 8 && abs(full.count - word.count) <= 1 && full.first == word.first
                && Matcher.editDistance(Array(full.unicodeScalars.map(\.value)), w) == 1
        }
    }

    static let gluedScore = 0.94

    static let gluedForms: [[UInt32]] = ["corporation", "incorporated", "company", "limited", "holdings"].map {
        Array($0.unicodeScalars.map(\.value))
    }

    /// A one-word name ending in a long legal form written into it ("soft77corporation"): the
    /// range before the form, 4 scalars or more.
    static func gluedForm(_ name: NormalizedText) -> Range<Int>? {
        guard name.count >= 11, name.classes.allSatisfy({ $0 == .word }), !name.wordStart.dropFirst().contains(true)
        else { return nil }
        for form in gluedForms where name.count - form.count >= 4 {
            if name.scalars[(name.count - form.count)...].elementsEqual(form) { return 0..<(name.count - form.count) }
        }
        return nil
    }

    /// The core without a "co" glued to its last word and written with a full stop ("izumico.,ltd").
    static func gluedCompany(_ name: NormalizedText, _ core: Range<Int>) -> Range<Int>? {
        let end = core.upperBound
        guard end - core.lowerBound >= 5, end < name.count, name.scalars[end - 2] == 0x63,
            name.scalars[end - 1] == 0x6F, !name.isWordStart(end - 2), !name.isWordStart(end - 1),
            Int(name.ends[end - 1]) < name.utf8.count, name.utf8[Int(name.ends[end - 1])] == 0x2E
        else { return nil }
        return core.lowerBound..<(end - 2)
    }

    /// Sound-alike spellings people write for one another in romanised names: one letter or two
    /// for one letter or two (Nozawa/Nosawa, Tazmo/Tasmo, Daitobo/Daitobou, Mitsui/Mitzui).
    static let soundAlikes: [(String, String)] = [
        ("s", "z"), ("z", "s"), ("c", "k"), ("k", "c"), ("i", "y"), ("y", "i"), ("ts", "tz"), ("tz", "ts"),
        ("sh", "s"), ("s", "sh"), ("ou", "o"), ("oh", "o"), ("o", "ou"), ("o", "oh"),
        ("ph", "f"), ("f", "ph"), ("ks", "x"), ("x", "ks"), ("ck", "k"), ("k", "ck"),
        // Japanese romanisations (Hepburn, Kunrei, Nihon-shiki): Shibaura/Sibaura, Tsuda/Tuda,
        // Chiba/Tiba, Fuji/Huji, Jinbo/Zinbo, Shokai/Syokai, Ohno/Oono, Sanpo/Sampo.
        ("tsu", "tu"), ("tu", "tsu"), ("shi", "si"), ("si", "shi"), ("chi", "ti"), ("ti", "chi"), ("fu", "hu"),
        ("hu", "fu"), ("ji", "zi"), ("zi", "ji"), ("sy", "sh"), ("ty", "ch"), ("ch", "ty"), ("zy", "j"),
        ("j", "zy"), ("oo", "ou"), ("ou", "oo"), ("uu", "u"), ("mb", "nb"), ("nb", "mb"), ("mp", "np"),
        ("np", "mp"),
        // Chinese romanisations as Taiwanese names are written (Wade-Giles, pinyin, Tongyong):
        // Hsin/Xin/Shin, Chiang/Jiang/Qiang, Tsai/Cai/Tzai, Chung/Zhong, Yi/I, Hui/Huei.
        ("hs", "x"), ("x", "hs"), ("hs", "sh"), ("ch", "j"), ("j", "ch"), ("ch", "q"), ("q", "ch"), ("zh", "j"),
        ("j", "zh"), ("ts", "c"), ("c", "ts"), ("tz", "z"), ("z", "tz"), ("ung", "ong"), ("ong", "ung"),
        ("yi", "i"), ("hui", "huei"), ("huei", "hui"),
    ]

    /// Consonants heard one for the other (l/r in Japanese, the unaspirated stops of Wade-Giles,
    /// b/v): too many other firms' names are one such change away for a line of business after
    /// it to say which firm; they count with the entity's legal form (Tamlon Co., Ltd.).
    static let heardAlikes: [(String, String)] = [
        ("l", "r"), ("r", "l"), ("k", "g"), ("g", "k"), ("t", "d"), ("d", "t"), ("p", "b"), ("b", "p"),
        ("v", "b"), ("b", "v"),
    ]

    /// Sound-alikes at the start of a name, which people write as they hear it or romanise it
    /// another way: Kravia for Cravia, Phantasista for Fantasista, Shinmag for Sinmag, Hsinta
    /// for Xinta, Jiang for Chiang.
    static let firstSoundAlikes: [(String, String)] = [
        ("c", "k"), ("k", "c"), ("f", "ph"), ("ph", "f"), ("s", "sh"), ("sh", "s"), ("j", "ch"), ("ch", "j"),
        ("x", "hs"), ("hs", "x"), ("q", "ch"), ("ch", "q"), ("ts", "z"), ("z", "ts"),
    ]

    /// Sound-alikes of the last letter, with the entity's legal form (Sojits Corporation). Not
    /// c/k: firms choose it (Nidec and Nidek, Amtec and Amtek are different firms).
    static let lastSoundAlikes: [(String, String)] = [("s", "z"), ("z", "s")]

    /// The misspellings people make of a short name they know (one word of 5 to 7 letters that
    /// is no English word): a vowel for another, a sound-alike, a vowel of a pair left out
    /// ("Azerth" for AZEARTH). The first letter stays; never a spelling that is an English word
    /// or a registered company's word; at least five letters. Too many other firms are one such
    /// edit away from a short name for these to count alone: each needs evidence (Matcher).
    /// Not a sound-alike of the last letter: firms choose it (Nidec and Nidek, Amtec and Amtek
    /// are different firms). In a name of 7 letters the misspelling search already weighs a
    /// letter for a letter: only letters left out or added are made here.
    static func humanMisspellings(of w: [UInt32]) -> [([UInt32], String, Evidence)] {
        guard (5...7).contains(w.count), w.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }), !EnglishWords.isWord(w) else {
            return []
        }
        func text(_ s: [UInt32]) -> String { String(String.UnicodeScalarView(s.compactMap(UnicodeScalar.init))) }
        var found: [([UInt32], String, Evidence)] = []
        var seen = Set<[UInt32]>([w])
        func add(_ t: [UInt32], _ step: String, _ needs: Evidence) {
            guard t.count >= 5, w.count < 7 || t.count != w.count, seen.insert(t).inserted, !EnglishWords.isWord(t),
                !EnglishWords.registry.contains(ScalarKey(t))
            else { return }
            found.append((t, step, needs))
        }
        let vowels: [UInt32] = [0x61, 0x65, 0x69, 0x6F, 0x75]
        // A vowel for another: not in the first syllable, which people remember (Madix is not
        // Medix), and not in a name of five letters.
        let firstVowel = w.firstIndex(where: Confusions.isVowel) ?? 0
        for i in 1..<w.count where Confusions.isVowel(w[i]) {
            for v in vowels where v != w[i] && w.count >= 6 && i > firstVowel + 1 {
                var t = w
                t[i] = v
                add(t, "a vowel for another (\(text([v])) for \(text([w[i]])))", .legalForm)
            }
            if Confusions.isVowel(w[i - 1]) || i + 1 < w.count && Confusions.isVowel(w[i + 1]) {
                var t = w
                t.remove(at: i)
                add(t, "a vowel of a pair left out (\(text([w[i]])))", .legalForm)
            }
        }
        func replace(_ from: String, _ to: String, in positions: StrideThrough<Int>, _ needs: Evidence, _ what: String)
        {
            let f = Array(from.unicodeScalars.map(\.value))
            let r = Array(to.unicodeScalars.map(\.value))
            for i in positions where i >= 0 && i + f.count <= w.count && Array(w[i..<(i + f.count)]) == f {
                // "o" for "ou"/"oh" only where the name has no "u"/"h" after it already.
                guard !(r.count > f.count && i + f.count < w.count && w[i + f.count] == r.last!) else { continue }
                add(Array(w[..<i]) + r + Array(w[(i + f.count)...]), "\(what) (\(to) for \(from))", needs)
            }
        }
        for (from, to) in soundAlikes {
            // Not the last letter alone (below).
            let last = from.count == to.count ? w.count - from.count - 1 : w.count - from.count
            replace(from, to, in: stride(from: 1, through: last, by: 1), .legalFormOrBusiness, "a sound-alike")
        }
        for (from, to) in heardAlikes {
            replace(from, to, in: stride(from: 1, through: w.count - 2, by: 1), .legalForm, "a sound heard alike")
        }
        for (from, to) in firstSoundAlikes {
            replace(
                from,
                to,
                in: stride(from: 0, through: 0, by: 1),
                .legalFormOrBusiness,
                "a sound-alike first letter"
            )
        }
        for (from, to) in lastSoundAlikes {
            replace(
                from,
                to,
                in: stride(from: w.count - 1, through: w.count - 1, by: 1),
                .legalForm,
                "a sound-alike last letter"
            )
        }
        return found
    }
}
