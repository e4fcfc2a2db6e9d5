import ArgumentParser
import Foundation
import WatchlistCore

extension Watchlistd {
    struct TestAlert: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "test-alert",
            abstract: "Send a clearly marked test alert for one customer through every configured channel."
        )

        @Option(help: "The configuration file.")
        var config: String

        @Option(help: "The customer, as written in its watchlist's `customer:` line.")
        var customer: String

        @OptionGroup var logging: LoggingOptions

        func run() async throws {
            let logger = logging.bootstrap()
            let parsed = try loadConfig(config)
            let pipeline = try buildPipeline(parsed, logger: logger)
            // An unknown customer is a usage error, not an unavailable service.
            guard pipeline.watchlists.contains(where: { $0.customer.lowercased() == customer.lowercased() }) else {
                let known = pipeline.watchlists.map(\.customer).sorted()
                printError(
                    "watchlistd test-alert: no watchlist in \(parsed.watchlistsDirectory) has `customer: \(customer)`; "
                        + (known.isEmpty
                            ? "there are no watchlists" : "known customers: \(known.joined(separator: ", "))")
                )
                throw Exit.usage
            }
            let results = await pipeline.dispatcher.sendTest(customer: customer)
            for result in results { print("\(result.channel): \(result.ok ? "ok" : "FAILED") — \(result.detail)") }
            if results.contains(where: { !$0.ok }) { throw Exit.unavailable }
        }
    }
}
