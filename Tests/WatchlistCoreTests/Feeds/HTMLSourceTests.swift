import Foundation
import Testing
@testable import WatchlistCore

/// `format: html` sources: pages we wrote (examples/sources/ and Tests/Fixtures/html/)
/// served by the real fixture HTTP server, read with the examples' own blocks.
@Suite("HTML sources", .serialized)
struct HTMLSourceTests {
    static let examples = Repo.root.appendingPathComponent("examples/sources")
    static let pages = Repo.fixtures.appendingPathComponent("html")
    /// A copy is served: the server writes its request log beside the folder it serves.
    nonisolated(unsafe) static let exampleCopy = Result { () throws -> TempDir in
        let dir = try TempDir()
        try FileManager.default.copyItem(at: examples, to: dir.url.appendingPathComponent("sources"))
        return dir
    }
    static let exampleServer = Result { try ServerProcess.http(serving: exampleCopy.get().path + "/sources") }
    static let pageServer = Result { try ServerProcess.http(serving: pages.path) }

    /// The first feed of `examples/sources/NAME.conf`, its `feed:` URL replaced by `url`
    /// and its `proxy:` (if any) by `proxy`.
    static func exampleFeed(_ name: String, url: String, proxy: String? = nil, file: String? = nil) throws -> FeedConfig
    {
        let text = try String(contentsOf: examples.appendingPathComponent(name + ".conf"), encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("feed:") { return "feed: " + url }
            if trimmed.hasPrefix("proxy:"), let proxy { return "  proxy: " + proxy }
            return String(line)
        }
        let config =
            "watchlists: \(Repo.fixtures.path)/watchlists\ndatabase: /tmp/unused.sqlite\n"
            + lines.joined(separator: "\n")
        return try ConfigParser.parse(Data(config.utf8), file: file ?? "\(name).conf").feeds[0]
    }

    /// A block written inline (the page in `html`, read at `url`).
    static func read(
        _ html: String,
        block: String,
        url: String = "https://leaks.example/list",
        now: Date = Date()
    ) throws -> HTMLSource.Page {
        let config = "watchlists: /w\ndatabase: /d\nfeed: \(url)\n  name: t\n  format: html\n" + block
        let feed = try ConfigParser.parse(Data(config.utf8), file: "t.conf").feeds[0]
        return try HTMLSource.read(Data(html.utf8), feed: feed, base: URL(string: url), now: now).get()
    }

    static func fetchAndParse(_ feed: FeedConfig) async throws -> ParsedFeed {
        let response = try await Fetcher().fetch(Pipeline.request(for: feed)).get()
        return try FeedParser.parseDocument(response.body, feed: feed, contentType: response.contentType).get()
    }

    static func utc(_ text: String) -> Date { FeedDates.parse(text)! }

    // MARK: The examples' blocks on their fixture pages

