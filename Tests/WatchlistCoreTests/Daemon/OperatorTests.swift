import Foundation
import Logging
import Synchronization
import Testing
@testable import WatchlistCore
#if canImport(Glibc)
import Glibc
#endif

/// Log lines collected through `OperatorLogHandler`'s sink (the real formatting code).
final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])
    var all: [String] { lines.withLock { $0 } }

    func logger(level: Logger.Level = .debug) -> Logger {
        Logger(label: "test") { _ in
            OperatorLogHandler(level: level, journal: true, sink: { line in self.lines.withLock { $0.append(line) } })
        }
    }
}

/// What an operator meets: log lines journald can filter, exit codes, `--version`, `check`
/// on what `run` would meet.
@Suite("Operator", .serialized)
struct OperatorTests {
    /// A configuration with one good feed and one missing file, and e-mail written to a folder.
    func config(_ dir: TempDir, extra: String = "") throws -> String {
        try dir.write(
            "w.conf",
            """
            watchlists: \(Repo.fixtures.path)/watchlists
            database: db.sqlite
            email-dir: out
            feed: file://\(Repo.fixtures.path)/feeds/rss2.xml
              name: rss
            feed: file://\(Repo.fixtures.path)/feeds/missing.xml
              name: missing
            \(extra)
            """
        )
        return dir.path + "/w.conf"
    }

    @Test func underTheJournalEveryLineCarriesItsPriorityMessageFirst() throws {
        let dir = try TempDir()
        let conf = try config(dir)
        // JOURNAL_STREAM names the process's own stderr (a pipe here), as systemd sets it.
        let journal = try runBinary(
            ["run", "--once", "--config", conf, "--log-level", "debug"],
            shell: "JOURNAL_STREAM=$(stat -L -c %d:%i /dev/stderr); export JOURNAL_STREAM; exec"
        )
        #expect(journal.status == 0, "\(journal.stderr)")
        let lines = journal.stderr.split(separator: "\n").map(String.init)
        #expect(
            !lines.isEmpty && lines.allSatisfy { $0.range(of: #"^<[2-7]>[a-z]"#, options: .regularExpression) != nil },
            "\(journal.stderr)"
        )
        #expect(
            lines.contains { $0.hasPrefix("<3>feed failing;") && $0.contains("feed.name=missing") },
            "\(journal.stderr)"
        )
        #expect(lines.contains { $0.hasPrefix("<6>watchlists loaded ") }, "\(journal.stderr)")
        #expect(
            lines.contains { $0.hasPrefix("<7>fetched ") && $0.contains("feed.name=rss") },
            "routine fetches at debug: \(journal.stderr)"
        )

