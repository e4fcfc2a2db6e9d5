import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Crash points for the crash-safety tests: `WATCHLISTD_TEST_CRASH_AT=POINT` (or
/// `POINT:N`, the Nth time it is reached) makes the process SIGKILL itself there, exactly
/// as `kill -9` would. Random kills rarely land in the microseconds between two
/// transactions; these land there every time. Unset (always, outside the tests), a
/// crash point is one comparison.
public enum FaultInjection {
    public enum Point: String, Sendable {
        /// A fetch's items are committed; their matching is not.
        case afterStoreItems = "after-store-items"
        /// Hits and outbox rows are committed; the feed's fetch state (ETag) is not.
        case afterRecordHits = "after-record-hits"
        /// The mail server accepted a message; the outbox rows are not yet marked sent.
        case afterMailAccepted = "after-mail-accepted"
        /// A webhook receiver answered 2xx; the outbox rows are not yet marked sent.
        case afterWebhookAccepted = "after-webhook-accepted"
    }

    static let target: (point: String, count: Int)? = {
        guard let value = ProcessInfo.processInfo.environment["WATCHLISTD_TEST_CRASH_AT"], !value.isEmpty else {
            return nil
        }
        let parts = value.split(separator: ":")
        return (String(parts[0]), parts.count > 1 ? Int(parts[1]) ?? 1 : 1)
    }()
    static let reached = Mutex(0)

    /// Dies here if this is the configured crash point (and its count is reached).
    public static func crashPoint(_ point: Point) {
        guard let target, target.point == point.rawValue else { return }
        let count = reached.withLock { value in
            value += 1
            return value
        }
        if count == target.count { kill(getpid(), SIGKILL) }
    }
}
