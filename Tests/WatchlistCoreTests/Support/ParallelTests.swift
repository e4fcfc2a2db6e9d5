import Foundation
import Testing
@testable import WatchlistCore

@Suite("parallelMap")
struct ParallelTests {
    @Test(arguments: [(0, 1), (1, 1), (7, 3), (10_000, 64), (10_000, 20_000)])
    func resultsComeInIndexOrder(_ count: Int, _ chunk: Int) {
        let squares = parallelMap(count, chunk: chunk) { $0 * $0 }
        #expect(squares == (0..<count).map { $0 * $0 })
        #expect(parallelMap(count, chunk: chunk, serial: true) { $0 * $0 } == squares)
    }

    @Test func everyIndexIsComputedOnce() {
        let calls = IndexLog()
        _ = parallelMap(5000, chunk: 7) { index in calls.add(index) }
        #expect(calls.sorted == Array(0..<5000))
    }
}

/// Indices seen, from any thread.
private final class IndexLog: @unchecked Sendable {
    // @unchecked: every access holds `lock`.
    private let lock = NSLock()
    private var seen: [Int] = []
    func add(_ index: Int) { lock.withLock { seen.append(index) } }
    var sorted: [Int] { lock.withLock { seen.sorted() } }
}
