import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A feed's bytes as UTF-8, with the encoding that was used and why.
public struct DecodedText: Sendable {
    public enum Source: String, Sendable { case bom, http, declaration, detected, fallback }
    /// UTF-8 bytes; invalid input sequences became U+FFFD.
    public var utf8: Data
    /// The encoding the bytes were read as (lower case, e.g. `utf-8`, `gb18030`, `shift_jis`).
    public var encoding: String
    public var source: Source
    /// Input sequences that could not be decoded (each replaced by U+FFFD).
    public var replacements: Int
}

/// From bytes in whatever encoding a site uses to UTF-8. Precedence follows RFC 7303
/// and what browsers do: a byte-order mark, then the HTTP charset, then the XML (or
/// HTML meta) declaration. A declaration that the bytes contradict (they do not decode
/// under it, or they are valid UTF-8 with multi-byte sequences while a single-byte
/// encoding is declared) is overruled by detection, because criminals' and old blogs'
/// feeds declare the wrong encoding often enough. Declared names map to the superset
/// that real content uses (GB2312 → GB18030, Shift_JIS → CP932, EUC-KR → CP949, Big5 →
/// Big5-HKSCS, ISO-8859-1/ASCII → Windows-1252), as WHATWG Encoding specifies.
///
/// Conversion is glibc's iconv (every encoding the issue lists, checked in the
/// platform notes); Foundation's `String(data:encoding:)` knows too few CJK encodings
/// and fails a whole document on one bad byte.
public enum Charset {
    public static func decode(_ data: Data, contentType: String? = nil) -> DecodedText {
        let bytes = [UInt8](data)
        if let (name, skip) = bom(bytes) {
            let (text, bad) = convert(bytes[skip...], from: name)
            return DecodedText(utf8: text, encoding: name.lowercased(), source: .bom, replacements: bad)
        }
        var declared: (name: String, source: DecodedText.Source)?
        if let charset = contentType.flatMap(httpCharset) { declared = (charset, .http) }
        if declared == nil, let name = declaredEncoding(bytes) { declared = (name, .declaration) }
        if let declared, let iconvName = iconvName(declared.name) {
            let (text, bad) = convert(bytes[...], from: iconvName)
            let contradicted =
                (bad > 0 && bad > tolerance(bytes))
                || (isSingleByte(iconvName) && hasMultibyteUTF8(bytes) && isValidUTF8(bytes))
            if !contradicted {
                return DecodedText(
                    utf8: text,
                    encoding: displayName(declared.name),
                    source: declared.source,
                    replacements: bad
                )
            }
        }
        let guess = detect(bytes)
        let (text, bad) = convert(bytes[...], from: guess)
        return DecodedText(
            utf8: text,
            encoding: guess.lowercased(),
            source: declared == nil ? .detected : .fallback,
            replacements: bad
        )
    }

    /// The bytes read as `encoding` (a declared name, mapped as declarations are), or nil
    /// when iconv does not know it; with the number of undecodable sequences.
    public static func decode(_ data: Data, as encoding: String) -> (text: String, replacements: Int)? {
        guard let name = iconvName(encoding) else { return nil }
        let (utf8, bad) = convert([UInt8](data)[...], from: name)
        return (String(decoding: utf8, as: UTF8.self), bad)
    }

    // MARK: Declarations

    static func bom(_ b: [UInt8]) -> (String, Int)? {
        if b.starts(with: [0xEF, 0xBB, 0xBF]) { return ("UTF-8", 3) }
        if b.starts(with: [0xFF, 0xFE, 0, 0]) { return ("UTF-32LE", 4) }
        if b.starts(with: [0, 0, 0xFE, 0xFF]) { return ("UTF-32BE", 4) }
        if b.starts(with: [0xFF, 0xFE]) { return ("UTF-16LE", 2) }
        if b.starts(with: [0xFE, 0xFF]) { return ("UTF-16BE", 2) }
        return nil
    }

