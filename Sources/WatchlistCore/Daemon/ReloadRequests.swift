import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reload requests (SIGHUP, changed files), coalesced: while a reload runs, any number of
/// further requests make one more reload after it, never a queue of them (a hundred
/// SIGHUPs in a second used to run a hundred reloads in series).
public final class ReloadRequests: @unchecked Sendable {
    // @unchecked: `source` is set once, in `trapSIGHUP()`, before any other thread sees it.
    public let stream: AsyncStream<String>
    private let continuation: AsyncStream<String>.Continuation
    private var source: (any DispatchSourceSignal)?

    public init() {
        (stream, continuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Asks for a reload; `reason` is logged when it runs.
    public func request(_ reason: String) {
        continuation.yield(reason)
    }

    /// Ignores SIGHUP's default action (which ends the process) from now on and turns
    /// each SIGHUP into a request. Called first thing in `run`, before anything is
    /// loaded: a SIGHUP during start-up is then one reload once the daemon runs.
    public func trapSIGHUP() {
        signal(SIGHUP, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: DispatchQueue(label: "watchlistd.sighup"))
        source.setEventHandler { [weak self] in self?.request("SIGHUP") }
        source.resume()
        self.source = source
    }
}
