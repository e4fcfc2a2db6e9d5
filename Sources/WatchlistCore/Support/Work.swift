import Foundation

/// Blocking work that is not SQLite (parsing, matching, reloads) off Swift's cooperative
/// thread pool, which has one thread per core: blocked there, it would stall every task
/// (signals, timers, the watchdog). SQLite goes through GRDB's own queues instead
/// (`Store`'s async methods), curl transfers through `TransferThreads`.
public enum Work {
    /// One job per core at most: more would only compete for the same cores.
    static let shared = WorkPool(limit: max(2, ProcessInfo.processInfo.activeProcessorCount))

    /// Runs `body` on the shared pool; see `WorkPool.run`.
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await shared.run(body)
    }
}

/// A bounded set of threads for blocking jobs: at most `limit` run at once, on a Dispatch
/// queue; callers beyond that wait suspended (no thread held), first come first served,
/// and a caller cancelled while waiting leaves the line without running its job.
public final class WorkPool: @unchecked Sendable {
    // @unchecked: `free`, `waiting` and `nextTicket` are only used under `lock`.
    let limit: Int
    private let queue = DispatchQueue(label: "watchlistd.work", attributes: .concurrent)
    private let lock = NSLock()
    private var free: Int
    private var waiting: [(ticket: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
    private var nextTicket: UInt64 = 0

    public init(limit: Int) {
        self.limit = max(1, limit)
        free = self.limit
    }

    /// Runs `body` once a slot is free; throws `CancellationError` if the task is
    /// cancelled before that (a job already running is finished).
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await acquire()
        defer { release() }
        return try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }

    private func acquire() async throws {
        let ticket = lock.withLock {
            nextTicket += 1
            return nextTicket
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let (go, cancelled): (Bool, Bool) = lock.withLock {
                    // Checked under the lock: a cancellation either came before (seen here) or
                    // finds the ticket in the line (removed by the handler).
                    if Task.isCancelled { return (false, true) }
                    if free > 0 {
                        free -= 1
                        return (true, false)
                    }
                    waiting.append((ticket, continuation))
                    return (false, false)
                }
                if cancelled { continuation.resume(throwing: CancellationError()) } else if go { continuation.resume() }
            }
        } onCancel: {
            let continuation: CheckedContinuation<Void, any Error>? = lock.withLock {
                guard let index = waiting.firstIndex(where: { $0.ticket == ticket }) else { return nil }
                return waiting.remove(at: index).continuation
            }
            continuation?.resume(throwing: CancellationError())
        }
    }

    private func release() {
        let next: CheckedContinuation<Void, any Error>? = lock.withLock {
            if waiting.isEmpty {
                free += 1
                return nil
            }
            return waiting.removeFirst().continuation  // the slot passes straight to the next in line
        }
        next?.resume()
    }
}
