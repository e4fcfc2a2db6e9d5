import CICUWords

/// Word boundaries for short CJK names, which have no spaces to tell where a word ends:
/// 格力 (Gree) is inside 资格力争, 京东 (JD.com) inside 北京东南, 東芝 (Toshiba) inside 関東芝浦.
///
/// Evidence comes from ICU's dictionary-based word breaking (system libicu, through the
/// `CICUWords` shim). It is good evidence, not an oracle (see docs/platform-notes: ICU
/// reads 关|东芝|浦), so two tests are combined; a name straddles a word when either says so:
/// 1. segmenting the surrounding run of CJK text puts no boundary at the name's start
///    or end (北京|东南 for 京东);
/// 2. the character before the name and its first character form one word, and so do
///    its last character and the character after it (関東 and 芝浦 around 東芝).
enum CJKBoundaries {
    /// Simplified → traditional, character by character (OpenCC s2t), for ICU: its
    /// dictionary knows many words only in traditional characters (寶馬|車主 but 宝|马车|主).
    static let traditional: [UInt32: UInt32] = {
        var han: [UInt32] = []
        for value in UInt32(0x4E00)...UInt32(0x9FFF) { han.append(value) }
        var text = ""
        text.reserveCapacity(han.count * 4)
        for value in han {
            text.unicodeScalars.append(Unicode.Scalar(value)!)
            text.append("\n")
        }
        guard let converted = FoldTable.convert(text, config: "s2t.json") else { return [:] }
        let lines = converted.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count == han.count + 1 else { return [:] }
        var map: [UInt32: UInt32] = [:]
        for (index, line) in lines.dropLast().enumerated() {
            let scalars = line.unicodeScalars
            if scalars.count == 1, let first = scalars.first, first.value != han[index] {
                map[han[index]] = first.value
            }
        }
        return map
    }()

    static func toTraditional(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            out.append(traditional[scalar.value].flatMap(Unicode.Scalar.init) ?? scalar)
        }
        return String(out)
    }

    /// The word the name straddles (for the explanation), or nil when it stands alone.
    static func straddledWord(_ text: NormalizedText, start: Int, end: Int) -> String? {
        let hasLeft = start > 0 && text.classes[start - 1] == .cjk && text.ends[start - 1] == text.starts[start]
        let hasRight = end < text.count && text.classes[end] == .cjk && text.starts[end] == text.ends[end - 1]
        guard hasLeft || hasRight else { return nil }

        var from = start
        while from > 0, start - from < 6, text.classes[from - 1] == .cjk, text.ends[from - 1] == text.starts[from] {
            from -= 1
        }
        var to = end
        while to < text.count, to - end < 6, text.classes[to] == .cjk, text.starts[to] == text.ends[to - 1] { to += 1 }

        let before = text.original(from..<start)
        let name = text.original(start..<end)
        let after = text.original(end..<to)
        // Rule 1: the segmentation of the window, in the listing's characters and in
        // traditional ones, must put boundaries at both ends of the name.
        var crossed: [String] = []
        for (b, n, a) in [(before, name, after), (toTraditional(before), toTraditional(name), toTraditional(after))] {
            guard let word = crossedWord(before: b, name: n, after: a) else {
                crossed = []
                break
            }
            crossed.append(word)
        }
        if let word = crossed.first { return word }
        // Rule 2: both neighbours form words with the name's edge characters.
        if hasLeft && hasRight {
            let left = text.original(start - 1..<start + 1)
            let right = text.original(end - 1..<end + 1)
            if isWord(left) && isWord(right) { return "\(left) and \(right)" }
        }
        return nil
    }

    /// The ICU word crossing the name's start or end in `before + name + after`, if any.
    static func crossedWord(before: String, name: String, after: String) -> String? {
        let window = Array((before + name + after).utf16)
        let nameStart = before.utf16.count
        let nameEnd = nameStart + name.utf16.count
        var boundaries = [Int32](repeating: 0, count: window.count + 2)
        let count = window.withUnsafeBufferPointer { chars in
            boundaries.withUnsafeMutableBufferPointer { out in
                wl_icu_word_boundaries(chars.baseAddress, Int32(chars.count), out.baseAddress, Int32(out.count))
            }
        }
        guard count >= 0 else { return nil }  // ICU unavailable: no evidence either way
        let found = Set(boundaries.prefix(Int(count)).map(Int.init))
        for edge in [nameStart, nameEnd] where !found.contains(edge) {
            let from = found.filter { $0 < edge }.max() ?? 0
            let to = found.filter { $0 > edge }.min() ?? window.count
            return String(decoding: window[from..<to], as: UTF16.self)
        }
        return nil
    }

    /// Whether ICU reads `text` as one word, in its own characters or in traditional ones.
    static func isWord(_ text: String) -> Bool {
        isSingleWord(text) || isSingleWord(toTraditional(text))
    }

    static func isSingleWord(_ text: String) -> Bool {
        let chars = Array(text.utf16)
        return chars.withUnsafeBufferPointer { wl_icu_is_single_word($0.baseAddress, Int32($0.count)) } == 1
    }
}

/// The system ICU's version, loaded at run time (for `--version`).
enum ICUWords {
    static var libraryVersion: String {
        var buffer = [CChar](repeating: 0, count: 32)
        wl_icu_version(&buffer, Int32(buffer.count))
        return String(cString: buffer)
    }
}
