import Foundation
import Logging
import Testing
@testable import WatchlistCore

/// Fetching and parsing what criminals serve: each case ends in the right per-feed error
/// (or a clean parse), in bounded time and memory. The server is Tests/Support/hostile_server.py.
@Suite("Hostile feeds", .serialized)
struct HostileFeedTests {
    enum Expect: Sendable, CustomStringConvertible {
        case fetchError(FetchError.Kind)
        case parseError
        case items((@Sendable ([FeedItem]) -> Bool))
        var description: String {
            switch self {
            case .fetchError(let kind): "fetch error \(kind)"
            case .parseError: "parse error"
            case .items: "items"
            }
        }
    }

    static let server = Result {
        try ServerProcess("/usr/bin/python3", [Repo.support.appendingPathComponent("hostile_server.py").path])
    }

    static let cases: [(String, Expect)] = [
        ("/ok.xml", .items { $0.map(\.title) == ["Orion Shipping customer DB"] }),
        ("/endless", .fetchError(.tooLarge)),
        ("/gzip-bomb", .fetchError(.tooLarge)),
        ("/stacked", .fetchError(.other(""))),
        ("/loop", .fetchError(.tooManyRedirects)),
        ("/to-file", .fetchError(.protocolRefused)),
        ("/to-gopher", .fetchError(.protocolRefused)),
        // The DOCTYPE is dropped before parsing: nothing is declared, nothing loaded or
        // expanded; the undeclared reference stays as text (never /etc/passwd, never the URL's feed).
        ("/xxe-file", .items { $0.map(\.title) == ["a &x; b"] }),
        ("/xxe-url", .items { $0.map(\.title) == ["a &x; b"] }),
        ("/laughs", .items { $0.map(\.title) == ["&l9;"] }),
        ("/truncated", .parseError),
        ("/bad-utf8", .items { $0.map(\.title) == ["Orion Shipping \u{FFFD}( leak"] }),
        ("/429", .fetchError(.http(429))),
        ("/500", .fetchError(.http(500))),
    ]

    @Test(arguments: cases.map(\.0))
    func eachHostileResponse(_ path: String) async throws {
        let server = try Self.server.get()
        let expect = Self.cases.first { $0.0 == path }!.1
        var request = FetchRequest(feed: "hostile", url: "http://127.0.0.1:\(server.port)\(path)")
        request.maxBytes = 8 << 20
        // Bounded by the fetch's own limits (size, redirects, protocols), which the expected
        // error kinds show; the time limit only stops a broken build from hanging the suite.
        request.totalTimeout = 60
        let result = await Fetcher().fetch(request)
        switch (result, expect) {
        case (.failure(let error), .fetchError(let kind)):
            if case .other = kind {
                guard case .other = error.kind else {
                    Issue.record("\(error)")
                    return
                }
            } else {
                #expect(error.kind == kind, "\(error)")
            }
            #expect(error.description.hasPrefix("feed hostile (http://127.0.0.1:\(server.port)\(path)): "))
            if path == "/429" { #expect(error.retryAfter == 120) }
        case (.success(let response), .parseError):
            #expect(response.body.count < 1 << 20)
            guard case .failure(let error) = XMLFeedReader.parse(response.body, feed: "hostile") else {
                Issue.record("\(path) must not parse")
                return
            }
            #expect(error.description.hasPrefix("feed hostile: malformed XML"))
        case (.success(let response), .items(let check)):
            switch XMLFeedReader.parse(response.body, feed: "hostile") {
            case .success(let items): #expect(check(items), "\(items.map(\.title))")
            case .failure(let error): Issue.record("\(path) must parse: \(error)")
            }
        default:
            Issue.record("\(path): expected \(expect), got \(result)")
        }
    }

    @Test func aDripFeedIsCutOffByTheLowSpeedLimit() async throws {
        let server = try Self.server.get()
        var request = FetchRequest(feed: "drip", url: "http://127.0.0.1:\(server.port)/drip")
        request.lowSpeedBytes = 100
        request.lowSpeedSeconds = 2
        request.totalTimeout = 60  // only stops a broken build from waiting out the drip
        guard case .failure(let error) = await Fetcher().fetch(request) else {
            Issue.record("a drip must fail")
            return
        }
        #expect(error.kind == .timeout)
        // curl's own account says which limit ended it (the total time limit says "timed out after").
        #expect(
            error.detail.contains("(Operation too slow. Less than 100 bytes/sec transferred the last 2 seconds)"),
            "\(error)"
        )
    }

    @Test func otherFeedsInTheCycleStillDeliver() async throws {
        let server = try Self.server.get()
        let dir = try TempDir()
        var text = "watchlists: \(Repo.fixtures.path)/watchlists\ndatabase: db.sqlite\nemail-dir: out\n"
        for path in ["/ok.xml", "/endless", "/gzip-bomb", "/loop", "/to-file", "/laughs", "/truncated", "/429", "/500"]
        {
            text += "feed: http://127.0.0.1:\(server.port)\(path)\n  name: \(path.dropFirst())\n"
        }
        try dir.write("w.conf", text)
        let pipeline = try Pipeline.build(
            config: try ConfigParser.load(dir.path + "/w.conf"),
            logger: Logger(label: "test")
        )
        let report = try await pipeline.runCycle(all: true)
        #expect(report.feedsFetched == 2)  // ok.xml, and laughs read without expansion
        #expect(report.feedsFailed.count == 7)
        #expect(report.newHits == 1)
        let states = try await pipeline.store.feedStates()
        #expect(
            states.first { $0.name == "429" }.map { $0.nextDue! > Date().addingTimeInterval(100) } == true,
            "Retry-After respected"
        )
        #expect(states.filter { $0.errorCount == 1 }.count == 7)
    }
}

@Suite("Proxies", .serialized)
struct ProxyTests {
    @Test func socks5hSendsTheHostNameToTheProxy() async throws {
        let dir = try TempDir()
        let server = try ServerProcess(
            "/usr/bin/python3",
            [Repo.support.appendingPathComponent("hostile_server.py").path]
        )
        let proxy = try ServerProcess(
            "/usr/bin/python3",
            [
                Repo.support.appendingPathComponent("socks5_proxy.py").path,
                dir.path + "/proxy.log", String(server.port),
            ]
        )
        let onion = "leakforumexampleonionaddressxxxxxxxxxxxxxxxxxxxxxxxxxxxx.onion"
        let request = FetchRequest(
            feed: "onion",
            url: "http://\(onion)/ok.xml",
            proxy: "socks5h://127.0.0.1:\(proxy.port)"
        )
        let response = try await Fetcher().fetch(request).get()
        #expect(
            try XMLFeedReader.parse(response.body, feed: "onion").get().map(\.title) == ["Orion Shipping customer DB"]
        )
        let log = try String(contentsOfFile: dir.path + "/proxy.log", encoding: .utf8)
        #expect(log == "DOMAIN \(onion) 80\n", "the .onion name goes to the proxy, never to local DNS")
        withExtendedLifetime((server, proxy)) {}
    }
}
