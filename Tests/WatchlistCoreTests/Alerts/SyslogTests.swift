import Foundation
import Testing
@testable import WatchlistCore
#if canImport(Glibc)
import Glibc
#endif

/// Syslog against real collectors: TCP (octet counting), TLS (verified), a unix socket,
/// and CEF, with hostile text from a feed.
@Suite("Syslog", .serialized)
struct SyslogTests {
    let hit = StoredHit(
        id: 1,
        itemKey: "42",
        feed: "leaks",
        customer: "Acme",
        entity: "Gree Electric",
        name: "Gree",
        relation: "alias",
        matched: "GREE",
        score: 0.99,
        title: "GREE dump\nsecond line\r\u{2028}<14>1 forged record | a=b \\ end",
        link: "http://127.0.0.1/t/1",
        seen: Date(),
        watchFile: "acme.watch",
        watchLine: 3
    )

    func records(_ path: String, count: Int) throws -> [String] {
        let deadline = Date().addingTimeInterval(10)
        var lines: [String] = []
        while Date() < deadline {
            let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            lines = text.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8), options: .fragmentsAllowed) as? String
            }
            if lines.count >= count { break }
            usleep(50_000)
        }
        return lines
    }

    func collector(_ arguments: [String]) throws -> ServerProcess {
        try ServerProcess("/usr/bin/python3", [Repo.support.appendingPathComponent("syslog_sink.py").path] + arguments)
    }

    @Test func tcpIsOctetCountedOneRecordPerHit() throws {
        let dir = try TempDir()
        let sink = try collector(["tcp", dir.path + "/out"])
        let sender = SyslogSender(
            config: SyslogConfig(
                target: .tcp(host: "127.0.0.1", port: UInt16(sink.port)),
                facility: 16 << 3,
                appName: "watchlistd",
                line: 1
            )
        )
        try sender.send(hit)
        try sender.send(hit)
        let got = try records(dir.path + "/out", count: 2)
        #expect(got.count == 2)
        for record in got {
            #expect(record.hasPrefix("<132>1 "))
            #expect(!record.contains("\n") && !record.contains("\r") && !record.contains("\u{2028}"))
            #expect(record.contains("[hit@32473 customer=\"Acme\" entity=\"Gree Electric\""))
            #expect(record.contains("title=\"GREE dump\\x0Asecond line"))
        }
        #expect(
            try String(contentsOfFile: dir.path + "/out.connections", encoding: .utf8) == "connection\n",
            "one connection for both"
        )
        withExtendedLifetime(sink) {}
    }

    @Test func tlsIsVerifiedAgainstTheConfiguredCA() throws {
        let dir = try TempDir()
        try dir.makeSelfSignedCertificate()
        let sink = try collector(["tls", dir.path + "/out", dir.path + "/cert.pem", dir.path + "/key.pem"])
        var config = SyslogConfig(
            target: .tls(host: "127.0.0.1", port: UInt16(sink.port)),
            facility: 16 << 3,
            appName: "watchlistd",
            line: 1
        )
        // Without the collector's CA the certificate is refused and nothing is sent.
        #expect(throws: DeliveryError.self) { try SyslogSender(config: config).send(hit) }
        config.caFile = dir.path + "/cert.pem"
        let sender = SyslogSender(config: config)
        try sender.send(hit)
        try sender.send(hit)
        try sender.send(hit)
        let got = try records(dir.path + "/out", count: 3)
        #expect(got.count == 3)
        #expect(got.allSatisfy { $0.contains("customer=\"Acme\"") && !$0.contains("\n") })
        // One session for all three (after the one refused without the CA): what TLS 1.3 sends after the handshake (session
        // tickets) is not taken for the collector closing the connection.
        let connections = try String(contentsOfFile: dir.path + "/out.connections", encoding: .utf8)
        #expect(connections == "connection\nconnection\n", "the refused one, then one session: \(connections)")
        withExtendedLifetime(sink) {}
    }

    /// The collector restarts between two records: the second must not go into the dead
    /// connection (where the write succeeds locally and the record is lost) but arrive.
    @Test(arguments: ["tcp", "tls"])
    func aRestartedCollectorGetsTheNextRecord(_ mode: String) throws {
        let dir = try TempDir()
        var extra: [String] = []
        if mode == "tls" {
            try dir.makeSelfSignedCertificate()
            extra = [dir.path + "/cert.pem", dir.path + "/key.pem"]
        }
        var first: ServerProcess? = try collector([mode, dir.path + "/before"] + extra)
        let port = UInt16(first!.port)
        var config = SyslogConfig(
            target: mode == "tcp" ? .tcp(host: "127.0.0.1", port: port) : .tls(host: "127.0.0.1", port: port),
            facility: 16 << 3,
            appName: "watchlistd",
            line: 1
        )
        config.caFile = mode == "tls" ? dir.path + "/cert.pem" : nil
        let sender = SyslogSender(config: config)
        try sender.send(hit)
        #expect(try records(dir.path + "/before", count: 1).count == 1)
        first = nil  // killed: the kernel closes its end of the connection
        let second = try collector([mode, dir.path + "/after"] + extra + ["--port", String(port)])
        try sender.send(hit)
        #expect(try records(dir.path + "/after", count: 1).count == 1, "the record after the restart arrives")
        withExtendedLifetime(second) {}
    }

    @Test func unixSocketAndCEF() throws {
        let dir = try TempDir()
        let path = dir.path + "/log.sock"
        let sink = try ServerProcessPath(
            "/usr/bin/python3",
            [Repo.support.appendingPathComponent("syslog_sink.py").path, "unix", dir.path + "/out", path]
        )
        var config = SyslogConfig(target: .unix(path: path), facility: 16 << 3, appName: "watchlistd", line: 1)
        config.format = .cef
        try SyslogSender(config: config).send(hit)
        let got = try records(dir.path + "/out", count: 1)
        let record = try #require(got.first)
        let cef = try #require(record.range(of: "CEF:0|")).lowerBound
        let body = String(record[cef...])
        #expect(
            body.hasPrefix(
                "CEF:0|watchlistd|watchlistd|1|hit|Watchlist mention: Gree Electric|7|cs1Label=customer cs1=Acme "
            )
        )
        #expect(body.contains("msg=GREE dump\\nsecond line\\r\\u2028<14>1 forged record | a\\=b \\\\ end"))
        #expect(body.contains("request=http://127.0.0.1/t/1"))
        #expect(!body.contains("\n"))
        withExtendedLifetime(sink) {}
    }

    @Test func configAcceptsTheNewTargets() throws {
        let config = try ConfigParser.parse(
            Data(
                """
                watchlists: w
                database: d
                syslog: tls://siem.example:6514
                  format: cef
                  ca-file: ca.pem
                """.utf8
            ),
            file: "/etc/watchlistd/w.conf"
        )
        #expect(config.syslog?.target == .tls(host: "siem.example", port: 6514))
        #expect(config.syslog?.format == .cef)
        #expect(config.syslog?.caFile == "/etc/watchlistd/ca.pem")
        let unix = try ConfigParser.parse(
            Data("watchlists: w\ndatabase: d\nsyslog: unix:///run/collector.sock\n".utf8),
            file: "/w.conf"
        )
        #expect(unix.syslog?.target == .unix(path: "/run/collector.sock"))
    }
}

/// A helper process that prints a path (not a port) when ready; killed on drop.
final class ServerProcessPath {
    let child: Child
    init(_ executable: String, _ arguments: [String]) throws {
        child = try Child(executable, arguments)
        close(child.stdinFD)
        _ = child.readLine()
    }
    deinit {
        kill(child.pid, SIGKILL)
        child.wait()
    }
}
