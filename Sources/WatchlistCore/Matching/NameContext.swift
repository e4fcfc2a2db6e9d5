import Foundation

/// Words around a one-word name that make it part of something else: another firm's name
/// (partners, initials, a hyphenated name), a town's, or the legal form of a firm of
/// lawyers. Each rule reads the listing as a person would; none knows any particular name.
extension Matcher {
    /// Why the one-word mention at `start..<end` is part of another name, or nil.
    /// `distinctive`: the name is neither an everyday word nor a word English has
    /// (hyphens then join it to its own group, "Kyocera-AVX", but not to a surname or place,
    /// "Cummins-Wagner").
    static func anotherNameAround(_ text: NormalizedText, _ start: Int, _ end: Int, distinctive: Bool) -> String? {
        if let town = townBefore(text, start) { return "the name of a town or city: \(town)" }
        if let initials = initialsBefore(text, start, end) {
            return "the initials of \(initials), written before it"
        }
        if let firm = professionalFirm(text, start, end) { return "one of the partners' names in \(firm)" }
        if let practice = practiceAfter(text, end) { return "a practice named after a person: … \(practice)" }
        if let unit = unitOfAnother(text, end) { return "described as \(unit)" }
        if let folder = folderInPath(text, start, end) { return "a folder in a file path: \(folder)" }
        if !distinctive, let glued = gluedByUnderscore(text, start, end) { return "part of an identifier: \(glued)" }
        if let place = placeAfterPreposition(text, start, end) { return "a place: \(place)" }
        if let joined = hyphenJoined(text, start, end), !groupWord(joined),
            !distinctive
                || joined.first?.isUppercase == true && joined.dropFirst().allSatisfy(\.isLowercase)
                    && EnglishWords.isProperNoun(Array(joined.lowercased().unicodeScalars.map(\.value)))
        {
            // Any name joined to a surname or place is a double name: "Cummins-Wagner".
            return "joined by a hyphen to \(joined): part of another name"
        }
        return nil
    }

    /// The word after `end` when it makes the name a professional's practice, named after a
    /// person: "Collins Law Firm", "Parker Dental", "Gordon & Associates", "Sato & Partners"
    /// (after the joiner).
    static func practiceAfter(_ text: NormalizedText, _ end: Int) -> String? {
        var i = end
        while i < text.count, text.classes[i] != .word { i += 1 }
        guard i < text.count else { return nil }
        let gap = Self.gap(text, before: end - 1, after: i)
        guard !gap.isEmpty, gap.allSatisfy({ $0 == 0x20 || $0 == 0x26 }) else { return nil }
        var e = i + 1
        while e < text.count, text.classes[e] == .word, !text.wordStart[e] { e += 1 }
        let word = text.original(i..<e)
        if ["&", "and", "und"].contains(word.lowercased()), e < text.count, text.wordStart[e] {
            // "Sato & Partners": the practice after the joiner.
            var f = e + 1
            while f < text.count, text.classes[f] == .word, !text.wordStart[f] { f += 1 }
            let next = text.original(e..<f)
            return practiceWords.contains(next.lowercased()) ? word + " " + next : nil
        }
        return practiceWords.contains(word.lowercased()) ? word : nil
    }

    static let practiceWords: Set<String> = [
        "law", "lawyers", "attorneys", "attorney", "solicitors", "barristers", "associates", "dental", "dentistry",
        "orthodontics", "chiropractic", "cpas", "accountants", "realty", "realtors", "funeral", "architects",
        "partners", "partner", "partnerschaft",
    ]

    /// A region's name used as one: "construction companies in Asia", "offices across Europe".
    static func placeAfterPreposition(_ text: NormalizedText, _ start: Int, _ end: Int) -> String? {
        guard Places.startsWithRegion(at: start, in: text), let (_, bytes) = spacedWordBefore(text, start) else {
            return nil
        }
        let word = String(decoding: bytes, as: UTF8.self)
        guard placePrepositions.contains(word.lowercased()) else { return nil }
        return word + " " + text.original(start..<end)
    }

    static let placePrepositions: Set<String> = [
        "in", "across", "throughout", "from", "to", "into", "around", "within", "over", "southeast", "northeast",
    ]

