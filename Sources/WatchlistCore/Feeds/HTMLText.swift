/// Reduces HTML from titles and descriptions to the text a reader sees: tags dropped
/// (with `<script>`/`<style>` content), block tags turned into spaces, entities decoded
/// (named ones sellers actually use, and every numeric form). Not a full HTML parser:
/// its only job is to put the words a human reads next to each other for matching.
public enum HTMLText {
    public static func plain(_ html: String) -> String {
        guard html.contains("<") || html.contains("&") else { return collapseWhitespace(html) }
        var out = ""
        out.reserveCapacity(html.utf8.count)
        var index = html.startIndex
        while index < html.endIndex {
            let c = html[index]
            if c == "<", html[index...].hasPrefix("<!") {
                // A comment or declaration: gone without a trace (an unclosed one to the end).
                if html[index...].hasPrefix("<!--"), let end = html.range(of: "-->", range: index..<html.endIndex),
                   !html[index..<end.lowerBound].contains(">") {
                    index = end.upperBound
                } else if let close = html[index...].firstIndex(of: ">") {
                    index = html.index(after: close)
                } else {
                    break
                }
                continue
            }
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
                if !inline.contains(String(name)) {
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

    /// Elements that run inside a line of text: no word break at their edges.
    static let inline: Set<String> = ["b", "i", "em", "strong", "span", "a", "u", "small", "font", "sup", "sub", "mark", "blink", "abbr", "code", "q", "s", "tt"]

    static func collapseWhitespace(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

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
        if let value = HTMLEntities.codePoints[String(body)] ?? (body == "apos" ? 0x27 : HTMLEntities.codePoints[body.lowercased()]),
           let scalar = Unicode.Scalar(value) {
            return (Substring(String(Character(scalar))), next)
        }
        return ("&", after)
    }
}
