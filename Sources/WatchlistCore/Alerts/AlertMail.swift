import Foundation

/// One alert e-mail: one customer's new hits, to that customer's recipients only.
public struct AlertMail: Sendable {
    public var customer: String
    public var from: String
    public var recipients: [String]
    public var hits: [StoredHit]
    /// The outbox rows this message delivers; the Message-ID is derived from them so a
    /// resend after a crash carries the same Message-ID.
    public var outboxIDs: [Int64]
    public var date: Date
    /// A `watchlistd test-alert` message: marked as a test everywhere it shows.
    public var isTest = false
    /// The store's `databaseID`: part of the Message-ID, so the same outbox row numbers in
    /// a rebuilt database give a different Message-ID.
    public var databaseID = ""

    public init(customer: String, from: String, recipients: [String], hits: [StoredHit], outboxIDs: [Int64], date: Date)
    {
        self.customer = customer
        self.from = from
        self.recipients = recipients
        self.hits = hits
        self.outboxIDs = outboxIDs
        self.date = date
    }

    public var messageID: String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in (databaseID + ":" + customer + ":" + outboxIDs.sorted().map(String.init).joined(separator: ","))
            .utf8
        {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        let domain = from.split(separator: "@").last.map(String.init) ?? "watchlistd.invalid"
        if isTest { return "<test.\(Int(date.timeIntervalSince1970)).\(String(hash, radix: 16))@\(domain)>" }
        let database = databaseID.isEmpty ? "" : "." + databaseID.prefix(12)
        return "<alert.\(outboxIDs.min() ?? 0)\(database).\(String(hash, radix: 16))@\(domain)>"
    }

    public var subject: String {
        if isTest { return "[watchlistd] TEST alert for \(customer) — no action needed" }
        var entities: [String] = []
        for hit in hits where !entities.contains(hit.entity) { entities.append(hit.entity) }
        let top = entities.prefix(3).joined(separator: ", ") + (entities.count > 3 ? ", …" : "")
        let count = hits.count == 1 ? "1 new hit" : "\(hits.count) new hits"
        return "[watchlistd] \(customer): \(count) — \(top)"
    }

