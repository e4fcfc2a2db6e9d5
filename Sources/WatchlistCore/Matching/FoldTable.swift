import COpenCC
import Foundation

/// What a folded character is for matching purposes.
public enum ScalarClass: UInt8, Sendable {
    /// Spaces, punctuation, symbols: collapse to one space between two word characters,
    /// vanish next to CJK.
    case separator = 0
    /// Letters and digits of scripts written with spaces (Latin, Greek, Cyrillic, Hangul…):
    /// names made of them match on whole words only.
    case word = 1
    /// Han, hiragana, katakana: no spaces between words.
    case cjk = 2
    /// Default-ignorable characters (zero-width spaces and joiners, soft hyphens,
    /// variation selectors) and apostrophes: removed without leaving a gap (the Normalizer
    /// ends the word at a possessive: "Bank's").
    case drop = 3
    /// Combining diacritics: removed; they belong to the letter before them.
    case mark = 4
    /// The kana voiced / semi-voiced sound marks: combined with the kana before them
    /// (ｸﾞ → グ), dropped elsewhere.
    case kanaMark = 5
}

/// A per-character folding table built once per process: NFKC, lower case, accents
/// removed, Cyrillic/Greek look-alikes to Latin, Japanese shinjitai and traditional
/// Chinese to simplified Chinese, separators to one space.
///
/// Why a table: every listing passes through this, so the cost per character must be
/// one array load, not a Foundation or ICU call. NFKC and case folding come from
/// Foundation when the table is built (only for the characters whose
/// `changesWhenNFKCCaseFolded` property says they change). Script folding comes from
/// OpenCC (`jp2t` then `t2s`, character by character) rather than ICU's `Hant-Hans`
/// transform: ICU has no Japanese shinjitai folding (measured over twelve
/// shinjitai/traditional pairs — 日本製鉄, 広州, 売, 図, 駅 … — ICU folds 5 to the
/// simplified form, OpenCC jp2t+t2s all 12; docs/matching.md), and OpenCC's character
/// tables are the reference data for variants. Speed is the same either way: the table
/// is built once. Character-level folding is a canonical form, not a
/// translation: both the watchlist names and the listings go through it, so the only
/// requirement is that variants of one name land on one form.
public final class FoldTable: Sendable {
    /// The process-wide table (built on first use, ~50 ms).
    public static let shared = FoldTable()

    /// For each BMP scalar: the single folded scalar, or `expansionMarker` when the
    /// fold produces several scalars (kept in `expansions`).
    private let single: [UInt32]
    private let classes: [UInt8]
    private let expansions: [UInt32: [UInt32]]
    /// (kana << 1 | semi) → composed kana, for ｸﾞ → グ.
    private let kanaCompositions: [UInt32: UInt32]
    /// Whether OpenCC's tables were available when the table was built.
    public let scriptFolding: Bool

    static let expansionMarker: UInt32 = 0xFFFF_FFFF
    static let space: UInt32 = 0x20

    /// The fast path: the folded scalar and class of a BMP scalar that folds to exactly
    /// one scalar (nil for expansions and scalars beyond the BMP).
    @inline(__always)
    func single(_ scalar: UInt32) -> (UInt32, ScalarClass)? {
        guard scalar < 0x10000 else { return nil }
        let mapped = single[Int(scalar)]
        guard mapped != Self.expansionMarker else { return nil }
        return (mapped, ScalarClass(rawValue: classes[Int(scalar)])!)
    }

    /// Folds one scalar. Returns its class and writes the folded scalars to `output`
    /// (nothing for `drop`/`mark`).
    @inline(__always)
    func fold(_ scalar: UInt32, into output: inout [UInt32]) -> ScalarClass {
        if scalar < 0x10000 {
            let mapped = single[Int(scalar)]
            let cls = ScalarClass(rawValue: classes[Int(scalar)])!
            if mapped == Self.expansionMarker {
                output.append(contentsOf: expansions[scalar]!)
            } else if cls != .drop && cls != .mark {
                output.append(mapped)
            }
            return cls
        }
        output.append(scalar)
        return Self.classify(scalar)
    }

    /// The class of an already folded scalar.
    @inline(__always)
    func classOfFolded(_ scalar: UInt32) -> ScalarClass {
        if scalar < 0x10000 {
            // A folded scalar folds to itself, so its class is in the table.
            return ScalarClass(rawValue: classes[Int(scalar)])!
        }
        return Self.classify(scalar)
    }

    @inline(__always)
    func composeKana(_ kana: UInt32, with mark: UInt32) -> UInt32? {
        kanaCompositions[kana << 1 | (mark == 0x309A ? 1 : 0)]
    }

