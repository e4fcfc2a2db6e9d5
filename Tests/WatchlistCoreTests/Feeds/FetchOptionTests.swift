import CCurl
import Foundation
import Logging
import Testing
@testable import WatchlistCore

/// The per-feed fetch options: headers, user agent, CA file and TLS opt-out, proxy
/// credentials, the SSRF guard, and a fetch stopped when the daemon stops.
@Suite("Fetch options", .serialized)
struct FetchOptionTests {
    static let server = Result {
        try ServerProcess("/usr/bin/python3", [Repo.support.appendingPathComponent("hostile_server.py").path])
    }

    @Test func headersAndUserAgentFromTheConfigReachTheServer() async throws {
        let server = try Self.server.get()
        let dir = try TempDir()
        try dir.write("keys/ransom.key", "s3cr3t-api-key\n")
        try dir.write(
            "w.conf",
            """
            watchlists: lists
            database: db.sqlite
            feed: http://127.0.0.1:\(server.port)/echo-headers
              name: api
              header: X-Api-Key: file:keys/ransom.key
              header: X-Tenant: soc-emea
              user-agent: Mozilla/5.0 (compatible; acme-cti)
            """
        )
        let feed = try #require(try ConfigParser.load(dir.path + "/w.conf").feeds.first)
        #expect(feed.headers == ["X-Api-Key: s3cr3t-api-key", "X-Tenant: soc-emea"])
        var request = FetchRequest(feed: feed.name, url: feed.url)
        request.headers = feed.headers
        request.userAgent = try #require(feed.userAgent)
        let body = try await Fetcher().fetch(request).get().body
        let echoed = try #require(try JSONSerialization.jsonObject(with: body) as? [String: String])
        #expect(echoed["x-api-key"] == "s3cr3t-api-key")
        #expect(echoed["x-tenant"] == "soc-emea")
        #expect(echoed["user-agent"] == "Mozilla/5.0 (compatible; acme-cti)")
    }

