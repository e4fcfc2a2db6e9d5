import Foundation

/// What makes two stored items the same listing whatever their GUIDs: a feed that mints
/// new GUIDs on every fetch, or the same post carried by two feeds. The key is the
/// normalised title and link:
/// - title: NFKC (full-width and compatibility forms folded), lower case, every run of
///   white space one space, trimmed;
/// - link: scheme dropped (http and https are the same page), host lower-cased, default
///   port and `www.` dropped, fragment dropped, tracking parameters (`utm_*`, `fbclid`,
///   `gclid`) dropped, the other parameters kept in order, a trailing `/` dropped. A
///   listing without a link is known by its title alone.
/// Two listings with the same key are one listing: a customer is alerted of it once
/// within the `backfill:` window (see `Store.insertHits`).
public enum ListingIdentity {
    /// The normalised title and link, one line each (stored as `item.content_key`).
    public static func key(title: String, link: String?) -> String {
        normalizedTitle(title) + "\n" + (link.map(normalizedLink) ?? "")
    }

    static func normalizedTitle(_ title: String) -> String {
        title.precomposedStringWithCompatibilityMapping.lowercased()
            .split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    static func normalizedLink(_ link: String) -> String {
        let trimmed = link.trimmingCharacters(in: .whitespacesAndNewlines)
        guard var components = URLComponents(string: trimmed), let host = components.host, !host.isEmpty else {
            return trimmed
        }
        var name = host.lowercased()
        if name.hasPrefix("www.") { name.removeFirst(4) }
        var port = ""
        if let number = components.port,
            !((components.scheme?.lowercased() == "http" && number == 80)
                || (components.scheme?.lowercased() == "https" && number == 443))
        {
            port = ":\(number)"
        }
        components.queryItems = components.queryItems?.filter { item in
            let key = item.name.lowercased()
            return !key.hasPrefix("utm_") && key != "fbclid" && key != "gclid"
        }
        var path = components.percentEncodedPath
        while path.hasSuffix("/") { path.removeLast() }
        let query = components.percentEncodedQuery.flatMap { $0.isEmpty ? nil : "?" + $0 } ?? ""
        return name + port + path + query
    }
}
