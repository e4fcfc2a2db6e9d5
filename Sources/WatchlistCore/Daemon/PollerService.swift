import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Logging
import ServiceLifecycle

/// The pipeline in force, swapped whole on a reload. A class with a lock: the poller
/// reads it at the start of every cycle, the reloader replaces it.
public final class DaemonState: @unchecked Sendable {
    // @unchecked: `pipeline` is only read and written under `lock`.
    private let lock = NSLock()
    private var pipeline: Pipeline
    private var dispatchRequested = false
    private var cycleStarted: Date?
    private var activity = ActivitySummary(since: Date())
    public let configPath: String
    public let notifier: SystemdNotifier
    /// From `metrics-file:` at start (a changed path takes effect at the next start).
    public let metrics: Metrics?
    /// SIGHUPs and file changes, coalesced; `ReloadService` runs them one at a time.
    public let reloads: ReloadRequests

    /// `DATABASE.lock`, held by `run`: its note line shows a store error in `status`
    /// even when the database cannot be written.
    public let instanceLock: InstanceLock?
    private var storeProblem: String?
    private var lastStatus = Date.distantPast
    private var lastTrim = Date()

    public init(
        pipeline: Pipeline,
        configPath: String,
        notifier: SystemdNotifier = SystemdNotifier(),
        reloads: ReloadRequests = ReloadRequests(),
        instanceLock: InstanceLock? = nil
    ) {
        self.pipeline = pipeline
        self.configPath = configPath
        self.notifier = notifier
        self.reloads = reloads
        self.instanceLock = instanceLock
        self.metrics = pipeline.config.metricsFile.map(Metrics.init)
        recordConfigLoad(ok: true, detail: "loaded at start", store: pipeline.store, logger: pipeline.logger)
    }

    /// For `status` (the store) and the metrics; a store error here is logged, never fatal.
    func recordConfigLoad(ok: Bool, detail: String, store: Store, logger: Logger) {
        let now = Date()
        metrics?.record(configLoaded: ok, at: now)
        do {
            try store.recordConfigLoad(ok: ok, detail: detail, at: now)
        } catch {
            logger.warning("cannot record the configuration load in the database", metadata: ["error": "\(error)"])
        }
    }

    /// Rewrites the metrics file, if there is one; a failure is logged (once, and once
    /// more when writing works again), never fatal.
    func writeMetrics() {
        guard let metrics else { return }
        let pipeline = current
        if let error = metrics.write(store: pipeline.store, feedsConfigured: pipeline.config.feeds.count) {
            if notices.begin("metrics") {
                pipeline.logger.warning(
                    "cannot write the metrics file; check that its folder is writable (logged again when it works)",
                    metadata: ["file": "\(metrics.path)", "error": "\(error)"]
                )
            }
        } else if notices.end("metrics") {
            pipeline.logger.notice("metrics file written again", metadata: ["file": "\(metrics.path)"])
        }
    }
    /// States logged when they begin and when they end.
    private let notices = LogOnce()

    public var current: Pipeline {
        lock.lock()
        defer { lock.unlock() }
        return pipeline
    }

    /// Asks the alert service to deliver now (new hits were recorded).
    public func requestDispatch() {
        lock.withLock { dispatchRequested = true }
    }

    /// Takes the dispatch request, if any.
    func takeDispatchRequest() -> Bool {
        lock.withLock {
            defer { dispatchRequested = false }
            return dispatchRequested
        }
    }

    /// Adds a cycle or a delivery to what the next hourly "alive" line reports.
    func note(cycle report: CycleReport) { lock.withLock { activity.add(cycle: report) } }
    func note(dispatch report: DispatchReport) { lock.withLock { activity.add(dispatch: report) } }

    /// The "alive" line's fields, once an hour.
    func takeActivity(now: Date = Date()) -> Logger.Metadata? {
        lock.withLock { activity.take(now: now) }
    }

    /// When the poll cycle in progress began (nil between cycles).
    var cycleInProgressSince: Date? {
        get { lock.withLock { cycleStarted } }
        set { lock.withLock { cycleStarted = newValue } }
    }

