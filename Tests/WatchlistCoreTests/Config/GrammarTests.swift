import Foundation
import Testing
@testable import WatchlistCore

struct GrammarCase: CustomTestStringConvertible, Sendable {
    var label: String
    var text: String
    /// Expected `LINE: fragment` for every error, in order; empty for a valid file.
    var errors: [String]
    var testDescription: String { label }
}

@Suite("Watchlist grammar")
struct WatchlistGrammarTests {
    static let cases: [GrammarCase] = [
        GrammarCase(
            label: "valid with comments, indentation and blank lines",
            text: """
                # a comment
                customer: Acme

                  # indented comment
                entity: Gree Electric
                  alias: 格力电器
                  domain: gree.com.cn
                """,
            errors: []
        ),
        GrammarCase(
            label: "unknown key suggests the close one",
            text: """
                customer: Acme
                entity: Gree
                  alais: 格力
                """,
            errors: ["3: unknown key `alais:`; did you mean `alias:`?"]
        ),
        GrammarCase(
            label: "unknown key far from any",
            text: "customer: Acme\nfrobnicate: yes\n",
            errors: ["2: unknown key `frobnicate:`"]
        ),
        GrammarCase(
            label: "empty value",
            text: "customer: Acme\nentity: Gree\n  alias:\n",
            errors: ["3: `alias:` needs a value"]
        ),
        GrammarCase(
            label: "key outside its block",
            text: "customer: Acme\nalias: Gree\n",
            errors: ["2: `alias:` must be inside a `entity:` block"]
        ),
        GrammarCase(label: "missing customer", text: "entity: Gree\n", errors: ["1: missing `customer:`"]),
        GrammarCase(
            label: "customer after an entity",
            text: "entity: Gree\ncustomer: Acme\n",
            errors: ["2: `customer:` must come before the first `entity:`"]
        ),
        GrammarCase(
            label: "duplicate entity, case-insensitively",
            text: "customer: Acme\nentity: Gree\nentity: GREE\n",
            errors: ["3: duplicate entity `GREE` (first at line 2)"]
        ),
        GrammarCase(
            label: "line without a colon",
            text: "customer: Acme\nentity Gree\n",
            errors: ["2: expected `key: value`"]
        ),
        GrammarCase(
            label: "bad domain",
            text: "customer: Acme\nentity: Gree\n  domain: https://gree.com.cn/\n",
            errors: ["3: `https://gree.com.cn/` is not a domain name"]
        ),
        GrammarCase(
            label: "bad recipient",
            text: "customer: Acme\nemail: soc@acme.example, evil\r\nBcc: x@y\n",
            errors: ["2: recipient `evil`", "3: unknown key `bcc:`"]
        ),
        GrammarCase(
            label: "several errors, all reported",
            text: "entity: A\n  alais: B\n  domain: nope\n",
            errors: ["1: missing `customer:`", "2: unknown key `alais:`", "3: `nope` is not a domain name"]
        ),
    ]

    @Test(arguments: cases)
    func diagnostics(_ testCase: GrammarCase) {
        let (list, problems) = WatchlistParser.parse(Data(testCase.text.utf8), file: "acme.watch")
        let errors = problems.filter { $0.severity == .error }
        #expect(errors.count == testCase.errors.count, "\(problems)")
        for (problem, expected) in zip(errors, testCase.errors) {
            #expect(problem.description.hasPrefix("acme.watch:" + expected.prefix { $0 != ":" } + ":"), "\(problem)")
            #expect(problem.description.contains(expected.drop { $0 != ":" }.dropFirst(2)), "\(problem)")
        }
        #expect((list == nil) == !testCase.errors.isEmpty)
    }

