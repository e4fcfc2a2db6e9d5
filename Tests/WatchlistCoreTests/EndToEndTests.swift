import Foundation
import Testing
@testable import WatchlistCore
#if canImport(Glibc)
import Glibc
#endif

/// A UDP syslog collector on 127.0.0.1 that keeps every datagram.
final class UDPListener {
    let fd: Int32
    let port: Int

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        self.fd = fd
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            close(fd)
            throw TestFailure("cannot bind a UDP socket on 127.0.0.1")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.port = Int(UInt16(bigEndian: address.sin_port))
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    /// Every datagram received so far.
    func drain() -> [String] {
        var records: [String] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { break }
            records.append(String(decoding: buffer[0..<count], as: UTF8.self))
        }
        return records
    }
}

/// A received message as stored by Tests/Support/smtp_sink.py.
struct ReceivedMail {
    var recipients: [String]
    var headers: [String: String]
    /// The text/plain part (or the whole body of a single-part message).
    var body: String
    var html: String = ""

    static func all(in directory: String) throws -> [ReceivedMail] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return try names.filter { $0.hasSuffix(".eml") }.sorted().map { name in
            let base = (directory as NSString).appendingPathComponent(String(name.dropLast(4)))
            let envelope =
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: base + ".json")))
                as! [String: Any]
            let raw = String(decoding: try Data(contentsOf: URL(fileURLWithPath: base + ".eml")), as: UTF8.self)
                .replacingOccurrences(of: "\r\n", with: "\n")
            let parts = raw.components(separatedBy: "\n\n")
            var headers: [String: String] = [:]
            var lastKey = ""
            for line in parts[0].split(separator: "\n") {
                if line.hasPrefix(" ") || line.hasPrefix("\t") {
                    headers[lastKey, default: ""] += String(line)
                } else if let colon = line.firstIndex(of: ":") {
                    lastKey = line[..<colon].lowercased()
                    headers[lastKey] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
            }
            func decode(_ base64: String) -> String {
                Data(base64Encoded: base64.replacingOccurrences(of: "\n", with: "")).map {
                    String(decoding: $0, as: UTF8.self)
                } ?? ""
            }
            let rest = parts.dropFirst().joined(separator: "\n\n")
            var body = ""
            var html = ""
            if let type = headers["content-type"], let range = type.range(of: "boundary=\"") {
                let boundary = String(type[range.upperBound...].prefix { $0 != "\"" })
                for section in rest.components(separatedBy: "--" + boundary).dropFirst() where !section.hasPrefix("--")
                {
                    let pieces = section.components(separatedBy: "\n\n")
                    guard pieces.count >= 2 else { continue }
                    let text = decode(pieces.dropFirst().joined())
                    if pieces[0].contains("text/html") { html = text } else { body = text }
                }
            } else {
                body = decode(rest)
            }
            if let subject = headers["subject"] { headers["subject"] = decodeEncodedWords(subject) }
            return ReceivedMail(recipients: envelope["rcpt_tos"] as! [String], headers: headers, body: body, html: html)
        }
    }
}

/// RFC 2047 `=?UTF-8?B?…?=` words, as a mail client shows them.
func decodeEncodedWords(_ header: String) -> String {
    guard header.contains("=?") else { return header }
    var bytes = Data()
    for word in header.split(separator: " ") where word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?=") {
        bytes.append(Data(base64Encoded: String(word.dropFirst(10).dropLast(2))) ?? Data())
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// JSON Lines that diff cleanly: each line's keys in sorted order, and the same bytes
/// from a second run.
func expectStableJSONLines(_ first: String, _ second: String, keys: [String]) {
    #expect(first == second, "two runs differ:\n\(first)\n\(second)")
    let lines = first.split(separator: "\n")
    #expect(!lines.isEmpty)
    for line in lines {
        let positions = keys.map { line.range(of: "\"\($0)\":")?.lowerBound }
        #expect(
            positions.allSatisfy { $0 != nil } && positions.compactMap { $0 } == positions.compactMap { $0 }.sorted(),
            "keys not in the order \(keys): \(line)"
        )
    }
}