        // A JOURNAL_STREAM inherited by a process whose stderr is elsewhere is not the journal.
        let elsewhere = try runBinary(["run", "--once", "--config", conf], environment: ["JOURNAL_STREAM": "1:1"])
        #expect(
            !elsewhere.stderr.isEmpty
                && elsewhere.stderr.split(separator: "\n").allSatisfy {
                    $0.range(
                        of: #"^\d{4}-\d\d-\d\dT[0-9:]+Z (info|notice|warning|error) "#,
                        options: .regularExpression
                    ) != nil
                },
            "\(elsewhere.stderr)"
        )
        #expect(!elsewhere.stderr.contains("fetched "), "debug lines are below the default level")
    }

    @Test func fieldsAreEscapedSoAFeedCannotForgeALine() {
        let line = OperatorLogHandler.format(
            level: .error,
            message: "title\nforged <3>line",
            fields: ["feed.title": "a \"b\"\r\nc", "n": "1"],
            journal: true,
            at: Date()
        )
        #expect(line == "<3>title\\nforged <3>line feed.title=\"a \\\"b\\\"\\r\\nc\" n=1\n")
    }

    @Test func anUnknownLogLevelIsAUsageErrorListingTheValidOnes() throws {
        let result = try runBinary(["run", "--config", "/nonexistent.conf", "--log-level", "verbose"])
        #expect(result.status == 64)
        for level in ["trace", "debug", "info", "notice", "warning", "error", "critical"] {
            #expect(result.stderr.contains("- \(level)"), "\(result.stderr)")
        }
    }

    @Test func versionNamesTheCommitAndTheLibrariesInUse() throws {
        let result = try runBinary(["--version"])
        #expect(result.status == 0, "\(result.stderr)")
        let git = try Child("/usr/bin/git", ["-C", Repo.root.path, "rev-parse", "HEAD"])
        close(git.stdinFD)
        let head = String(decoding: Child.readAll(git.stdoutFD), as: UTF8.self).trimmingCharacters(
            in: .whitespacesAndNewlines
        )
        if git.wait() == 0 {
            #expect(result.stdout.hasPrefix("watchlistd 0.1.0 (commit "), "\(result.stdout)")
            #expect(result.stdout.contains(String(head.prefix(12))), "built from \(head): \(result.stdout)")
        }
        for (name, version) in LibraryVersions.all {
            #expect(version != "unknown" && version.first?.isNumber == true, "\(name) \(version)")
            #expect(result.stdout.contains("\(name) \(version)"), "\(result.stdout)")
        }
    }

    @Test func checkRefusesADatabaseFolderTheDaemonCannotWrite() throws {
        let dir = try TempDir()
        chmod(dir.path, 0o755)
        try FileManager.default.createDirectory(
            atPath: dir.path + "/readonly",
            withIntermediateDirectories: false,
            attributes: [.posixPermissions: 0o555]
        )
        try dir.write("w.conf", "watchlists: \(Repo.fixtures.path)/watchlists\n\ndatabase: readonly/state/db.sqlite\n")
        try dir.write("ok.conf", "watchlists: \(Repo.fixtures.path)/watchlists\ndatabase: \(dir.path)/db.sqlite\n")
        chmod(dir.path + "/w.conf", 0o644)
        chmod(dir.path + "/ok.conf", 0o644)
        // As an unprivileged user, as the unit's DynamicUser= runs it (root writes anywhere).
        let nobody = "exec /usr/bin/setpriv --reuid=nobody --regid=nogroup --clear-groups"
        let refused = try runBinary(["check", "--config", dir.path + "/w.conf"], shell: nobody)
        #expect(refused.status == 78, "\(refused.stdout)\(refused.stderr)")
        #expect(
            refused.stdout.contains(
                "\(dir.path)/w.conf:3: `database:` \(dir.path)/readonly/state does not exist and cannot be created in \(dir.path)/readonly (Permission denied)"
            ),
            "\(refused.stdout)"
        )
        let run = try runBinary(["run", "--once", "--config", dir.path + "/w.conf"], shell: nobody)
        #expect(run.status == 74, "what check prevents: \(run.stderr)")
        // Control: a folder it may write passes, and check leaves nothing behind.
        chmod(dir.path, 0o777)
        let ok = try runBinary(["check", "--config", dir.path + "/ok.conf"], shell: nobody)
        #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["ok.conf", "readonly", "w.conf"]
        )
    }

    /// A host name glibc refuses without asking a DNS server (a label longer than 63 bytes).
    static let unresolvable = String(repeating: "a", count: 64) + ".invalid"

    @Test func checkNamesAProxyHostThatDoesNotResolve() throws {
        let dir = try TempDir()
        let conf = try config(
            dir,
            extra: """
                feed: http://exampleonionaddress.onion/feed.xml
                  name: onion
                  proxy: socks5h://\(Self.unresolvable):9050
                feed: http://\(Self.unresolvable)/feed.xml
                  name: local-dns
                  proxy: socks5://127.0.0.1:9050
                """
        )
        let result = try runBinary(["check", "--config", conf])
        #expect(result.status == 78)
        #expect(
            result.stdout.contains("\(conf):10: feed onion: the proxy host \(Self.unresolvable) does not resolve"),
            "\(result.stdout)"
        )
        #expect(
            result.stdout.contains(
                "\(conf):13: feed local-dns: with socks5:// the feed's host \(Self.unresolvable) is resolved here"
            ),
            "\(result.stdout)"
        )
    }

    @Test func anUnresolvableSocksProxyHostIsCalledThat() {
        var request = FetchRequest(
            feed: "onion",
            url: "http://exampleonionaddress.onion/feed.xml",
            proxy: "socks5h://\(Self.unresolvable):9050"
        )
        request.connectTimeout = 5
        guard case .failure(let error) = Fetcher.fetchBlocking(request) else {
            Issue.record("the fetch cannot succeed")
            return
        }
        #expect(error.kind == .proxyDNS(Self.unresolvable))
        #expect(error.description.contains("the proxy host \(Self.unresolvable) does not resolve"), "\(error)")
        #expect(!error.description.contains("use a socks5h:// proxy"), "\(error)")
    }

    @Test func aFailingFeedIsLoggedWhenItStartsAndWhenItRecoversNotEveryFetch() async throws {
        let dir = try TempDir()
        let log = LogLines()
        let pipeline = try Pipeline.build(config: try ConfigParser.load(try config(dir)), logger: log.logger())
        let feed = pipeline.config.feeds[0]
        let down = FetchError(kind: .http(503), feed: feed.name, url: feed.url, detail: "HTTP status 503")
        for attempt in 0..<10 {
            let state = try await pipeline.store.feedState(name: feed.name, url: feed.url)
            _ = try await pipeline.process(
                .failure(down),
                feed: feed,
                state: state,
                started: Date(),
                interval: 600,
                log: log.logger()
            )
            #expect(try await pipeline.store.feedState(name: feed.name, url: feed.url).errorCount == attempt + 1)
        }
        let state = try await pipeline.store.feedState(name: feed.name, url: feed.url)
        _ = try await pipeline.process(
            .success(FetchResponse(status: 304, body: Data())),
            feed: feed,
            state: state,
            started: Date(),
            interval: 600,
            log: log.logger()
        )
        let errors = log.all.filter { $0.hasPrefix("<3>") }
        #expect(errors.count == 1 && errors[0].hasPrefix("<3>feed failing;"), "\(log.all)")
        #expect(log.all.filter { $0.hasPrefix("<7>feed still failing") }.count == 9)
        #expect(log.all.filter { $0.hasPrefix("<5>feed recovered failures=10 ") }.count == 1, "\(log.all)")
    }

    @Test func aliveLineOncePerHourEvenWhenEveryFeedAnswers304() {
        let start = Date()
        var activity = ActivitySummary(since: start)
        var quiet = CycleReport()
        quiet.feedsNotModified = 4
        for _ in 0..<59 { activity.add(cycle: quiet) }
        #expect(activity.take(now: start.addingTimeInterval(3599)) == nil)
        let fields = activity.take(now: start.addingTimeInterval(3601))
        #expect(fields?["cycles"] == "59")
        #expect(fields?["feeds.not_modified"] == "236")
        #expect(fields?["feeds.fetched"] == "0")
        #expect(activity.take(now: start.addingTimeInterval(3700)) == nil, "counting starts again")
        #expect(activity.cycles == 0)
    }
}