    /// Folds a whole string the way listings are folded, without collapsing separators.
    public func foldScript(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if v < 0x10000, classes[Int(v)] == ScalarClass.cjk.rawValue, let folded = Unicode.Scalar(single[Int(v)]) {
                out.append(folded)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    private init() {
        var single = [UInt32](repeating: 0, count: 0x10000)
        var classes = [UInt8](repeating: 0, count: 0x10000)
        var expansions: [UInt32: [UInt32]] = [:]

        for value in 0..<UInt32(0x10000) {
            guard let scalar = Unicode.Scalar(value) else { continue }  // surrogates never occur in decoded text
            let folded = Self.foldWithoutScript(scalar)
            switch folded {
            case .drop:
                classes[Int(value)] = ScalarClass.drop.rawValue
            case .mark:
                classes[Int(value)] = ScalarClass.mark.rawValue
            case .kanaMark(let mark):
                classes[Int(value)] = ScalarClass.kanaMark.rawValue
                single[Int(value)] = mark
            case .scalars(let scalars):
                let mapped = scalars.map { Self.classify($0) == .separator ? Self.space : $0 }
                if mapped.count == 1 {
                    single[Int(value)] = mapped[0]
                    classes[Int(value)] = Self.classify(mapped[0]).rawValue
                } else {
                    single[Int(value)] = Self.expansionMarker
                    expansions[value] = mapped
                    // The class of an expansion is that of its first letter; the normaliser
                    // classifies every output scalar again anyway.
                    classes[Int(value)] =
                        Self.classify(mapped.first { Self.classify($0) != .separator } ?? Self.space).rawValue
                }
            }
        }

        // Script folding: every Han character that folds to one Han character goes
        // through OpenCC jp2t (shinjitai → kyūjitai) then t2s (traditional → simplified).
        var han: [UInt32] = []
        for value in 0..<UInt32(0x10000)
        where single[Int(value)] != Self.expansionMarker
            && classes[Int(value)] == ScalarClass.cjk.rawValue
        {
            if let s = Unicode.Scalar(single[Int(value)]), s.properties.isIdeographic { han.append(value) }
        }
        let converted = Self.openCCFold(han.map { single[Int($0)] })
        if let converted {
            for (index, value) in han.enumerated() where converted[index] != 0 {
                single[Int(value)] = converted[index]
            }
        }
        self.scriptFolding = converted != nil

        // Folding must be idempotent (a folded scalar folds to itself) so that names and
        // listings agree; after script folding some targets (e.g. 廣 → 广) must be
        // re-pointed to their own fold.
        for value in 0..<UInt32(0x10000) where classes[Int(value)] == ScalarClass.cjk.rawValue {
            let target = single[Int(value)]
            if target < 0x10000, target != value, single[Int(target)] != target,
                classes[Int(target)] == ScalarClass.cjk.rawValue, single[Int(target)] != Self.expansionMarker
            {
                single[Int(value)] = single[Int(target)]
            }
        }

        var kana: [UInt32: UInt32] = [:]
        for value in UInt32(0x3041)...UInt32(0x30FF) {
            for (flag, mark) in [(UInt32(0), UInt32(0x3099)), (1, 0x309A)] {
                let pair = String(String.UnicodeScalarView([Unicode.Scalar(value)!, Unicode.Scalar(mark)!]))
                let composed = pair.precomposedStringWithCanonicalMapping.unicodeScalars
                if composed.count == 1 { kana[value << 1 | flag] = composed.first!.value }
            }
        }

        self.single = single
        self.classes = classes
        self.expansions = expansions
        self.kanaCompositions = kana
    }

    private enum Folded {
        case drop, mark
        case kanaMark(UInt32)
        case scalars([UInt32])
    }

    private static func foldWithoutScript(_ scalar: Unicode.Scalar) -> Folded {
        let value = scalar.value
        switch value {
        case 0x3099, 0x309B, 0xFF9E: return .kanaMark(0x3099)
        case 0x309A, 0x309C, 0xFF9F: return .kanaMark(0x309A)
        case 0x27, 0x60, 0xB4, 0x2018, 0x2019, 0x02BC, 0xFF07: return .drop  // apostrophes: McDonald's = McDonalds
        case 0x26, 0xFF06: return .scalars([0x20, 0x61, 0x6E, 0x64, 0x20])  // & → " and "
        default: break
        }
        let properties = scalar.properties
        if properties.isDefaultIgnorableCodePoint || value == 0xAD { return .drop }
        if properties.generalCategory == .nonspacingMark || properties.generalCategory == .enclosingMark {
            return .mark
        }
        if value < 0x80 {
            if (0x41...0x5A).contains(value) { return .scalars([value + 0x20]) }
            return .scalars([value])
        }
        if let latin = confusables[value] { return .scalars([latin]) }
        // Only characters that NFKC/case folding changes, or that carry a diacritic
        // (Latin, Greek, Cyrillic, Vietnamese blocks), need the slow path.
        let accented =
            (0xC0...0x24F).contains(value) || (0x370...0x4FF).contains(value) || (0x1E00...0x1FFF).contains(value)
        guard properties.changesWhenNFKCCaseFolded || accented else {
            return .scalars([value])
        }
        // NFKC, lower case, then strip Latin/Greek/Cyrillic diacritics.
        let nfkc = String(scalar).precomposedStringWithCompatibilityMapping.lowercased()
        var out: [UInt32] = []
        for s in nfkc.decomposedStringWithCanonicalMapping.unicodeScalars {
            if (0x300...0x36F).contains(s.value) { continue }
            if s.properties.isDefaultIgnorableCodePoint { continue }
            out.append(s.value)
        }
        let recomposed = String(String.UnicodeScalarView(out.compactMap(Unicode.Scalar.init)))
            .precomposedStringWithCanonicalMapping.unicodeScalars.map { confusables[$0.value] ?? $0.value }
        if recomposed.isEmpty { return .drop }
        return .scalars(recomposed)
    }

    static func classify(_ value: UInt32) -> ScalarClass {
        guard let scalar = Unicode.Scalar(value) else { return .separator }
        if (0x3040...0x30FF).contains(value) {
            return value == 0x30FB || value == 0x30A0 ? .separator : .cjk  // ・ and ゠ separate
        }
        if (0x31F0...0x31FF).contains(value) || value == 0x3005 || value == 0x3006 || value == 0x3007 { return .cjk }
        let properties = scalar.properties
        if properties.isIdeographic { return .cjk }
        if properties.isAlphabetic || properties.numericType != nil && properties.generalCategory == .decimalNumber {
            return .word
        }
        return .separator
    }

    /// Cyrillic and Greek letters that sellers slip into Latin names (Unicode
    /// confusables, the lower-case letters that look like ASCII).
    static let confusables: [UInt32: UInt32] = {
        let pairs: [(String, String)] = [
            // Cyrillic
            ("а", "a"), ("в", "b"), ("е", "e"), ("ё", "e"), ("і", "i"), ("ї", "i"), ("ј", "j"), ("к", "k"),
            ("м", "m"), ("н", "h"), ("о", "o"), ("р", "p"), ("с", "c"), ("т", "t"), ("у", "y"), ("х", "x"),
            ("ѕ", "s"), ("ԁ", "d"), ("ԛ", "q"), ("ԝ", "w"), ("һ", "h"), ("ӏ", "l"),
            ("А", "a"), ("В", "b"), ("Е", "e"), ("І", "i"), ("Ј", "j"), ("К", "k"), ("М", "m"), ("Н", "h"),
            ("О", "o"), ("Р", "p"), ("С", "c"), ("Т", "t"), ("Х", "x"), ("Ѕ", "s"),
            // Greek
            ("α", "a"), ("β", "b"), ("ε", "e"), ("ι", "i"), ("κ", "k"), ("ν", "v"), ("ο", "o"), ("ρ", "p"),
            ("τ", "t"), ("υ", "u"), ("χ", "x"), ("Α", "a"), ("Β", "b"), ("Ε", "e"), ("Ζ", "z"), ("Η", "h"),
            ("Ι", "i"), ("Κ", "k"), ("Μ", "m"), ("Ν", "n"), ("Ο", "o"), ("Ρ", "p"), ("Τ", "t"), ("Υ", "y"),
            ("Χ", "x"),
        ]
        var map: [UInt32: UInt32] = [:]
        for (from, to) in pairs { map[from.unicodeScalars.first!.value] = to.unicodeScalars.first!.value }
        return map
    }()

    /// Runs `jp2t` then `t2s` over the characters, one per line. Returns one folded
    /// scalar per input (0 where the result was not a single character), or nil when
    /// OpenCC's configuration is not installed.
    private static func openCCFold(_ scalars: [UInt32]) -> [UInt32]? {
        var text = ""
        text.reserveCapacity(scalars.count * 4)
        for value in scalars {
            text.unicodeScalars.append(Unicode.Scalar(value)!)
            text.append("\n")
        }
        guard let japanese = convert(text, config: "jp2t.json"),
            let simplified = convert(japanese, config: "t2s.json")
        else { return nil }
        let lines = simplified.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count == scalars.count + 1 else { return nil }
        return lines.dropLast().map { line in
            let scalars = line.unicodeScalars
            return scalars.count == 1 ? scalars.first!.value : 0
        }
    }

    /// The loaded libopencc's version, from the file it was mapped from (OpenCC's C API
    /// has no version call): /proc/self/maps names libopencc.so.1.1, whose real file is
    /// libopencc.so.1.1.6. "unknown" when it cannot be read.
    static var openCCVersion: String {
        // Read to the end: procfs reports size 0, which String(contentsOfFile:) believes.
        guard let data = FileHandle(forReadingAtPath: "/proc/self/maps")?.readDataToEndOfFile(),
            case let maps = String(decoding: data, as: UTF8.self),
            let line = maps.split(separator: "\n").first(where: { $0.contains("/libopencc.so") }),
            let slash = line.firstIndex(of: "/")
        else { return "unknown" }
        let file = URL(fileURLWithPath: String(line[slash...])).resolvingSymlinksInPath().lastPathComponent
        guard let range = file.range(of: ".so.") else { return "unknown" }
        return String(file[range.upperBound...])
    }

    static func convert(_ text: String, config: String) -> String? {
        let handle = opencc_open(config)
        guard let handle, Int(bitPattern: handle) != -1 else { return nil }
        defer { opencc_close(handle) }
        return text.withCString { input -> String? in
            guard let output = opencc_convert_utf8(handle, input, strlen(input)) else { return nil }
            defer { opencc_convert_utf8_free(output) }
            return String(cString: output)
        }
    }
}
