import Foundation
import Testing
@testable import WatchlistCore

@Suite("Work pool")
struct WorkTests {
    /// Jobs that block (parsing, matching) never run more than `limit` at once, and a caller
    /// cancelled while waiting for a slot leaves without running its job.
    @Test func jobsBeyondTheLimitWaitAndACancelledWaiterNeverRuns() async throws {
        let pool = WorkPool(limit: 2)
        let started = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let running = Gauge()
        let blockers = (0..<2).map { _ in
            Task {
                try await pool.run {
                    running.enter()
                    started.signal()
                    release.wait()
                    running.leave()
                }
            }
        }
        await Task.detached {
            started.wait()
            started.wait()
        }.value  // both slots taken
        let ran = Gauge()
        let waiter = Task { try await pool.run { ran.enter() } }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        let queued = (0..<4).map { _ in
            Task {
                try await pool.run {
                    running.enter()
                    usleep(5_000)
                    running.leave()
                }
            }
        }
        for _ in 0..<2 { release.signal() }
        for task in blockers + queued { try await task.value }
        #expect(ran.peak == 0)
        #expect(running.peak == 2)
    }
}

/// How many are inside at once, and the most there ever were.
private final class Gauge: @unchecked Sendable {
    // @unchecked: every access holds `lock`.
    private let lock = NSLock()
    private var now = 0
    private(set) var peak = 0
    func enter() {
        lock.withLock {
            now += 1
            peak = max(peak, now)
        }
    }
    func leave() { lock.withLock { now -= 1 } }
}
