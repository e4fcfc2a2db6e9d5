/// Legal-form words that sellers add or drop at will ("Gree Electric Co., Ltd." /
/// "Gree Electric"; 株式会社東芝 / 東芝). A watched name that carries one is also
/// matched without it, as long as what remains is still distinctive.
///
/// Written in folded form's source script; `LegalForms.strip` folds them the same way
/// as names, so 有限公司 also covers 有限公司's traditional and Japanese spellings.
public enum LegalForms {
    /// Forms that stand at the end of a name (most of them).
    static let suffixes: [String] = [
        // English and international
        "co., ltd.", "co ltd", "company limited", "co., limited", "limited", "ltd", "inc", "incorporated",
        "corp", "corporation", "co", "company", "llc", "l.l.c.", "plc", "lp", "llp", "pty ltd", "pty",
        "pte ltd", "pte", "sdn bhd", "bhd", "tbk", "holdings", "holding", "hldgs", "hldg", "group", "groep", "gruppe",
        "groupe",
        "grupo", "gruppo",
        // European
        "gmbh", "gmbh & co. kg", "ag", "kg", "se", "sa", "s.a.", "sas", "sarl", "s.a.r.l.", "srl", "s.r.l.",
        "spa", "s.p.a.", "bv", "b.v.", "nv", "n.v.", "ab", "as", "a/s", "asa", "oy", "oyj", "aps", "sl",
        "s.l.", "sp. z o.o.", "s.r.o.", "a.s.", "kft", "zrt", "doo", "d.o.o.",
        // Japanese (romanised)
        "kabushiki kaisha", "k.k.", "kk", "co., ltd",
        // Chinese
        "股份有限公司", "有限责任公司", "有限公司", "股份公司", "集团股份有限公司", "集团有限公司", "集团", "控股", "公司",
        // Japanese
        "株式会社", "有限会社", "合同会社", "合資会社", "合名会社", "(株)", "(有)", "ホールディングス", "グループ",
        // Korean
        "주식회사", "(주)", "유한회사",
    ]
    /// Forms that also stand at the start of a name (株式会社東芝, 주식회사 …).
    static let prefixes: [String] = ["株式会社", "有限会社", "合同会社", "(株)", "(有)", "주식회사", "(주)"]

    static let folded: (suffixes: [NormalizedText], prefixes: [NormalizedText]) = {
        let normalizer = Normalizer()
        func fold(_ list: [String]) -> [NormalizedText] {
            list.map { normalizer.normalize($0) }.filter { !$0.scalars.isEmpty }.sorted { $0.count > $1.count }
        }
        return (fold(suffixes), fold(prefixes))
    }()

    /// How many folded scalars the longest legal form starting at `position` takes.
    public static func formLength(at position: Int, in text: NormalizedText) -> Int? {
        for form in folded.suffixes where position + form.count <= text.count {
            var same = true
            for i in 0..<form.count where text.scalars[position + i] != form.scalars[i] {
                same = false
                break
            }
            if same, form.classes[form.count - 1] != .word || text.isWordEnd(position + form.count) {
                return form.count
            }
        }
        return nil
    }

    /// Whether a legal form starts at `position` of the text and ends on a word end.
    public static func formStarts(at position: Int, in text: NormalizedText) -> Bool {
        for form in folded.suffixes where position + form.count <= text.count {
            var same = true
            for i in 0..<form.count where text.scalars[position + i] != form.scalars[i] {
                same = false
                break
            }
            if same, form.classes[form.count - 1] != .word || text.isWordEnd(position + form.count) { return true }
        }
        return false
    }

    /// Words that name a group of companies rather than a company's legal form: "ABC Group",
    /// "Sun Holdings" say there is a firm, not which one.
    static let groupings: Set<String> = [
        "holdings", "holding", "group", "groep", "gruppe", "groupe", "grupo", "gruppo",
        "集团", "控股", "ホールディングス", "グループ",
    ]
    static let foldedGroupings: [NormalizedText] = {
        let normalizer = Normalizer()
        return groupings.map { normalizer.normalize($0) }
    }()

