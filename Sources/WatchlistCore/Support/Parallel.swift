import Foundation

/// `transform` applied to every index in `0..<count` on all cores, the results in index
/// order: the one place where several threads fill result slots. Indices are handed out
/// `chunk` at a time (a dispatch per chunk, not per index). With `serial`, or a single
/// chunk, it runs on the calling thread. `transform` must be safe to call from several
/// threads at once (it only reads what it captures).
func parallelMap<T>(_ count: Int, chunk: Int = 1, serial: Bool = false, _ transform: (Int) -> T) -> [T] {
    let chunk = max(1, chunk)
    let chunks = (count + chunk - 1) / chunk
    if serial || chunks <= 1 { return (0..<max(0, count)).map(transform) }
    return withoutActuallyEscaping(transform) { transform in
        // nonisolated(unsafe): concurrentPerform runs the workers and returns after the last;
        // each index is written by exactly one worker, and the array is read only after that.
        nonisolated(unsafe) let transform = transform
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            nonisolated(unsafe) let out = buffer
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                for i in (c * chunk)..<min(count, (c + 1) * chunk) {
                    (out.baseAddress! + i).initialize(to: transform(i))
                }
            }
            initialized = count
        }
    }
}