    @Test func headerAndCredentialProblemsNameTheLine() throws {
        let text = """
            watchlists: w
            database: d
            feed: https://x.example/
              header: X-Key file-without-colon
              header: X-Key: file:/nonexistent/key
              header: Bad Name: v
              proxy-credentials: /nonexistent/creds
              tls-verify: maybe
            """
        #expect {
            try ConfigParser.parse(Data(text.utf8), file: "/etc/w.conf")
        } throws: { error in
            let messages = (error as? ConfigurationError)?.problems.map(\.description) ?? []
            return messages.count == 5
                && messages[0].hasPrefix("/etc/w.conf:4: `header:` must be `Name: value`")
                && messages[1].hasPrefix("/etc/w.conf:5: `header:` X-Key: cannot read /nonexistent/key")
                && messages[2].hasPrefix("/etc/w.conf:6: `header:` name `Bad Name`")
                && messages[3].hasPrefix("/etc/w.conf:7: `proxy-credentials:` file /nonexistent/creds")
                && messages[4].hasPrefix("/etc/w.conf:8: `tls-verify:`")
        }
    }

    @Test func aFeedCAFileIsUsedAndTLSOptOutIsExplicit() async throws {
        let dir = try TempDir()
        try dir.makeSelfSignedCertificate()
        let server = try ServerProcess(
            "/usr/bin/python3",
            [
                Repo.support.appendingPathComponent("hostile_server.py").path,
                "tls", dir.path + "/cert.pem", dir.path + "/key.pem",
            ]
        )
        var request = FetchRequest(feed: "tls", url: "https://127.0.0.1:\(server.port)/ok.xml")
        guard case .failure(let refused) = await Fetcher().fetch(request) else {
            Issue.record("a self-signed certificate must be refused by default")
            return
        }
        #expect(refused.kind == .tls, "\(refused)")
        request.caFile = dir.path + "/cert.pem"
        #expect(try await Fetcher().fetch(request).get().body.count > 0)
        request.caFile = nil
        request.verifyTLS = false
        #expect(try await Fetcher().fetch(request).get().body.count > 0)
        let config = try ConfigParser.parse(
            Data("watchlists: w\ndatabase: d\nfeed: https://x.example/\n  tls-verify: no\n".utf8),
            file: "/etc/w.conf"
        )
        #expect(config.warnings.map(\.description).first?.hasPrefix("/etc/w.conf:4: warning: `tls-verify: no`") == true)
        withExtendedLifetime(server) {}
    }

    @Test func socksProxyCredentialsComeFromTheirFile() async throws {
        let dir = try TempDir()
        let server = try Self.server.get()
        let proxy = try ServerProcess(
            "/usr/bin/python3",
            [
                Repo.support.appendingPathComponent("socks5_proxy.py").path,
                dir.path + "/proxy.log", String(server.port),
            ]
        )
        try dir.write("tor.creds", "isolation-7:circuit-pass\n")
        try dir.write(
            "w.conf",
            """
            watchlists: w
            database: d
            feed: http://forumexampleonion.onion/ok.xml
              proxy: socks5h://127.0.0.1:\(proxy.port)
              proxy-credentials: tor.creds
            """
        )
        let feed = try #require(try ConfigParser.load(dir.path + "/w.conf").feeds.first)
        var request = FetchRequest(feed: feed.name, url: feed.url, proxy: feed.proxy)
        request.proxyCredentials = feed.proxyCredentials
        _ = try await Fetcher().fetch(request).get()
        let log = try String(contentsOfFile: dir.path + "/proxy.log", encoding: .utf8)
        #expect(log == "AUTH isolation-7 circuit-pass\nDOMAIN forumexampleonion.onion 80\n")
        withExtendedLifetime(proxy) {}
    }

    @Test func theSSRFGuardRefusesInternalAddressesOnTheConnectedHop() async throws {
        let server = try Self.server.get()
        var request = FetchRequest(feed: "guarded", url: "http://127.0.0.1:\(server.port)/ok.xml")
        request.refuseInternal = true
        guard case .failure(let error) = await Fetcher().fetch(request) else {
            Issue.record("the guard must refuse 127.0.0.1")
            return
        }
        #expect(error.kind == .internalAddress)
        #expect(error.description.contains("refused to connect to internal address 127.0.0.1"), "\(error)")
        #expect(error.description.contains("allow-internal: yes"))

        for address in [
            "127.0.0.1", "10.1.2.3", "172.31.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
            "::1", "::", "fd00::1", "fe80::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::a9fe:a9fe",
            "not-an-address",
        ] {
            #expect(AddressGuard.isInternal(address), "\(address)")
        }
        for address in ["93.184.216.34", "172.32.0.1", "8.8.8.8", "2606:2800:220:1::1", "::ffff:8.8.8.8"] {
            #expect(!AddressGuard.isInternal(address), "\(address)")
        }
        // Which feeds the guard applies to: not those whose own URL is local, nor opted out, nor proxied fetches.
        let config = try ConfigParser.parse(
            Data(
                """
                watchlists: w
                database: d
                feed: https://leaks.example/rss
                feed: http://127.0.0.1:8080/rss
                feed: http://[::1]/rss
                feed: http://feeds.internal/rss
                feed: https://intranet.example/rss
                  allow-internal: yes
                """.utf8
            ),
            file: "/etc/w.conf"
        )
        #expect(config.feeds.map(\.guardsInternal) == [true, false, false, false, false])
    }

    /// A public-looking name (feeds.example.com) that resolves to the local test server:
    /// the guard must look at the address, not the name.
    @Test func theSSRFGuardRefusesAPublicLookingNameThatResolvesToAnInternalAddress() async throws {
        let server = try Self.server.get()
        var request = FetchRequest(feed: "dns", url: "http://feeds.example.com:\(server.port)/ok.xml")
        request.testHooks.resolve = ["feeds.example.com:\(server.port):127.0.0.1"]
        let unguarded = try await Fetcher().fetch(request).get()  // the name does reach the server
        #expect(
            try XMLFeedReader.parse(unguarded.body, feed: "dns").get().map(\.title) == ["Orion Shipping customer DB"]
        )
        request.refuseInternal = true
        guard case .failure(let error) = await Fetcher().fetch(request) else {
            Issue.record("a name resolving to 127.0.0.1 must be refused")
            return
        }
        #expect(error.kind == .internalAddress)
        #expect(
            error.description.contains(
                "refused to connect to internal address 127.0.0.1 (at http://feeds.example.com:\(server.port)/ok.xml)"
            ),
            "\(error)"
        )
    }

    /// A first hop taken as public that redirects to an internal address: refused at the
    /// second hop, where the connection is made.
    @Test func theSSRFGuardRefusesARedirectToAnInternalAddress() async throws {
        let server = try Self.server.get()
        let inside = try ServerProcess.hostile()
        var request = FetchRequest(
            feed: "redirect",
            url: "http://feeds.example.com:\(server.port)/to-port/\(inside.port)/ok.xml"
        )
        request.testHooks.resolve = ["feeds.example.com:\(server.port):127.0.0.1"]
        request.testHooks.publicPeers = ["127.0.0.1:\(server.port)", "127.0.0.1:\(inside.port)"]
        request.refuseInternal = true
        // with both hops taken as public, the redirect is followed
        let followed = try await Fetcher().fetch(request).get()
        #expect(
            try XMLFeedReader.parse(followed.body, feed: "redirect").get().map(\.title) == [
                "Orion Shipping customer DB"
            ]
        )
        request.testHooks.publicPeers = ["127.0.0.1:\(server.port)"]
        guard case .failure(let error) = await Fetcher().fetch(request) else {
            Issue.record("the redirect to 127.0.0.1:\(inside.port) must be refused")
            return
        }
        #expect(error.kind == .internalAddress)
        #expect(
            error.description.contains(
                "refused to connect to internal address 127.0.0.1 (at http://127.0.0.1:\(inside.port)/ok.xml)"
            ),
            "\(error)"
        )
        withExtendedLifetime(inside) {}
    }

    /// Fail closed at the C boundary: an option this libcurl lacks (here the guard's
    /// connect-time check, as before libcurl 7.80) fails the fetch with the option's name;
    /// the transfer never runs with the protection off.
    @Test func anOptionLibcurlLacksFailsTheFetchWithItsName() async throws {
        let server = try Self.server.get()
        var request = FetchRequest(feed: "guarded", url: "http://feeds.example.com:\(server.port)/ok.xml")
        request.testHooks.resolve = ["feeds.example.com:\(server.port):127.0.0.1"]
        request.refuseInternal = true
        request.testHooks.unsupportedOption = CURLOPT_PREREQFUNCTION
        guard case .failure(let error) = await Fetcher().fetch(request) else {
            Issue.record("the fetch must fail when the guard cannot be set")
            return
        }
        #expect(
            error.description.hasPrefix("feed guarded (http://feeds.example.com:\(server.port)/ok.xml): libcurl "),
            "\(error)"
        )
        #expect(error.description.contains("refused CURLOPT_PREREQFUNCTION (curl error 48: "), "\(error)")
        #expect(error.description.contains("upgrade libcurl"), "\(error)")
    }

    /// A value libcurl itself refuses (a redirect limit below -1) fails the fetch, naming the option.
    @Test func aValueLibcurlRefusesFailsTheFetchWithTheOptionsName() async throws {
        let server = try Self.server.get()
        var request = FetchRequest(feed: "limits", url: "http://127.0.0.1:\(server.port)/ok.xml")
        request.maxRedirects = -2
        guard case .failure(let error) = await Fetcher().fetch(request) else {
            Issue.record("a refused option must fail the fetch")
            return
        }
        #expect(error.description.contains("refused CURLOPT_MAXREDIRS (curl error 43: "), "\(error)")
        #expect(error.description.contains("check the setting it comes from"), "\(error)")
    }

    @Test func cancellingAFetchStopsAHangingTransferPromptly() async throws {
        let server = try Self.server.get()
        var request = FetchRequest(feed: "hang", url: "http://127.0.0.1:\(server.port)/hang")
        request.totalTimeout = 30  // only stops a broken build from waiting out the hang
        let task = Task { await Fetcher().fetch(request) }
        try await Task.sleep(for: .milliseconds(500))
        task.cancel()
        guard case .failure(let error) = await task.value else {
            Issue.record("a cancelled fetch must fail")
            return
        }
        #expect(error.kind == .cancelled)
        // Stopped by the abort (CURLE_ABORTED_BY_CALLBACK), not ended by the time limit or the server.
        #expect(error.detail == "transfer stopped at shutdown", "\(error)")
    }
}
