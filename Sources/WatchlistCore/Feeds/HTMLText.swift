/// Reduces HTML from titles and descriptions to the text a reader sees: tags dropped
/// (with `<script>`/`<style>` content), block tags turned into spaces, entities decoded
/// (named ones sellers actually use, and every numeric form). Not a full HTML parser:
/// its only job is to put the words a human reads next to each other for matching.
public enum HTMLText {
    public static func plain(_ html: String) -> String {
        guard html.contains("<") || html.contains("&") else { return html }
        var out = ""
        out.reserveCapacity(html.utf8.count)
        var index = html.startIndex
        while index < html.endIndex {
            let c = html[index]
            if c == "<" {
                guard let close = html[index...].firstIndex(of: ">") else {
                    out.append(contentsOf: html[index...])
                    break
                }
                let tag = html[html.index(after: index)..<close].lowercased()
                let name = tag.drop { $0 == "/" }.prefix { $0.isLetter || $0.isNumber }
                if name == "script" || name == "style" {
                    if let end = html.range(of: "</\(name)", options: .caseInsensitive, range: close..<html.endIndex),
                       let endClose = html[end.upperBound...].firstIndex(of: ">") {
                        index = html.index(after: endClose)
                        continue
                    }
                    break
                }
                if !["b", "i", "em", "strong", "span", "a", "u", "small", "font", "sup", "sub", "mark"].contains(String(name)) {
                    out.append(" ")
                }
                index = html.index(after: close)
            } else if c == "&" {
                let (decoded, next) = entity(in: html, at: index)
                out.append(contentsOf: decoded)
                index = next
            } else {
                out.append(c)
                index = html.index(after: index)
            }
        }
        return collapseWhitespace(out)
    }

    /// Decodes entities only (for text that is not HTML but arrives escaped).
    public static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out = ""
        var index = text.startIndex
        while index < text.endIndex {
            if text[index] == "&" {
                let (decoded, next) = entity(in: text, at: index)
                out.append(contentsOf: decoded)
                index = next
            } else {
                out.append(text[index])
                index = text.index(after: index)
            }
        }
        return out
    }

    static func collapseWhitespace(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    static let named: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ", "middot": "·",
        "ndash": "–", "mdash": "—", "lsquo": "‘", "rsquo": "’", "ldquo": "“", "rdquo": "”", "hellip": "…",
        "copy": "©", "reg": "®", "trade": "™", "laquo": "«", "raquo": "»", "bull": "•", "euro": "€",
        "yen": "¥", "pound": "£", "times": "×", "shy": "\u{AD}", "zwj": "\u{200D}", "zwnj": "\u{200C}",
        "eacute": "é", "egrave": "è", "aacute": "á", "agrave": "à", "ouml": "ö", "uuml": "ü", "auml": "ä",
        "szlig": "ß", "ccedil": "ç", "ntilde": "ñ", "oacute": "ó", "iacute": "í", "uacute": "ú",
    ]

    /// Decodes the entity at `start` (which is `&`); returns the text and where to go on.
    static func entity(in text: String, at start: String.Index) -> (Substring, String.Index) {
        let after = text.index(after: start)
        let limit = text.index(after, offsetBy: 12, limitedBy: text.endIndex) ?? text.endIndex
        guard let semicolon = text[after..<limit].firstIndex(of: ";") else { return ("&", after) }
        let body = text[after..<semicolon]
        let next = text.index(after: semicolon)
        if body.hasPrefix("#") {
            let digits = body.dropFirst()
            let value = digits.first == "x" || digits.first == "X" ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
            if let value, value != 0, let scalar = Unicode.Scalar(value) { return (Substring(String(Character(scalar))), next) }
            return ("\u{FFFD}", next)
        }
        if let decoded = named[String(body)] ?? named[body.lowercased()] { return (Substring(decoded), next) }
        return ("&", after)
    }
}
