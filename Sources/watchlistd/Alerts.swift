import ArgumentParser
import Foundation
import WatchlistCore

extension Watchlistd {
    struct Alerts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "The alert outbox: pending, sent and failed deliveries per channel, with the reasons; --requeue after a fix.",
            discussion: """
                With --requeue, the selected rows (failed ones unless --state says otherwise; narrowed by \
                --id and --customer) are queued again, due now, as `postsuper -r` does; a row parked after \
                a partial delivery goes again only to the recipients that refused it. The daemon (or the \
                next `run --once`) delivers them.
                """
        )

        @Option(help: "The configuration file (for the database path).")
        var config: String

        @Option(
            help:
                "Which rows: pending, sent, failed, suppressed (run --no-send), or all (default: pending and failed; with --requeue: failed)."
        )
        var state: String?

        @Flag(help: "Queue the selected rows again (default: every failed row).")
        var requeue = false

        @Option(
            name: .customLong("id"),
            help: "With --requeue: only this row (the number after # in the listing); repeatable."
        )
        var ids: [Int64] = []

        @Option(help: "With --requeue: only this customer's rows.")
        var customer: String?

        func run() async throws {
            let parsed = try loadConfig(config)
            let states: [OutboxState]
            switch (state ?? (requeue ? "failed" : "open")).lowercased() {
            case "open": states = [.pending, .failed]
            case "all": states = OutboxState.allCases.filter { !requeue || $0 != .sent }
            case let one where OutboxState(rawValue: one).map({ $0 != .sent || !requeue }) == true:
                states = [OutboxState(rawValue: one)!]
            default:
                printError(
                    "watchlistd alerts: --state must be pending, sent, failed, suppressed, open or all (sent cannot be requeued)"
                )
                throw Exit.usage
            }
            if !requeue && (!ids.isEmpty || customer != nil) {
                printError("watchlistd alerts: --id and --customer select rows for --requeue")
                throw Exit.usage
            }
            if requeue {
                let selection = AlertSelection(ids: ids, customer: customer, states: states)
                let requeued = try readStore(parsed, command: "alerts") { try $0.requeue(selection, at: Date()) }
                for row in requeued {
                    let to = row.owed.isEmpty ? "" : " to \(row.owed.map(\.address).joined(separator: ", "))"
                    print("requeued \(describe(row))\(to)")
                }
                print(
                    "\(requeued.count) requeued"
                        + (requeued.isEmpty
                            ? " (nothing matched the selection)"
                            : "; the daemon or the next `run --once` delivers them")
                )
                return
            }
            let (counts, rows) = try readStore(parsed, command: "alerts") { store in
                (try store.outboxCounts(), try store.outbox(states: states))
            }
            for channel in shownChannels(counts) {
                print("\(channel): \(outboxSummary(counts, channel: channel))")
            }
            for row in rows {
                var line = "\(describe(row)) (attempts \(row.attempts)"
                if row.state == .pending { line += ", next \(FeedDates.rfc3339(row.nextAttempt))" }
                if let sent = row.sentAt { line += ", sent \(FeedDates.rfc3339(sent))" }
                line += ")"
                print(line)
                for owed in row.owed {
                    print(
                        "    \(owed.state == .failed ? "refused by" : "still owed to") \(owed.address): \(MailHeader.singleLine(owed.error ?? ""))"
                    )
                }
                if row.owed.isEmpty, let error = row.lastError {
                    print("    last error: \(MailHeader.singleLine(error))")
                }
            }
        }

        func describe(_ row: Store.OutboxStatus) -> String {
            let title = MailHeader.singleLine(String(row.hit.title.prefix(60)))
            return
                "#\(row.id) \(row.state) \(row.channel) \(row.hit.customer) — \(row.hit.entity) [\(row.hit.feed)] \(title)"
        }
    }
}
