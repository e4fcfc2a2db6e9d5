import Foundation
import Testing
@testable import WatchlistCore

@Suite("Metrics")
struct MetricsTests {
    @Test func runOnceWritesPrometheusTextMetrics() throws {
        let dir = try TempDir()
        try dir.write("w.conf", """
            watchlists: \(Repo.fixtures.path)/watchlists
            database: db.sqlite
            email-dir: out
            metrics-file: metrics/watchlistd.prom
            concurrency: 2
            feed: file://\(Repo.fixtures.path)/feeds/rss2.xml
              name: rss
            feed: file://\(Repo.fixtures.path)/feeds/missing.xml
              name: missing
            """)
        try FileManager.default.createDirectory(atPath: dir.path + "/metrics", withIntermediateDirectories: true)
        let run = try runBinary(["run", "--once", "--config", dir.path + "/w.conf"])
        #expect(run.status == 0, "\(run.stderr)")
        let text = try String(contentsOfFile: dir.path + "/metrics/watchlistd.prom", encoding: .utf8)
        for line in ["watchlistd_fetches_total{result=\"ok\"} 1", "watchlistd_fetches_total{result=\"error\"} 1",
                     "watchlistd_hits_total 2", "watchlistd_items_total 3", "watchlistd_cycles_total 1",
                     "watchlistd_alert_deliveries_total{channel=\"email\",result=\"sent\"} 2",
                     "watchlistd_feeds{state=\"configured\"} 2", "watchlistd_feeds{state=\"failing\"} 1",
                     "watchlistd_outbox{channel=\"email\",state=\"sent\"} 2", "# TYPE watchlistd_fetches_total counter"] {
            #expect(text.contains(line + "\n"), "missing \(line) in:\n\(text)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/metrics/watchlistd.prom.tmp"))
        #expect(try ConfigParser.load(dir.path + "/w.conf").concurrency == 2)
    }
}