@Suite("End to end", .serialized)
struct EndToEndTests {
    @Test func runOnceFetchesMatchesStoresAndAlertsEachCustomerOnce() throws {
        let dir = try TempDir()
        let feeds = dir.url.appendingPathComponent("feeds")
        try FileManager.default.copyItem(at: Repo.fixtures.appendingPathComponent("feeds"), to: feeds)
        let http = try ServerProcess.http(serving: feeds.path)
        let smtp = try ServerProcess.smtp(storingIn: dir.path + "/mail")
        let syslog = try UDPListener()
        let base = "http://127.0.0.1:\(http.port)"
        try dir.write(
            "watchlistd.conf",
            """
            watchlists: \(Repo.fixtures.path)/watchlists
            database: state/watchlistd.sqlite
            feed: \(base)/rss2.xml
              name: rss
            feed: \(base)/atom.xml
              name: atom
            feed: \(base)/rdf.xml
              name: rdf
            feed: \(base)/jsonfeed.json
              name: jsonfeed
            feed: \(base)/api.json
              name: api
              format: json
              items: data.posts
              title: post_title
              id: meta.id
            feed: \(base)/missing.xml
              name: broken
            smtp: smtp://127.0.0.1:\(smtp.port)
              from: watchlistd@test.example
            syslog: udp://127.0.0.1:\(syslog.port)
            """
        )
        let config = dir.path + "/watchlistd.conf"

        let first = try runBinary(["run", "--once", "--config", config])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("feed broken (\(base)/missing.xml): HTTP status 404"))

        // One message per customer, to that customer's recipients only, holding only its hits.
        let mails = try ReceivedMail.all(in: dir.path + "/mail")
        let expected: [String: (recipients: [String], entity: String, hits: Int)] = [
            "Orion Group": (["soc@orion.example"], "Orion Shipping & Logistics", 2),
            "Kestrel Bank": (["cti@kestrel.example", "soc@kestrel.example"], "Kestrel Bank", 2),
            "Lumen Pharma": (["security@lumen.example"], "Lumen Pharma", 3),
        ]
        #expect(mails.count == 3)
        for mail in mails {
            let customer = try #require(mail.headers["x-watchlistd-customer"])
            let want = try #require(expected[customer], "unexpected customer \(customer)")
            #expect(mail.recipients.sorted() == want.recipients.sorted())
            #expect(mail.headers["subject"]?.contains("\(customer): \(want.hits) new hits") == true, "\(mail.headers)")
            #expect(mail.headers["message-id"]?.hasSuffix("@test.example>") == true)
            #expect(mail.headers["auto-submitted"] == "auto-generated")
            for (other, details) in expected where other != customer {
                #expect(!mail.body.contains(details.entity), "\(customer)'s mail mentions \(other)")
                for recipient in details.recipients { #expect(!mail.recipients.contains(recipient)) }
            }
            #expect(mail.body.contains(want.entity))
            #expect(mail.html.contains(HTMLEscape.escape(want.entity)))
            #expect(mail.html.contains("<mark>"))
        }

        // One syslog record per hit, RFC 5424, no raw newline.
        let records = syslog.drain()
        #expect(records.count == 7)
        for record in records {
            #expect(record.hasPrefix("<132>1 "))
            #expect(!record.contains("\n"))
        }
        #expect(records.filter { $0.contains("customer=\"Lumen Pharma\"") }.count == 3)

        // The stored hits, as scripts read them.
        let hits = try runBinary(["hits", "--config", config, "--json"])
        #expect(hits.status == 0)
        let objects = hits.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(objects.count == 7)
        for key in [
            "item", "feed", "customer", "entity", "name", "relation", "matched", "score", "field", "title", "link",
            "seen",
        ] {
            #expect(objects.allSatisfy { $0.keys.contains(key) }, "missing \(key)")
        }
        #expect(Set(objects.compactMap { $0["feed"] as? String }) == ["rss", "atom", "rdf", "jsonfeed", "api"])
        expectStableJSONLines(
            hits.stdout,
            try runBinary(["hits", "--config", config, "--json"]).stdout,
            keys: [
                "customer", "entity", "feed", "field", "item", "link", "matched", "name", "relation", "score", "seen",
                "title", "watchlist",
            ]
        )
        let filtered = try runBinary([
            "hits", "--config", config, "--json", "--customer", "Kestrel Bank", "--since", "1h",
        ])
        #expect(filtered.stdout.split(separator: "\n").count == 2)

        // The failing feed's state is recorded with the error and a later due time.
        let store = try Store(path: dir.path + "/state/watchlistd.sqlite")
        let broken = try #require(try store.feedStates().first { $0.name == "broken" })
        #expect(broken.errorCount == 1)
        #expect(broken.lastError?.contains("404") == true)
        #expect(try store.outboxCounts() == ["email/sent": 7, "syslog/sent": 7])
        let status = try runBinary(["status", "--config", config])
        #expect(status.status == 0)
        #expect(
            status.stdout.contains("feeds:      6 configured, 5 ok, 1 failing, 0 never fetched"),
            "\(status.stdout)"
        )
        #expect(status.stdout.contains("failing: broken (1 in a row)"))
        #expect(status.stdout.contains(", 7 in all"))  // "today" depends on the clock
        #expect(status.stdout.contains("email:      pending 0, sent 7, failed 0"))
        let feedsOutput = try runBinary(["feeds", "--config", config])
        #expect(feedsOutput.stdout.contains("broken  \(base)/missing.xml  FAILING (1 in a row)"))
        #expect(feedsOutput.stdout.contains("last error at "))
        #expect(feedsOutput.stdout.contains("rss  \(base)/rss2.xml  ok"))
        #expect(feedsOutput.stdout.contains("items seen 3"))

