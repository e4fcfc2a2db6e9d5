import Foundation
import Testing
@testable import WatchlistCore
#if canImport(Glibc)
import Glibc
#endif

@Suite("Metrics")
struct MetricsTests {
    @Test func runOnceWritesPrometheusTextMetrics() throws {
        let dir = try TempDir()
        try dir.write(
            "w.conf",
            """
            watchlists: \(Repo.fixtures.path)/watchlists
            database: db.sqlite
            email-dir: out
            metrics-file: metrics/watchlistd.prom
            concurrency: 2
            feed: file://\(Repo.fixtures.path)/feeds/rss2.xml
              name: rss
            feed: file://\(Repo.fixtures.path)/feeds/missing.xml
              name: missing
            syslog: tcp://127.0.0.1:\(closedTCPPort())
            """
        )
        try FileManager.default.createDirectory(atPath: dir.path + "/metrics", withIntermediateDirectories: true)
        // The unit's UMask=0077: the file must still be readable by node_exporter's user.
        let run = try runBinary(["run", "--once", "--config", dir.path + "/w.conf"], shell: "umask 077; exec")
        #expect(run.status == 0, "\(run.stderr)")
        let text = try String(contentsOfFile: dir.path + "/metrics/watchlistd.prom", encoding: .utf8)
        for line in [
            "watchlistd_fetches_total{result=\"ok\"} 1", "watchlistd_fetches_total{result=\"error\"} 1",
            "watchlistd_hits_total 2", "watchlistd_items_total 3", "watchlistd_cycles_total 1",
            "watchlistd_alert_deliveries_total{channel=\"email\",result=\"sent\"} 2",
            "watchlistd_feeds{state=\"configured\"} 2", "watchlistd_feeds{state=\"failing\"} 1",
            "watchlistd_outbox{channel=\"email\",state=\"sent\"} 2", "# TYPE watchlistd_fetches_total counter",
            "watchlistd_alert_deliveries_total{channel=\"email\",result=\"failed\"} 0",
            "watchlistd_alert_deliveries_total{channel=\"syslog\",result=\"failed\"} 1",
            "watchlistd_config_last_reload_successful 1",
        ] {
            #expect(text.contains(line + "\n"), "missing \(line) in:\n\(text)")
        }
        #expect(!text.contains("channel=\"any\""))
        let loaded = text.split(separator: "\n").first {
            $0.hasPrefix("watchlistd_config_last_reload_success_timestamp_seconds ")
        }
        #expect(
            loaded.flatMap { Double($0.split(separator: " ")[1]) }.map { abs($0 - Date().timeIntervalSince1970) < 600 }
                == true,
            "\(text)"
        )
        var info = stat()
        #expect(
            stat(dir.path + "/metrics/watchlistd.prom", &info) == 0 && info.st_mode & 0o777 == 0o644,
            "mode \(String(info.st_mode & 0o777, radix: 8))"
        )
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/metrics/watchlistd.prom.tmp"))
        #expect(try ConfigParser.load(dir.path + "/w.conf").concurrency == 2)
    }

    @Test func anUnwritableMetricsFileIsLoggedOnceAndAgainWhenItWorks() throws {
        let dir = try TempDir()
        try dir.write(
            "w.conf",
            """
            watchlists: \(Repo.fixtures.path)/watchlists
            database: db.sqlite
            metrics-file: missing/watchlistd.prom
            """
        )
        let log = LogLines()
        let pipeline = try Pipeline.build(config: try ConfigParser.load(dir.path + "/w.conf"), logger: log.logger())
        let state = DaemonState(pipeline: pipeline, configPath: dir.path + "/w.conf")
        for _ in 0..<5 { state.writeMetrics() }
        try FileManager.default.createDirectory(atPath: dir.path + "/missing", withIntermediateDirectories: false)
        state.writeMetrics()
        let lines = log.all.filter { $0.contains("metrics file") }
        #expect(lines.count == 2, "\(lines)")
        #expect(lines.first?.hasPrefix("<4>cannot write the metrics file;") == true)
        #expect(lines.last?.hasPrefix("<5>metrics file written again") == true)
    }
}
