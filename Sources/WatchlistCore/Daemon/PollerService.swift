import Foundation
import Logging
import ServiceLifecycle

/// The daemon's main loop as a service: a cycle over the due feeds, then a sleep until
/// the next feed is due (at most a minute, so alert retries are not held back).
/// Graceful shutdown cancels the sleep; a cycle in progress finishes its current
/// transactions, so nothing is half-written.
public struct PollerService: Service {
    let pipeline: Pipeline

    public init(pipeline: Pipeline) {
        self.pipeline = pipeline
    }

    public func run() async throws {
        let logger = pipeline.logger
        logger.info("watchlistd running", metadata: ["feeds": "\(pipeline.config.feeds.count)"])
        // Graceful shutdown cancels the sleep between cycles; that is a normal stop, not an error.
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let report = try await pipeline.runCycle(all: false)
                    if report.feedsFetched + report.feedsFailed.count > 0 {
                        logger.info("cycle done", metadata: [
                            "feeds.fetched": "\(report.feedsFetched)", "feeds.failed": "\(report.feedsFailed.count)",
                            "items.new": "\(report.newItems)", "hits.new": "\(report.newHits)",
                        ])
                    }
                } catch {
                    logger.error("cycle failed", metadata: ["error": "\(error)"])
                }
                let next = (try? pipeline.store.feedStates().compactMap(\.nextDue).min()) ?? Date().addingTimeInterval(60)
                let wait = min(60, max(1, next.timeIntervalSinceNow))
                try? await Task.sleep(for: .seconds(wait))
            }
        }
        logger.info("watchlistd stopped")
    }
}
