import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Prometheus text metrics for node_exporter's textfile collector (`metrics-file:`):
/// counters since the process started (Prometheus handles the reset at a restart) and
/// gauges read from the database. Rewritten atomically (a temporary file renamed) after
/// every cycle and every alert delivery, so the collector never reads half a file. The
/// file is mode 0644 whatever the umask (the unit's `UMask=0077` would make it 0600, and
/// node_exporter runs as another user).
public final class Metrics: Sendable {
    struct Counters {
        var fetchesOK = 0, fetchesNotModified = 0, fetchesFailed = 0
        var itemsNew = 0, hitsNew = 0
        /// Deliveries by channel name: accepted, and failed.
        var sent: [ChannelName: Int] = [:], failed: [ChannelName: Int] = [:]
        var reloadOK = true
        var lastGoodLoad: Date?
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
            for (channel, part) in report.channels {
                $0.sent[channel, default: 0] += part.messages
                $0.failed[channel, default: 0] += part.failures.count
            }
        }
    }

    /// A configuration load: the one at start, then every reload (accepted or rejected).
    public func record(configLoaded ok: Bool, at date: Date = Date()) {
        counters.withLock {
            $0.reloadOK = ok
            if ok { $0.lastGoodLoad = date }
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
        metric(
            "watchlistd_fetches_total",
            "counter",
            "Feed fetches since the daemon started, by result.",
            [
                ("result=\"ok\"", Double(c.fetchesOK)), ("result=\"not_modified\"", Double(c.fetchesNotModified)),
                ("result=\"error\"", Double(c.fetchesFailed)),
            ]
        )
        metric("watchlistd_items_total", "counter", "New or changed listings stored.", [("", Double(c.itemsNew))])
        metric("watchlistd_hits_total", "counter", "New hits recorded.", [("", Double(c.hitsNew))])
        // Every kind of channel, configured or not (a series that comes and goes confuses rate()).
        let channels =
            AlertChannels.names + Set(c.sent.keys).union(c.failed.keys).subtracting(AlertChannels.names).sorted()
        metric(
            "watchlistd_alert_deliveries_total",
            "counter",
            "Alert deliveries, by channel and result.",
            [("sent", c.sent), ("failed", c.failed)].flatMap { result, counts in
                channels.map { ("channel=\"\($0)\",result=\"\(result)\"", Double(counts[$0] ?? 0)) }
            }
        )
        metric("watchlistd_cycles_total", "counter", "Poll cycles completed.", [("", Double(c.cycles))])
        metric(
            "watchlistd_cycle_duration_seconds",
            "gauge",
            "Duration of the last poll cycle.",
            [("", c.lastCycleSeconds)]
        )
        metric(
            "watchlistd_last_cycle_timestamp_seconds",
            "gauge",
            "When the last poll cycle ended (Unix time).",
            [("", c.lastCycleEnd?.timeIntervalSince1970.rounded() ?? 0)]
        )
        metric(
            "watchlistd_config_last_reload_successful",
            "gauge",
            "Whether the last configuration reload succeeded (1) or was rejected (0).",
            [("", c.reloadOK ? 1 : 0)]
        )
        metric(
            "watchlistd_config_last_reload_success_timestamp_seconds",
            "gauge",
            "When the configuration was last loaded successfully, at start or by a reload (Unix time).",
            [("", c.lastGoodLoad?.timeIntervalSince1970.rounded() ?? 0)]
        )
        metric(
            "watchlistd_feeds",
            "gauge",
            "Configured feeds, and those whose last fetch failed.",
            [("state=\"configured\"", Double(feedsConfigured)), ("state=\"failing\"", Double(failing))]
        )
        metric(
            "watchlistd_outbox",
            "gauge",
            "Alert outbox rows by channel and state.",
            outbox.keys.sorted().map { key in
                let parts = key.split(separator: "/")
                return ("channel=\"\(parts[0])\",state=\"\(parts.count > 1 ? parts[1] : "")\"", Double(outbox[key]!))
            }
        )
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes the file atomically, mode 0644; an error is returned for the caller to log.
    @discardableResult
    public func write(store: Store, feedsConfigured: Int) -> Error? {
        let temporary = path + ".tmp"
        let bytes = Array(text(store: store, feedsConfigured: feedsConfigured).utf8)
        func failure(_ what: String) -> Error {
            let error = MetricsWriteError(path: path, what: what, errno: errno)
            unlink(temporary)
            return error
        }
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return MetricsWriteError(path: temporary, what: "open", errno: errno) }
        // open's mode is filtered by the umask; fchmod is not.
        guard fchmod(fd, 0o644) == 0 else {
            close(fd)
            return failure("fchmod")
        }
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                offset += n
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                close(fd)
                return failure("write")
            }
        }
        guard close(fd) == 0 else { return failure("close") }
        guard rename(temporary, path) == 0 else { return failure("rename") }
        return nil
    }
}

/// Why the metrics file could not be written, with the file and the system's reason.
public struct MetricsWriteError: Error, CustomStringConvertible {
    public var path: String
    public var what: String
    public var errno: Int32

    public var description: String {
        "\(path): \(what) failed: \(String(cString: strerror(errno)))"
    }
}
