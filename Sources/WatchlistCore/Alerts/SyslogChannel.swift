import Foundation

extension ChannelName {
    public static let syslog: ChannelName = "syslog"
}

/// Alerts as syslog records (`syslog:`): one record per hit, every customer's, in the
/// order they were queued. A record that cannot be sent stops the round (the collector is
/// down): it is retried with backoff, and the rows after it wait for that retry.
public struct SyslogChannel: AlertChannel {
    public static let name = ChannelName.syslog
    public static let configKeys = ["syslog"]
    public var sender: SyslogSender

    public init(sender: SyslogSender) {
        self.sender = sender
    }

    public static func make(config: DaemonConfig, watchlists: [Watchlist]) -> SyslogChannel? {
        config.syslog.map { SyslogChannel(sender: SyslogSender(config: $0)) }
    }

    public func routes(_ hit: MatchHit) -> Bool { true }

    public func deliver(_ due: [OutboxEntry], context: DeliveryContext) async throws -> ChannelReport {
        var report = ChannelReport()
        let (sender, now) = (self.sender, context.now)
        for entry in due {
            do {
                // sockets and TLS block: not on the cooperative pool
                try await Work.run { try sender.send(entry.hit, at: now) }
            } catch let error as DeliveryError {
                try await context.record(
                    .retry(error.description, at: context.retryAt(attempts: entry.attempts)),
                    for: [entry.id]
                )
                report.failures.append(error.description)
                context.logger.error("syslog record failed", metadata: ["error": "\(error.description)"])
                break  // the collector is down: the rest waits for the retry
            }
            try await context.record(.delivered(), for: [entry.id])
            report.messages += 1
            report.hits += 1
        }
        return report
    }

    public func sendTest(_ hit: StoredHit, watchlist: Watchlist) async -> ChannelTestResult {
        do throws(DeliveryError) {
            var test = hit
            test.title = "TEST " + hit.title
            try sender.send(test, at: hit.seen)
            return ChannelTestResult(channel: Self.label, ok: true, detail: "sent to \(sender.targetDescription)")
        } catch {
            return ChannelTestResult(channel: Self.label, ok: false, detail: error.description)
        }
    }
}
