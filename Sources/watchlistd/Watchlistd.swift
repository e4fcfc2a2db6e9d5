import ArgumentParser
import Foundation
import Logging
import WatchlistCore

/// The `watchlistd` command: a thin layer over WatchlistCore, one file per subcommand.
@main
struct Watchlistd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watchlistd",
        abstract: "Watches leak-site and breach feeds for mentions of your customers and alerts by e-mail and syslog.",
        discussion: """
            The daemon (watchlistd run) reads its configuration (watchlistd.conf(5), usually \
            /etc/watchlistd/watchlistd.conf) and one watchlist per customer (watchlistd.watch(5)). \
            SIGHUP, or a saved file, reloads them (a file with errors is rejected and the last good \
            version stays); SIGTERM stops it cleanly. Logs go to standard error, with sd-daemon \
            priority prefixes when that is the journal. \
            Exit status (sysexits): 0 success, 64 usage error, 65 unreadable input, 69 a feed or \
            alert channel unavailable, 74 database I/O error, 75 every delivery of run --once failed (they stay queued), 78 configuration error.
            """,
        version: versionText(),
        subcommands: [
            Run.self, Check.self, Match.self, Hits.self, Alerts.self, TestAlert.self, Feeds.self, Fetch.self,
            Status.self,
        ]
    )

    /// The release (the Makefile's VERSION and the package's version are read from here).
    static let version = "0.1.0"

    /// `--version`: the release, the commit it was built from, and the C libraries in use.
    static func versionText() -> String {
        "watchlistd \(version) (commit \(BuildInfo.commit))\n"
            + LibraryVersions.all.map { "\($0.name) \($0.version)" }.joined(separator: ", ")
    }
}

/// sysexits(3) codes, as operators' scripts expect them.
enum Exit {
    static let usage = ExitCode(64)
    static let dataError = ExitCode(65)
    static let ioError = ExitCode(74)
    static let unavailable = ExitCode(69)
    /// 75: every delivery of `run --once` failed, or another `run` holds the database's lock: try again later.
    static let tempFail = ExitCode(75)
    static let config = ExitCode(78)
}

/// `--log-level`: an unknown value is a usage error (64) that lists the valid ones.
enum LogLevel: String, CaseIterable, ExpressibleByArgument {
    case trace, debug, info, notice, warning, error, critical
}

struct LoggingOptions: ParsableArguments {
    @Option(help: "trace, debug, info, notice, warning, error or critical (routine cycles are logged at debug).")
    var logLevel: LogLevel = .info

    func bootstrap() -> Logger {
        let level = Logger.Level(rawValue: logLevel.rawValue)!
        LoggingSystem.bootstrap { _ in OperatorLogHandler(level: level) }
        return Logger(label: "watchlistd")
    }
}

/// Writes to standard error (glibc's `stderr` global trips Swift 6 concurrency checks).
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Loads the watchlists, opens the store and wires the channels, or exits 78 (bad
/// watchlists) / 74 (database) with the reason.
func buildPipeline(_ config: DaemonConfig, logger: Logger, store: Store? = nil) throws -> Pipeline {
    do {
        return try Pipeline.build(config: config, logger: logger, store: store)
    } catch let error as ConfigurationError {
        printError(error.description)
        throw Exit.config
    } catch {
        printError("watchlistd: \(error)")
        throw Exit.ioError
    }
}

/// Takes the database's instance lock for `run`, or exits 75 naming the lock file and
/// the process holding it (74 when the lock file cannot be made).
func acquireInstanceLock(_ config: DaemonConfig) throws -> InstanceLock {
    do {
        return try InstanceLock.acquire(database: config.databasePath)
    } catch let error as InstanceLock.Held {
        printError("watchlistd: \(error)")
        throw Exit.tempFail
    } catch {
        printError("watchlistd: \(error)")
        throw Exit.ioError
    }
}

/// Opens the database for `run`: warnings logged (a zero-byte file), then the start-up
/// checks (damaged, newer, locked: each with its advice), or exits 74.
func openStoreForRun(_ config: DaemonConfig, logger: Logger) throws -> Store {
    do {
        let store = try Store(path: config.databasePath)
        for warning in store.warnings { logger.warning("\(warning)") }
        try store.checkForRun()
        return store
    } catch {
        printError("watchlistd: \(error)")
        throw Exit.ioError
    }
}

/// Reads from the daemon's database, or exits 74 naming the command and the error.
func readStore<T>(_ config: DaemonConfig, command: String, _ body: (Store) throws -> T) throws -> T {
    do {
        return try body(Store(path: config.databasePath))
    } catch {
        printError("watchlistd \(command): \(error)")
        throw Exit.ioError
    }
}

/// "pending N, sent N, failed N" (", suppressed N" when there are any) for one channel
/// of `Store.outboxCounts()`.
func outboxSummary(_ counts: [String: Int], channel: ChannelName) -> String {
    var states: [OutboxState] = [.pending, .sent, .failed]
    if counts["\(channel)/suppressed"] != nil { states.append(.suppressed) }
    return states.map { "\($0.rawValue) \(counts["\(channel)/\($0.rawValue)"] ?? 0)" }.joined(separator: ", ")
}

/// The channels `alerts` and `status` list: every kind, then any other name the outbox
/// holds rows for (a channel an older or newer version queued).
func shownChannels(_ counts: [String: Int]) -> [ChannelName] {
    let stored = Set(
        counts.keys.compactMap { $0.split(separator: "/").first.map { ChannelName(rawValue: String($0)) } }
    )
    return AlertChannels.names + stored.subtracting(AlertChannels.names).sorted()
}

/// Loads the configuration or exits 78 with every problem printed as FILE:LINE: message.
func loadConfig(_ path: String) throws -> DaemonConfig {
    do {
        return try ConfigParser.load(path)
    } catch let error as ConfigurationError {
        printError(error.description)
        throw Exit.config
    }
}
