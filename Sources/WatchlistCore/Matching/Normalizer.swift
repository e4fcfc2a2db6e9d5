/// Text in the form names are matched in, with a way back to the original.
///
/// `scalars[i]` is a folded scalar (see `FoldTable`). Separators are not kept: words of
/// spaced scripts are run together and `wordStart[i]` records where a word began
/// ("China-Mobile", "China  Mobile" and "ChinaMobile" all fold to "chinamobile", the
/// first two with a word start at "m"). A name made of Latin words matches on word
/// starts and ends only, however the seller spaced it; CJK has no spaces to begin with.
/// `starts[i]..<ends[i]` is the UTF-8 byte range of the original text that produced
/// `scalars[i]`, so a match is reported exactly as it stands in the listing.
public struct NormalizedText: Sendable {
    public var scalars: [UInt32] = []
    public var classes: [ScalarClass] = []
    /// True where a word of a spaced script starts (after a separator, CJK, or the start).
    public var wordStart: [Bool] = []
    public var starts: [Int32] = []
    public var ends: [Int32] = []
    /// The original text's UTF-8 bytes.
    public var utf8: [UInt8] = []

    public var count: Int { scalars.count }

    /// Whether a Latin-edged match may end before position `i`.
    @inline(__always)
    public func isWordEnd(_ i: Int) -> Bool {
        i >= scalars.count || classes[i] != .word || wordStart[i]
    }

    /// Whether a Latin-edged match may start at position `i`.
    @inline(__always)
    public func isWordStart(_ i: Int) -> Bool {
        i == 0 || classes[i] != .word || wordStart[i]
    }

    /// The original text behind `scalars[range]`.
    public func original(_ range: Range<Int>) -> String {
        guard !range.isEmpty else { return "" }
        return String(decoding: utf8[Int(starts[range.lowerBound])..<Int(ends[range.upperBound - 1])], as: UTF8.self)
    }

    /// The folded form as a string, with a space at every word start inside a run of
    /// words (for explanations and tests).
    public var folded: String {
        var view = String.UnicodeScalarView()
        for (i, value) in scalars.enumerated() {
            if i > 0, classes[i] == .word, wordStart[i], classes[i - 1] == .word { view.append(" ") }
            if let scalar = Unicode.Scalar(value) { view.append(scalar) }
        }
        return String(view)
    }
}

/// Folds text into `NormalizedText`. Stateless apart from the shared fold table.
public struct Normalizer: Sendable {
    let table: FoldTable

    public init(table: FoldTable = .shared) {
        self.table = table
    }

    public func normalize(_ text: String) -> NormalizedText {
        var result = NormalizedText()
        result.utf8 = Array(text.utf8)
        let bytes = result.utf8
        result.scalars.reserveCapacity(bytes.count)
        result.classes.reserveCapacity(bytes.count)
        result.starts.reserveCapacity(bytes.count)
        result.ends.reserveCapacity(bytes.count)
        result.wordStart.reserveCapacity(bytes.count)

        var folded: [UInt32] = []
        folded.reserveCapacity(8)
        var sawSeparator = true
        var lastClass = ScalarClass.separator
        var index = 0
        // `emit` is a static function taking the state inout, not a nested function capturing it:
        // captured variables are checked for exclusive access at run time, on every scalar.
        while index < bytes.count {
            let start = Int32(index)
            let scalar = Self.decode(bytes, &index)
            let end = Int32(index)
            if scalar == 0x40 || scalar == 0x24, let letter = Self.leet(scalar, bytes, Int(start), index) {
                // Renes@s, Micro$oft: a letter, not a separator
                Self.emit(&result, &sawSeparator, &lastClass, letter, .word, start, end)
                continue
            }
            if let (value, valueClass) = table.single(scalar),
                valueClass == .word || valueClass == .cjk || valueClass == .separator
            {
                // fast path: one scalar in, one (or none) out
                Self.emit(&result, &sawSeparator, &lastClass, value, valueClass, start, end)
                continue
            }
            folded.removeAll(keepingCapacity: true)
            let cls = table.fold(scalar, into: &folded)
            switch cls {
            case .drop:
                // A possessive ends the word: "Kestrel Bank's customers" mentions Kestrel
                // Bank (the "s" becomes a word of its own, so the name still ends on a word end).
                if Self.isApostrophe(scalar), Self.possessiveFollows(bytes, index) { sawSeparator = true }
                continue
            case .mark:
                if !result.ends.isEmpty && !sawSeparator { result.ends[result.ends.count - 1] = end }
                continue
            case .kanaMark:
                if lastClass == .cjk, !sawSeparator, let last = result.scalars.last,
                    let composed = table.composeKana(last, with: folded.first ?? 0x3099)
                {
                    result.scalars[result.scalars.count - 1] = composed
                    result.ends[result.ends.count - 1] = end
                }
                continue
            default:
                break
            }
            for value in folded {
                Self.emit(&result, &sawSeparator, &lastClass, value, table.classOfFolded(value), start, end)
            }
        }
        return result
    }

