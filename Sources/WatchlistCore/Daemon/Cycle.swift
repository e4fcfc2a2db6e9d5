import Foundation
import Logging

/// What one poll cycle did.
public struct CycleReport: Sendable {
    public var feedsFetched = 0
    public var feedsNotModified = 0
    public var feedsFailed: [String] = []
    public var newItems = 0
    public var newHits = 0
    /// Items a crash had left stored but unmatched, matched at the start of this cycle.
    public var recovered = 0
    public var pruned: Store.PruneReport?
    public var dispatch = DispatchReport()
}

extension CycleReport {
    /// Counts one feed's outcome.
    mutating func add(_ outcome: Pipeline.FeedOutcome) {
        switch outcome {
        case .cancelled: break
        case .notModified: feedsNotModified += 1
        case .fetched(let items, let hits):
            feedsFetched += 1
            newItems += items
            newHits += hits
        case .failed(let message): feedsFailed.append(message)
        }
    }
}

/// Everything a cycle needs, built from the configuration: the wiring in one place
/// (`Pipeline.build`) so the commands and the tests assemble it the same way.
public struct Pipeline: Sendable {
    public var config: DaemonConfig
    public var watchlists: [Watchlist]
    public var matcher: Matcher
    public var store: Store
    public var fetcher = Fetcher()
    public var dispatcher: AlertDispatcher
    public var logger: Logger
    /// At most this many feeds are fetched at once.
    public var concurrency = 8

    /// Loads the watchlists, opens the store, and wires the alert channels.
    public static func build(config: DaemonConfig, logger: Logger, store existing: Store? = nil) throws -> Pipeline {
        let (watchlists, warnings) = try WatchlistParser.loadDirectory(config.watchlistsDirectory)
        for warning in config.warnings + warnings { logger.warning("\(warning.description)") }
        let matcher = Matcher(watchlists: watchlists)
        let store = try existing ?? Store(path: config.databasePath)
        logger.info(
            "watchlists loaded",
            metadata: [
                "watchlist.dir": "\(config.watchlistsDirectory)", "customers": "\(watchlists.count)",
                "names": "\(matcher.nameCount)",
            ]
        )
        let dispatcher = AlertDispatcher(
            store: store,
            watchlists: watchlists,
            channels: AlertChannels.make(config: config, watchlists: watchlists),
            logger: logger
        )
        var pipeline = Pipeline(
            config: config,
            watchlists: watchlists,
            matcher: matcher,
            store: store,
            dispatcher: dispatcher,
            logger: logger
        )
        pipeline.concurrency = config.concurrency
        try pipeline.adoptRenamedFeeds()  // before any cycle of this configuration (at start, at a reload)
        return pipeline
    }

    /// A feed is its URL: a renamed feed keeps its stored items (they are not new). Done
    /// when a configuration is loaded and again at every cycle.
    func adoptRenamedFeeds() throws {
        logRenames(try store.adoptRenamedFeeds(config.feeds.map { ($0.name, $0.url) }))
    }

    func adoptRenamedFeeds() async throws {
        logRenames(try await store.adoptRenamedFeeds(config.feeds.map { ($0.name, $0.url) }))
    }

    func logRenames(_ renames: [(from: String, to: String)]) {
        for rename in renames {
            logger.notice(
                "feed renamed; its listings are not new",
                metadata: ["feed.old": "\(rename.from)", "feed.name": "\(rename.to)"]
            )
        }
    }

    /// The channels a new hit is queued on.
    public func channels(for hit: MatchHit) -> [ChannelName] {
        dispatcher.channels(for: hit)
    }

    /// One cycle: fetch the due feeds (every feed when `all`), store new items, match
    /// them, record hits with their outbox rows, then deliver every due alert.
    /// With `all` (`run --once`), every feed is fetched and every due alert delivered:
    /// digest windows and the hourly cap do not hold them back.
    /// The daemon passes `dispatch: false`: its `AlertService` delivers instead.
    public func runCycle(all: Bool, dispatch: Bool = true, now: Date = Date()) async throws -> CycleReport {
        var report = CycleReport()
        (report.recovered, report.newHits) = try await recoverUnmatched()
        let due = try await dueFeeds(all: all, now: now, adoptRenames: true)
        try await withThrowingTaskGroup(of: FeedOutcome.self) { group in
            var next = 0
            func startNext() {
                guard next < due.count, !Task.isCancelled else { return }  // stopping: start no more feeds
                let (feed, state) = due[next]
                next += 1
                group.addTask { try await self.poll(feed, state: state) }
            }
            for _ in 0..<min(concurrency, due.count) { startNext() }
            while let outcome = try await group.next() {
                report.add(outcome)
                startNext()
            }
        }
        if Task.isCancelled || !dispatch { return report }  // stopping: pending alerts stay in the outbox
        report.dispatch = try await dispatcher.dispatch(now: Date(), holdBack: !all)
        if all { report.pruned = try await prune(now: now) }
        return report
    }