    /// `charset=` of a Content-Type header (quotes allowed).
    static func httpCharset(_ contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "charset" else {
                continue
            }
            let value = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: " \t\"'"))
            return value.isEmpty ? nil : value
        }
        return nil
    }

    /// The encoding named by an XML declaration, or by an HTML `<meta charset>` near the
    /// start. ASCII-compatible documents only; UTF-16/32 without a BOM are found by
    /// `detect`.
    static func declaredEncoding(_ b: [UInt8]) -> String? {
        let head = String(decoding: b.prefix(1024).map { $0 < 0x80 ? $0 : 0x20 }, as: UTF8.self)
        if head.hasPrefix("<?xml") || head.drop(while: \.isWhitespace).hasPrefix("<?xml") {
            guard let end = head.range(of: "?>") else { return nil }
            return attribute("encoding", in: head[..<end.lowerBound])
        }
        let lower = head.lowercased()
        if let range = lower.range(of: "charset=") {
            let value = lower[range.upperBound...].drop { $0 == "\"" || $0 == "'" }.prefix {
                $0.isLetter || $0.isNumber || "-_:.".contains($0)
            }
            return value.isEmpty ? nil : String(value)
        }
        return nil
    }

    static func attribute(_ name: String, in text: Substring) -> String? {
        guard let range = text.range(of: name) else { return nil }
        let rest = text[range.upperBound...].drop { $0 == " " || $0 == "=" }
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return nil }
        let value = rest.dropFirst().prefix { $0 != quote }
        return value.isEmpty ? nil : String(value)
    }

    /// The iconv name to decode a declared encoding with (a superset where real content
    /// needs one), or nil when iconv does not know it.
    static func iconvName(_ declared: String) -> String? {
        let key = declared.lowercased().replacingOccurrences(of: "_", with: "-")
        let supersets: [String: String] = [
            "gb2312": "GB18030", "gbk": "GB18030", "x-gbk": "GB18030", "cp936": "GB18030", "euc-cn": "GB18030",
            "chinese": "GB18030", "csgb2312": "GB18030", "gb18030": "GB18030",
            "big5": "BIG5-HKSCS", "cn-big5": "BIG5-HKSCS", "x-x-big5": "BIG5-HKSCS", "big5-hkscs": "BIG5-HKSCS",
            "shift-jis": "CP932", "sjis": "CP932", "x-sjis": "CP932", "ms-kanji": "CP932", "windows-31j": "CP932",
            "cp932": "CP932", "csshiftjis": "CP932",
            "euc-kr": "CP949", "ks-c-5601-1987": "CP949", "ksc5601": "CP949", "cp949": "CP949", "uhc": "CP949",
            "windows-949": "CP949", "cseuckr": "CP949",
            "us-ascii": "WINDOWS-1252", "ascii": "WINDOWS-1252", "iso-8859-1": "WINDOWS-1252", "latin1": "WINDOWS-1252",
            "iso8859-1": "WINDOWS-1252", "l1": "WINDOWS-1252", "iso-ir-100": "WINDOWS-1252",
            "iso-8859-9": "WINDOWS-1254", "latin5": "WINDOWS-1254", "tis-620": "CP874", "iso-8859-11": "CP874",
            "x-mac-roman": "MACINTOSH", "macroman": "MACINTOSH", "x-mac-cyrillic": "MAC-CYRILLIC",
            "maccyrillic": "MAC-CYRILLIC",
            "utf8": "UTF-8", "unicode-1-1-utf-8": "UTF-8", "utf-16": "UTF-16", "ucs-2": "UTF-16", "utf-32": "UTF-32",
        ]
        let name = supersets[key] ?? key.uppercased()
        let cd = iconv_open("UTF-8", name)
        guard cd != iconv_t(bitPattern: -1) else { return nil }
        iconv_close(cd)
        return name
    }

    /// The name reported for a declared encoding (lower case; GB2312/GBK reported as
    /// gb18030, the encoding actually used).
    static func displayName(_ declared: String) -> String {
        let lower = declared.lowercased()
        return ["gb2312", "gbk", "x-gbk", "cp936", "euc-cn"].contains(lower) ? "gb18030" : lower
    }

    static func isSingleByte(_ iconvName: String) -> Bool {
        iconvName.hasPrefix("WINDOWS-12") || iconvName.hasPrefix("ISO-8859") || iconvName.hasPrefix("KOI8")
            || ["MACINTOSH", "MAC-CYRILLIC", "CP874", "CP866", "CP855"].contains(iconvName)
    }

    /// A few undecodable sequences are damage; more mean the wrong encoding.
    static func tolerance(_ b: [UInt8]) -> Int {
        max(1, b.lazy.filter { $0 >= 0x80 }.count / 500)
    }

    static func isValidUTF8(_ b: some Collection<UInt8>) -> Bool {
        String(validating: b, as: UTF8.self) != nil
    }

    static func hasMultibyteUTF8(_ b: [UInt8]) -> Bool {
        var i = 0
        while i + 1 < b.count {
            if b[i] >= 0xC2 && b[i] <= 0xF4 && b[i + 1] & 0xC0 == 0x80 { return true }
            i += 1
        }
        return false
    }

    // MARK: Conversion

    /// iconv from `name` to UTF-8; an undecodable sequence becomes U+FFFD (one input byte
    /// skipped), a truncated one at the end too. Returns the text and the replacements.
    static func convert(_ input: ArraySlice<UInt8>, from name: String) -> (Data, Int) {
        if name == "UTF-8" {
            if isValidUTF8(input) { return (Data(input), 0) }  // the common case: no second copy through String
            let text = String(decoding: input, as: UTF8.self)
            let bad =
                String(validating: input, as: UTF8.self) == nil
                ? max(1, text.unicodeScalars.filter { $0 == "\u{FFFD}" }.count) : 0
            return (Data(text.utf8), bad)
        }
        let cd = iconv_open("UTF-8", name)
        guard cd != iconv_t(bitPattern: -1) else {
            return (Data(String(decoding: input, as: UTF8.self).utf8), input.count)
        }
        defer { iconv_close(cd) }
        var output = [UInt8](repeating: 0, count: max(64, input.count * 3 + 16))
        var produced = 0
        var replacements = 0
        var source = Array(input)
        source.withUnsafeMutableBufferPointer { inBuffer in
            var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuffer.baseAddress)?
                .assumingMemoryBound(to: CChar.self)
            var inLeft = inBuffer.count
            while inLeft > 0 {
                if output.count - produced < 16 { output += [UInt8](repeating: 0, count: output.count) }
                let (result, code): (Int, Int32) = output.withUnsafeMutableBufferPointer { outBuffer in
                    var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(
                        outBuffer.baseAddress! + produced
                    ).assumingMemoryBound(to: CChar.self)
                    var outLeft = outBuffer.count - produced
                    let before = outLeft
                    let result = iconv(cd, &inPointer, &inLeft, &outPointer, &outLeft)
                    let code = result == -1 ? errno : 0
                    produced += before - outLeft
                    return (result, code)
                }
                if result != -1 { break }
                switch code {
                case E2BIG:
                    output += [UInt8](repeating: 0, count: output.count)
                case EILSEQ, EINVAL:
                    // Skip one byte, write U+FFFD, start the state afresh.
                    if output.count - produced < 16 { output += [UInt8](repeating: 0, count: output.count) }
                    output[produced] = 0xEF
                    output[produced + 1] = 0xBF
                    output[produced + 2] = 0xBD
                    produced += 3
                    replacements += 1
                    inPointer = inPointer.map { $0 + 1 }
                    inLeft -= 1
                    iconv(cd, nil, nil, nil, nil)
                default:
                    inLeft = 0
                }
            }
        }
        return (Data(output[0..<produced]), replacements)
    }

    // MARK: Detection

    /// The most plausible encoding of undeclared (or wrongly declared) bytes.
    static func detect(_ b: [UInt8]) -> String {
        let sample = Array(b.prefix(256 * 1024))
        if let wide = wideUnicode(sample) { return wide }
        if sample.contains(0x1B) {  // 7-bit ISO-2022 escapes
            if contains(sample, [0x1B, 0x24, 0x29, 0x43]) { return "ISO-2022-KR" }
            if contains(sample, [0x1B, 0x24, 0x42]) || contains(sample, [0x1B, 0x24, 0x40])
                || contains(sample, [0x1B, 0x28, 0x4A])
            {
                return "ISO-2022-JP"
            }
        }
        if isValidUTF8(sample) || !sample.contains(where: { $0 >= 0x80 }) { return "UTF-8" }
        let limit = tolerance(sample)
        func text(_ name: String) -> String? {
            let (data, bad) = convert(sample[...], from: name)
            return bad <= limit ? String(decoding: data, as: UTF8.self) : nil
        }
        // Multi-byte CJK first: single-byte text rarely decodes cleanly under them, and when
        // it does (an accented letter before an ASCII one is a valid GBK or Big5 pair), the
        // "characters" stand alone, where real CJK text has them in runs.
        func cjk(_ name: String) -> String? { text(name).flatMap { runShare($0) >= 0.5 ? $0 : nil } }
        if let japanese = cjk("CP932"), kanaShare(japanese) >= 0.1 { return "CP932" }
        if let japanese = cjk("EUC-JP"), kanaShare(japanese) >= 0.1 { return "EUC-JP" }
        // GB text reads as half Hangul, half Hanja
        if let korean = cjk("CP949"), hangulShare(korean) >= 0.8 { return "CP949" }
        // Johab (old DOS Korean): its Hangul rows overlap GB2312's, so it goes before GB
        // and must read as nearly all Hangul.
        if let johab = cjk("JOHAB"), hangulShare(johab) >= 0.8 { return "JOHAB" }
        let gb = cjk("GB18030")
        let big5 = cjk("BIG5-HKSCS")
        if gb != nil && big5 != nil && lowTrailShare(sample) >= 0.15 { return "BIG5-HKSCS" }
        if let gb, hanShare(gb) >= 0.5 {
            return big5 != nil && lowTrailShare(sample) >= 0.15 ? "BIG5-HKSCS" : "GB18030"
        }
        if let big5, hanShare(big5) >= 0.5 { return "BIG5-HKSCS" }

        // Single-byte: the decoding whose words look most like words.
        var best = ("WINDOWS-1252", -Double.infinity)
        for name in singleByteCandidates {
            guard let decoded = text(name) else { continue }
            let score = SingleByteScore.score(decoded)
            if score > best.1 + 0.05 { best = (name, score) }  // a later, rarer code page must be clearly better
        }
        return best.0
    }

    /// In order of how common they are on the web: the first of equal scores wins.
    static let singleByteCandidates = [
        "WINDOWS-1252", "WINDOWS-1251", "WINDOWS-1250", "ISO-8859-2", "KOI8-R", "WINDOWS-1254", "ISO-8859-9",
        "WINDOWS-1253", "ISO-8859-7", "WINDOWS-1255", "ISO-8859-8", "WINDOWS-1256", "ISO-8859-6", "CP874",
        "ISO-8859-5", "CP866", "MAC-CYRILLIC", "CP855", "MACINTOSH", "ISO-8859-15",
    ]

    /// UTF-16/32 without a BOM, from where the zero bytes fall.
    static func wideUnicode(_ b: [UInt8]) -> String? {
        let n = min(b.count, 4096) / 4 * 4
        guard n >= 8 else { return nil }
        var zeros = [0, 0, 0, 0]
        for i in 0..<n where b[i] == 0 { zeros[i % 4] += 1 }
        let quarter = n / 4
        if zeros[0] > quarter * 9 / 10 && zeros[1] > quarter * 9 / 10 && zeros[2] > quarter / 2
            && zeros[3] < quarter / 10
        {
            return "UTF-32BE"
        }
        if zeros[3] > quarter * 9 / 10 && zeros[2] > quarter * 9 / 10 && zeros[1] > quarter / 2
            && zeros[0] < quarter / 10
        {
            return "UTF-32LE"
        }
        let even = zeros[0] + zeros[2]
        let odd = zeros[1] + zeros[3]
        if even > n / 2 * 6 / 10 && odd < n / 20 { return "UTF-16BE" }
        if odd > n / 2 * 6 / 10 && even < n / 20 { return "UTF-16LE" }
        return nil
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if Array(haystack[i..<(i + needle.count)]) == needle { return true }
        }
        return false
    }

    /// Shares among the non-ASCII letters of a decoded sample.
    static func share(_ text: String, _ inSet: (UInt32) -> Bool) -> Double {
        var total = 0
        var hits = 0
        for scalar in text.unicodeScalars where scalar.value >= 0x80 && scalar.properties.isAlphabetic {
            total += 1
            if inSet(scalar.value) { hits += 1 }
        }
        return total == 0 ? 0 : Double(hits) / Double(total)
    }

    static func kanaShare(_ text: String) -> Double { share(text) { (0x3041...0x30FF).contains($0) } }
    static func hangulShare(_ text: String) -> Double { share(text) { (0xAC00...0xD7A3).contains($0) } }
    static func hanShare(_ text: String) -> Double {
        share(text) { (0x4E00...0x9FFF).contains($0) || (0x3041...0x30FF).contains($0) }
    }

    /// Among CJK characters (Han, kana, Hangul), the share next to another one.
    static func runShare(_ text: String) -> Double {
        func isCJK(_ v: UInt32) -> Bool {
            (0x3040...0x30FF).contains(v) || (0x3400...0x9FFF).contains(v) || (0xAC00...0xD7A3).contains(v)
                || (0xF900...0xFAFF).contains(v)
        }
        let scalars = Array(text.unicodeScalars)
        var total = 0
        var inRun = 0
        for (i, scalar) in scalars.enumerated() where isCJK(scalar.value) {
            total += 1
            if (i > 0 && isCJK(scalars[i - 1].value)) || (i + 1 < scalars.count && isCJK(scalars[i + 1].value)) {
                inRun += 1
            }
        }
        return total == 0 ? 0 : Double(inRun) / Double(total)
    }

    /// Among two-byte sequences, the share whose second byte is below 0x80: Big5 text has
    /// many (its trail bytes start at 0x40), GB2312/GBK text almost none.
    static func lowTrailShare(_ b: [UInt8]) -> Double {
        var pairs = 0
        var low = 0
        var i = 0
        while i + 1 < b.count {
            if b[i] >= 0x81 && b[i] <= 0xFE {
                pairs += 1
                if b[i + 1] >= 0x40 && b[i + 1] < 0x80 { low += 1 }
                i += 2
            } else {
                i += 1
            }
        }
        return pairs == 0 ? 0 : Double(low) / Double(pairs)
    }
}