        // A second cycle: conditional GETs, nothing new stored, nothing sent.
        let second = try runBinary(["run", "--once", "--config", config])
        #expect(second.status == 0)
        #expect(try ReceivedMail.all(in: dir.path + "/mail").count == 3)
        #expect(syslog.drain().isEmpty)
        let requests = try String(contentsOfFile: dir.path + "/requests.log", encoding: .utf8).split(separator: "\n")
        #expect(requests.filter { $0.hasPrefix("GET /rss2.xml \"") }.count == 1, "second fetch sends If-None-Match")
        withExtendedLifetime((http, smtp)) {}
    }

    @Test func matchCommandSpeaksJSONLines() throws {
        let input = """
            {"id": "1", "title": "Orion Shipping database", "body": "see orion-shipping.example"}
            {"id": 2, "title": "ルーメン製薬 データ"}
            {"id": "3", "title": "nothing here"}
            """
        let result = try runBinary(["match", "--watchlists", Repo.fixtures.path + "/watchlists"], stdin: input)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map {
            try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
        #expect(lines.count == 3)
        #expect(lines.map { $0["id"] as! String } == ["1", "1", "2"])
        #expect(lines.map { $0["relation"] as! String } == ["alias", "domain", "alias"])
        #expect(lines[2]["matched"] as? String == "ルーメン製薬")
        #expect(lines[2]["customer"] as? String == "Lumen Pharma")
        #expect(lines[2]["entity"] as? String == "Lumen Pharma")
        #expect(lines[2]["score"] as? Double == 1.0)
        expectStableJSONLines(
            result.stdout,
            try runBinary(["match", "--watchlists", Repo.fixtures.path + "/watchlists"], stdin: input).stdout,
            keys: ["customer", "entity", "field", "id", "matched", "name", "relation", "score"]
        )

        let bad = try runBinary(["match", "--watchlists", Repo.fixtures.path + "/watchlists"], stdin: "not json\n")
        #expect(bad.status == 65)
        #expect(bad.stderr.contains("stdin:1: not a JSON object"))
    }

    @Test func explainShowsTheLineTheFoldedFormsAndNearMisses() throws {
        let dir = try TempDir()
        try dir.write("a.watch", "customer: Acme\nentity: Gree Electric\n  alias: 格力\n  alias: 中國移動\n")
        let result = try runBinary(["match", "--watchlists", dir.path, "--explain", "出售中国移动员工数据", "他们有资格力争上游"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("text 1: 1 hit(s)"))
        #expect(result.stdout.contains("matched \"中国移动\" | score 0.97"))
        #expect(result.stdout.contains("watchlist line: \(dir.path)/a.watch:4"))
        #expect(result.stdout.contains("folded name:    中国移动"))
        #expect(result.stdout.contains("script (traditional/shinjitai → simplified)"))
        #expect(result.stdout.contains("text 2: no hits"))
        #expect(result.stdout.contains("matched \"格力\" | score 0.50  (below threshold 0.8)"))
        #expect(result.stdout.contains("crosses a word boundary"))
    }

    @Test func checkReportsFileAndLineAndExitsNonZero() throws {
        let dir = try TempDir()
        try dir.write("good.watch", "customer: A\nentity: X Corp\n")
        try dir.write("bad.watch", "customer: B\nentity: Y Corp\n  alais: Y\n")
        let result = try runBinary(["check", "--watchlists", dir.path])
        #expect(result.status == 78)
        #expect(result.stdout.contains("\(dir.path)/bad.watch:3: unknown key `alais:`; did you mean `alias:`?"))
        try FileManager.default.removeItem(atPath: dir.path + "/bad.watch")
        let ok = try runBinary(["check", "--watchlists", dir.path])
        #expect(ok.status == 0)
        #expect(ok.stdout.contains("ok: 1 watchlists, 1 entities, 1 names"))
        #expect(try runBinary(["check"]).status == 64)
    }
}

/// The bundled example watchlists against the bundled sample feeds: what `make demo`
/// shows must stay right (hits where the samples mention a watched company, silence on
/// the traps the samples were written with).
@Suite("Bundled samples")
struct BundledSampleTests {
    @Test func demoFeedsGiveTheExpectedHitsAndNoTrapHits() throws {
        let (lists, _) = try WatchlistParser.loadDirectory(Repo.root.appendingPathComponent("watchlists").path)
        let matcher = Matcher(watchlists: lists)
        var found = Set<String>()
        let feeds = Repo.root.appendingPathComponent("samples/feeds")
        for (file, format) in [
            ("breachforum.rss", FeedConfig.Format.auto), ("cn-forum.atom", .auto), ("jp-leaks.rss", .auto),
            ("ransom-posts.json", .json),
        ] {
            let config = FeedConfig(
                url: "file:///x",
                name: file,
                interval: .seconds(600),
                proxy: nil,
                format: format,
                itemsPath: "$",
                titlePath: format == .json ? "post_title" : "title",
                linkPath: nil,
                idPath: nil,
                datePath: nil,
                bodyPath: nil,
                line: 1
            )
            let items = try FeedParser.parse(Data(contentsOf: feeds.appendingPathComponent(file)), feed: config).get()
            for item in items {
                for hit in matcher.match(item.matchText, threshold: Matcher.defaultThreshold) {
                    found.insert("\(hit.customer) | \(hit.entity) | \(item.title)")
                }
            }
        }
        let gree = "Gree Electric Appliances, Inc. of Zhuhai"
        let mobile = "China Mobile Communications Group"
        let expected: Set<String> = [
            "Acme Insurance | \(gree) | [SELLING] 1.1M work orders + customer records — GREE ELECTRIC APPLIANCES INC. OF ZHUHAI",
            "Acme Insurance | \(mobile) | China Mobile staff directory + internal VPN access",
            "Nippon MSP | \(mobile) | China Mobile staff directory + internal VPN access",
            "Pacific Bank | Chinese Center for Disease Control and Prevention | 出售 中國疾病預防控制中心 130万条入院记录",
            "Acme Insurance | \(gree) | 格力電器 客户数据 110万 工单",
            "Pacific Bank | Taiwan Semiconductor Manufacturing Company | 台積電 供应商门户账号",
            "Acme Insurance | \(gree) | ｸﾞﾘｰ･ｴﾚｸﾄﾘｯｸ 顧客データ販売",
            "Nippon MSP | Nippon Steel Corporation | 日本製鐵 社内資料 流出",
            "Pacific Bank | Toshiba Corporation | 株式会社東芝 の社内ポータル認証情報",
            "Pacific Bank | Taiwan Semiconductor Manufacturing Company | TSMC",
            "Nippon MSP | Mitsubishi Heavy Industries | mhi.com - 2TB engineering share",
        ]
        // Traps the samples carry: "agreement" and Greece, China Mobile Games (excluded),
        // 中国移动硬盘 (excluded), Toshima, an unwatched Acme Plumbing.
        #expect(
            found == expected,
            "missing: \(expected.subtracting(found)), unexpected: \(found.subtracting(expected))"
        )
    }
}

