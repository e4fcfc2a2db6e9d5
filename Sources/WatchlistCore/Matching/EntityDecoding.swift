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

    /// Nil when the text has no reference to decode.
    init?(_ original: String) {
        // Through the contiguous bytes: the generic `utf8.contains` walks the view byte by
        // byte (1 % of a match run, for every title and body).
        let hasReference =
            original.utf8.withContiguousStorageIfAvailable { $0.contains(0x26) } ?? original.utf8.contains(0x26)
        guard hasReference else { return nil }
        var bytes = Array(original.utf8)
        var map = Array(0...bytes.count)
        var changed = false
        for _ in 0..<3 {
            guard let (decoded, step) = Self.decodeOnce(bytes) else { break }
            map = step.map { map[$0] }
            bytes = decoded
            changed = true
        }
        guard changed else { return nil }
        text = String(decoding: bytes, as: UTF8.self)
        originalOffset = map
    }

    /// One round: the decoded bytes and, per decoded offset, the offset it came from.
    static func decodeOnce(_ bytes: [UInt8]) -> ([UInt8], [Int])? {
        var out: [UInt8] = []
        var from: [Int] = []
        out.reserveCapacity(bytes.count)
        var decodedAny = false
        bytes.withUnsafeBufferPointer { input in
            var i = 0
            while i < input.count {
                if input[i] == 0x26, let (utf8, next) = HTMLText.entity(input, i) {
                    for b in utf8 {
                        out.append(b)
                        from.append(i)
                    }
                    i = next
                    decodedAny = true
                } else {
                    out.append(input[i])
                    from.append(i)
                    i += 1
                }
            }
        }
        guard decodedAny else { return nil }
        from.append(bytes.count)
        return (out, from)
    }
}