    /// Re-reads the configuration and every watchlist. A file with errors is rejected
    /// (each problem logged as FILE:LINE) and the last good version stays in force.
    @discardableResult
    public func reload() -> Bool {
        let old = current
        do {
            let config = try ConfigParser.load(configPath)
            let fresh = try Pipeline.build(
                config: config,
                logger: old.logger,
                store: config.databasePath == old.config.databasePath ? old.store : nil
            )
            lock.lock()
            pipeline = fresh
            lock.unlock()
            old.logger.notice("reloaded", metadata: ["config": "\(configPath)", "names": "\(fresh.matcher.nameCount)"])
            recordConfigLoad(ok: true, detail: "reloaded", store: fresh.store, logger: old.logger)
            writeMetrics()
            do {
                if try Backfill.catchUp(pipeline: fresh) > 0 {
                    requestDispatch()
                }
            } catch {
                old.logger.error("backfill failed; new names apply from now on", metadata: ["error": "\(error)"])
            }
            return true
        } catch let error as ConfigurationError {
            for problem in error.problems { old.logger.error("reload rejected: \(problem.description)") }
            old.logger.error("reload rejected; the previous configuration and watchlists stay in force")
            let more = error.problems.count > 1 ? " (and \(error.problems.count - 1) more problems)" : ""
            recordConfigLoad(
                ok: false,
                detail: (error.problems.first?.description ?? "\(error)") + more,
                store: old.store,
                logger: old.logger
            )
        } catch {
            old.logger.error(
                "reload failed; the previous configuration stays in force",
                metadata: ["error": "\(error)"]
            )
            recordConfigLoad(ok: false, detail: "\(error)", store: old.store, logger: old.logger)
        }
        writeMetrics()
        return false
    }

    /// `reload()` between RELOADING=1 and READY=1, as systemd expects around a reload.
    /// The reload (loading names, backfill) blocks: it runs on `Work`.
    public func reloadTellingSystemd() async {
        notifier.notify("RELOADING=1\nMONOTONIC_USEC=\(DispatchTime.now().uptimeNanoseconds / 1000)")
        _ = try? await Work.run { self.reload() }
        // The replaced pipeline (automaton, fold tables, watchlists) is freed by now; glibc
        // keeps freed memory in its arenas unless asked to give it back.
        Self.giveBackFreedMemory()
        notifier.notify("READY=1\nSTATUS=\(await status())")
    }

    /// glibc's malloc_trim(0) (in malloc.h, which Glibc's module does not export): returns
    /// the free memory of every arena to the kernel.
    static func giveBackFreedMemory() {
        typealias Trim = @convention(c) (Int) -> Int32
        guard let symbol = dlsym(nil, "malloc_trim") else { return }  // nil is RTLD_DEFAULT
        _ = unsafeBitCast(symbol, to: Trim.self)(0)
    }

    /// The one-line STATUS= summary systemd shows.
    func status() async -> String {
        let pipeline = current
        let feeds = (try? await pipeline.store.feedStates()) ?? []
        let failing = feeds.filter { $0.errorCount > 0 }.count
        let today = (try? await pipeline.store.hitCount(since: Calendar.current.startOfDay(for: Date()))) ?? 0
        let pending = ((try? await pipeline.store.outboxCounts()) ?? [:]).filter { $0.key.hasSuffix("/pending") }.values
            .reduce(0, +)
        let summary =
            "\(pipeline.config.feeds.count - failing) feeds ok, \(failing) failing; \(today) hits today; \(pending) alerts pending"
        return (lock.withLock { storeProblem }.map { $0 + "; " } ?? "") + summary
    }

    /// When the poller last asked glibc to give free memory back.
    var trimmedAt: Date {
        get { lock.withLock { lastTrim } }
        set { lock.withLock { lastTrim = newValue } }
    }

    /// When the poller last sent STATUS= to systemd.
    var statusSentAt: Date {
        get { lock.withLock { lastStatus } }
        set { lock.withLock { lastStatus = newValue } }
    }

    /// Sets (or clears, with nil) the store problem `status` and systemd's STATUS= show.
    func setStoreProblem(_ problem: String?) {
        lock.withLock { storeProblem = problem }
        instanceLock?.write(note: problem)
    }
}

/// What the daemon did in the last hour, for one "alive" line (routine cycles are logged at
/// debug, so without it a daemon whose feeds all answer 304 would log nothing at all).
struct ActivitySummary {
    var since: Date
    var every: TimeInterval = 3600
    var cycles = 0, fetched = 0, notModified = 0, failed = 0, items = 0, hits = 0
    /// Alert deliveries by channel name, all one dispatch report.
    var alerts = DispatchReport()

    mutating func add(cycle report: CycleReport) {
        cycles += 1
        fetched += report.feedsFetched
        notModified += report.feedsNotModified
        failed += report.feedsFailed.count
        items += report.newItems
        hits += report.newHits
        add(dispatch: report.dispatch)
    }

    mutating func add(dispatch report: DispatchReport) {
        for (channel, part) in report.channels {
            alerts[channel].messages += part.messages
            alerts[channel].hits += part.hits
            alerts[channel].failures += part.failures
        }
    }