    /// Words for a line of business that a registry may file as a whole core
    /// ("OPTOELECTRONICS CO.,LTD.", "TECHNOLOGIES, Inc."): other firms' names end with them
    /// ("Hengmei Optoelectronics Co., Ltd."), so such a core is read like a surname.
    static let businessWords: Set<ScalarKey> = Set(
        (lineOfBusiness.union([
            "optoelectronics", "optronics", "photonics", "semiconductors", "microelectronics", "biotechnology",
            "biotech", "pharmaceutical", "pharmaceuticals", "biosciences", "therapeutics", "diagnostics",
            "telecommunications", "communications", "networks", "materials", "instruments", "machinery",
            "manufacturing", "precision", "optical", "energy", "foods", "textiles", "consulting", "management",
            "services", "securities", "investments", "capital", "ventures", "enterprises", "partners",
        ])).map { ScalarKey(Array($0.unicodeScalars.map(\.value))) }
    )

    /// Words that follow a group's name in its group companies' names: a country or region, a
    /// legal form, a line of business, a short code.
    static func groupWord(_ word: String) -> Bool {
        let lower = word.lowercased()
        return lower.count <= 2 || Places.regions.contains(lower) || lineOfBusiness.contains(lower)
            || lower.contains(where: \.isNumber)
    }

    /// Municipal bodies named after their place, and leak sites list many: "City of Corona",
    /// "Comune di Como", "Ajuntament de Palma", "Town of Darwin", "Ville de Nice".
    static func townBefore(_ text: NormalizedText, _ start: Int) -> String? {
        var words: [String] = []
        var position = start
        while words.count < 2, let (w, bytes) = spacedWordBefore(text, position) {
            words.insert(String(decoding: bytes, as: UTF8.self), at: 0)
            position = w
        }
        // An elided "of" (d'Asti, dell'Aquila): the word is part of a place's or a firm's name.
        let from = Int(text.starts[start])
        if from >= 2,
            text.utf8[from - 1] == 0x27
                || (from >= 4 && text.utf8[(from - 3)..<from].elementsEqual([0xE2, 0x80, 0x99]))
        {
            let apostrophe = text.utf8[from - 1] == 0x27 ? from - 1 : from - 3
            var p = apostrophe - 1
            while p >= 0, (text.utf8[p] | 0x20) >= 0x61 && (text.utf8[p] | 0x20) <= 0x7A { p -= 1 }
            let elided = String(decoding: text.utf8[(p + 1)..<apostrophe], as: UTF8.self).lowercased()
            if ["d", "dell", "dall", "l", "nell"].contains(elided) {
                return String(decoding: text.utf8[(p + 1)..<Int(text.ends[start])], as: UTF8.self) + "…"
            }
        }
        guard words.count == 2 else { return nil }
        let (body, joiner) = (words[0].lowercased(), words[1].lowercased())
        guard townJoiners.contains(joiner), townWords.contains(body) else { return nil }
        return words.joined(separator: " ")
    }

    static let townWords: Set<String> = [
        "city", "town", "county", "village", "borough", "township", "municipality", "district", "state", "province",
        "prefecture", "region", "comune", "citta", "città", "ajuntament", "ayuntamiento", "ville", "commune", "mairie",
        "gemeinde", "stadt", "prefeitura", "municipio", "município", "câmara", "camara", "concello", "diputacion",
        "diputación", "provincia", "regione", "gmina", "gemeente", "kommune", "council", "port",
    ]
    static let townJoiners: Set<String> = ["of", "de", "di", "du", "del", "della", "do", "da", "van", "von", "d"]
    static let smallWordsOfNames = townJoiners.union(["and", "for", "the", "la", "le", "des", "y", "e"])