    /// The legal form starting at `position` when it is a grouping word ("Group", "Holdings"):
    /// its folded text.
    public static func groupingStarts(at position: Int, in text: NormalizedText) -> String? {
        for form in foldedGroupings where position + form.count <= text.count {
            if (0..<form.count).allSatisfy({ text.scalars[position + $0] == form.scalars[$0] }),
                form.classes[form.count - 1] != .word || text.isWordEnd(position + form.count)
            {
                return form.folded
            }
        }
        return nil
    }

    /// Forms that companies of Japan, Taiwan, China and Korea write in English or their own
    /// script, one family: a registry's "TCI" whose Chinese name ends 股份有限公司 is "TCI Co., Ltd.",
    /// not "ATC SA" or "GPM GmbH".
    static let companyFamily: Set<String> = {
        let normalizer = Normalizer()
        return Set(
            [
                "co., ltd.", "co ltd", "company limited", "co., limited", "limited", "ltd", "inc", "incorporated",
                "corp",
                "corporation", "co", "company", "kabushiki kaisha", "k.k.", "kk", "co., ltd", "株式会社", "有限会社",
                "股份有限公司", "有限责任公司", "有限公司", "股份公司", "公司", "(株)", "(有)", "주식회사", "(주)", "유한회사",
            ]
            .map { normalizer.normalize($0).folded }
        )
    }()

    /// The family of the legal form of `length` scalars at `position`: "company" for
    /// `companyFamily`, else the form itself.
    static func family(at position: Int, length: Int, in text: NormalizedText) -> String {
        var part = NormalizedText()
        part.scalars = Array(text.scalars[position..<(position + length)])
        part.classes = Array(text.classes[position..<(position + length)])
        part.wordStart = Array(text.wordStart[position..<(position + length)])
        let form = part.folded
        return companyFamily.contains(form) ? "company" : form
    }

    /// The families of the legal forms in a name (at its end or start), empty when it has none.
    static func families(of name: NormalizedText) -> Set<String> {
        var found = Set<String>()
        for start in 0..<name.count where name.isWordStart(start) || name.classes[start] == .cjk {
            if let length = formLength(at: start, in: name), start + length == name.count || start == 0 {
                found.insert(family(at: start, length: length, in: name))
            }
        }
        return found
    }

    /// Long legal-form words that sellers misspell ("Corporatoon", "Limted").
    static let longForms: [[UInt32]] = [
        "corporation", "incorporated", "company", "limited", "holdings", "holding",
        "kabushiki", "kaisha", "industries", "industry",
    ].map { $0.unicodeScalars.map(\.value) }

    /// Whether a misspelt long legal-form word (one or two edits) starts at `position`.
    public static func misspeltFormStarts(at position: Int, in text: NormalizedText) -> Bool {
        guard position < text.count, text.classes[position] == .word else { return false }
        var end = position + 1
        while end < text.count, text.classes[end] == .word, !text.wordStart[end] { end += 1 }
        let word = Array(text.scalars[position..<end])
        // A word in its own right is no misspelling: "Industrial" is not Industries.
        let isWord = EnglishWords.isWord(word)
        if longForms.contains(where: { form in
            form == word
                || !isWord && abs(form.count - word.count) <= 2 && form.first == word.first
                    && Matcher.editDistance(form, word) <= (form.count >= 8 ? 2 : 1)
        }) {
            return true
        }
        // A short form misspelt, with the rest of the legal form after it ("Cpo., Inc.", "Co., Ldt.").
        return (2...4).contains(word.count) && end < text.count && formStarts(at: end, in: text)
            && shortForms.contains { form in form.first == word.first && Matcher.editDistance(form, word) == 1 }
    }

