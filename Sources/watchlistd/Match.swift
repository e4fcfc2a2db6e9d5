import ArgumentParser
import Foundation
import WatchlistCore

extension Watchlistd {
    struct Match: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Match texts (or JSON Lines on stdin) against the watchlists, without touching any database."
        )

        @Option(help: "A folder of *.watch files.")
        var watchlists: String

        @Option(help: "Only hits scoring at least this are shown (0 to 1).")
        var threshold: Double = 0.8

        @Flag(
            help:
                "Show, per hit, the watchlist line, the folded forms and why the score is what it is; near misses too."
        )
        var explain = false

        @Flag(help: "Print load statistics to standard error.")
        var verbose = false

        @Option(help: "Threads matching JSON Lines (default: one per core).")
        var threads: Int = ProcessInfo.processInfo.activeProcessorCount

        @Argument(help: "Texts to match. Without any, JSON Lines {\"id\",\"title\",\"body\"} are read from stdin.")
        var texts: [String] = []

        func run() async throws {
            // The bundled tables are built while the watchlists are read.
            DispatchQueue.global(qos: .userInitiated).async { Matcher.prepareBundledTables() }
            let lists: [Watchlist]
            do {
                lists = try WatchlistParser.loadDirectory(watchlists).watchlists
            } catch let error as ConfigurationError {
                printError(error.description)
                throw Exit.config
            }
            let started = Date()
            let matcher = Matcher(watchlists: lists)
            if verbose {
                printError(
                    "watchlistd match: \(matcher.nameCount) names, automaton built in \(String(format: "%.3f", Date().timeIntervalSince(started))) s"
                )
            }
            if texts.isEmpty {
                let problems = JSONLinesMatch.run(
                    reading: FileHandle.standardInput,
                    matcher: matcher,
                    threshold: threshold,
                    workers: max(1, threads),
                    record: MatchJSON.init
                ) { block in
                    FileHandle.standardOutput.write(block)
                }
                for problem in problems.prefix(20) { printError(problem.description) }
                // Exit without tearing down the automaton: freeing millions of small
                // allocations of a large watchlist would take longer than building them.
                Foundation.exit(problems.isEmpty ? 0 : Exit.dataError.rawValue)
            }
            for (index, text) in texts.enumerated() {
                let all = matcher.candidates(in: text)
                let hits = all.filter { $0.score >= threshold }
                print("text \(index + 1): \(hits.isEmpty ? "no hits" : "\(hits.count) hit(s)")")
                for hit in explain ? all : hits {
                    let marker = hit.score >= threshold ? "" : "  (below threshold \(threshold))"
                    print(
                        "  \(hit.customer) | \(hit.entity) | \(hit.relation.rawValue) \(hit.name) | matched \"\(hit.matched)\" | score \(String(format: "%.2f", hit.score))\(marker) | in the \(hit.field.rawValue)"
                    )
                    if explain {
                        print("    watchlist line: \(hit.file):\(hit.line)")
                        print("    folded name:    \(hit.foldedName)")
                        print("    folded text:    \(hit.foldedMatched)")
                        print("    steps:          \(hit.steps.joined(separator: ", "))")
                    }
                }
                if explain {
                    // Names that came close without a hit, and the rule that refused each.
                    let misses = matcher.nearMisses(in: text)
                    if !misses.isEmpty { print("  closest names without a hit:") }
                    for miss in misses {
                        print(
                            "  \(miss.customer) | \(miss.entity) | \(miss.name) | text \"\(miss.text)\" | \(miss.distance) edit\(miss.distance == 1 ? "" : "s")"
                        )
                        print("    watchlist line: \(miss.file):\(miss.line)")
                        print("    refused:        \(miss.reason)")
                    }
                }
            }
        }
    }
}