    /// The fields once `every` has passed since the last line (then counting starts again), else nil.
    mutating func take(now: Date) -> Logger.Metadata? {
        guard now.timeIntervalSince(since) >= every else { return nil }
        let fields: Logger.Metadata = [
            "minutes": "\(Int(now.timeIntervalSince(since) / 60))", "cycles": "\(cycles)",
            "feeds.fetched": "\(fetched)",
            "feeds.not_modified": "\(notModified)", "feeds.failed": "\(failed)", "items.new": "\(items)",
            "hits.new": "\(hits)",
        ].merging(alerts.logMetadata) { $1 }
        self = ActivitySummary(since: now, every: every)
        return fields
    }
}

/// The daemon's main loop as a service. Every feed is scheduled on its own: a feed whose
/// next-due time has come is started as soon as fewer than `concurrency:` fetches are in
/// flight, whatever the others are doing, so a slow or hanging feed holds back nothing
/// but itself. The loop wakes at least once a second (its heartbeat): it starts due
/// feeds and pings systemd's watchdog from there (WATCHDOG=1, every half `WatchdogSec`),
/// so a stuck loop is noticed but a long fetch is not taken for one.
///
/// A "cycle" (for metrics, `status` and the log) is a round: the fetches completed from
/// the moment the poller starts a feed while idle until it is idle again, closed early
/// after a minute so a hanging feed does not hold the figures (or the alerts of the
/// others' hits) back. Crash safety is unchanged: each feed's items are stored unmatched
/// and flipped in the transaction that records their hits; items a crash left unmatched
/// are matched at start and once a minute when nothing is in flight. Graceful shutdown
/// cancels the fetches in flight; a transaction in progress rolls back (the next start redoes it).
public struct PollerService: Service {
    let state: DaemonState

    public init(state: DaemonState) {
        self.state = state
    }

    enum Event: Sendable {
        case tick
        case polled(feed: String, outcome: Pipeline.FeedOutcome)
        /// The feed was fetched but its result could not be stored (disk full, I/O error).
        case storeFailed(feed: String, url: String, error: String)
    }

    /// The pause after `failures` store errors in a row: 10 s, doubled each time, at most 10 min.
    static func storePause(failures: Int) -> TimeInterval {
        min(600, 10 * pow(2, Double(min(max(failures - 1, 0), 10))))
    }