/// How word-like a single-byte decoding looks: words of one script, in a plausible case
/// pattern, with the script's most frequent letters where they should be. Wrong code
/// pages give symbols inside words, shuffled letters, or case flipped mid-word.
enum SingleByteScore {
    enum Script { case latin, cyrillic, greek, hebrew, arabic, thai, other }

    static func script(_ v: UInt32) -> Script {
        switch v {
        case 0x41...0x5A, 0x61...0x7A, 0xC0...0x24F: return .latin
        case 0x400...0x4FF: return .cyrillic
        case 0x370...0x3FF: return .greek
        case 0x590...0x5FF: return .hebrew
        case 0x600...0x6FF: return .arabic
        case 0xE00...0xE7F: return .thai
        default: return .other
        }
    }

    /// The most frequent letters per script (general linguistic knowledge: the top of
    /// every letter-frequency table for Russian/Bulgarian, Greek, Hebrew, Arabic, Thai).
    static let frequent: [Script: Set<Character>] = [
        .cyrillic: Set("оеаинтсрвлкд"),
        .greek: Set("αοειτνσηρυκπμλ"),
        .hebrew: Set("יוהלרמאבנתש"),
        .arabic: Set("الينمورتبعه"),
        .thai: Set("านอรกงมเยดวท่้"),
    ]

