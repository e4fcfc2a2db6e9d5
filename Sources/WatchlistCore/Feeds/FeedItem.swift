import Foundation

/// A listing as parsed from a feed, before it is stored.
public struct FeedItem: Sendable, Equatable {
    public var guid: String?
    public var link: String?
    public var title: String
    /// Text for matching (HTML already reduced to text).
    public var body: String
    public var published: Date?

    public init(guid: String? = nil, link: String? = nil, title: String, body: String = "", published: Date? = nil) {
        self.guid = guid
        self.link = link
        self.title = title
        self.body = body
        self.published = published
    }

    /// What identifies the item within its feed: the GUID, else the link, else a hash of
    /// title and body.
    public var dedupKey: String {
        if let guid, !guid.isEmpty { return "guid:" + guid }
        if let link, !link.isEmpty { return "link:" + link }
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325  // FNV-1a, 64 bits
        for byte in title.utf8 + [0] + body.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return "hash:" + String(hash, radix: 16)
    }

    /// The text the matcher reads.
    /// Title and body as one text (the daemon matches them apart: `Matcher.match(title:body:)`).
    public var matchText: String { body.isEmpty ? title : title + "\n" + body }
}