    @Test func leakSiteCardsThroughTorLikeProxy() async throws {
        let dir = try TempDir()
        let server = try Self.exampleServer.get()
        let proxy = try ServerProcess(
            "/usr/bin/python3",
            [
                Repo.support.appendingPathComponent("socks5_proxy.py").path,
                dir.path + "/proxy.log", String(server.port),
            ]
        )
        let onion = "nightfallexampleleaksite.onion"
        let feed = try Self.exampleFeed(
            "leak-site-cards",
            url: "http://\(onion)/leak-site-cards.html",
            proxy: "socks5h://127.0.0.1:\(proxy.port)"
        )
        let parsed = try await Self.fetchAndParse(feed)
        #expect(parsed.format == .html)
        #expect(
            parsed.items.map(\.title) == [
                "Orion Shipping & Logistics", "Halvorsen Dental Group", "Brightwater Municipal Utilities",
            ],
            "the card without a title is skipped"
        )
        // Links: relative ones against <base href="/blog/"> on the page's host; absolute ones kept.
        #expect(
            parsed.items.map(\.link) == [
                "http://\(onion)/blog/post/orion-shipping", "http://\(onion)/blog/post/halvorsen-dental",
                "https://mirror.example/leak/brightwater",
            ]
        )
        #expect(parsed.items[0].published == Self.utc("2024-03-19T10:11:00Z"))
        #expect(parsed.items[1].published == Self.utc("2024-03-19T00:00:00Z"))
        #expect(parsed.items[2].published != nil, "3 days ago, against the fetch time")
        #expect(
            parsed.items[1].body == "Patient records and billing exports.",
            "<br> separates words, &nbsp; is a space"
        )
        #expect(parsed.items[2].body == "SCADA diagrams and invoices.")
        #expect(!parsed.items.contains { $0.body.contains("tick") || $0.title.contains("tick") }, "no script text")
        #expect(parsed.items.allSatisfy { $0.guid == nil }, "a card is its link")
        let log = try String(contentsOfFile: dir.path + "/proxy.log", encoding: .utf8)
        #expect(log == "DOMAIN \(onion) 80\n", "the .onion name goes to the proxy")
    }

    @Test func forumThreadList() async throws {
        let server = try Self.exampleServer.get()
        let url = "http://127.0.0.1:\(server.port)/forum-threads.html"
        let feed = try Self.exampleFeed("forum-threads", url: url)
        let response = try await Fetcher().fetch(Pipeline.request(for: feed)).get()
        let now = Self.utc("2024-03-20T12:00:00Z")
        let page = try HTMLSource.read(response.body, feed: feed, base: URL(string: url), now: now).get()
        #expect(
            page.items.map(\.title) == [
                "[SELLING] Kestrel Bank customer DB 2024 (120k rows)", "Fresh combolist EU mail access",
                "Forum rules — read before posting",
            ]
        )
        #expect(page.items.map(\.guid) == ["t-88120", "t-88121", "t-1"])
        #expect(
            page.items[0].link == "http://127.0.0.1:\(server.port)/showthread.php?tid=88120",
            "relative to the page's URL"
        )
        #expect(
            page.items.map(\.published) == [
                Self.utc("2024-03-19T12:00:00Z"), Self.utc("2024-03-20T07:00:00Z"), Self.utc("2023-02-01T00:00:00Z"),
            ]
        )
        #expect(page.items[0].body == "by dumpking")
        #expect(page.extracted[0].fields.map(\.key) == ["title", "link", "id", "date", "body"])
    }

    @Test func channelPreview() async throws {
        let server = try Self.pageServer.get()
        let parsed = try await Self.fetchAndParse(
            FeedConfig(
                url: "http://127.0.0.1:\(server.port)/channel-preview.html",
                name: "ch",
                format: .html,
                items: "//div[@class=\"tgme_widget_message\"]",
                fields: [
                    "title": ".//div[@class=\"tgme_widget_message_text\"]",
                    "link": ".//a[@class=\"tgme_widget_message_date\"]/@href",
                    "date": ".//time/@datetime",
                ]
            )
        )
        #expect(
            parsed.items.map(\.title) == [
                "🚨 New: Lumen Pharma internal R&D documents posted Sample: 2 GB",
                "Daily digest: nothing new for the healthcare sector.",
            ]
        )
        #expect(parsed.items.map(\.link) == ["https://t.me/leakalerts/5120", "https://t.me/leakalerts/5121"])
        #expect(parsed.items[0].published == Self.utc("2024-03-19T10:11:00Z"))
    }

    @Test(arguments: [
        ("gbk.html", "gb18030", "出售凯斯特银行客户数据库，共十二万条"),
        ("shift_jis.html", "shift_jis", "ルーメン製薬の社内資料が流出"),
        ("mislabelled.html", "utf-8", "凯斯特银行内部邮件外泄"),
    ])
    func pagesInOtherEncodings(_ file: String, _ encoding: String, _ first: String) async throws {
        let server = try Self.pageServer.get()
        let parsed = try await Self.fetchAndParse(
            FeedConfig(
                url: "http://127.0.0.1:\(server.port)/\(file)",
                name: file,
                format: .html,
                items: "//li[@class=\"post\"]",
                fields: ["title": "a", "date": "span"]
            )
        )
        #expect(parsed.encoding == encoding, "read as \(parsed.encoding) (\(parsed.encodingSource))")
        #expect(parsed.items.first?.title == first)
        #expect(parsed.items.count == 2)
        #expect(parsed.items.first?.published == Self.utc("2024-03-11T08:00:00Z"))
        if file == "mislabelled.html" {
            #expect(parsed.encodingSource == .fallback, "the bytes overrule <meta charset=iso-8859-1>")
        }
    }

    @Test(arguments: [
        ("ransomware-live", ["Orion Shipping & Logistics", "Halvorsen Dental Group"]),
        ("ransomlook", ["Kestrel Bank", "brightwater-utilities.example"]),
        ("ransomwatch-posts", ["Lumen Pharma", "www.orion-shipping.example", "Tallgrass Veterinary Clinics"]),
    ])
    func aggregatorJSON(_ name: String, _ titles: [String]) async throws {
        let server = try Self.exampleServer.get()
        let feed = try Self.exampleFeed(name, url: "http://127.0.0.1:\(server.port)/\(name).json")
        let parsed = try await Self.fetchAndParse(feed)
        #expect(parsed.items.map(\.title) == titles)
        #expect(parsed.items.allSatisfy { $0.published != nil })
        switch name {
        case "ransomware-live":
            #expect(parsed.items[0].link == "http://nightfallexampleleaksite.onion/post/orion-shipping")
            #expect(
                parsed.items[0].body
                    == "nightfall\nFreight forwarder based in Rotterdam; 2.1 TB of customs files.\norion-shipping.example"
            )
            #expect(parsed.items[1].body == "quietstorm", "empty values are left out")
        case "ransomlook":
            #expect(parsed.items[1].body == "nightfall", "null is no value")
        default:
            #expect(parsed.items.map(\.body) == ["quietstorm", "nightfall", "dumpking"])
            #expect(Set(parsed.items.map(\.dedupKey)).count == 3)
        }
    }

    // MARK: Identity, fields, dates

    static let cardBlock = """
        items: //div[@class="card"]
        title: h3
        body: .//p | .//div[@class="timer"]

        """
    static func cards(_ title: String, countdown: String, views: String) -> String {
        """
        <html><body><div class="card"><h3>\(title)</h3><p>Files: 2.1 TB. Views: \(views)</p>
        <div class="timer">\(countdown)</div></div></body></html>
        """
    }

    @Test func aTickingCountdownKeepsTheItemAChangedTitleMakesANewOne() throws {
        let first = try Self.read(
            Self.cards("Orion Shipping", countdown: "4d 11h 03m 52s", views: "1,204"),
            block: Self.cardBlock
        )
        let ticked = try Self.read(
            Self.cards("Orion Shipping", countdown: "3d 02h 59m 01s", views: "1,377"),
            block: Self.cardBlock
        )
        let renamed = try Self.read(
            Self.cards("Orion Shipping & Logistics", countdown: "3d 02h 59m 01s", views: "1,377"),
            block: Self.cardBlock
        )
        #expect(first.items[0].body.contains("4d 11h 03m 52s"), "the stored text keeps the digits")
        #expect(first.items[0].dedupKey == ticked.items[0].dedupKey)
        #expect(first.items[0].dedupKey != renamed.items[0].dedupKey)
        #expect(first.items[0].dedupKey.hasPrefix("guid:html:"))
    }

    @Test func stringFunctionsAttributesAndBaseHref() throws {
        let html = """
            <html><head><base href="https://mirror.example/leaks/"></head><body>
            <article data-id="77"><h2>  Kestrel
               Bank  </h2><a href="kestrel">x</a><a href="javascript:void(0)">y</a><i>Views 5</i></article>
            <article data-id="78"><h2>Lumen Pharma</h2><a href="#top">x</a></article>
            </body></html>
            """
        let page = try Self.read(
            html,
            block: """
                items: //article
                title: normalize-space(h2)
                id: concat("post-", @data-id)
                link: a[1]/@href

                """
        )
        #expect(page.items.map(\.title) == ["Kestrel Bank", "Lumen Pharma"])
        #expect(page.items.map(\.guid) == ["post-77", "post-78"])
        #expect(
            page.items.map(\.link) == ["https://mirror.example/leaks/kestrel", nil],
            "<base href>; a bare # is no link"
        )
        let noTitle = try Self.read(html, block: "items: //article\n")
        #expect(
            noTitle.items.first?.title == "Kestrel Bank xyViews 5",
            "without title:, the item's text (inline elements do not separate words, as in a browser)"
        )
    }

    @Test func datesAsLeakSitesWriteThem() {
        let now = Self.utc("2024-03-20T12:00:00Z")
        let cases: [(String, String?)] = [
            ("2024-03-19T10:11:12Z", "2024-03-19T10:11:12Z"), ("2024-03-19 10:11", "2024-03-19T10:11:00Z"),
            ("19 Mar 2024", "2024-03-19T00:00:00Z"), ("Mar 19, 2024", "2024-03-19T00:00:00Z"),
            ("March 19 2024 10:11", "2024-03-19T10:11:00Z"), ("19.03.2024", "2024-03-19T00:00:00Z"),
            ("2024/03/19", "2024-03-19T00:00:00Z"), ("19/03/2024", "2024-03-19T00:00:00Z"),
            ("03/19/2024", "2024-03-19T00:00:00Z"),
            ("3 days ago", "2024-03-17T12:00:00Z"), ("an hour ago", "2024-03-20T11:00:00Z"),
            ("5 mins ago", "2024-03-20T11:55:00Z"),
            ("2w ago", "2024-03-06T12:00:00Z"), ("Yesterday", "2024-03-19T12:00:00Z"),
            ("Published: 19 Mar 2024", "2024-03-19T00:00:00Z"),
            ("03/04/2024", nil), ("soon", nil), ("", nil), ("PUBLISHED", nil),
        ]
        for (text, expected) in cases {
            #expect(HTMLDates.parse(text, now: now) == expected.map(Self.utc), "\(text)")
        }
    }

    // MARK: Operators: check and fetch

    @Test func checkNamesTheLineOfABadExpression() throws {
        let dir = try TempDir()
        try dir.write(
            "w.conf",
            """
            watchlists: \(Repo.fixtures.path)/watchlists
            database: db.sqlite
            feed: https://leaks.example/
              name: leaks
              format: html
              items: //div[@class="card"
              title: h3
              link: a/@@href
              date: string(.//time
              body: foo(.)
            feed: https://other.example/
              name: no-items
              format: html
            """
        )
        let result = try runBinary(["check", "--config", dir.path + "/w.conf"])
        #expect(result.status != 0)
        #expect(
            result.stdout.contains(
                "\(dir.path)/w.conf:6: feed `leaks`: `items: //div[@class=\"card\"` is not XPath 1.0"
            ),
            "\(result.stdout)"
        )
        #expect(
            result.stdout.contains("\(dir.path)/w.conf:8: feed `leaks`: `link: a/@@href` is not XPath 1.0"),
            "\(result.stdout)"
        )
        #expect(
            result.stdout.contains(
                "\(dir.path)/w.conf:9: feed `leaks`: `date: string(.//time` is not XPath 1.0 (unbalanced"
            ),
            "libxml2 2.9.14 compiles it"
        )
        #expect(
            result.stdout.contains(
                "\(dir.path)/w.conf:10: feed `leaks`: `body: foo(.)` is not XPath 1.0 (unregistered function)"
            ),
            "\(result.stdout)"
        )
        #expect(
            result.stdout.contains("\(dir.path)/w.conf:11: feed `no-items`: `format: html` needs `items:`"),
            "\(result.stdout)"
        )
        #expect(!result.stdout.contains(":7:"), "title: h3 is fine")
    }

    @Test func fetchShowsFieldsAndSuggestsItemsWhenNothingMatches() throws {
        let server = try Self.exampleServer.get()
        let dir = try TempDir()
        try dir.write(
            "w.conf",
            """
            watchlists: \(Repo.fixtures.path)/watchlists
            database: db.sqlite
            feed: http://127.0.0.1:\(server.port)/leak-site-cards.html
              name: right
              format: html
              items: //div[contains(@class, "card")][h3 != ""]
              title: h3
              date: .//span[@class="date"]
            feed: http://127.0.0.1:\(server.port)/leak-site-cards.html
              name: wrong
              format: html
              items: //div[@class="victim"]
            """
        )
        let right = try runBinary(["fetch", "--config", dir.path + "/w.conf", "right"])
        #expect(right.status == 0, "\(right.stderr)")
        #expect(right.stdout.contains("html, read as utf-8"), "\(right.stdout)")
        #expect(right.stdout.contains("1. Orion Shipping & Logistics"), "\(right.stdout)")
        #expect(right.stdout.contains("    date: 2024-03-19 10:11 (2024-03-19T10:11:00Z)"), "\(right.stdout)")
        #expect(right.stdout.contains("HIT Orion Group | Orion Shipping & Logistics"), "\(right.stdout)")
        let wrong = try runBinary(["fetch", "--config", dir.path + "/w.conf", "wrong"])
        #expect(wrong.status == 0, "\(wrong.stderr)")
        #expect(wrong.stdout.contains("`items: //div[@class=\"victim\"]` selects nothing"), "\(wrong.stdout)")
        #expect(wrong.stdout.contains("//div[@class=\"card\"]  ×3"), "\(wrong.stdout)")
    }

    // MARK: End to end

    @Test func anHTMLSourceAlertsOnceAndATickingCountdownIsNothingNew() throws {
        let dir = try TempDir()
        let site = dir.path + "/site"
        try FileManager.default.createDirectory(atPath: site, withIntermediateDirectories: true)
        func publish(countdown: String) throws {
            try Self.cards("Orion Shipping", countdown: countdown, views: "1,204")
                .write(toFile: site + "/cards.html", atomically: true, encoding: .utf8)
        }
        try publish(countdown: "4d 11h 03m 52s")
        let http = try ServerProcess.http(serving: site)
        let smtp = try ServerProcess.smtp(storingIn: dir.path + "/mail")
        try dir.write(
            "watchlistd.conf",
            """
            watchlists: \(Repo.fixtures.path)/watchlists
            database: state/watchlistd.sqlite
            feed: http://127.0.0.1:\(http.port)/cards.html
              name: cards
              format: html
            \(Self.cardBlock)
            feed: http://127.0.0.1:\(http.port)/cards.html
              name: careless
              format: html
              items: //div[@class=
            smtp: smtp://127.0.0.1:\(smtp.port)
              from: watchlistd@test.example
            """
        )
        let config = dir.path + "/watchlistd.conf"
        let first = try runBinary(["run", "--once", "--config", config])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(
            first.stderr.contains("\(config):13: feed `careless`: `items: //div[@class=` is not XPath 1.0"),
            "\(first.stderr)"
        )
        #expect(try ReceivedMail.all(in: dir.path + "/mail").count == 1, "the other feed's failure is not the cycle's")
        let mail = try #require(try ReceivedMail.all(in: dir.path + "/mail").first)
        #expect(mail.recipients == ["soc@orion.example"])
        #expect(mail.body.contains("Orion Shipping"))

        // The same page again (304), then the countdown ticked (200, same card): nothing new.
        let second = try runBinary(["run", "--once", "--config", config])
        #expect(second.status == 0, "\(second.stderr)")
        try publish(countdown: "3d 02h 59m 01s")
        let third = try runBinary(["run", "--once", "--config", config])
        #expect(third.status == 0, "\(third.stderr)")
        #expect(try ReceivedMail.all(in: dir.path + "/mail").count == 1)
        let hits = try runBinary(["hits", "--config", config, "--json"])
        #expect(hits.stdout.split(separator: "\n").count == 1, "\(hits.stdout)")
        withExtendedLifetime((http, smtp)) {}
    }

    // MARK: Hostile pages

    @Test func hostilePagesAreTheFeedsErrorNeverACrash() async throws {
        let server = try ServerProcess.hostile()
        let base = "http://127.0.0.1:\(server.port)"
        func feed(_ path: String, items: String = "//div[@class=\"card\"]") -> FeedConfig {
            FeedConfig(url: base + path, name: path, format: .html, items: items, fields: ["title": "h3"])
        }
        // 100 MB: the fetch stops at its size limit (16 MiB), and the reader refuses more than 32 MB by itself.
        let huge = await Fetcher().fetch(Pipeline.request(for: feed("/huge.html")))
        #expect(huge.failureKind == .tooLarge)
        let big = Data(repeating: UInt8(ascii: " "), count: 100 << 20)
        let refused = FeedParser.parseDocument(big, feed: feed("/x"))
        #expect(refused.failureMessage?.contains("over the 32 MB") == true, "\(refused.failureMessage ?? "")")

        // 100,000-deep nesting: libxml2 stops building at depth 256 (xmlParserMaxDepth; HTML_PARSE_HUGE is
        // never set) and reads no further; with no item found, that is the feed's error, saying why.
        let body = try await Fetcher().fetch(Pipeline.request(for: feed("/deep.html"))).get().body
        let document = try #require(HTMLDocument(utf8: body))
        #expect(document.maxDepth == 257, "the document element and 256 levels")
        let deep = FeedParser.parseDocument(body, feed: feed("/deep.html"))
        #expect(
            deep.failureMessage?.contains("nests elements deeper than 256 levels") == true,
            "\(deep.failureMessage ?? "")"
        )

        // Entities declared by the page: never loaded, never expanded.
        let entities = try await Self.fetchAndParse(feed("/html-entities"))
        let title = try #require(entities.items.first?.title)
        #expect(!title.contains("root:") && !title.contains("hahaha"), "\(title)")
        #expect(title.hasPrefix("Orion"))
    }

    @Test func carelessExpressionsAreBounded() throws {
        let html =
            "<html><body>"
            + String(repeating: "<div class=\"card\"><h3>Orion Shipping</h3><p>a <b>b</b> c</p></div>", count: 6000)
            + "</body></html>"
        // Every element: too many items.
        let all = try Self.readError(html, block: "items: //*\n")
        #expect(all.contains("t.conf:6: `items: //*` selects 24002 elements (at most 5000)"), "\(all)")
        // Quadratic: each card compares against every element of the page.
        let quadratic = try Self.readError(html, block: "items: (//div)[1]\ntitle: count(//*[. = //h3])\n")
        #expect(
            quadratic.contains("t.conf:7: `title: count(//*[. = //h3])` stopped after 5000000 XPath operations"),
            "\(quadratic)"
        )
        let notNodes = try Self.readError(html, block: "items: count(//div)\n")
        #expect(notNodes.contains("gives a value, not elements"), "\(notNodes)")
    }

    static func readError(_ html: String, block: String) throws -> String {
        let config = "watchlists: /w\ndatabase: /d\nfeed: https://leaks.example/\n  name: t\n  format: html\n" + block
        let feed = try ConfigParser.parse(Data(config.utf8), file: "t.conf").feeds[0]
        guard case .failure(let error) = HTMLSource.read(Data(html.utf8), feed: feed, base: nil) else {
            return "no error"
        }
        return error.description
    }

    @Test func brokenMarkupStillYieldsItems() throws {
        let html = """
            <html><body><div class="card"><h3>Orion Shipping<p>unclosed <b>bold
            </div></td></table><div class="card"><h3>Kestrel Bank</h3><<<>>><div class="card"><h3>Lumen Pharma</div>
            <div class="card"><h3>Trailing \u{0}nul and <!-- unterminated comment
            """
        let page = try Self.read(html, block: "items: //div[@class=\"card\"]\ntitle: h3\n")
        #expect(
            page.items.map(\.title).prefix(3) == ["Orion Shipping", "Kestrel Bank", "Lumen Pharma"],
            "\(page.items.map(\.title))"
        )
    }
}

extension FeedConfig {
    /// A `format: html` (or other) feed with its expressions, for tests.
    init(url: String, name: String, format: Format, items: String, fields: [String: String]) {
        self.init(url: url, name: name, format: format)
        itemsPath = items
        keyLines["items"] = 1
        for (key, value) in fields {
            keyLines[key] = 1
            switch key {
            case "title": titlePath = value
            case "link": linkPath = value
            case "id": idPath = value
            case "date": datePath = value
            default: bodyPath = value
            }
        }
    }
}

extension Result where Failure == FetchError {
    var failureKind: FetchError.Kind? {
        guard case .failure(let error) = self else { return nil }
        return error.kind
    }
}

extension Result where Failure == ParseError {
    var failureMessage: String? {
        guard case .failure(let error) = self else { return nil }
        return error.description
    }
}