    /// The text the recipient reads. Every value from a feed is made single-line.
    public var textBody: String {
        var lines = [
            "watchlistd found \(hits.count == 1 ? "a new mention" : "\(hits.count) new mentions") for \(MailHeader.singleLine(customer)).",
            "",
        ]
        if isTest {
            lines = [
                "THIS IS A TEST sent by `watchlistd test-alert` to check that alerts for \(MailHeader.singleLine(customer)) arrive.",
                "Nothing was found; no action is needed.", "",
            ]
        }
        for (index, hit) in hits.enumerated() {
            lines.append(
                "\(index + 1). \(MailHeader.singleLine(hit.entity)) — \(hit.relation) \"\(MailHeader.singleLine(hit.name))\" (score \(String(format: "%.2f", hit.score)), in the \(hit.field))"
            )
            lines.append("   matched:   \(MailHeader.singleLine(hit.matched))")
            lines.append("   listing:   \(MailHeader.singleLine(String(hit.title.prefix(300))))")
            if let excerpt = hit.excerpt { lines.append("   excerpt:   \(MailHeader.singleLine(excerpt))") }
            lines.append("   feed:      \(MailHeader.singleLine(hit.feed)), item \(MailHeader.singleLine(hit.itemKey))")
            if let link = hit.link { lines.append("   link:      \(MailHeader.singleLine(link))") }
            lines.append("   watchlist: \((hit.watchFile as NSString).lastPathComponent):\(hit.watchLine)")
            lines.append("   seen:      \(FeedDates.rfc3339(hit.seen))")
            lines.append("")
        }
        lines.append("-- ")
        lines.append("Sent by watchlistd. Reply to your threat-intelligence team, not to this address.")
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// The same as HTML: each hit with the matched text highlighted in the listing's
    /// title. Every value from a feed or a watchlist is HTML-escaped.
    public var htmlBody: String {
        func esc(_ text: String) -> String { HTMLEscape.escape(MailHeader.singleLine(text)) }
        var html = [
            "<!DOCTYPE html>", "<html><head><meta charset=\"utf-8\"><title>\(esc(subject))</title></head>",
            "<body style=\"font-family: sans-serif\">",
            "<p>watchlistd found \(hits.count == 1 ? "a new mention" : "\(hits.count) new mentions") for <b>\(esc(customer))</b>.</p>",
            "<table cellpadding=\"6\" style=\"border-collapse: collapse\">",
        ]
        for hit in hits {
            let title = String(hit.title.prefix(300))
            var shown = esc(title)
            if let range = title.range(of: hit.matched) {
                shown =
                    esc(String(title[..<range.lowerBound])) + "<mark>" + esc(hit.matched) + "</mark>"
                    + esc(String(title[range.upperBound...]))
            }
            html.append("<tr style=\"border-top: 1px solid #ccc\"><td>")
            html.append(
                "<b>\(esc(hit.entity))</b> — \(esc(hit.relation)) “\(esc(hit.name))”, score \(String(format: "%.2f", hit.score)), in the \(esc(hit.field))<br>"
            )
            html.append("Listing: \(shown)<br>")
            if let excerpt = hit.excerpt, let range = excerpt.range(of: hit.matched) {
                html.append(
                    "Excerpt: \(esc(String(excerpt[..<range.lowerBound])))<mark>\(esc(hit.matched))</mark>\(esc(String(excerpt[range.upperBound...])))<br>"
                )
            }
            html.append("Matched: <mark>\(esc(hit.matched))</mark><br>")
            html.append("Feed: \(esc(hit.feed)), item \(esc(hit.itemKey))")
            if let link = hit.link, link.lowercased().hasPrefix("http://") || link.lowercased().hasPrefix("https://") {
                html.append(" — <a href=\"\(esc(link))\">\(esc(link))</a>")
            } else if let link = hit.link {
                html.append(" — \(esc(link))")  // not a web link: shown, never clickable
            }
            html.append("<br>Watchlist line: \(esc((hit.watchFile as NSString).lastPathComponent)):\(hit.watchLine)")
            html.append("</td></tr>")
        }
        html.append("</table><p style=\"color: #666\">Sent by watchlistd.</p></body></html>")
        return html.joined(separator: "\r\n") + "\r\n"
    }

    /// The whole message: RFC 5322, multipart/alternative with a plain-text and an HTML
    /// part, each base64 UTF-8 (no line of feed text can break the message or exceed the
    /// line-length limit).
    public func render() -> Data {
        var headers: [String] = []
        headers.append("From: " + from)
        headers.append("To: " + recipients.joined(separator: ", "))
        headers.append(MailHeader.encoded(name: "Subject", value: subject))
        headers.append("Date: " + MailHeader.date(date))
        headers.append("Message-ID: " + messageID)
        headers.append("Auto-Submitted: auto-generated")
        headers.append("X-Watchlistd-Customer: " + MailHeader.encodedValue(customer, nameLength: 23))
        headers.append("MIME-Version: 1.0")
        // Base64 never contains "=_", so the boundary cannot occur inside a part.
        let boundary = "=_watchlistd_" + String(messageID.hashValueStable, radix: 16)
        headers.append("Content-Type: multipart/alternative; boundary=\"\(boundary)\"")
        func part(_ type: String, _ text: String) -> String {
            "--\(boundary)\r\nContent-Type: \(type); charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + Data(text.utf8).base64EncodedString(options: [
                    .lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed,
                ])
                + "\r\n"
        }
        let body = part("text/plain", textBody) + part("text/html", htmlBody) + "--\(boundary)--\r\n"
        return Data((headers.joined(separator: "\r\n") + "\r\n\r\n" + body).utf8)
    }
}

/// Header-safe text: what comes from a feed never reaches a header raw.
public enum MailHeader {
    /// Replaces CR, LF, NUL, other C0/C1 controls, U+2028/2029 with a space.
    public static func singleLine(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029: out.append(" ")
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    /// `Name: value`, RFC 2047 base64-encoded words when the value is not plain ASCII,
    /// folded so that no line exceeds 78 characters.
    public static func encoded(name: String, value: String) -> String {
        "\(name): " + encodedValue(value, nameLength: name.count + 2)
    }

    static func encodedValue(_ value: String, nameLength: Int) -> String {
        let clean = singleLine(value)
        let ascii = clean.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }
        if ascii && clean.count + nameLength <= 78 && !clean.contains("=?") { return clean }
        // Encoded words of at most 45 bytes of UTF-8 (60 base64 characters + 12 of wrapping),
        // split on character boundaries; one per line, continuation lines start with a space.
        var words: [String] = []
        var chunk = Data()
        for character in clean {
            let bytes = Data(String(character).utf8)
            if chunk.count + bytes.count > 45 {
                words.append("=?UTF-8?B?" + chunk.base64EncodedString() + "?=")
                chunk = Data()
            }
            chunk.append(bytes)
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?" + chunk.base64EncodedString() + "?=") }
        return words.joined(separator: "\r\n ")
    }

    public static func date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}

/// HTML escaping for the alert's HTML part.
enum HTMLEscape {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}

extension String {
    /// FNV-1a of the UTF-8 bytes: stable across runs (Swift's hashValue is seeded).
    var hashValueStable: UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return hash
    }
}