    /// How often to ping the watchdog: half of `WATCHDOG_USEC` (as sd_watchdog_enabled
    /// advises), else every 10 s.
    static func watchdogInterval(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> TimeInterval
    {
        guard let usec = environment["WATCHDOG_USEC"].flatMap(Double.init), usec > 0 else { return 10 }
        return max(0.5, usec / 2_000_000)
    }

    public func run() async throws {
        let logger = state.current.logger
        logger.info("watchlistd running", metadata: ["feeds": "\(state.current.config.feeds.count)"])
        state.notifier.notify("READY=1\nSTATUS=\(await state.status())")
        let pingEvery = Self.watchdogInterval()
        // Graceful shutdown cancels the heartbeat and the fetches; that is a normal stop, not an error.
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Event.self) { group in
                var inFlight = Set<String>()
                var round = CycleReport()
                var roundStarted: Date?
                var heartbeatPending = false
                var lastPing = Date()
                var lastPrune = Date.distantPast
                var lastRecovery = Date.distantPast
                var storeFailures = 0
                var storePausedUntil = Date.distantPast
                while !Task.isCancelled {
                    let pipeline = state.current
                    let now = Date()
                    if inFlight.isEmpty {
                        if now.timeIntervalSince(lastRecovery) >= 60 {  // at start, then each idle minute
                            lastRecovery = now
                            if let recovered = try? await pipeline.recoverUnmatched(), recovered.hits > 0 {
                                state.requestDispatch()
                            }
                        }
                        if now.timeIntervalSince(lastPrune) >= 86400 {  // retention: at start, then daily
                            lastPrune = now
                            do { try await pipeline.prune() } catch {
                                logger.error(
                                    "retention failed; it is tried again tomorrow",
                                    metadata: ["error": "\(error)"]
                                )
                            }
                        }
                    }
                    let free = pipeline.concurrency - inFlight.count
                    if free > 0, now >= storePausedUntil {
                        let busy = inFlight
                        do {
                            let due = try await pipeline.dueFeeds(all: false, now: now, busy: busy, limit: free)
                            for (feed, feedState) in due where !Task.isCancelled {
                                inFlight.insert(feed.name)
                                if roundStarted == nil {
                                    roundStarted = now
                                    state.cycleInProgressSince = now
                                }
                                group.addTask {
                                    do {
                                        return .polled(
                                            feed: feed.name,
                                            outcome: try await pipeline.poll(feed, state: feedState)
                                        )
                                        // stopping: GRDB gave up waiting, nothing was half-written
                                    } catch is CancellationError {
                                        return .polled(feed: feed.name, outcome: .cancelled)
                                    } catch {
                                        return .storeFailed(feed: feed.name, url: feed.url, error: "\(error)")
                                    }
                                }
                            }
                        } catch {
                            logger.error(
                                "cannot read the feeds' state from the database; trying again",
                                metadata: ["error": "\(error)"]
                            )
                        }
                    }
                    if !heartbeatPending {
                        heartbeatPending = true
                        group.addTask {
                            try? await Task.sleep(for: .seconds(1))
                            return .tick
                        }
                    }
                    guard let event = await group.next() else { break }
                    switch event {
                    case .tick:
                        heartbeatPending = false
                    case .polled(let feed, let outcome):
                        inFlight.remove(feed)
                        round.add(outcome)
                        if storeFailures > 0, !Task.isCancelled {  // a poll's transactions went through again
                            storeFailures = 0
                            state.setStoreProblem(nil)
                            logger.notice(
                                "the database takes writes again; fetching resumed",
                                metadata: ["database": "\(pipeline.store.path)"]
                            )
                        }
                    case .storeFailed(let feed, let url, let error):
                        inFlight.remove(feed)
                        round.feedsFailed.append(error)
                        // Every due feed would fail the same way: pause them all, not one by one
                        // (a full disk made every due feed be fetched again every second).
                        storeFailures += 1
                        let pause = Self.storePause(failures: storeFailures)
                        storePausedUntil = Date().addingTimeInterval(pause)
                        let problem =
                            "store error at \(FeedDates.rfc3339(Date())) (feed \(feed)): \(error); fetching paused \(Int(pause))s"
                        state.setStoreProblem(problem)
                        logger.error(
                            "cannot store what a feed returned; fetching is paused, then tried again (the pause doubles, up to 10 min)",
                            metadata: [
                                "feed.name": "\(feed)", "feed.url": "\(url)", "error": "\(error)",
                                "retry.in": "\(Int(pause))s",
                            ]
                        )
                    }
                    let end = Date()
                    if let started = roundStarted, inFlight.isEmpty || end.timeIntervalSince(started) >= 60 {
                        await finish(round, seconds: end.timeIntervalSince(started))
                        round = CycleReport()
                        roundStarted = inFlight.isEmpty ? nil : end
                        state.cycleInProgressSince = roundStarted
                        lastPing = end
                    } else if end.timeIntervalSince(lastPing) >= pingEvery {
                        state.notifier.notify("WATCHDOG=1")
                        lastPing = end
                    }
                    if let fields = state.takeActivity() {
                        logger.info("alive; counts are for the period in minutes", metadata: fields)
                    }
                }
                group.cancelAll()
            }
        }
        state.cycleInProgressSince = nil
        state.notifier.notify("STOPPING=1")
        logger.info("watchlistd stopped")
    }

    /// A round is over: alerts asked for, metrics and the activity summary updated, the
    /// watchdog pinged with a fresh STATUS.
    func finish(_ report: CycleReport, seconds: Double) async {
        if report.newHits > 0 { state.requestDispatch() }
        if report.feedsFetched + report.feedsNotModified + report.feedsFailed.count > 0 {
            state.metrics?.record(cycle: report, seconds: seconds)
            state.note(cycle: report)
            _ = try? await Work.run { state.writeMetrics() }  // reads the store, writes a file: blocking
        }
        if report.feedsFetched + report.feedsFailed.count > 0 {
            state.current.logger.debug(
                "cycle done",
                metadata: [
                    "feeds.fetched": "\(report.feedsFetched)", "feeds.failed": "\(report.feedsFailed.count)",
                    "items.new": "\(report.newItems)", "hits.new": "\(report.newHits)",
                ]
            )
        }
        // STATUS= reads the store (hits today, outbox): at most every 10 s, rounds can be seconds apart.
        if Date().timeIntervalSince(state.statusSentAt) >= 10 {
            state.statusSentAt = Date()
            // Each transfer and work thread frees into its own malloc arena; give the free
            // pages back now and then, or RSS only ever grows.
            if Date().timeIntervalSince(state.trimmedAt) >= 300 {
                state.trimmedAt = Date()
                DaemonState.giveBackFreedMemory()
            }
            state.notifier.notify("WATCHDOG=1\nSTATUS=\(await state.status())")
        } else {
            state.notifier.notify("WATCHDOG=1")
        }
    }
}

