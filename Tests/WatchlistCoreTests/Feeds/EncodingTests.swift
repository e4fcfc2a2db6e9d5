import Foundation
import Testing
@testable import WatchlistCore

/// Every encoding the parser must read, served by a real HTTP server (some with an HTTP
/// charset), decoded and parsed to the exact title written by
/// Tests/Support/make_encoding_fixtures.py (Python's codecs, not ours); then matched.
@Suite("Encodings", .serialized)
struct EncodingTests {
    static let folder = Repo.fixtures.appendingPathComponent("encodings")
    static let expected: [String: String] = {
        let data = try! Data(contentsOf: folder.appendingPathComponent("expected.json"))
        return try! JSONSerialization.jsonObject(with: data) as! [String: String]
    }()
    static let server = Result { try ServerProcess.http(serving: folder.path) }

    @Test(arguments: expected.keys.sorted())
    func decodesToTheRightText(_ file: String) async throws {
        let server = try Self.server.get()
        let feed = FeedConfig(url: "http://127.0.0.1:\(server.port)/\(file)", name: file)
        let response = try await Fetcher().fetch(FetchRequest(feed: feed.name, url: feed.url)).get()
        let parsed = try FeedParser.parseDocument(response.body, feed: feed, contentType: response.contentType).get()
        #expect(
            parsed.items.map(\.title) == [Self.expected[file]!],
            "read as \(parsed.encoding) (\(parsed.encodingSource))"
        )
        #expect(parsed.title == (file as NSString).deletingPathExtension)
        switch file {
        case "http-charset-overrides.xml":
            #expect(parsed.encodingSource == .http)
            #expect(parsed.encoding == "gb18030")
        case "wrong-declaration.xml":
            #expect(parsed.encodingSource == .fallback, "the bytes contradict the declaration")
        case _ where file.contains("undeclared"):
            #expect(parsed.encodingSource == .detected)
        case _ where file.contains("-bom"):
            #expect(parsed.encodingSource == .bom)
        default:
            break
        }
    }

    @Test func fetchCommandShowsTheEncodingItemsAndHits() throws {
        let server = try Self.server.get()
        let dir = try TempDir()
        try dir.write(
            "w.conf",
            """
            watchlists: \(Repo.fixtures.path)/watchlists
            database: db.sqlite
            feed: http://127.0.0.1:\(server.port)/big5-undeclared.xml
              name: tw-board
            feed: http://127.0.0.1:\(server.port)/missing.xml
              name: gone
            """
        )
        let shown = try runBinary(["fetch", "--config", dir.path + "/w.conf", "tw-board"])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("rss, read as big5-hkscs (detected), 1 items"), "\(shown.stdout)")
        #expect(shown.stdout.contains("1. 凱斯特銀行客戶資料庫出售"))
        #expect(shown.stdout.contains("HIT Kestrel Bank | Kestrel Bank | alias 凯斯特银行 | matched \"凱斯特銀行\""))
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/db.sqlite"), "fetch touches no database")
        let gone = try runBinary(["fetch", "--config", dir.path + "/w.conf", "gone"])
        #expect(gone.status == 69)
        #expect(gone.stderr.contains("feed gone (http://127.0.0.1:\(server.port)/missing.xml): HTTP status 404"))
    }

    @Test func decodedTitlesAreMatched() throws {
        let (lists, _) = try WatchlistParser.loadDirectory(Repo.fixtures.appendingPathComponent("watchlists").path)
        let matcher = Matcher(watchlists: lists)
        for (file, entity) in [
            ("big5-undeclared.xml", "Kestrel Bank"), ("gbk-undeclared.xml", "Kestrel Bank"),
            ("shift_jis-undeclared.xml", "Lumen Pharma"), ("euc-jp-declared.xml", "Lumen Pharma"),
            ("iso-2022-jp.xml", "Lumen Pharma"), ("windows-1251-undeclared.xml", "Orion Shipping & Logistics"),
        ] {
            let data = try Data(contentsOf: Self.folder.appendingPathComponent(file))
            let items = try FeedParser.parse(data, feed: FeedConfig(url: "file:///x", name: file)).get()
            let hits = matcher.match(items[0].matchText, threshold: 0.8)
            #expect(hits.map(\.entity).contains(entity), "\(file): \(items[0].title) → \(hits.map(\.entity))")
        }
    }

    @Test func invalidBytesAreReplacedNotFatal() {
        // GB18030 with a cut-off character in the middle, declared.
        var bytes = Array("<?xml version=\"1.0\" encoding=\"GB18030\"?><rss><channel><item><title>".utf8)
        bytes += [0xBF, 0xAD, 0xCB, 0xB9, 0xCC]  // 凯斯 then half a character
        bytes += Array("</title></item></channel></rss>".utf8)
        let items = try? FeedParser.parse(Data(bytes), feed: FeedConfig(url: "file:///x", name: "x")).get()
        #expect(items?.first?.title.hasPrefix("凯斯") == true, "\(String(describing: items))")
        #expect(items?.first?.title.contains("\u{FFFD}") == true)
    }
}

/// The formats beyond those of the end-to-end test, fetched from the real HTTP server.
@Suite("Formats", .serialized)
struct FormatTests {
    static let server = Result { try ServerProcess.http(serving: Repo.fixtures.appendingPathComponent("feeds").path) }

    static func parse(_ name: String, format: FeedConfig.Format = .auto) throws -> ParsedFeed {
        let port = try server.get().port
        let fetched = Fetcher.fetchBlocking(FetchRequest(feed: name, url: "http://127.0.0.1:\(port)/\(name)"))
        let response = try fetched.get()
        return try FeedParser.parseDocument(
            response.body,
            feed: FeedConfig(url: "http://127.0.0.1/board/feed", name: name, format: format),
            contentType: response.contentType
        ).get()
    }

    @Test func atom03WithBase64AndEscapedTitlesAndRelativeLinks() throws {
        let feed = try Self.parse("atom03.xml")
        #expect(feed.format == .atom)
        #expect(feed.title == "Old Atom 0.3 leak board")
        #expect(feed.items.map(\.title) == ["Kestrel Bank staff directory", "Orion Shipping manifests"])
        #expect(feed.items.map(\.link) == ["http://127.0.0.1/board/posts/1", "http://127.0.0.1/board/posts/2"])
        #expect(feed.items[0].published == FeedDates.parse("2026-11-20T08:00:00Z"))
    }

    @Test func jsonLinesAreSniffedAndABadLineIsSkipped() throws {
        let feed = try Self.parse("posts.jsonl")
        #expect(feed.format == .jsonLines)
        #expect(feed.items.map(\.guid) == ["p1", "p2", "p3"])
        #expect(feed.items[2].body == "12 GB")
        #expect(feed.items[0].published != nil)
        #expect(try Self.parse("posts.jsonl", format: .jsonl).items.count == 3)
    }

    @Test func jsonFeedAndHTMLEntitiesAndBareAmpersands() throws {
        #expect(try Self.parse("jsonfeed.json").format == .jsonFeed)
        let xml =
            "<rss><channel><title>AT&T &eacute;t&eacute; &nbsp;&copy; &unknown;</title><item><title>Caf&eacute; &amp; co</title></item></channel></rss>"
        let feed = try FeedParser.parseDocument(Data(xml.utf8), feed: FeedConfig(url: "file:///x", name: "x")).get()
        #expect(feed.title == "AT&T été © &unknown;")
        #expect(feed.items.map(\.title) == ["Café & co"])
    }
}