    /// The non-ASCII letters of languages written in Latin script with a single-byte code
    /// page (Windows-1250/1252/1254 and their ISO siblings). A right decoding gives letters
    /// of one language; a wrong one mixes languages (Hungarian ő read as Portuguese õ next
    /// to German ö) or gives letters only Icelandic uses (Turkish ş ğ read as þ ð).
    static let latinLanguages: [Set<Character>] = [
        Set("àâæçéèêëîïôœùûüÿ"),  // French
        Set("äöüß"),  // German
        Set("áéíñóúü"),  // Spanish
        Set("áâãàçéêíóôõú"),  // Portuguese
        Set("àèéìíîòóù"),  // Italian
        Set("åæøäöéü"),  // Danish, Norwegian, Swedish
        Set("äö"),  // Finnish
        Set("áðéíóúýþæö"),  // Icelandic
        Set("áčďéěíňóřšťúůýž"),  // Czech
        Set("áäčďéíĺľňóôŕšťúýž"),  // Slovak
        Set("ąćęłńóśźż"),  // Polish
        Set("áéíóöőúüű"),  // Hungarian
        Set("čćđšž"),  // Croatian, Slovene, Bosnian
        Set("ăâîșțşţ"),  // Romanian
        Set("çğıöşüâîû"),  // Turkish
        Set("ëç"),  // Albanian
    ]