/// Delivers alerts from the outbox: as soon as the poller has recorded new hits (after
/// its cycle, so one cycle's hits go out together), and every 15 s for retries and digest
/// windows, which also covers hits of a cycle held up by a slow feed for over 30 s. A
/// send in progress at shutdown is finished; what is still pending stays in the outbox.
public struct AlertService: Service {
    let state: DaemonState

    public init(state: DaemonState) {
        self.state = state
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            var lastRun = Date()
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                let requested = state.takeDispatchRequest()
                let cycleSince = state.cycleInProgressSince
                let tick =
                    Date().timeIntervalSince(lastRun) >= 15
                    && (cycleSince.map { Date().timeIntervalSince($0) > 30 } ?? true)
                guard requested || tick, !Task.isCancelled else { continue }
                lastRun = Date()
                let pipeline = state.current
                do {
                    let report = try await pipeline.dispatcher.dispatch(now: Date(), holdBack: true)
                    if report.delivered + report.failures.count > 0 {
                        state.metrics?.record(dispatch: report)
                        state.note(dispatch: report)
                        _ = try? await Work.run { state.writeMetrics() }
                        pipeline.logger.debug("alerts delivered", metadata: report.logMetadata)
                    }
                } catch is CancellationError {  // stopping: what was accepted is recorded, the rest stays pending
                } catch {
                    pipeline.logger.error(
                        "alert delivery failed; the outbox keeps them for the next try",
                        metadata: ["error": "\(error)"]
                    )
                }
            }
        }
    }
}

/// Runs reload requests (SIGHUP, changed files; see `ReloadRequests`) one at a time,
/// telling systemd RELOADING=1 … READY=1 around each.
public struct ReloadService: Service {
    let state: DaemonState

    public init(state: DaemonState) {
        self.state = state
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            for await reason in state.reloads.stream {
                state.current.logger.info("reloading", metadata: ["reason": "\(reason)"])
                await state.reloadTellingSystemd()
            }
        }
    }
}

/// Reloads when a `.watch` file or the configuration changes on disk (inotify on their
/// folders), debounced by a second so an editor's save is one reload. The descriptor is
/// non-blocking and polled once a second, so shutdown never waits on a read.
public struct FileWatchService: Service {
    let state: DaemonState

    public init(state: DaemonState) {
        self.state = state
    }

    public func run() async throws {
        let logger = state.current.logger
        let configFile = (state.configPath as NSString).lastPathComponent
        let folders = Set([
            (state.configPath as NSString).deletingLastPathComponent, state.current.config.watchlistsDirectory,
        ])
        .map { $0.isEmpty ? "." : $0 }
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else {
            logger.warning("cannot watch files (inotify): reload with SIGHUP", metadata: ["errno": "\(errno)"])
            return
        }
        defer { close(fd) }
        // IN_MOVED_FROM: a file renamed away (`acme.watch` to `acme.watch.off`) is a change too.
        let mask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CREATE)
        for folder in folders where inotify_add_watch(fd, folder, mask) < 0 {
            logger.warning("cannot watch folder for changes: reload with SIGHUP", metadata: ["folder": "\(folder)"])
        }
        await cancelWhenGracefulShutdown {
            var buffer = [UInt8](repeating: 0, count: 8192)
            var pendingSince: Date?
            while !Task.isCancelled {
                while true {
                    let count = read(fd, &buffer, buffer.count)
                    guard count > 0 else { break }
                    if Self.names(in: buffer[0..<count]).contains(where: { $0.hasSuffix(".watch") || $0 == configFile })
                    {
                        pendingSince = pendingSince ?? Date()
                    }
                }
                if let since = pendingSince, Date().timeIntervalSince(since) >= 1 {
                    pendingSince = nil
                    logger.info("files changed on disk; reloading")
                    state.reloads.request("files changed")
                }
                try? await Task.sleep(for: .seconds(pendingSince == nil ? 1 : 0.25))
            }
        }
    }

    /// The file names in a buffer of inotify events.
    static func names(in bytes: ArraySlice<UInt8>) -> [String] {
        var names: [String] = []
        var offset = bytes.startIndex
        let header = MemoryLayout<inotify_event>.size
        while offset + header <= bytes.endIndex {
            let length = bytes[offset + 12..<offset + 16].withUnsafeBytes { Int($0.loadUnaligned(as: UInt32.self)) }
            let nameBytes = bytes[(offset + header)..<min(bytes.endIndex, offset + header + length)]
            names.append(String(decoding: nameBytes.prefix { $0 != 0 }, as: UTF8.self))
            offset += header + length
        }
        return names
    }
}