    /// Items stored by a poll that died before matching them (kill -9, power loss),
    /// matched now. Returns how many items, and the hits they gave.
    public func recoverUnmatched() async throws -> (items: Int, hits: Int) {
        let items = try await store.unmatchedItems()
        let (leftOver, hits) = (items.count, try await matchAndRecord(items))
        if leftOver > 0 {
            logger.notice("matched items an interrupted cycle had left", metadata: ["items": "\(leftOver)"])
        }
        return (leftOver, hits)
    }

    /// The feeds whose turn has come (every feed when `all`), longest overdue first, at
    /// most `limit`, leaving out `busy` ones (being fetched); their rows are created or
    /// updated. With `adoptRenames`, a renamed feed first takes over its old row (a feed
    /// is its URL; `build` does it too, so the daemon's poller need not). Reads every
    /// feed's state once; writes only for the due ones.
    func dueFeeds(
        all: Bool,
        now: Date,
        busy: Set<String> = [],
        limit: Int = .max,
        adoptRenames: Bool = false
    ) async throws -> [(FeedConfig, FeedState)] {
        if adoptRenames { try await adoptRenamedFeeds() }
        let stored = Dictionary(
            try await store.feedStates().map { ($0.name, $0) },
            uniquingKeysWith: { first, _ in first }
        )
        let candidates = config.feeds.filter { feed in
            guard !busy.contains(feed.name) else { return false }
            return all || (stored[feed.name]?.nextDue ?? .distantPast) <= now
        }.sorted { (stored[$0.name]?.nextDue ?? .distantPast) < (stored[$1.name]?.nextDue ?? .distantPast) }
        var due: [(FeedConfig, FeedState)] = []
        for feed in candidates.prefix(limit) {
            let state = try await store.feedState(name: feed.name, url: feed.url)
            warnAboutNextDue(state, feed: feed)
            due.append((feed, state))
        }
        return due
    }

    /// Logs a stored next-due date that could not be used (the feed is fetched now, and
    /// the fetch stores a fresh one).
    func warnAboutNextDue(_ state: FeedState, feed: FeedConfig) {
        guard let problem = state.nextDueProblem else { return }
        logger.warning(
            "feed \(feed.name) (\(feed.url)): \(problem); fetching it now, which stores a fresh date",
            metadata: ["database": "\(store.path)"]
        )
    }

    /// Matches stored items and records their hits, marking them matched, in one transaction.
    /// Matching runs on `Work`, the recording on GRDB's writer.
    func matchAndRecord(_ items: [StoredItem]) async throws -> Int {
        guard !items.isEmpty else { return 0 }
        let (matcher, threshold) = (self.matcher, config.threshold)
        let results = try await Work.run {
            items.map {
                (item: $0.id, hits: matcher.match(title: $0.item.title, body: $0.item.body, threshold: threshold))
            }
        }
        let now = Date()
        let dispatcher = self.dispatcher
        return try await store.recordMatches(
            results,
            channels: { dispatcher.channels(for: $0) },
            at: now,
            repeatsSince: repeatWindowStart(now)
        )
    }

    /// A listing already alerted to a customer since then is not alerted again
    /// (`ListingIdentity`): the `backfill:` window; nil (no check) when backfill is 0.
    func repeatWindowStart(_ now: Date) -> Date? {
        config.backfill > 0 ? now.addingTimeInterval(-config.backfill) : nil
    }

    /// Applies `retention:` (nothing when it is 0) and logs what was removed.
    @discardableResult
    public func prune(now: Date = Date()) async throws -> Store.PruneReport? {
        guard config.retention > 0 else { return nil }
        let before = store.fileSize()
        let report = try await store.prune(before: now.addingTimeInterval(-config.retention))
        if report.items > 0 || report.vacuumed {
            logger.notice(
                "retention applied",
                metadata: [
                    "items.pruned": "\(report.items)", "hits.pruned": "\(report.hits)",
                    "vacuumed": "\(report.vacuumed)",
                    "db.bytes.before": "\(before)", "db.bytes.after": "\(store.fileSize())",
                ]
            )
        }
        return report
    }

    enum FeedOutcome: Sendable {
        case cancelled
        case notModified
        case fetched(items: Int, hits: Int)
        case failed(String)
    }

    /// The fetch a feed's block asks for (headers, proxy and its credentials, CA, guard).
    public static func request(for feed: FeedConfig, etag: String? = nil, lastModified: String? = nil) -> FetchRequest {
        var request = FetchRequest(
            feed: feed.name,
            url: feed.url,
            proxy: feed.proxy,
            etag: etag,
            lastModified: lastModified
        )
        request.headers = feed.headers
        request.userAgent = feed.userAgent ?? FetchRequest.defaultUserAgent
        request.proxyCredentials = feed.proxyCredentials
        request.caFile = feed.caFile
        request.verifyTLS = feed.verifyTLS
        request.refuseInternal = feed.guardsInternal
        return request
    }

