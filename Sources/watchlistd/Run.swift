import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import WatchlistCore

extension Watchlistd {
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the daemon: poll every feed on its interval, match, store, alert. SIGTERM stops cleanly."
        )

        @Option(help: "The configuration file.")
        var config: String

        @Flag(
            help: """
                One cycle: fetch every feed once, match, store, deliver every pending alert. Exits 0, or 75 \
                (EX_TEMPFAIL) when deliveries were attempted and every one failed (they stay queued).
                """
        )
        var once = false

        @Flag(
            help: """
                With --once: record the hits without alerting them (their alerts are marked suppressed and \
                never sent), for a first start or a rebuilt database.
                """
        )
        var noSend = false

        @OptionGroup var logging: LoggingOptions

        func run() async throws {
            // First of all: SIGHUP's default action ends the process, and loading takes seconds.
            let reloads = ReloadRequests()
            reloads.trapSIGHUP()
            if noSend && !once {
                printError("watchlistd run: --no-send works only with --once")
                throw Exit.usage
            }
            let logger = logging.bootstrap()
            let parsed = try loadConfig(config)
            // One run per database (held until the process exits), then the database's checks.
            let lock = try acquireInstanceLock(parsed)
            defer { withExtendedLifetime(lock) {} }
            let store = try openStoreForRun(parsed, logger: logger)
            let pipeline = try buildPipeline(parsed, logger: logger, store: store)
            // With --no-send, the alerts queued from here on (backfill and the cycle) are suppressed.
            let lastQueued = noSend ? try readStore(parsed, command: "run") { try $0.lastOutboxID() } : 0
            // Names added to the files since the last run are owed their backfill.
            do {
                _ = try await Work.run { try Backfill.catchUp(pipeline: pipeline) }
            } catch {
                logger.error(
                    "backfill failed; it is tried again at the next start or reload",
                    metadata: ["error": "\(error)"]
                )
            }
            if once {
                do {
                    let started = Date()
                    var report = try await pipeline.runCycle(all: true, dispatch: !noSend)
                    if noSend {
                        let suppressed = try pipeline.store.suppress(after: lastQueued, at: Date())
                        logger.notice(
                            "hits recorded without alerting (--no-send)",
                            metadata: ["alerts.suppressed": "\(suppressed)"]
                        )
                        report.pruned = try await pipeline.prune()
                    }
                    if let path = parsed.metricsFile {
                        let metrics = Metrics(path: path)
                        metrics.record(configLoaded: true, at: started)
                        metrics.record(cycle: report, seconds: Date().timeIntervalSince(started))
                        if let error = metrics.write(store: pipeline.store, feedsConfigured: parsed.feeds.count) {
                            logger.warning(
                                "cannot write the metrics file; check that its folder is writable",
                                metadata: ["file": "\(path)", "error": "\(error)"]
                            )
                        }
                    }
                    logger.info(
                        "cycle done",
                        metadata: [
                            "feeds.fetched": "\(report.feedsFetched)",
                            "feeds.not_modified": "\(report.feedsNotModified)",
                            "feeds.failed": "\(report.feedsFailed.count)", "items.new": "\(report.newItems)",
                            "hits.new": "\(report.newHits)",
                        ].merging(report.dispatch.logMetadata) { $1 }
                    )
                    if report.dispatch.allFailed {
                        printError(
                            "watchlistd: every alert delivery failed (\(report.dispatch.failures.count)); they stay queued "
                                + "(see `watchlistd alerts`). First error: \(report.dispatch.failures[0])"
                        )
                        throw Exit.tempFail
                    }
                } catch let exit as ExitCode {
                    throw exit
                } catch {
                    printError("watchlistd: \(error)")
                    throw Exit.ioError
                }
                return
            }
            let state = DaemonState(pipeline: pipeline, configPath: config, reloads: reloads, instanceLock: lock)
            let group = ServiceGroup(
                services: [
                    PollerService(state: state), AlertService(state: state), ReloadService(state: state),
                    FileWatchService(state: state),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
            try await group.run()
        }
    }
}