    /// The largest share of a text's non-ASCII letters that one Latin-script language has
    /// (letters of other scripts count against it).
    static func latinCoverage(_ text: String) -> Double? {
        var counts: [Character: Int] = [:]
        var total = 0
        var latin = 0
        for character in text.lowercased() where !character.isASCII && character.isLetter {
            total += 1
            guard let scalar = character.unicodeScalars.first, script(scalar.value) == .latin else { continue }
            counts[character, default: 0] += 1
            latin += 1
        }
        guard latin > 0 else { return nil }
        let best =
            latinLanguages.map { language in counts.reduce(0) { $0 + (language.contains($1.key) ? $1.value : 0) } }
            .max() ?? 0
        return Double(best) / Double(total)
    }

    static func score(_ text: String) -> Double {
        shapeAndFrequency(text) + (latinCoverage(text) ?? 0)
    }

    static func shapeAndFrequency(_ text: String) -> Double {
        var words = 0.0
        var good = 0.0
        var frequentLetters = 0
        var scriptLetters = 0
        for token in text.split(whereSeparator: { $0.isWhitespace || ($0.isASCII && !$0.isLetter) }) {
            let scalars = token.unicodeScalars
            guard scalars.contains(where: { $0.value >= 0x80 }) else { continue }
            words += 1
            let letters = scalars.filter { $0.properties.isAlphabetic }
            // A symbol from the upper half inside a word is the mark of a wrong code page.
            if scalars.contains(where: {
                $0.value >= 0x80 && !$0.properties.isAlphabetic && !$0.properties.isDiacritic
                    && $0.properties.generalCategory != .nonspacingMark
            }) {
                continue
            }
            let scripts = Set(letters.map { script($0.value) })
            let nonASCII = letters.filter { $0.value >= 0x80 }.count
            guard scripts.count == 1, let only = scripts.first, only != .other else { continue }
            if only == .latin && (letters.count < 2 || nonASCII * 2 > letters.count) { continue }
            let upper = letters.filter { $0.properties.isUppercase }.count
            let lower = letters.filter { $0.properties.isLowercase }.count
            let titleCase = letters.first?.properties.isUppercase == true && upper == 1
            if upper > 0 && lower > 0 && !titleCase { continue }
            good += upper > 1 && lower == 0 && letters.count > 3 ? 0.5 : 1  // all-capital words are rarer
            if let set = frequent[only] {
                for letter in String(String.UnicodeScalarView(letters)).lowercased() {
                    scriptLetters += 1
                    if set.contains(letter) { frequentLetters += 1 }
                }
            }
        }
        guard words > 0 else { return 0 }
        let shape = good / words
        let frequency = scriptLetters == 0 ? 0 : Double(frequentLetters) / Double(scriptLetters)
        return shape + 0.5 * frequency
    }
}