    /// Where the core starts without a leading "the" or a founder's initial ("S.ISHIMITSU&CO.,LTD.",
    /// "F. Hoffmann-La Roche AG"), when another word is left and one of the words left is no
    /// everyday English word; nil otherwise.
    static func leadingArticle(_ name: NormalizedText, _ start: Int, _ end: Int) -> Int? {
        let the: [UInt32] = [0x74, 0x68, 0x65]
        let length: Int
        if end - start > 4, name.scalars[start..<(start + 3)].elementsEqual(the), name.isWordEnd(start + 3) {
            length = 3
        } else if end - start > 5, name.classes[start] == .word, name.isWordEnd(start + 1),
            name.scalars[start] >= 0x61 && name.scalars[start] <= 0x7A
        {
            length = 1
        } else {
            return nil
        }
        var next = start + length
        while next < end, name.classes[next] != .word { next += 1 }
        guard next < end else { return nil }
        var words: [[UInt32]] = []
        for i in next..<end where name.classes[i] == .word {
            if i == next || name.wordStart[i] { words.append([]) }
            words[words.count - 1].append(name.scalars[i])
        }
        if length == 1 {
            // An initial is written with its full stop ("W TOKYO", "A&D HOLON" keep theirs), and
            // what follows is a word English does not have (not "Tokyo").
            let gap = name.utf8[Int(name.ends[start])..<Int(name.starts[next])]
            return gap.contains(0x2E) && words.contains { !EnglishWords.isWord($0) } ? next : nil
        }
        return words.contains { !EnglishWords.isEveryday($0) } ? next : nil
    }

    /// Short legal-form words, misspelt before the rest of their form.
    static let shortForms: [[UInt32]] = ["co", "corp", "inc", "ltd"].map { $0.unicodeScalars.map(\.value) }

    /// The part of a folded name left without its legal forms at either end (repeatedly:
    /// "X Holdings Co., Ltd."), or nil when it had none or what remains is too short to
    /// stand alone (fewer than two CJK characters or three letters).
    public static func core(of name: NormalizedText) -> Range<Int>? {
        var start = 0
        var end = name.count
        var stripped = false
        func matches(_ form: NormalizedText, at from: Int) -> Bool {
            guard from >= start, from + form.count <= end else { return false }
            for i in 0..<form.count where name.scalars[from + i] != form.scalars[i] { return false }
            // A Latin form must be whole words of the name: "co" ends "Gree Co", not "Greco".
            if form.classes[0] == .word, !name.isWordStart(from) { return false }
            if form.classes[form.count - 1] == .word, !name.isWordEnd(from + form.count) { return false }
            return true
        }
        // "G&Company": a form after a joiner and a name too short to stand alone is the name's
        // own word ("Takamizu & Co." is Takamizu's).
        let and: [UInt32] = [0x61, 0x6E, 0x64]
        func afterShortJoined(_ at: Int) -> Bool {
            guard at - start >= 3, name.scalars[(at - 3)..<at].elementsEqual(and), name.isWordStart(at - 3) else {
                return false
            }
            return name.classes[start..<(at - 3)].filter { $0 == .word }.count < 3
        }
        var changed = true
        while changed {
            changed = false
            for form in folded.suffixes
            where end - start > form.count && matches(form, at: end - form.count)
                && !afterShortJoined(end - form.count)
            {
                end -= form.count
                changed = true
                stripped = true
                break
            }
            for form in folded.prefixes where end - start > form.count && matches(form, at: start) {
                start += form.count
                changed = true
                stripped = true
                break
            }
        }
        guard stripped else { return nil }
        // A leading "The" of a registry name ("The Ehime Bank, Ltd.", "THE TOTTORIBANK,LTD.") goes
        // with the legal form: listings write "Ehime Bank". Only when a word left is no everyday
        // word ("The Pack Corporation" keeps its "The": "pack" alone is nobody).
        if let article = leadingArticle(name, start, end) { start = article }
        let cjk = name.classes[start..<end].filter { $0 == .cjk }.count
        let letters = name.classes[start..<end].filter { $0 == .word }.count
        // "Gree" alone is a name; "Co" alone is not; 格力 alone is two characters.
        guard cjk >= 2 || letters >= 3 else { return nil }
        return start..<end
    }
}
