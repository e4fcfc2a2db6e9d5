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
        /// A Chinese name respelt in pinyin (`Romanisation`): written with the name's own word
        /// breaks and no other name's word before it. Mainland firms' names run the syllables
        /// together after a town ("Zhengzhou Fengjian New Materials" is not FONG CHIEN).
        case romanised
    }

    static let abbreviationScore = 0.92
    static let slipScore = 0.90
    /// Marks a vowel changed in a short name's first syllable ("Cerlit Co.,Ltd." for Carlit): it
    /// counts with the entity's legal form, never inside a host name.
    static let firstSyllableVowel = "in the first syllable"
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
    /// `han`: the entity's names in Chinese characters, for the romanisations of a name that
    /// reads them (`Romanisation`); `japanese`: the entity is Japanese (kana or 会社 in a name),
    /// for its words romanised the other way (`japaneseRespellings`).
    static func of(
        name: String,
        folded: NormalizedText,
        core: Range<Int>?,
        han: [Romanisation.Reading] = [],
        japanese: Bool = false
    ) -> [Variant] {
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
        if allWord, japanese { out += japaneseRespellings(words) }
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
        if allWord, !han.isEmpty {
            // A long legal form glued to the name ("TaishinHoldings") is read apart first; a
            // spelling the short-name misspellings already make keeps their evidence.
            var roman = words
            if core == nil, roman.count == 1, let glued = gluedForm(folded) {
                roman = [String(roman[0].prefix(glued.count))]
            }
            let made = Set(out.map(\.text))
            out += Romanisation.forms(of: roman, han: han).filter { !made.contains($0.text) }
        }
        return out
    }

    /// One syllable in Hepburn and in Kunrei/Nihon-shiki romanisation, as Japanese names are
    /// written either way (Oncho/Ontyo, Showa/Syowa, Matsui/Matui, Fuji/Huji, Shimizu/Simizu).
    static let japaneseSyllables: [(String, String)] = [
        ("cho", "tyo"), ("cha", "tya"), ("chu", "tyu"), ("sho", "syo"), ("sha", "sya"), ("shu", "syu"),
        ("jo", "zyo"), ("ja", "zya"), ("ju", "zyu"), ("chi", "ti"), ("shi", "si"), ("tsu", "tu"), ("fu", "hu"),
        ("ji", "zi"),
    ]

    /// A Japanese name of several words with one word romanised the other way ("Taisei Ontyo" for
    /// TAISEI ONCHO, "Huji Soft"): the misspelling search weighs "ty" for "ch" as two edits, too
    /// many for a short word, and the words written right say which name it is (4 letters at
    /// least). Never a word English has or a registered company's name. At most 8.
    static func japaneseRespellings(_ words: [String]) -> [Variant] {
        guard words.count >= 2 else { return [] }
        var out: [Variant] = []
        var seen = Set<String>()
        for (i, word) in words.enumerated() where word.count >= 4 {
            let key = Array(word.unicodeScalars.map(\.value))
            guard !EnglishWords.isWord(key), !Matcher.businessWords.contains(ScalarKey(key)),
                words.enumerated().filter({ $0.offset != i }).reduce(0, { $0 + $1.element.count }) >= 4
            else { continue }
            for (a, b) in japaneseSyllables {
                for (from, to) in [(a, b), (b, a)] {
                    var search = word.startIndex
                    while let range = word.range(of: from, range: search..<word.endIndex) {
                        search = word.index(after: range.lowerBound)
                        // "ti" inside "chi", "si" inside "shi", "tu" inside "tsu" are those syllables.
                        if range.lowerBound > word.startIndex,
                            ["ti", "si", "tu"].contains(from)
                                && ["c", "s", "t"].contains(word[word.index(before: range.lowerBound)])
                        {
                            continue
                        }
                        var respelt = word
                        respelt.replaceSubrange(range, with: to)
                        var w = words
                        w[i] = respelt
                        let text = w.joined(separator: " ")
                        guard !EnglishWords.isWord(Array(respelt.unicodeScalars.map(\.value))),
                            RegisteredNames.phrases[text] == nil, seen.insert(text).inserted
                        else { continue }
                        out.append(
                            Variant(
                                text: text,
                                score: slipScore,
                                step: "another Japanese romanisation: \(to) for \(from)"
                            )
                        )
                        if out.count == 8 { return out }
                    }
                }
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
                    || ["laboratories", "laboratory", "labs", "sciences", "industry", "industries"].contains($0)
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
    /// for Xinta, Jiang for Chiang, Hujimi for Fujimi (Kunrei hu).
    static let firstSoundAlikes: [(String, String)] = [
        ("c", "k"), ("k", "c"), ("f", "ph"), ("ph", "f"), ("s", "sh"), ("sh", "s"), ("j", "ch"), ("ch", "j"),
        ("x", "hs"), ("hs", "x"), ("q", "ch"), ("ch", "q"), ("ts", "z"), ("z", "ts"), ("fu", "hu"), ("hu", "fu"),
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
        // A vowel for another, with the entity's legal form, in a name of six letters or more (in
        // five, Madix Inc is not Medix); in the first syllable too ("Cerlit Co.,Ltd.", "Yurozu
        // Corporation": set 3, three of the four vowel misses), but never inside a host name.
        let firstVowel = w.firstIndex(where: Confusions.isVowel) ?? 0
        for i in 1..<w.count where Confusions.isVowel(w[i]) {
            for v in vowels where v != w[i] && w.count >= 6 {
                var t = w
                t[i] = v
                let first = i <= firstVowel + 1 ? " \(firstSyllableVowel)" : ""
                add(t, "a vowel for another\(first) (\(text([v])) for \(text([w[i]])))", .legalForm)
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

/// Chinese names romanised another way: a Taiwanese registry files its companies' English names
/// in Wade-Giles or the island's own spellings (CHUNG HUNG, HSING TA, TAISHIN), and people abroad
/// write the same names in pinyin ("Zhong Hung", "Xingta", "Taixin"). Made only for a name that
/// is the romanisation of the entity's own name in Chinese characters, syllable by syllable (the
/// Chinese name's Mandarin reading from ICU's Han-Latin aligns with it), so English and Japanese
/// names never get them.
enum Romanisation {
    static let score = 0.90

    /// Whether a name is written in Chinese characters (a Chinese or Taiwanese name as filed:
    /// Han characters only, no kana, no Latin).
    static func isHan(_ name: String) -> Bool {
        var han = 0
        for s in name.unicodeScalars {
            switch s.value {
            case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0xF900...0xFAFF: han += 1
            case 0x20, 0x3000, 0x28, 0x29, 0xFF08, 0xFF09: continue
            default: return false
            }
        }
        return han >= 2
    }

    /// Whether a name has Latin letters (one that may be a romanisation).
    static func isLatin(_ name: String) -> Bool {
        name.unicodeScalars.contains { ($0.value | 0x20) >= 0x61 && ($0.value | 0x20) <= 0x7A }
    }

    /// Whether an entity's name marks it Japanese: kana, or 会社 (株式会社, 合同会社).
    static func isJapanese(_ name: String) -> Bool {
        name.unicodeScalars.contains { (0x3040...0x30FF).contains($0.value) || (0xFF66...0xFF9F).contains($0.value) }
            || name.contains("会社") || name.contains("會社")
    }

    /// The class of a syllable's initial, for aligning spellings: Wade-Giles writes the
    /// unaspirated stops and affricates that pinyin writes b, d, g, zh, j, z as p, t, k, ch, ts
    /// (CHUNG for zhong, TUNG for dong), and hs for x.
    static func initialClass(_ s: [UInt8]) -> UInt8? {
        guard let c = s.first else { return nil }
        switch c {
        case UInt8(ascii: "b"), UInt8(ascii: "p"): return 1
        case UInt8(ascii: "d"), UInt8(ascii: "t"):
            return s.count > 1 && (s[1] == UInt8(ascii: "s") || s[1] == UInt8(ascii: "z")) ? 3 : 2
        case UInt8(ascii: "g"), UInt8(ascii: "k"): return 4
        case UInt8(ascii: "z"), UInt8(ascii: "j"), UInt8(ascii: "q"): return 3
        case UInt8(ascii: "c"): return 3
        case UInt8(ascii: "x"), UInt8(ascii: "s"): return 5
        case UInt8(ascii: "h"): return s.count > 1 && s[1] == UInt8(ascii: "s") ? 5 : 6
        case UInt8(ascii: "a"), UInt8(ascii: "e"), UInt8(ascii: "i"), UInt8(ascii: "o"), UInt8(ascii: "u"),
            UInt8(ascii: "y"):
            return 7
        default: return c
        }
    }

    /// How a syllable ends: -ng, -n or a vowel (Wade-Giles -ung is pinyin -ong, -ien is -ian).
    static func finalClass(_ s: [UInt8]) -> Int {
        if s.count >= 2, s[s.count - 2] == UInt8(ascii: "n"), s[s.count - 1] == UInt8(ascii: "g") { return 2 }
        if s.last == UInt8(ascii: "n") { return 1 }
        return 0
    }

    static func hasVowel(_ s: ArraySlice<UInt8>) -> Bool {
        s.contains { "aeiouy".utf8.contains($0) }
    }

    /// A name in Chinese characters and its Mandarin reading, one pinyin syllable per character.
    struct Reading: Sendable {
        var name: String
        var syllables: [[UInt8]]
    }

    /// The readings of names in Chinese characters (ICU Han-Latin, tones dropped). ICU is asked
    /// once, for every distinct character at once (a transform call per name cost 0.2 ms: a
    /// third of a second for a Taiwanese registry's names).
    static func readings(of names: [String]) -> [String: Reading] {
        // Every customer's names are read in one call, so one character must not spoil the rest
        // (a full-width bracket in another customer's 腾讯科技（深圳）有限公司): ideographs only,
        // one per line, and a line that gives no single syllable leaves only its character unread.
        var chars: [Unicode.Scalar] = []
        var seen = Set<Unicode.Scalar>()
        for name in names {
            for s in name.unicodeScalars where s.properties.isIdeographic && seen.insert(s).inserted { chars.append(s) }
        }
        guard !chars.isEmpty,
            let latin = chars.map { String($0) }.joined(separator: "\n").applyingTransform(
                StringTransform("Han-Latin; Latin-ASCII"),
                reverse: false
            )
        else { return [:] }
        let lines = latin.lowercased().split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count == chars.count else { return [:] }
        var reading: [Unicode.Scalar: [UInt8]] = [:]
        for (char, line) in zip(chars, lines) {
            let syllables = line.split(whereSeparator: { !$0.isLetter })
            if syllables.count == 1 { reading[char] = Array(syllables[0].utf8) }
        }
        var out: [String: Reading] = [:]
        for name in names where out[name] == nil {
            let han = name.unicodeScalars.filter { $0.properties.isIdeographic }
            // A character left unread leaves the whole name unread: its syllables would not align.
            let read = han.compactMap { reading[$0] }
            guard read.count == han.count else { continue }
            out[name] = Reading(name: name, syllables: read)
        }
        return out
    }

    /// A cheap test before ICU is asked: the name's first word could be Chinese syllables (each
    /// a consonant or two, vowels, an n, ng or h at most).
    static func mayBeSyllables(_ word: String) -> Bool {
        let w = Array(word.utf8)
        guard w.count >= 2, w.count <= 14 else { return false }
        var i = 0
        var count = 0
        while i < w.count {
            var j = i
            while j < w.count, !"aeiouy".utf8.contains(w[j]) { j += 1 }
            if j == w.count { return i > 0 && ["n", "ng", "h"].contains(String(decoding: w[i..<j], as: UTF8.self)) }
            // An initial of two letters at most, after a final n or ng.
            if j - i > (i == 0 ? 2 : 4) { return false }
            while j < w.count, "aeiouy".utf8.contains(w[j]) { j += 1 }
            // A final: n or ng, or an h (Wade-Giles -ih, -eh); else the next syllable's initial.
            i = j
            count += 1
            if count > 6 { return false }
        }
        return true
    }

    /// The syllables of `words` aligned with the Chinese name's reading: (word, start, end, pinyin)
    /// for each leading word made of syllables, two at least; the words after them must be lines
    /// of business or English words ("Tung Ho Steel"). Nil when the name is no romanisation of `reading`.
    static func align(_ words: [[UInt8]], _ reading: [[UInt8]]) -> [(word: Int, start: Int, end: Int, pinyin: Int)]? {
        var best: [(Int, Int, Int, Int)]?
        var path: [(Int, Int, Int, Int)] = []
        func walk(_ word: Int, _ at: Int, _ k: Int) {
            if best != nil { return }
            if at == words[word].count {
                let next = word + 1
                if next == words.count
                    || next >= 1 && path.count >= 2
                        && words[next...].allSatisfy({
                            let key = ScalarKey($0.map(UInt32.init))
                            return Matcher.businessWords.contains(key) || EnglishWords.isWord(key)
                        })
                {
                    if path.count >= 2 { best = path }
                    return
                }
                walk(next, 0, k)
                return
            }
            guard k < reading.count else { return }
            let w = words[word]
            let p = reading[k]
            for end in stride(from: min(w.count, at + 6), through: at + 1, by: -1) {
                let chunk = Array(w[at..<end])
                guard hasVowel(chunk[...]), initialClass(chunk) == initialClass(p), finalClass(chunk) == finalClass(p)
                else { continue }
                path.append((word, at, end, k))
                walk(word, end, k + 1)
                path.removeLast()
                if best != nil { return }
            }
        }
        guard !words.isEmpty, words.allSatisfy({ !$0.isEmpty }) else { return nil }
        walk(0, 0, 0)
        return best?.map { (word: $0.0, start: $0.1, end: $0.2, pinyin: $0.3) }
    }

    /// A Wade-Giles syllable written the way pinyin writes it, letter by letter as people convert
    /// (ch is zh, or j before i; hs is x; ts/tz is z; sh before i is x; -ung is -ong, -ien -ian,
    /// -ieh -ie, -ih -i, hwa hua): "Zhang" for CHANG whatever the character's own reading.
    static func converted(_ s: [UInt8]) -> [UInt8] {
        let text = String(decoding: s, as: UTF8.self)
        var out = text
        func swapStart(_ from: String, _ to: String) -> Bool {
            guard out.hasPrefix(from) else { return false }
            out = to + out.dropFirst(from.count)
            return true
        }
        if out.hasPrefix("chi") {
            _ = swapStart("ch", "j")
        } else if !swapStart("ch", "zh"), !swapStart("hs", "x"), !swapStart("tz", "z"), !swapStart("ts", "z") {
            if out.hasPrefix("shi") { _ = swapStart("sh", "x") }
        }
        for (from, to) in [("ung", "ong"), ("ien", "ian"), ("ieh", "ie"), ("wa", "ua")] where out.hasSuffix(from) {
            out = out.dropLast(from.count) + to
            break
        }
        if out.hasSuffix("ih"), out.count > 2 { out.removeLast() }
        return Array(out.utf8)
    }

    /// The name's pinyin forms: each syllable written as is, in its character's pinyin, or
    /// converted letter by letter; every combination with at least one change, fewest changes
    /// first, at most `limit`. Words keep their places ("Taixin" for TAISHIN, "Zhong Hung").
    static func forms(of words: [String], han: [Reading], limit: Int = 16) -> [Variants.Variant] {
        let bytes = words.map { Array($0.utf8) }
        guard bytes.count >= 1, let first = words.first, mayBeSyllables(first),
            bytes.allSatisfy({ $0.allSatisfy { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") } })
        else { return [] }
        for han in han.sorted(by: { $0.syllables.count > $1.syllables.count }) {
            let name = han.name
            let reading = han.syllables
            guard let aligned = align(bytes, reading) else { continue }
            // Letters are converted only in a name written syllable by syllable, as Taiwan's
            // registries file them (CHUNG HUNG): a name already in pinyin ("Guangzhou Chenwei",
            // "Tacheng") converted letter by letter spells other firms' names ("Zhenwei").
            let bySyllable = aligned.allSatisfy { $0.start == 0 && $0.end == bytes[$0.word].count }
            var choices: [[[UInt8]]] = []
            for a in aligned {
                let written = Array(bytes[a.word][a.start..<a.end])
                var options: [[UInt8]] = [written]
                for option in [reading[a.pinyin]] + (bySyllable ? [converted(written)] : [])
                where !options.contains(option) {
                    options.append(option)
                }
                choices.append(options)
            }
            var combos: [[Int]] = [[]]
            for options in choices { combos = combos.flatMap { c in options.indices.map { c + [$0] } } }
            combos = combos.filter { $0.contains { $0 != 0 } }.sorted {
                $0.filter { $0 != 0 }.count < $1.filter { $0 != 0 }.count
            }
            var out: [Variants.Variant] = []
            var seen = Set<String>()
            for combo in combos {
                var w = bytes
                // Rebuild each word from its syllables, right to left so offsets hold.
                var changes: [String] = []
                for (i, a) in aligned.enumerated().reversed() where combo[i] != 0 {
                    let option = choices[i][combo[i]]
                    w[a.word].replaceSubrange(a.start..<a.end, with: option)
                    changes.insert(
                        "\(String(decoding: option, as: UTF8.self)) for \(String(decoding: choices[i][0], as: UTF8.self))",
                        at: 0
                    )
                }
                let text = w.map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ")
                // Five letters at least ("Da I" for TA-I reads in "Dai Shinku"), and no other
                // registered company's name.
                guard w.reduce(0, { $0 + $1.count }) >= 5, seen.insert(text).inserted,
                    RegisteredNames.phrases[text] == nil
                else { continue }
                out.append(
                    Variants.Variant(
                        text: text,
                        score: score,
                        step: "another romanisation of \(name): \(changes.joined(separator: ", "))",
                        needs: .romanised
                    )
                )
                if out.count == limit { break }
            }
            return out
        }
        return []
    }
}
