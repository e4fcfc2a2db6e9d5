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
    /// The word the name straddles (for the explanation), or nil when it stands alone.
    static func straddledWord(_ text: NormalizedText, start: Int, end: Int) -> String? {
        let hasLeft = start > 0 && text.classes[start - 1] == .cjk && text.ends[start - 1] == text.starts[start]
        let hasRight = end < text.count && text.classes[end] == .cjk && text.starts[end] == text.ends[end - 1]
        guard hasLeft || hasRight else { return nil }

        var from = start
        while from > 0, start - from < 6, text.classes[from - 1] == .cjk, text.ends[from - 1] == text.starts[from] { from -= 1 }
        var to = end
        while to < text.count, to - end < 6, text.classes[to] == .cjk, text.starts[to] == text.ends[to - 1] { to += 1 }

        let window = Array(text.original(from..<to).utf16)
        let nameStart = text.original(from..<start).utf16.count
        let nameEnd = nameStart + text.original(start..<end).utf16.count
        var boundaries = [Int32](repeating: 0, count: window.count + 2)
        let count = window.withUnsafeBufferPointer { chars in
            boundaries.withUnsafeMutableBufferPointer { out in
                wl_icu_word_boundaries(chars.baseAddress, Int32(chars.count), out.baseAddress, Int32(out.count))
            }
        }
        guard count >= 0 else { return nil }  // ICU unavailable: no evidence either way
        let found = Set(boundaries.prefix(Int(count)).map(Int.init))
        for edge in [nameStart, nameEnd] where !found.contains(edge) {
            let before = found.filter { $0 < edge }.max() ?? 0
            let after = found.filter { $0 > edge }.min() ?? window.count
            return String(decoding: window[before..<after], as: UTF16.self)
        }
        if hasLeft && hasRight {
            let left = text.original(start - 1..<start + 1)
            let right = text.original(end - 1..<end + 1)
            if isWord(left) && isWord(right) { return "\(left) and \(right)" }
        }
        return nil
    }

    static func isWord(_ text: String) -> Bool {
        let chars = Array(text.utf16)
        return chars.withUnsafeBufferPointer { wl_icu_is_single_word($0.baseAddress, Int32($0.count)) } == 1
    }
}
