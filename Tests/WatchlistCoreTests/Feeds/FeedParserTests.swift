import Foundation
import Testing
@testable import WatchlistCore

@Suite("Feed parsing")
struct FeedParserTests {
    func feed(
        _ name: String,
        format: FeedConfig.Format = .auto,
        items: String = "$",
        title: String = "title",
        link: String? = nil,
        id: String? = nil,
        date: String? = nil
    ) -> FeedConfig {
        FeedConfig(
            url: "http://127.0.0.1/\(name)",
            name: name,
            interval: .seconds(600),
            proxy: nil,
            format: format,
            itemsPath: items,
            titlePath: title,
            linkPath: link,
            idPath: id,
            datePath: date,
            bodyPath: nil,
            line: 1
        )
    }

    func parse(_ file: String, _ config: FeedConfig) throws -> Result<[FeedItem], ParseError> {
        let data = try Data(contentsOf: Repo.fixtures.appendingPathComponent("feeds/\(file)"))
        return FeedParser.parse(data, feed: config)
    }

    @Test func rss2() throws {
        let items = try parse("rss2.xml", feed("rss2")).get()
        #expect(items.count == 3)
        #expect(items[0].title == "Selling Orion Shipping & Logistics customer DB")
        #expect(items[0].guid == "t-1")
        #expect(items[0].link == "http://127.0.0.1/t/1")
        #expect(items[0].body == "Rows from orion-shipping.example — 40k")  // tags and script dropped, entity decoded
        #expect(items[0].published == Date(timeIntervalSince1970: 1_795_520_400))
        #expect(items[1].body == "凯斯特银行 员工表")  // content:encoded
        #expect(items[1].published != nil)  // dc:date
        #expect(items[2].guid == nil && items[2].link == nil)
    }

    @Test func atom() throws {
        let items = try parse("atom.xml", feed("atom")).get()
        #expect(items.map(\.title) == ["Lumen Pharma research files", "ルーメン製薬の顧客データ"])
        #expect(items.map(\.link) == ["http://127.0.0.1/a/1", "http://127.0.0.1/a/2"])  // rel=alternate, not self
        #expect(items[0].guid == "urn:fixture:atom:1")
        #expect(items[0].body == "Lab data 2026")
        #expect(items[1].body == "販売中")
    }

    @Test func rdf() throws {
        let items = try parse("rdf.xml", feed("rdf")).get()
        #expect(items.map(\.title) == ["Orion Shipping leak part 2"])
    }

    @Test func jsonFeed() throws {
        let items = try parse("jsonfeed.json", feed("jf")).get()
        #expect(items.map(\.guid) == ["j1", "j2"])
        #expect(items[0].body == "SWIFT MT103 sample")
        #expect(items[1].body == "cats & dogs")
    }

    @Test func plainJSONThroughFieldPaths() throws {
        let items = try parse(
            "api.json",
            feed(
                "api",
                format: .json,
                items: "data.posts",
                title: "post_title",
                id: "meta.id",
                date: "discovered"
            )
        ).get()
        #expect(items.map(\.title) == ["lumen-pharma.example", "Some Other Victim"])
        #expect(items.map(\.guid) == ["77", "78"])
        #expect(items[0].published != nil)
        guard case .failure(let error) = try parse("api.json", feed("api", format: .json, items: "data.nope")) else {
            Issue.record("a wrong items path must fail")
            return
        }
        #expect(error.description.contains("`items: data.nope` does not lead to a JSON array"))
    }

    @Test func truncatedXMLIsAnError() throws {
        guard case .failure(let error) = try parse("truncated.xml", feed("cut")) else {
            Issue.record("a truncated document must not parse")
            return
        }
        #expect(error.description.hasPrefix("feed cut: malformed XML"))
    }

    @Test func externalEntitiesAreNeverLoaded() throws {
        // The DOCTYPE is dropped: the reference to /etc/hostname stays text, nothing is read.
        #expect(try parse("xxe.xml", feed("xxe")).get().map(\.title) == ["leak &secret; end"])
    }

    @Test(arguments: [
        ("Mon, 23 Nov 2026 08:14:00 +0000", 1_795_421_640.0), ("23 Nov 2026 08:14:00 GMT", 1_795_421_640.0),
        ("2026-11-23T08:14:00Z", 1_795_421_640.0), ("2026-11-23T16:14:00+08:00", 1_795_421_640.0),
        ("2026-11-23 08:14:00.000000", 1_795_421_640.0), ("Mon, 23 Nov 2026 03:14:00 EST", 1_795_421_640.0),
        ("Mon, 23 Nov 26 08:14 GMT", 1_795_421_640.0), ("23 November 2026 08:14:00", 1_795_421_640.0),
        ("Mon,23 Nov 2026 17:14:00 +0900", 1_795_421_640.0), ("2026-11-23T08:14:00.250Z", 1_795_421_640.25),
        ("2026-11-23T08:14Z", 1_795_421_640.0), ("2026-11-23", 1_795_392_000.0),
        ("  2026-11-23t08:14:00+00:00 ", 1_795_421_640.0),
        ("Thu, 01 Jan 1970 00:00:00 GMT", 0), ("Sat, 29 Feb 2020 12:00:00 +0000", 1_582_977_600.0),
    ])
    func dates(_ text: String, _ epoch: Double) {
        #expect(FeedDates.parse(text)?.timeIntervalSince1970 == epoch)
    }

    @Test func unparseableDateIsNil() {
        for text in [
            "last Tuesday", "2026-13-01T00:00:00Z", "2026-11-23T25:00:00Z", "Mon, 23 Foo 2026 08:14:00 GMT",
            "2026-11-23T08:14:00 trailing", "", "31 Nov",
        ] {
            #expect(FeedDates.parse(text) == nil, "\(text)")
        }
    }

    @Test(arguments: [
        ("<p>a</p><p>b</p>", "a b"), ("Gr<b>ee</b>n", "Green"), ("&#x683C;&#21147;", "格力"), ("AT&amp;T", "AT&T"),
        ("x <style>p{}</style> y", "x y"), ("5 &lt; 6", "5 < 6"), ("a &bogus; b", "a &bogus; b"),
    ])
    func htmlToText(_ html: String, _ text: String) {
        #expect(HTMLText.plain(html) == text)
    }

    @Test func deepNestingIsRefused() {
        let depth = 100_000
        let xml =
            "<rss><channel><item><title>" + String(repeating: "<b>", count: depth) + "x"
            + String(repeating: "</b>", count: depth)
            + "</title></item></channel></rss>"
        let result = FeedParser.parse(Data(xml.utf8), feed: feed("deep"))
        guard case .failure(let error) = result else {
            Issue.record("100,000 levels must be refused (libxml2's depth limit)")
            return
        }
        #expect(error.description.contains("malformed XML"), "\(error)")
    }

    @Test func quadraticBlowUpIsBounded() throws {
        // A 100 KB internal entity referenced 20,000 times: 2 GB if expanded.
        let entity = String(repeating: "a", count: 100_000)
        let xml =
            "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY big \"\(entity)\">]><rss><channel><item><title>"
            + String(repeating: "&big;", count: 20_000) + "</title></item></channel></rss>"
        // Never expanded (the DOCTYPE is dropped); its time is in `make bench-feeds`, not here.
        #expect(
            try FeedParser.parse(Data(xml.utf8), feed: feed("quadratic")).get().map(\.title) == [
                String(repeating: "&big;", count: 20_000)
            ]
        )
    }
}