    @Test func bomAndCRLFAreValid() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("customer: Acme\r\nentity: Gree\r\n  alias: 格力电器\r\n".utf8)
        let (list, problems) = WatchlistParser.parse(Data(bytes), file: "bom.watch")
        #expect(problems.isEmpty)
        #expect(list?.customer == "Acme")
        #expect(list?.entities.first?.names.map(\.value) == ["Gree", "格力电器"])
    }

    @Test func invalidUTF8IsReportedOnItsLine() {
        let bytes: [UInt8] = Array("customer: Acme\nentity: ".utf8) + [0xC3, 0x28] + Array("\n  alias: ok\n".utf8)
        let (list, problems) = WatchlistParser.parse(Data(bytes), file: "bad.watch")
        #expect(list == nil)
        #expect(
            problems.map(\.description) == [
                "bad.watch:2: invalid UTF-8 on this line; save the file as UTF-8",
                "bad.watch:3: `alias:` must be inside a `entity:` block",
            ]
        )
    }

    @Test func modelKeepsRelationsAndLines() throws {
        let list = try watchlist(
            """
            customer: Acme Insurance
            email: soc@acme.example, cti@acme.example
            entity: Gree Electric
              alias: 格力电器
              subsidiary: Gree Real Estate
              jv: Gree Daikin
              domain: gree.com.cn
              exclude: Greece
            """
        )
        #expect(list.emails == ["soc@acme.example", "cti@acme.example"])
        let entity = try #require(list.entities.first)
        #expect(entity.names.map(\.relation) == [.name, .alias, .subsidiary, .jv, .domain])
        #expect(entity.names.map(\.line) == [3, 4, 5, 6, 7])
        #expect(entity.excludes.map(\.value) == ["Greece"])
    }

    @Test func directoryIgnoresBackupsAndReportsUnreadableFolder() throws {
        let dir = try TempDir()
        try dir.write("a.watch", "customer: A\nentity: X Corp\n")
        try dir.write("a.watch~", "this is not valid")
        try dir.write(".a.watch.swp", "neither is this")
        try dir.write("b.watch", "customer: B\nentity: Y Corp\n")
        let (lists, _) = try WatchlistParser.loadDirectory(dir.path)
        #expect(lists.map(\.customer) == ["A", "B"])

        #expect(throws: ConfigurationError.self) { try WatchlistParser.loadDirectory(dir.path + "/missing") }
    }

    @Test func twoFilesForOneCustomerIsAnError() throws {
        let dir = try TempDir()
        try dir.write("a.watch", "customer: Acme\nentity: X Corp\n")
        try dir.write("b.watch", "customer: acme\nentity: Y Corp\n")
        let error = try #require(throws: ConfigurationError.self) { try WatchlistParser.loadDirectory(dir.path) }
        #expect(error.description.contains("b.watch:1: customer `acme` is also watched by"))
    }
}

@Suite("Configuration grammar")
struct ConfigGrammarTests {
    static let cases: [GrammarCase] = [
        GrammarCase(
            label: "the interfaces.md example",
            text: """
                watchlists: /etc/watchlistd/watchlists
                database: /var/lib/watchlistd/watchlistd.sqlite

                feed: https://leaks.example/rss.xml
                  name: leaks-rss
                  interval: 10m
                feed: http://exampleonionaddress.onion/feed.xml
                  name: onion-forum
                  proxy: socks5h://127.0.0.1:9050
                feed: https://ransom.example/posts.json
                  name: ransom-posts
                  format: json
                  items: $
                  title: post_title
                  date: discovered

                smtp: smtp://127.0.0.1:25
                  from: watchlistd@example.org
                syslog: local
                """,
            errors: []
        ),
        GrammarCase(
            label: "misspelt feed key",
            text: "watchlists: w\ndatabase: d\nfeed: https://x.example/\n  intervall: 5m\n",
            errors: ["4: unknown key `intervall:`; did you mean `interval:`?"]
        ),
        GrammarCase(
            label: "feed key outside a feed",
            text: "watchlists: w\ndatabase: d\ninterval: 5m\n",
            errors: ["3: `interval:` must be inside a `feed:` block"]
        ),
        GrammarCase(
            label: "bad values",
            text: """
                watchlists: w
                database: d
                threshold: 2
                feed: gopher://x.example/
                  interval: soon
                  format: xml
                  proxy: socks4://127.0.0.1:9050
                smtp: mail.example
                syslog: udp://collector
                """,
            errors: [
                "3: `threshold:`", "4: feed URL", "5: `interval:`", "6: `format:`", "7: `proxy:`",
                "8: `smtp:` must be a URL", "8: `smtp:` needs a `from:`", "9: `syslog:`",
            ]
        ),
        GrammarCase(
            label: "duplicate feed names and missing paths",
            text: "feed: https://a.example/x\n  name: same\nfeed: https://b.example/y\n  name: same\n",
            errors: ["1: missing `watchlists:`", "1: missing `database:`", "3: feed name `same`"]
        ),
        GrammarCase(
            label: "top-level key given twice",
            text: "watchlists: a\nwatchlists: b\ndatabase: d\n",
            errors: ["2: `watchlists:` given twice (first at line 1)"]
        ),
        GrammarCase(
            label: "retention shorter than backfill",
            text: "watchlists: w\ndatabase: d\nbackfill: 60d\nretention: 30d\n",
            errors: ["4: `retention:` (30d) is shorter than `backfill:` (60d)"]
        ),
        GrammarCase(
            label: "a block given twice: its keys are still checked",
            text: """
                watchlists: w
                database: d
                smtp: smtp://127.0.0.1:25
                  from: a@b.example
                syslog: local
                smtp: smtp://127.0.0.1:26
                  from: nobody
                syslog: local
                  facility: nowhere
                """,
            errors: [
                "6: `smtp:` given twice (first at line 3)", "7: sender `nobody`",
                "8: `syslog:` given twice (first at line 5)", "9: unknown syslog facility `nowhere`",
            ]
        ),
        GrammarCase(
            label: "retention too short",
            text: "watchlists: w\ndatabase: d\nretention: 5h\n",
            errors: ["3: `retention:` must be a duration from 1d to 3650d"]
        ),
    ]

