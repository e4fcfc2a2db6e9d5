import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import WatchlistCore

extension Watchlistd {
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the daemon: poll every feed on its interval, match, store, alert. SIGTERM stops cleanly.")

        @Option(help: "The configuration file.")
        var config: String

        @Flag(help: "One cycle: fetch every feed once, match, store, deliver every pending alert, exit 0.")
        var once = false

        @OptionGroup var logging: LoggingOptions

        func run() async throws {
            let logger = logging.bootstrap()
            let parsed = try loadConfig(config)
            let pipeline = try buildPipeline(parsed, logger: logger)
            // Names added to the files since the last run are owed their backfill.
            do {
                try await Work.run { try Backfill.catchUp(pipeline: pipeline) }
            } catch {
                logger.error("backfill failed; it is tried again at the next start or reload", metadata: ["error": "\(error)"])
            }
            if once {
                do {
                    let started = Date()
                    let report = try await pipeline.runCycle(all: true)
                    if let path = parsed.metricsFile {
                        let metrics = Metrics(path: path)
                        metrics.record(configLoaded: true, at: started)
                        metrics.record(cycle: report, seconds: Date().timeIntervalSince(started))
                        if let error = metrics.write(store: pipeline.store, feedsConfigured: parsed.feeds.count) {
                            logger.warning("cannot write the metrics file; check that its folder is writable",
                                           metadata: ["file": "\(path)", "error": "\(error)"])
                        }
                    }
                    logger.info("cycle done", metadata: [
                        "feeds.fetched": "\(report.feedsFetched)", "feeds.not_modified": "\(report.feedsNotModified)",
                        "feeds.failed": "\(report.feedsFailed.count)", "items.new": "\(report.newItems)",
                        "hits.new": "\(report.newHits)", "mail.messages": "\(report.dispatch.messagesSent)",
                        "syslog.records": "\(report.dispatch.syslogRecords)",
                        "alerts.failed": "\(report.dispatch.failures.count)",
                    ])
                } catch {
                    printError("watchlistd: \(error)")
                    throw Exit.ioError
                }
                return
            }
            let state = DaemonState(pipeline: pipeline, configPath: config)
            let group = ServiceGroup(
                services: [PollerService(state: state), AlertService(state: state), ReloadService(state: state), FileWatchService(state: state)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger)
            try await group.run()
        }
    }
}