@Suite("Daemon mode", .serialized)
struct DaemonModeTests {
    @Test func runPollsThenStopsCleanlyOnSIGTERM() throws {
        let dir = try TempDir()
        let feeds = dir.url.appendingPathComponent("feeds")
        try FileManager.default.copyItem(at: Repo.fixtures.appendingPathComponent("feeds"), to: feeds)
        let http = try ServerProcess.http(serving: feeds.path)
        try dir.write(
            "watchlistd.conf",
            """
            watchlists: \(Repo.fixtures.path)/watchlists
            database: state/watchlistd.sqlite
            email-dir: outbox
            metrics-file: watchlistd.prom
            feed: http://127.0.0.1:\(http.port)/rss2.xml
              name: rss
              interval: 10s
            """
        )
        let daemon = try Child(Repo.binary.path, ["run", "--config", dir.path + "/watchlistd.conf"])
        close(daemon.stdinFD)
        // The first cycle runs at start: wait (bounded) for its alert e-mails.
        let deadline = Date().addingTimeInterval(20)
        var mails: [String] = []
        while Date() < deadline {
            mails = (try? FileManager.default.contentsOfDirectory(atPath: dir.path + "/outbox")) ?? []
            if mails.count == 2 { break }
            usleep(100_000)
        }
        #expect(mails.count == 2, "Orion and Kestrel are mentioned in rss2.xml")
        // The alert service rewrote the metrics after delivering.
        var metrics = ""
        let metricsDeadline = Date().addingTimeInterval(10)
        while Date() < metricsDeadline, !metrics.contains("result=\"sent\"} 2") {
            usleep(100_000)
            metrics = (try? String(contentsOfFile: dir.path + "/watchlistd.prom", encoding: .utf8)) ?? ""
        }
        #expect(metrics.contains("watchlistd_cycles_total 1\n"), "\(metrics)")
        #expect(
            metrics.contains("watchlistd_alert_deliveries_total{channel=\"email\",result=\"sent\"} 2\n"),
            "\(metrics)"
        )
        kill(daemon.pid, SIGTERM)
        let stopped = Date()
        let status = daemon.wait()
        #expect(status == 0)
        #expect(Date().timeIntervalSince(stopped) < 10)
        let store = try Store(path: dir.path + "/state/watchlistd.sqlite")
        #expect(try store.hits().count == 2)
        #expect(try store.outboxCounts() == ["email/sent": 2])
        withExtendedLifetime(http) {}
    }
}