    @Test(arguments: cases)
    func diagnostics(_ testCase: GrammarCase) {
        var problems: [Diagnostic] = []
        do {
            _ = try ConfigParser.parse(Data(testCase.text.utf8), file: "/etc/w.conf")
        } catch let error as ConfigurationError {
            problems = error.problems
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect(problems.count == testCase.errors.count, "\(problems)")
        for (problem, expected) in zip(problems, testCase.errors) {
            let line = expected.prefix { $0 != ":" }
            #expect(problem.description.hasPrefix("/etc/w.conf:\(line): "), "\(problem)")
            #expect(problem.description.contains(expected.drop { $0 != ":" }.dropFirst(2)), "\(problem)")
        }
    }

    @Test func relativePathsAreTakenFromTheConfigFolder() throws {
        let config = try ConfigParser.parse(
            Data(
                "watchlists: lists\ndatabase: /var/db.sqlite\nsyslog: udp://127.0.0.1:5514\n  facility: local3\n".utf8
            ),
            file: "/etc/watchlistd/watchlistd.conf"
        )
        #expect(config.watchlistsDirectory == "/etc/watchlistd/lists")
        #expect(config.databasePath == "/var/db.sqlite")
        #expect(config.syslog?.target == .udp(host: "127.0.0.1", port: 5514))
        #expect(config.syslog?.facility == 19 << 3)
    }

    /// Each block's defaults, as a block with only its first line gets them.
    @Test func blocksGetTheirDefaults() throws {
        let config = try ConfigParser.parse(
            Data(
                """
                watchlists: w
                database: d
                feed: https://leaks.example:8443/rss.xml
                smtp: smtp://127.0.0.1:25
                  from: a@b.example
                syslog: local
                feed: https://other.example/x
                  tls-verify: no
                """.utf8
            ),
            file: "/etc/w.conf"
        )
        #expect(
            config.threshold == 0.8 && config.backfill == 30 * 86400 && config.retention == 365 * 86400
                && config.concurrency == 8
        )
        let feed = try #require(config.feeds.first)
        #expect(
            feed.name == "leaks.example" && feed.line == 3 && feed.interval == .seconds(600) && feed.format == .auto
        )
        #expect(feed.itemsPath == "$" && feed.titlePath == "title" && feed.verifyTLS && !feed.allowInternal)
        let smtp = try #require(config.smtp)
        #expect(
            smtp.grouping == .dispatch && smtp.maxPerHour == 12 && smtp.maxMessageSize == 10_000_000
                && smtp.timeout == 60
        )
        #expect(config.syslog == SyslogConfig(target: .local, facility: 16 << 3, appName: "watchlistd", line: 6))
        #expect(config.feeds.map(\.verifyTLS) == [true, false])
        #expect(
            config.warnings.map(\.description) == [
                "/etc/w.conf:8: warning: `tls-verify: no`: this feed's server certificate is not checked; anyone on the path can feed it listings"
            ]
        )
    }

    @Test(arguments: [("90s", 90), ("10m", 600), ("1h", 3600), ("7d", 604_800), ("45", 45)])
    func durations(_ text: String, _ seconds: Int64) {
        #expect(ConfigParser.parseDuration(text) == .seconds(seconds))
    }
}
