/// Character references left in a listing's text ("Trubee, Collins &amp; Co",
/// "VILLAFRANCA D&#039;ASTI", twice escaped: "&amp;amp;"): leak sites escape their titles, and
/// some feeds escape them again. The matcher reads the text as a person reads it (the daemon's
/// feed readers already decode once), while every reported byte range and `matched` text stays
/// the listing's own.
struct EntityDecoded {
    /// The text with its references decoded (up to three rounds).
    let text: String
    /// For every byte offset of `text` (and its end), the offset in the original.
    let originalOffset: [Int]

    /// Nil when the text has no reference to decode and no full-width Latin letter, digit,
    /// sign or space: "Ｃｈｉｎａ　Ｒａｉｌｗａｙ　Ｃｏｎｓｔｒｕｃｔｉｏｎ" is read as "China Railway
    /// Construction", so capitals and spaces around a name mean what they mean in ASCII.
    init?(_ original: String) {
        // Through the contiguous bytes: the generic `utf8.contains` walks the view byte by
        // byte (1 % of a match run, for every title and body).
        func has(_ byte: UInt8) -> Bool {
            original.utf8.withContiguousStorageIfAvailable { $0.contains(byte) } ?? original.utf8.contains(byte)
        }
        let hasReference = has(0x26)
        let mayBeWide = has(0xEF) || has(0xE3)
        guard hasReference || mayBeWide else { return nil }
        var bytes = Array(original.utf8)
        var map = Array(0...bytes.count)
        var changed = false
        for _ in 0..<(hasReference ? 3 : 0) {
            guard let (decoded, step) = Self.decodeOnce(bytes) else { break }
            map = step.map { map[$0] }
            bytes = decoded
            changed = true
        }
        if mayBeWide, let (narrow, step) = Self.narrowed(bytes) {
            map = step.map { map[$0] }
            bytes = narrow
            changed = true
        }
        guard changed else { return nil }
        text = String(decoding: bytes, as: UTF8.self)
        originalOffset = map
    }

    /// Full-width ASCII (U+FF01–FF5E) and the ideographic space as ASCII: the narrowed bytes and,
    /// per offset, the offset it came from; nil when there is none.
    static func narrowed(_ bytes: [UInt8]) -> ([UInt8], [Int])? {
        rewritten(bytes) { input, i in
            guard i + 2 < input.count else { return nil }
            if input[i] == 0xEF,
                input[i + 1] == 0xBC && input[i + 2] >= 0x81 || input[i + 1] == 0xBD && input[i + 2] <= 0x9E
            {
                let scalar = (UInt32(input[i + 1] & 0x3F) << 6) | UInt32(input[i + 2] & 0x3F) | 0xF000
                return ([UInt8(scalar - 0xFEE0)], i + 3)
            }
            return input[i] == 0xE3 && input[i + 1] == 0x80 && input[i + 2] == 0x80 ? ([0x20], i + 3) : nil
        }
    }

    /// One round: the decoded bytes and, per decoded offset, the offset it came from.
    static func decodeOnce(_ bytes: [UInt8]) -> ([UInt8], [Int])? {
        rewritten(bytes) { input, i in input[i] == 0x26 ? HTMLText.entity(input, i) : nil }
    }

    /// The bytes with what `replacement` gives at an offset (its bytes and where the rest
    /// resumes) put in place of the original, and per new offset the offset it came from;
    /// nil when nothing was replaced.
    static func rewritten(
        _ bytes: [UInt8],
        _ replacement: (UnsafeBufferPointer<UInt8>, Int) -> ([UInt8], Int)?
    ) -> ([UInt8], [Int])? {
        var out: [UInt8] = []
        var from: [Int] = []
        out.reserveCapacity(bytes.count)
        var replacedAny = false
        bytes.withUnsafeBufferPointer { input in
            var i = 0
            while i < input.count {
                if let (utf8, next) = replacement(input, i) {
                    for b in utf8 {
                        out.append(b)
                        from.append(i)
                    }
                    i = next
                    replacedAny = true
                } else {
                    out.append(input[i])
                    from.append(i)
                    i += 1
                }
            }
        }
        guard replacedAny else { return nil }
        from.append(bytes.count)
        return (out, from)
    }
}
