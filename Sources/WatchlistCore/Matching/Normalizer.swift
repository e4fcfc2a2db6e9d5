/// Text in the form names are matched in, with a way back to the original.
///
/// `scalars[i]` is a folded scalar (see `FoldTable`); separators are collapsed so that
/// a single space (0x20) stands only between two word characters, and nothing stands
/// between CJK characters or between CJK and Latin ("中国 移动" → "中国移动",
/// "China-Mobile" → "china mobile", "TCL 科技" → "tcl科技"). `starts[i]..<ends[i]` is
/// the UTF-8 byte range of the original text that produced `scalars[i]`, so any match
/// can be reported exactly as it stands in the listing.
public struct NormalizedText: Sendable {
    public var scalars: [UInt32] = []
    public var classes: [ScalarClass] = []
    public var starts: [Int32] = []
    public var ends: [Int32] = []
    /// The original text's UTF-8 bytes.
    public var utf8: [UInt8] = []

    /// The original text behind `scalars[range]`.
    public func original(_ range: Range<Int>) -> String {
        guard !range.isEmpty else { return "" }
        return String(decoding: utf8[Int(starts[range.lowerBound])..<Int(ends[range.upperBound - 1])], as: UTF8.self)
    }

    /// The folded form as a string (for explanations and tests).
    public var folded: String {
        String(String.UnicodeScalarView(scalars.compactMap(Unicode.Scalar.init)))
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

        var folded: [UInt32] = []
        folded.reserveCapacity(8)
        var pendingSpace: (start: Int32, end: Int32)?
        var lastClass = ScalarClass.separator
        var index = 0
        while index < bytes.count {
            let start = index
            let scalar = Self.decode(bytes, &index)
            let end = Int32(index)
            folded.removeAll(keepingCapacity: true)
            let cls = table.fold(scalar, into: &folded)
            switch cls {
            case .drop:
                continue
            case .mark:
                if !result.ends.isEmpty && pendingSpace == nil { result.ends[result.ends.count - 1] = end }
                continue
            case .kanaMark:
                if lastClass == .cjk, pendingSpace == nil, let last = result.scalars.last,
                   let composed = table.composeKana(last, with: folded.first ?? 0x3099) {
                    result.scalars[result.scalars.count - 1] = composed
                    result.ends[result.ends.count - 1] = end
                }
                continue
            default:
                break
            }
            for value in folded {
                let valueClass = table.classOfFolded(value)
                switch valueClass {
                case .word:
                    if let space = pendingSpace, lastClass == .word {
                        result.scalars.append(FoldTable.space)
                        result.classes.append(.separator)
                        result.starts.append(space.start)
                        result.ends.append(space.end)
                    }
                    pendingSpace = nil
                    lastClass = .word
                case .cjk:
                    pendingSpace = nil
                    lastClass = .cjk
                default:
                    if lastClass == .word, pendingSpace == nil { pendingSpace = (Int32(start), end) }
                    continue
                }
                result.scalars.append(value)
                result.classes.append(valueClass)
                result.starts.append(Int32(start))
                result.ends.append(end)
            }
        }
        return result
    }

    /// Decodes one scalar from UTF-8, replacing invalid sequences with U+FFFD.
    @inline(__always)
    static func decode(_ bytes: [UInt8], _ index: inout Int) -> UInt32 {
        let b0 = UInt32(bytes[index])
        if b0 < 0x80 { index += 1; return b0 }
        let count: Int
        var value: UInt32
        switch b0 {
        case 0xC2...0xDF: count = 1; value = b0 & 0x1F
        case 0xE0...0xEF: count = 2; value = b0 & 0x0F
        case 0xF0...0xF4: count = 3; value = b0 & 0x07
        default: index += 1; return 0xFFFD
        }
        guard index + count < bytes.count else { index += 1; return 0xFFFD }
        for offset in 1...count {
            let b = UInt32(bytes[index + offset])
            guard b & 0xC0 == 0x80 else { index += 1; return 0xFFFD }
            value = value << 6 | (b & 0x3F)
        }
        index += count + 1
        return value
    }
}