    /// An acronym (2–5 capitals) right after the words it abbreviates: "Tudi Mechanical Systems
    /// (TMS)", "Crane Carrier (CCC)": the firm's own short name, not a registry's "TMS".
    static func initialsBefore(_ text: NormalizedText, _ start: Int, _ end: Int) -> String? {
        let letters = Array(text.utf8[Int(text.starts[start])..<Int(text.ends[end - 1])])
        guard (2...5).contains(letters.count), letters.allSatisfy({ $0 >= 0x41 && $0 <= 0x5A }) else { return nil }
        // Back over "(", ",", "-" and spaces only to the words before it.
        func separator(_ b: UInt8) -> Bool { b == 0x28 || b == 0x2C || b == 0x20 || b == 0x2D }
        var i = start
        while i > 0, text.classes[i - 1] != .word {
            i -= 1
            guard text.utf8[Int(text.starts[i])..<Int(text.ends[i])].allSatisfy(separator) else { return nil }
        }
        guard i > 0, text.utf8[Int(text.ends[i - 1])..<Int(text.starts[start])].allSatisfy(separator) else {
            return nil
        }
        /// Where the word ending at `position` starts.
        func wordStart(_ position: Int) -> Int {
            var w = position - 1
            while w > 0, text.classes[w - 1] == .word, !text.wordStart[w] { w -= 1 }
            return w
        }
        // "America Chung Nam or ACN", "… aka ACN": the words before the "or".
        let w0 = wordStart(i)
        if ["or", "aka"].contains(text.original(w0..<i).lowercased()), w0 > 0, text.classes[w0 - 1] == .word,
            text.utf8[Int(text.ends[w0 - 1])..<Int(text.starts[w0])].allSatisfy(separator)
        {
            i = w0
        }
        // Capitalised words, a space apart, back from there; the small words of a name in
        // between spell nothing ("Agència Catalana de Notícies (ACN)").
        var capitals: [UInt8] = []
        var words: [String] = []
        var position = i
        while capitals.count < letters.count {
            let w = wordStart(position)
            let first = text.utf8[Int(text.starts[w])]
            let small = !capitals.isEmpty && Self.smallWordsOfNames.contains(text.original(w..<position))
            guard text.classes[w] == .word, first >= 0x41 && first <= 0x5A || small else { break }
            if !small { capitals.insert(first, at: 0) }
            words.insert(text.original(w..<position), at: 0)
            guard w > 0, text.classes[w - 1] == .word else { break }
            let gap = text.utf8[Int(text.ends[w - 1])..<Int(text.starts[w])]
            guard !gap.isEmpty, gap.allSatisfy({ $0 == 0x20 }) else { break }
            position = w
        }
        guard capitals.count >= 2 else { return nil }
        // "Crane Carrier (CCC)": the last letter may be the firm's Company, Corporation or Group.
        let spelled =
            capitals == letters
            || (capitals.count == letters.count - 1 && letters.starts(with: capitals)
                && [0x43, 0x47, 0x49].contains(letters.last!))
        return spelled ? words.joined(separator: " ") : nil
    }