    /// Backoff after `errors` consecutive failures: the interval doubled per error, at most 6 h.
    static func backoff(interval: Duration, errors: Int) -> TimeInterval {
        let base = Double(interval.components.seconds)
        return min(6 * 3600, base * pow(2, Double(min(errors, 10))))
    }

    func poll(_ feed: FeedConfig, state: FeedState) async throws -> FeedOutcome {
        var log = logger
        log[metadataKey: "feed.name"] = "\(feed.name)"
        log[metadataKey: "feed.url"] = "\(feed.url)"
        let started = Date()
        // ±10% jitter, so feeds configured together do not keep firing together.
        let interval = TimeInterval(feed.interval.components.seconds) * Double.random(in: 0.9...1.1)
        let request = Self.request(for: feed, etag: state.etag, lastModified: state.lastModified)
        let result = await fetcher.fetch(request)
        return try await process(result, feed: feed, state: state, started: started, interval: interval, log: log)
    }

    /// Parsing and matching run on `Work`, SQLite on GRDB's queues: none of it on the
    /// cooperative pool, which stays free for signals, notifications and timers.
    func process(
        _ result: Result<FetchResponse, FetchError>,
        feed: FeedConfig,
        state: FeedState,
        started: Date,
        interval: TimeInterval,
        log: Logger
    ) async throws -> FeedOutcome {
        switch result {
        case .failure(let error) where error.kind == .cancelled:
            log.info("fetch stopped: shutting down", metadata: ["detail": "\(error.detail)"])
            return .cancelled
        case .failure(let error):
            let wait = max(
                Double(error.retryAfter ?? 0),
                Self.backoff(interval: feed.interval, errors: state.errorCount)
            )
            try await store.recordFetchError(
                feed: state.id,
                message: error.description,
                at: started,
                nextDue: started.addingTimeInterval(wait)
            )
            logFailure(error.description, state: state, wait: wait, log: log)
            return .failed(error.description)
        case .success(let response):
            let nextDue = started.addingTimeInterval(interval)
            if response.notModified {
                try await store.recordFetchSuccess(
                    feed: state.id,
                    etag: response.etag ?? state.etag,
                    lastModified: response.lastModified ?? state.lastModified,
                    at: started,
                    nextDue: nextDue
                )
                logRecovery(state: state, log: log)
                log.debug("not modified")
                return .notModified
            }
            let parsed = try await Work.run {
                FeedParser.parse(response.body, feed: feed, contentType: response.contentType)
            }
            switch parsed {
            case .failure(let error):
                let wait = Self.backoff(interval: feed.interval, errors: state.errorCount)
                try await store.recordFetchError(
                    feed: state.id,
                    message: error.description,
                    at: started,
                    nextDue: started.addingTimeInterval(wait)
                )
                logFailure(error.description, state: state, wait: wait, log: log)
                return .failed(error.description)
            case .success(let items):
                let fresh = try await store.storeItems(feed: state, items: items, at: started)
                FaultInjection.crashPoint(.afterStoreItems)
                let hits = try await matchAndRecord(fresh)
                FaultInjection.crashPoint(.afterRecordHits)
                try await store.recordFetchSuccess(
                    feed: state.id,
                    etag: response.etag,
                    lastModified: response.lastModified,
                    at: started,
                    nextDue: nextDue
                )
                logRecovery(state: state, log: log)
                log.debug(
                    "fetched",
                    metadata: ["items": "\(items.count)", "items.new": "\(fresh.count)", "hits.new": "\(hits)"]
                )
                return .fetched(items: fresh.count, hits: hits)
            }
        }
    }

    /// A feed that starts failing, or fails differently, is logged once as an error; the
    /// same failure again is routine (debug) until the feed recovers.
    func logFailure(_ message: String, state: FeedState, wait: TimeInterval, log: Logger) {
        let metadata: Logger.Metadata = [
            "error": "\(message)", "retry.in": "\(Int(wait))s", "failures": "\(state.errorCount + 1)",
        ]
        if state.errorCount == 0 || state.lastError != message {
            log.error("feed failing; it is retried with backoff and logged again when it recovers", metadata: metadata)
        } else {
            log.debug("feed still failing", metadata: metadata)
        }
    }

    /// The end of a failing state, logged once.
    func logRecovery(state: FeedState, log: Logger) {
        guard state.errorCount > 0 else { return }
        log.notice(
            "feed recovered",
            metadata: ["failures": "\(state.errorCount)", "last.error": "\(state.lastError ?? "")"]
        )
    }
}
