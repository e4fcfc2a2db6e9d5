import ArgumentParser
import Foundation
import WatchlistCore

extension Watchlistd {
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate the configuration and every watchlist; print FILE:LINE: message per problem."
        )

        @Option(help: "The daemon's configuration file (its watchlists are checked too).")
        var config: String?

        @Option(help: "A folder of *.watch files, checked without a configuration.")
        var watchlists: String?

        @Option(
            help: ArgumentHelp(
                "Listings to try the watchlists on (JSON Lines {\"id\",\"title\",\"body\"}): shows which names would fire how often, worst first.",
                valueName: "file"
            )
        )
        var stats: String?

        @Option(help: "With --stats: how many names to show.")
        var top: Int = 30

        func run() async throws {
            guard config != nil || watchlists != nil else {
                printError("watchlistd check: give --config FILE or --watchlists DIR")
                throw Exit.usage
            }
            var problems: [Diagnostic] = []
            var directory = watchlists
            if let config {
                do {
                    let parsed = try ConfigParser.load(config)
                    problems += parsed.warnings
                    directory = directory ?? parsed.watchlistsDirectory
                    // What `run` would meet at start: the database must open, proxies resolve.
                    if let reason = Store.writeProblem(path: parsed.databasePath) {
                        problems.append(
                            Diagnostic(
                                file: parsed.file,
                                line: parsed.databaseLine,
                                message: "`database:` \(reason); "
                                    + "make the folder writable for the user the daemon runs as (the unit's StateDirectory=, /var/lib/watchlistd, is), or point `database:` there"
                            )
                        )
                    }
                    for feed in parsed.feeds {
                        problems += ProxyCheck.problems(for: feed, file: parsed.file)
                        problems += HTMLSource.problems(for: feed)  // XPath that does not compile, FILE:LINE
                    }
                } catch let error as ConfigurationError {
                    problems += error.problems
                }
            }
            var summary = ""
            var threshold = Matcher.defaultThreshold
            if let config, let parsed = try? ConfigParser.load(config) { threshold = parsed.threshold }
            if let directory {
                do {
                    let (lists, warnings) = try WatchlistParser.loadDirectory(directory)
                    problems += warnings
                    for list in lists { problems += RiskyNames.warnings(for: list) }
                    if let stats { try printStats(stats, lists: lists, threshold: threshold) }
                    if lists.isEmpty {
                        problems.append(
                            Diagnostic(
                                file: directory,
                                line: 0,
                                message:
                                    "no *.watch files: nothing will be matched; add one watchlist per customer (examples: /usr/share/doc/watchlistd/examples/watchlists)",
                                severity: .warning
                            )
                        )
                    }
                    let entities = lists.reduce(0) { $0 + $1.entities.count }
                    let names = lists.reduce(0) { $0 + $1.entities.reduce(0) { $0 + $1.names.count } }
                    summary = "\(lists.count) watchlists, \(entities) entities, \(names) names"
                } catch let error as ConfigurationError {
                    problems += error.problems
                }
            }
            for problem in problems { print(problem.description) }
            let errors = problems.filter { $0.severity == .error }.count
            if errors > 0 {
                printError("watchlistd check: \(errors) error(s); nothing was changed")
                throw Exit.config
            }
            let warnings = problems.count - errors
            print(
                "ok: " + (summary.isEmpty ? "configuration valid" : summary)
                    + (warnings > 0 ? " (\(warnings) warning\(warnings == 1 ? "" : "s"))" : "")
            )
        }

        /// `--stats`: every name that fires on the listings, worst first.
        func printStats(_ path: String, lists: [Watchlist], threshold: Double) throws {
            guard let data = FileManager.default.contents(atPath: path) else {
                printError(
                    "watchlistd check: cannot read the listings file \(path); give a JSON Lines file of {\"id\",\"title\",\"body\"} objects"
                )
                throw Exit.usage
            }
            let (listings, problems) = JSONLinesMatch.listings(data)
            for problem in problems.prefix(5) { printError("\(path):\(problem.line): \(problem.message)") }
            let matcher = Matcher(watchlists: lists)
            let firings = RiskyNames.firings(matcher: matcher, listings: listings, threshold: threshold)
            print(
                "== names by how many of the \(listings.count) listings they would alert on (threshold \(threshold)), worst first"
            )
            for firing in firings.prefix(max(1, top)) where firing.hits > 0 || firing.refused > 0 {
                let share = listings.isEmpty ? 0 : Double(firing.hits) * 100 / Double(listings.count)
                print(
                    "\(firing.file):\(firing.line): `\(firing.name)` (\(firing.customer) / \(firing.entity)): \(firing.hits) listing\(firing.hits == 1 ? "" : "s") (\(String(format: "%.2f", share)) %), \(firing.bodyOnly) in the body; \(firing.refused) refused as near misses"
                )
                for example in firing.examples { print("    e.g. \(example)") }
            }
            print("")
        }
    }
}
