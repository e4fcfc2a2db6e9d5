import Foundation
import Synchronization

/// Prometheus text metrics for node_exporter's textfile collector (`metrics-file:`):
/// counters since the process started (Prometheus handles the reset at a restart) and
/// gauges read from the database. Rewritten atomically (a temporary file renamed) after
/// every cycle and every alert delivery, so the collector never reads half a file.
public final class Metrics: Sendable {
    struct Counters {
        var fetchesOK = 0, fetchesNotModified = 0, fetchesFailed = 0
        var itemsNew = 0, hitsNew = 0
        var mailSent = 0, syslogSent = 0, alertFailures = 0
        var cycles = 0
        var lastCycleSeconds = 0.0
        var lastCycleEnd: Date?
    }

    private let counters = Mutex(Counters())
    public let path: String

    public init(path: String) {
        self.path = path
    }

    public func record(cycle report: CycleReport, seconds: Double, at end: Date = Date()) {
        counters.withLock {
            $0.fetchesOK += report.feedsFetched
            $0.fetchesNotModified += report.feedsNotModified
            $0.fetchesFailed += report.feedsFailed.count
            $0.itemsNew += report.newItems
            $0.hitsNew += report.newHits
            $0.cycles += 1
            $0.lastCycleSeconds = seconds
            $0.lastCycleEnd = end
        }
        record(dispatch: report.dispatch)
    }

    public func record(dispatch report: DispatchReport) {
        counters.withLock {
            $0.mailSent += report.messagesSent
            $0.syslogSent += report.syslogRecords
            $0.alertFailures += report.failures.count
        }
    }

    /// The exposition text, with gauges from `store`.
    public func text(store: Store, feedsConfigured: Int) -> String {
        let c = counters.withLock { $0 }
        let failing = ((try? store.feedStates()) ?? []).filter { $0.errorCount > 0 }.count
        let outbox = (try? store.outboxCounts()) ?? [:]
        var lines: [String] = []
        func metric(_ name: String, _ type: String, _ help: String, _ samples: [(String, Double)]) {
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) \(type)")
            for (labels, value) in samples {
                let number = value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
                lines.append("\(name)\(labels.isEmpty ? "" : "{\(labels)}") \(number)")
            }
        }
        metric("watchlistd_fetches_total", "counter", "Feed fetches since the daemon started, by result.",
               [("result=\"ok\"", Double(c.fetchesOK)), ("result=\"not_modified\"", Double(c.fetchesNotModified)),
                ("result=\"error\"", Double(c.fetchesFailed))])
        metric("watchlistd_items_total", "counter", "New or changed listings stored.", [("", Double(c.itemsNew))])
        metric("watchlistd_hits_total", "counter", "New hits recorded.", [("", Double(c.hitsNew))])
        metric("watchlistd_alert_deliveries_total", "counter", "Alert deliveries, by channel and result.",
               [("channel=\"email\",result=\"sent\"", Double(c.mailSent)), ("channel=\"syslog\",result=\"sent\"", Double(c.syslogSent)),
                ("channel=\"any\",result=\"failed\"", Double(c.alertFailures))])
        metric("watchlistd_cycles_total", "counter", "Poll cycles completed.", [("", Double(c.cycles))])
        metric("watchlistd_cycle_duration_seconds", "gauge", "Duration of the last poll cycle.", [("", c.lastCycleSeconds)])
        metric("watchlistd_last_cycle_timestamp_seconds", "gauge", "When the last poll cycle ended (Unix time).",
               [("", c.lastCycleEnd?.timeIntervalSince1970.rounded() ?? 0)])
        metric("watchlistd_feeds", "gauge", "Configured feeds, and those whose last fetch failed.",
               [("state=\"configured\"", Double(feedsConfigured)), ("state=\"failing\"", Double(failing))])
        metric("watchlistd_outbox", "gauge", "Alert outbox rows by channel and state.",
               outbox.keys.sorted().map { key in
                   let parts = key.split(separator: "/")
                   return ("channel=\"\(parts[0])\",state=\"\(parts.count > 1 ? parts[1] : "")\"", Double(outbox[key]!))
               })
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes the file atomically; an error is returned for the caller to log.
    @discardableResult
    public func write(store: Store, feedsConfigured: Int) -> Error? {
        let temporary = path + ".tmp"
        do {
            try Data(text(store: store, feedsConfigured: feedsConfigured).utf8).write(to: URL(fileURLWithPath: temporary))
            if rename(temporary, path) != 0 { throw CocoaError(.fileWriteUnknown) }
            return nil
        } catch {
            return error
        }
    }
}