    /// A firm of lawyers or accountants named after its partners and ending with its
    /// professional form: "Maney | Gordon | Zeller, P.A.", "McElroy, Quirk and Burch, APC",
    /// "Smith, Jones & Avant LLP". The word at `start..<end` is one of the names, or the form.
    static func professionalFirm(_ text: NormalizedText, _ start: Int, _ end: Int) -> String? {
        let bytes = text.utf8
        var lineStart = Int(text.starts[start])
        while lineStart > 0, bytes[lineStart - 1] != 0x0A { lineStart -= 1 }
        var lineEnd = Int(text.ends[end - 1])
        while lineEnd < bytes.count, bytes[lineEnd] != 0x0A { lineEnd += 1 }
        let before = String(decoding: bytes[lineStart..<Int(text.starts[start])], as: UTF8.self)
        let word = String(decoding: bytes[Int(text.starts[start])..<Int(text.ends[end - 1])], as: UTF8.self)
        let after = String(decoding: bytes[Int(text.ends[end - 1])..<lineEnd], as: UTF8.self)
        func isForm(_ w: Substring) -> Bool {
            professionalForms.contains(w.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: ".,;:()")))
        }
        func capitalised(_ w: Substring) -> Bool { w.unicodeScalars.first?.properties.isUppercase ?? false }
        let separators: (Character) -> Bool = { $0 == " " || $0 == "," || $0 == "|" || $0 == "&" || $0 == "+" }
        // "Burch, APC": the word is the firm's form, after a partner's name and a comma.
        if isForm(Substring(word)), before.hasSuffix(", "),
            let partner = before.dropLast(2).split(whereSeparator: separators).last, capitalised(partner)
        {
            return "\(partner), \(word)"
        }
        // "Gordon | Zeller, P.A.", "Gordon Zeller PLLC": more partners' names, then the form;
        // "Kimura & Tanaka Law Office": then the practice, when the names are joined ("Vantorix,
        // Microsoft Partner" is a firm describing itself).
        let joined = after.contains("&") || after.contains(" and ")
        var names: [Substring] = []
        for token in after.split(whereSeparator: separators).prefix(4) {
            if isForm(token) || !names.isEmpty && joined && practiceWords.contains(token.lowercased()) {
                return ([Substring(word)] + names + [token]).joined(separator: " ")
            }
            guard capitalised(token) || token.lowercased() == "and" else { return nil }
            names.append(token)
        }
        return nil
    }

    static let professionalForms: Set<String> = [
        // Not "PC", "PA" or "SC" undotted: computers, Pennsylvania, sports clubs.
        "apc", "a.p.c", "p.c", "p.a", "pllc", "p.l.l.c", "llp", "l.l.p", "lpa", "l.p.a", "p.s.c", "s.c", "cpa", "cpas",
        "pllp",
    ]

    /// "CDS, a Hewlett Packard Enterprise company": the listing says whose unit it is, so the
    /// name is that unit's own.
    static func unitOfAnother(_ text: NormalizedText, _ end: Int) -> String? {
        let from = Int(text.ends[end - 1])
        let rest = text.utf8[from..<min(text.utf8.count, from + 120)]
        guard rest.starts(with: [0x2C, 0x20, 0x61, 0x20]) || rest.starts(with: [0x2C, 0x20, 0x61, 0x6E, 0x20]) else {
            return nil
        }
        let phrase = String(decoding: rest, as: UTF8.self).dropFirst(2)
        let words = phrase.split(separator: " ").prefix(7)
        for (n, word) in words.enumerated() where n >= 2 {
            let lower = word.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: ".,;:()"))
            if ["company", "subsidiary", "brand", "division", "business", "unit", "affiliate"].contains(lower) {
                return words.prefix(n + 1).joined(separator: " ")
            }
        }
        return nil
    }

    /// A folder of a file path ("10.0.1.18\EPS\LOGOS\", "/srv/share/Logos/"): a word between
    /// path separators names a folder, not the listing's victim.
    static func folderInPath(_ text: NormalizedText, _ start: Int, _ end: Int) -> String? {
        let bytes = text.utf8
        let from = Int(text.starts[start])
        let to = Int(text.ends[end - 1])
        guard from > 0, to < bytes.count else { return nil }
        let (before, after) = (bytes[from - 1], bytes[to])
        guard before == 0x5C && after == 0x5C || before == 0x2F && after == 0x2F && !insideHostName(text, start, end)
        else { return nil }
        return String(decoding: bytes[(from - 1)...to], as: UTF8.self)
    }

    /// An everyday word or surname glued to others by "_" ("ASIA_2", "backup_parker"): a file
    /// name or user name.
    static func gluedByUnderscore(_ text: NormalizedText, _ start: Int, _ end: Int) -> String? {
        let bytes = text.utf8
        var from = Int(text.starts[start])
        var to = Int(text.ends[end - 1])
        guard from > 0 && bytes[from - 1] == 0x5F || to < bytes.count && bytes[to] == 0x5F else { return nil }
        func part(_ b: UInt8) -> Bool {
            b == 0x5F || b >= 0x30 && b <= 0x39 || (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A
        }
        while from > 0, part(bytes[from - 1]) { from -= 1 }
        while to < bytes.count, part(bytes[to]) { to += 1 }
        return String(decoding: bytes[from..<to], as: UTF8.self)
    }

    /// Whether the title holds nothing but `start..<end` and what belongs to a firm's name: a
    /// legal form, a grouping word, a line of business, a code of one or two letters, anything
    /// in brackets ("Arbitech (arb.local)", "Innotec, Corp.", "Chin Hin Group").
    static func titleIsTheNameAlone(_ text: NormalizedText, _ start: Int, _ end: Int, titleBytes: Int) -> Bool {
        let limit = min(titleBytes, text.utf8.count)
        let from = Int(text.starts[start])
        let to = Int(text.ends[end - 1])
        guard to <= limit else { return false }
        var rest =
            String(decoding: text.utf8[0..<from], as: UTF8.self) + " "
            + String(decoding: text.utf8[to..<limit], as: UTF8.self)
        // What is in brackets: a host, a code, a note.
        while let open = rest.firstIndex(where: { $0 == "(" || $0 == "[" }),
            let close = rest[open...].firstIndex(where: { $0 == ")" || $0 == "]" })
        {
            rest.removeSubrange(open...close)
        }
        for word in rest.lowercased().split(whereSeparator: { !$0.isLetter }) {
            let w = String(word)
            guard
                w.count <= 2 || lineOfBusiness.contains(w) || LegalForms.groupings.contains(w)
                    || LegalForms.suffixes.contains(w)
            else { return false }
        }
        return true
    }
}
