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
        "pte ltd", "pte", "sdn bhd", "bhd", "tbk", "holdings", "holding",
        // European
        "gmbh", "gmbh & co. kg", "ag", "kg", "se", "sa", "s.a.", "sas", "sarl", "s.a.r.l.", "srl", "s.r.l.",
        "spa", "s.p.a.", "bv", "b.v.", "nv", "n.v.", "ab", "as", "a/s", "asa", "oy", "oyj", "aps", "sl",
        "s.l.", "sp. z o.o.", "s.r.o.", "a.s.", "kft", "zrt", "doo", "d.o.o.",
        // Japanese (romanised)
        "kabushiki kaisha", "k.k.", "kk", "co., ltd",
        // Chinese
        "股份有限公司", "有限责任公司", "有限公司", "集团股份有限公司", "集团有限公司", "公司",
        // Japanese
        "株式会社", "有限会社", "合同会社", "合資会社", "合名会社", "(株)", "(有)",
        // Korean
        "주식회사", "(주)", "유한회사",
    ]
    /// Forms that also stand at the start of a name (株式会社東芝, 주식회사 …).
    static let prefixes: [String] = ["株式会社", "有限会社", "合同会社", "(株)", "(有)", "주식회사", "(주)"]

    struct Folded: Sendable {
        var suffixes: [[UInt32]]
        var prefixes: [[UInt32]]
    }

    static let folded: Folded = {
        let normalizer = Normalizer()
        func fold(_ list: [String]) -> [[UInt32]] {
            list.map { normalizer.normalize($0).scalars }.filter { !$0.isEmpty }.sorted { $0.count > $1.count }
        }
        return Folded(suffixes: fold(suffixes), prefixes: fold(prefixes))
    }()

    /// The name without its legal forms at either end (repeatedly: "X Holdings Co., Ltd."),
    /// or nil when there were none or what remains is too short to stand alone.
    public static func strip(_ name: [UInt32], classes: [ScalarClass]) -> [UInt32]? {
        var start = 0
        var end = name.count
        var changed = true
        var stripped = false
        while changed {
            changed = false
            for form in folded.suffixes where end - start > form.count {
                let from = end - form.count
                guard Array(name[from..<end]) == form else { continue }
                // A Latin form must be a whole word: preceded by a space, not by a letter.
                if classes[from] == .word && classes[from - 1] == .word { continue }
                end = from
                while end > start, name[end - 1] == FoldTable.space { end -= 1 }
                changed = true
                stripped = true
                break
            }
            for form in folded.prefixes where end - start > form.count {
                guard Array(name[start..<start + form.count]) == form else { continue }
                start += form.count
                while start < end, name[start] == FoldTable.space { start += 1 }
                changed = true
                stripped = true
                break
            }
        }
        guard stripped else { return nil }
        let core = Array(name[start..<end])
        let cjk = core.filter { FoldTable.classify($0) == .cjk }.count
        let letters = core.filter { FoldTable.classify($0) == .word }.count
        // "Gree" alone is a word; 格力 alone is two characters: keep cores that an analyst
        // would still call the company's name.
        guard cjk >= 2 || letters >= 4 else { return nil }
        return core
    }
}
