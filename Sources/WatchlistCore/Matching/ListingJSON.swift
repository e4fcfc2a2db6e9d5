/// Reads the three fields `match` needs from one JSON Lines listing,
/// `{"id": …, "title": "…", "body": "…"}`, without building a dictionary of everything
/// (JSONSerialization was a tenth of the matcher's time). Other keys and nested values
/// are skipped; anything that is not one well-formed JSON object gives nil.
struct ListingJSON {
    var id: String?
    var title = ""
    var body = ""

    static func parse(_ bytes: UnsafeRawBufferPointer) -> ListingJSON? {
        var reader = Reader(bytes: bytes)
        var listing = ListingJSON()
        reader.skipSpace()
        guard reader.take(0x7B) else { return nil }  // {
        reader.skipSpace()
        if reader.take(0x7D) { return reader.atEndAfterSpace() ? listing : nil }
        while true {
            reader.skipSpace()
            guard let key = reader.string() else { return nil }
            reader.skipSpace()
            guard reader.take(0x3A) else { return nil }  // :
            reader.skipSpace()
            switch key {
            case "id":
                if reader.peek == 0x22 {
                    guard let value = reader.string() else { return nil }
                    listing.id = value
                } else {
                    let start = reader.index
                    guard reader.skipValue() else { return nil }
                    listing.id = String(
                        decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<reader.index]),
                        as: UTF8.self
                    )
                }
            case "title", "body":
                if reader.peek == 0x22 {
                    guard let value = reader.string() else { return nil }
                    if key == "title" { listing.title = value } else { listing.body = value }
                } else {
                    guard reader.skipValue() else { return nil }
                }
            default:
                guard reader.skipValue() else { return nil }
            }
            reader.skipSpace()
            if reader.take(0x2C) { continue }  // ,
            guard reader.take(0x7D) else { return nil }  // }
            return reader.atEndAfterSpace() ? listing : nil
        }
    }

    struct Reader {
        let bytes: UnsafeRawBufferPointer
        var index = 0

        var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        mutating func take(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        mutating func atEndAfterSpace() -> Bool {
            skipSpace()
            return index == bytes.count
        }

        /// A JSON string at the cursor, unescaped; nil when malformed (bad escapes, raw
        /// control characters, lone surrogates or invalid UTF-8).
        mutating func string() -> String? {
            guard take(0x22) else { return nil }
            let start = index
            // Fast path: no escapes.
            while index < bytes.count, bytes[index] != 0x22, bytes[index] != 0x5C, bytes[index] >= 0x20 { index += 1 }
            guard index < bytes.count else { return nil }
            if bytes[index] == 0x22 {
                let slice = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
                index += 1
                return String(validating: slice, as: UTF8.self)
            }
            var out = [UInt8](UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                switch byte {
                case 0x22:
                    return String(validating: out, as: UTF8.self)
                case 0x5C:
                    guard index < bytes.count else { return nil }
                    let escape = bytes[index]
                    index += 1
                    switch escape {
                    case 0x22, 0x5C, 0x2F: out.append(escape)
                    case 0x62: out.append(0x08)
                    case 0x66: out.append(0x0C)
                    case 0x6E: out.append(0x0A)
                    case 0x72: out.append(0x0D)
                    case 0x74: out.append(0x09)
                    case 0x75:
                        guard var unit = hex4() else { return nil }
                        if (0xD800...0xDBFF).contains(unit) {
                            guard take(0x5C), take(0x75), let low = hex4(), (0xDC00...0xDFFF).contains(low) else {
                                return nil
                            }
                            unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                        } else if (0xDC00...0xDFFF).contains(unit) {
                            return nil
                        }
                        guard let scalar = Unicode.Scalar(unit) else { return nil }
                        out.append(contentsOf: String(Character(scalar)).utf8)
                    default:
                        return nil
                    }
                default:
                    guard byte >= 0x20 else { return nil }
                    out.append(byte)
                }
            }
            return nil
        }

        mutating func hex4() -> UInt32? {
            guard index + 4 <= bytes.count else { return nil }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let b = bytes[index]
                index += 1
                let digit: UInt32
                switch b {
                case 0x30...0x39: digit = UInt32(b - 0x30)
                case 0x41...0x46: digit = UInt32(b - 0x41 + 10)
                case 0x61...0x66: digit = UInt32(b - 0x61 + 10)
                default: return nil
                }
                value = value << 4 | digit
            }
            return value
        }

        /// Skips any JSON value (checked only as far as needed to find its end), nesting at
        /// most 512 deep like JSONSerialization.
        mutating func skipValue() -> Bool {
            var depth = 0
            repeat {
                skipSpace()
                guard let byte = peek else { return false }
                switch byte {
                case 0x22:
                    guard string() != nil else { return false }
                case 0x7B, 0x5B:
                    depth += 1
                    index += 1
                    guard depth <= 512 else { return false }
                    continue
                case 0x7D, 0x5D:
                    guard depth > 0 else { return false }
                    depth -= 1
                    index += 1
                case 0x2C, 0x3A:
                    guard depth > 0 else { return false }
                    index += 1
                    continue
                default:
                    let start = index
                    while index < bytes.count, ![0x2C, 0x7D, 0x5D, 0x20, 0x09, 0x0A, 0x0D, 0x3A].contains(bytes[index])
                    { index += 1 }
                    let token = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
                    guard !token.isEmpty else { return false }
                    let first = token[0]
                    if first == 0x74 || first == 0x66 || first == 0x6E {  // true, false, null
                        let word = String(decoding: token, as: UTF8.self)
                        guard word == "true" || word == "false" || word == "null" else { return false }
                    } else {
                        guard first == 0x2D || (0x30...0x39).contains(first) else { return false }
                        guard
                            token.allSatisfy({
                                (0x30...0x39).contains($0) || [0x2D, 0x2B, 0x2E, 0x65, 0x45].contains($0)
                            })
                        else {
                            return false
                        }
                    }
                }
            } while depth > 0
            return true
        }
    }
}