/// A NOTIFY_SOCKET listener, as systemd has.
final class NotifyListener {
    let fd: Int32
    let path: String

    init(path: String) throws {
        self.path = path
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        self.fd = fd
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in path.utf8.enumerated() { raw[i] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else { throw TestFailure("cannot bind \(path)") }
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    /// Messages received until one contains `text` (or `seconds` pass).
    func wait(for text: String, seconds: Double = 15) -> [String] {
        var messages: [String] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count > 0 {
                let message = String(decoding: buffer[0..<count], as: UTF8.self)
                messages.append(message)
                if message.contains(text) { break }
            }
        }
        return messages
    }
}

@Suite("systemd notify and reload", .serialized)
struct NotifyAndReloadTests {
    @Test func readyWatchdogReloadAndStopping() throws {
        let dir = try TempDir()
        let lists = dir.url.appendingPathComponent("lists")
        try FileManager.default.createDirectory(at: lists, withIntermediateDirectories: true)
        try dir.write("lists/orion.watch", "customer: Orion Group\nemail: soc@orion.example\nentity: Orion Shipping\n")
        try dir.write(
            "w.conf",
            """
            watchlists: lists
            database: db.sqlite
            email-dir: out
            metrics-file: metrics.prom
            feed: file://\(Repo.fixtures.path)/feeds/rss2.xml
              name: rss
              interval: 10s
            """
        )
        let notify = try NotifyListener(path: dir.path + "/notify.sock")
        var environment = ProcessInfo.processInfo.environment
        environment["NOTIFY_SOCKET"] = dir.path + "/notify.sock"
        let daemon = try Child(Repo.binary.path, ["run", "--config", dir.path + "/w.conf"], environment: environment)
        close(daemon.stdinFD)
        let stderrFD = daemon.stderrFD
        let errBox = DataBox()
        let drained = DispatchSemaphore(value: 0)
        Thread {
            errBox.data = Child.readAll(stderrFD)
            drained.signal()
        }.start()

        let startup = notify.wait(for: "WATCHDOG=1")
        #expect(startup.first?.hasPrefix("READY=1\nSTATUS=") == true, "\(startup)")
        #expect(startup.last?.hasPrefix("WATCHDOG=1") == true, "a completed cycle pets the watchdog")
        #expect(startup.last?.contains("1 feeds ok, 0 failing; 1 hits today") == true, "\(startup)")

        // A good change: reload picks it up.
        try dir.write(
            "lists/kestrel.watch",
            "customer: Kestrel Bank\nemail: cti@kestrel.example\nentity: Kestrel Bank\n"
        )
        kill(daemon.pid, SIGHUP)
        let reload = notify.wait(for: "READY=1")
        #expect(reload.contains { $0.hasPrefix("RELOADING=1\nMONOTONIC_USEC=") }, "\(reload)")
        #expect(reload.last?.hasPrefix("READY=1") == true)

        // A broken file: rejected with FILE:LINE, the last good version stays.
        try dir.write("lists/broken.watch", "customer: Broken\nentity: X\n  alais: Y\n")
        kill(daemon.pid, SIGHUP)
        _ = notify.wait(for: "READY=1")
        // Visible beyond the log: in the metrics and in `status`.
        let rejected = try String(contentsOfFile: dir.path + "/metrics.prom", encoding: .utf8)
        #expect(rejected.contains("watchlistd_config_last_reload_successful 0\n"), "\(rejected)")
        #expect(rejected.contains("watchlistd_config_last_reload_success_timestamp_seconds 1"), "\(rejected)")
        let status = try runBinary(["status", "--config", dir.path + "/w.conf"])
        #expect(status.stdout.contains("config:     last reload REJECTED "), "\(status.stdout)")
        #expect(status.stdout.contains("\(dir.path)/lists/broken.watch:3: unknown key `alais:`"), "\(status.stdout)")

        // Without a signal: a changed file on disk is noticed (inotify) and reloaded.
        try dir.write("lists/broken.watch", "customer: Broken\nentity: X\n  alias: Y\n")
        let watched = notify.wait(for: "READY=1", seconds: 10)
        #expect(watched.contains { $0.hasPrefix("RELOADING=1") }, "\(watched)")
        #expect(
            try String(contentsOfFile: dir.path + "/metrics.prom", encoding: .utf8).contains(
                "watchlistd_config_last_reload_successful 1\n"
            )
        )
        #expect(try runBinary(["status", "--config", dir.path + "/w.conf"]).stdout.contains("config:     reloaded "))

        // A file renamed away (`.off`, IN_MOVED_FROM) is a change too: its names stop being watched.
        try FileManager.default.moveItem(
            atPath: dir.path + "/lists/broken.watch",
            toPath: dir.path + "/lists/broken.watch.off"
        )
        let parked = notify.wait(for: "READY=1", seconds: 10)
        #expect(parked.contains { $0.hasPrefix("RELOADING=1") }, "\(parked)")

        kill(daemon.pid, SIGTERM)
        let stopping = notify.wait(for: "STOPPING=1")
        #expect(stopping.contains("STOPPING=1"))
        #expect(daemon.wait() == 0)
        drained.wait()
        let log = String(decoding: errBox.data, as: UTF8.self)
        #expect(log.contains("reloaded"))
        #expect(log.contains("reload rejected: \(dir.path)/lists/broken.watch:3: unknown key `alais:`"), "\(log)")
        #expect(log.contains("the previous configuration and watchlists stay in force"))
        #expect(log.contains("files changed on disk; reloading"))
    }
}