    /// Appends one folded scalar (separators only mark that a new word starts).
    @inline(__always)
    static func emit(
        _ result: inout NormalizedText,
        _ sawSeparator: inout Bool,
        _ lastClass: inout ScalarClass,
        _ value: UInt32,
        _ valueClass: ScalarClass,
        _ start: Int32,
        _ end: Int32
    ) {
        if valueClass == .separator {
            sawSeparator = true
            return
        }
        result.scalars.append(value)
        result.classes.append(valueClass)
        result.wordStart.append(valueClass == .word && (sawSeparator || lastClass != .word))
        result.starts.append(start)
        result.ends.append(end)
        sawSeparator = false
        lastClass = valueClass
    }

    /// "@" for "a" and "$" for "s" between two letters (Renes@s, Micro$oft), but never the
    /// "@" of an e-mail address (what follows it is a host name with a dot).
    static func leet(_ scalar: UInt32, _ bytes: [UInt8], _ at: Int, _ next: Int) -> UInt32? {
        @inline(__always) func isLetter(_ b: UInt8) -> Bool { (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) }
        guard at > 0, next < bytes.count, isLetter(bytes[at - 1]), isLetter(bytes[next]) else { return nil }
        if scalar == 0x24 { return 0x73 }
        var i = next
        while i < bytes.count, isLetter(bytes[i]) || (bytes[i] >= 0x30 && bytes[i] <= 0x39) || bytes[i] == 0x2D {
            i += 1
        }
        if i + 1 < bytes.count, bytes[i] == 0x2E, isLetter(bytes[i + 1]) { return nil }
        return 0x61
    }

    @inline(__always)
    static func isApostrophe(_ scalar: UInt32) -> Bool {
        scalar == 0x27 || scalar == 0x2018 || scalar == 0x2019 || scalar == 0x02BC || scalar == 0xFF07 || scalar == 0x60
            || scalar == 0xB4
    }

    /// Whether `bytes[index...]` is an "s" (or "S") that ends its word.
    static func possessiveFollows(_ bytes: [UInt8], _ index: Int) -> Bool {
        guard index < bytes.count, bytes[index] == 0x73 || bytes[index] == 0x53 else { return false }
        guard index + 1 < bytes.count else { return true }
        let next = bytes[index + 1]
        let isAlnum =
            (next >= 0x30 && next <= 0x39) || (next >= 0x41 && next <= 0x5A) || (next >= 0x61 && next <= 0x7A)
            || next >= 0xC0
        return !isAlnum
    }

    /// Decodes one scalar from UTF-8, replacing invalid sequences with U+FFFD.
    @inline(__always)
    static func decode(_ bytes: [UInt8], _ index: inout Int) -> UInt32 {
        let b0 = UInt32(bytes[index])
        if b0 < 0x80 {
            index += 1
            return b0
        }
        let count: Int
        var value: UInt32
        switch b0 {
        case 0xC2...0xDF:
            count = 1
            value = b0 & 0x1F
        case 0xE0...0xEF:
            count = 2
            value = b0 & 0x0F
        case 0xF0...0xF4:
            count = 3
            value = b0 & 0x07
        default:
            index += 1
            return 0xFFFD
        }
        guard index + count < bytes.count else {
            index += 1
            return 0xFFFD
        }
        for offset in 1...count {
            let b = UInt32(bytes[index + offset])
            guard b & 0xC0 == 0x80 else {
                index += 1
                return 0xFFFD
            }
            value = value << 6 | (b & 0x3F)
        }
        index += count + 1
        return value
    }
}
