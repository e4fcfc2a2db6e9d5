/// An Aho–Corasick automaton over folded Unicode scalars.
///
/// Built once per watchlist load; `scan` walks a text once and reports every pattern
/// occurrence (overlapping ones included). The root's transitions are a dense table
/// over the BMP, because most steps of a scan fall back to the root; all other
/// transitions live in one open-addressing hash table keyed by (state, scalar).
public struct AhoCorasick: Sendable {
    private var rootNext: [Int32]
    private var keys: [UInt64]
    private var values: [Int32]
    private var mask: Int
    private var fail: [Int32]
    /// Nearest state on the failure chain (this one included) that ends a pattern, or -1.
    private var outputLink: [Int32]
    /// Per state, everything a scan step reads, in one 16-byte record (one cache line):
    /// most trie states have a single child, which is stored here instead of in the hash.
    struct StateRecord {
        var fail: Int32
        var outputLink: Int32
        var onlySymbol: UInt32
        /// The single child; 0 for a leaf; -1 when the state has several (look in the hash).
        var onlyChild: Int32
    }
    private var records: [StateRecord] = []
    /// Patterns ending exactly at each state: `outputs[outputStart[s]..<outputStart[s+1]]`.
    private var outputStart: [Int32]
    private var outputs: [Int32]
    public private(set) var patternLengths: [Int32]

    private static let emptyKey = UInt64.max

    /// Builds the automaton. Pattern `i` is reported with id `i`; empty patterns never match.
    public init(patterns: [[UInt32]]) {
        // Trie with per-state child lists.
        var children: [[(UInt32, Int32)]] = [[]]
        var ending: [[Int32]] = [[]]
        var childMap: [UInt64: Int32] = [:]
        let totalLength = patterns.reduce(0) { $0 + $1.count }
        childMap.reserveCapacity(totalLength)
        children.reserveCapacity(totalLength + 1)
        ending.reserveCapacity(totalLength + 1)
        patternLengths = patterns.map { Int32($0.count) }
        for (id, pattern) in patterns.enumerated() where !pattern.isEmpty {
            var state: Int32 = 0
            for symbol in pattern {
                let key = UInt64(UInt32(state)) << 32 | UInt64(symbol)
                if let next = childMap[key] {
                    state = next
                } else {
                    let next = Int32(children.count)
                    children.append([])
                    ending.append([])
                    children[Int(state)].append((symbol, next))
                    childMap[key] = next
                    state = next
                }
            }
            ending[Int(state)].append(Int32(id))
        }
        let stateCount = children.count

        // Transition storage.
        var capacity = 16
        while capacity < childMap.count * 2 { capacity <<= 1 }
        var keys = [UInt64](repeating: Self.emptyKey, count: capacity)
        var values = [Int32](repeating: 0, count: capacity)
        let mask = capacity - 1
        var rootNext = [Int32](repeating: 0, count: 0x10000)
        for (key, next) in childMap {
            let state = Int32(truncatingIfNeeded: key >> 32)
            let symbol = UInt32(truncatingIfNeeded: key)
            if state == 0 && symbol < 0x10000 { rootNext[Int(symbol)] = next }
            var slot = Self.hash(key) & mask
            while keys[slot] != Self.emptyKey { slot = (slot + 1) & mask }
            keys[slot] = key
            values[slot] = next
        }
        self.rootNext = rootNext
        self.keys = keys
        self.values = values
        self.mask = mask
        self.fail = []
        self.outputLink = []
        self.outputStart = []
        self.outputs = []

        // Failure links, breadth first.
        var fail = [Int32](repeating: 0, count: stateCount)
        var outputLink = [Int32](repeating: -1, count: stateCount)
        var queue: [Int32] = []
        queue.reserveCapacity(stateCount)
        for (_, child) in children[0] { queue.append(child) }
        var head = 0
        while head < queue.count {
            let state = queue[head]
            head += 1
            for (symbol, child) in children[Int(state)] {
                var f = fail[Int(state)]
                var target: Int32 = 0
                while true {
                    if let next = transition(f, symbol) { target = next; break }
                    if f == 0 { break }
                    f = fail[Int(f)]
                }
                fail[Int(child)] = target == child ? 0 : target
                queue.append(child)
            }
        }
        for state in queue {  // BFS order: a state's failure target is resolved before it
            let f = fail[Int(state)]
            outputLink[Int(state)] = !ending[Int(state)].isEmpty ? state : outputLink[Int(f)]
        }
        var outputStart = [Int32](repeating: 0, count: stateCount + 1)
        var outputs: [Int32] = []
        for state in 0..<stateCount {
            outputStart[state] = Int32(outputs.count)
            outputs.append(contentsOf: ending[state])
        }
        outputStart[stateCount] = Int32(outputs.count)
        self.fail = fail
        self.outputLink = outputLink
        self.outputStart = outputStart
        self.outputs = outputs
        self.records = (0..<stateCount).map { state in
            let list = children[state]
            return StateRecord(fail: fail[state], outputLink: outputLink[state],
                               onlySymbol: list.count == 1 ? list[0].0 : 0,
                               onlyChild: list.isEmpty ? 0 : list.count == 1 ? list[0].1 : -1)
        }
    }

    @inline(__always)
    private static func hash(_ key: UInt64) -> Int {
        var x = key &* 0x9E37_79B9_7F4A_7C15
        x ^= x >> 29
        return Int(truncatingIfNeeded: x)
    }

    @inline(__always)
    private func transition(_ state: Int32, _ symbol: UInt32) -> Int32? {
        if state == 0 && symbol < 0x10000 {
            let next = rootNext[Int(symbol)]
            return next == 0 ? nil : next
        }
        let key = UInt64(UInt32(state)) << 32 | UInt64(symbol)
        var slot = Self.hash(key) & mask
        while true {
            let k = keys[slot]
            if k == key { return values[slot] }
            if k == Self.emptyKey { return nil }
            slot = (slot + 1) & mask
        }
    }

    /// Calls `found(patternID, start, end)` for every occurrence in `text`
    /// (`start..<end` indexes `text`).
    ///
    /// The hot loop of the product: it reads the tables through unsafe buffers (no bounds
    /// checks, no reference counting). Every index is a state or pattern number the
    /// automaton itself produced, so all reads are in bounds by construction.
    @inline(__always)
    public func scan(_ text: [UInt32], _ found: (Int, Int, Int) -> Void) {
        rootNext.withUnsafeBufferPointer { rootNext in
        keys.withUnsafeBufferPointer { keys in
        values.withUnsafeBufferPointer { values in
        records.withUnsafeBufferPointer { records in
        outputStart.withUnsafeBufferPointer { outputStart in
        outputs.withUnsafeBufferPointer { outputs in
        patternLengths.withUnsafeBufferPointer { lengths in
        text.withUnsafeBufferPointer { text in
            let mask = self.mask
            @inline(__always) func next(_ state: Int32, _ symbol: UInt32) -> Int32 {
                if state == 0 {
                    return symbol < 0x10000 ? rootNext[Int(symbol)] : lookup(0, symbol)
                }
                let record = records[Int(state)]
                if record.onlyChild >= 0 {
                    return record.onlyChild != 0 && record.onlySymbol == symbol ? record.onlyChild : 0
                }
                return lookup(state, symbol)
            }
            @inline(__always) func lookup(_ state: Int32, _ symbol: UInt32) -> Int32 {
                let key = UInt64(UInt32(bitPattern: state)) << 32 | UInt64(symbol)
                var slot = Self.hash(key) & mask
                while true {
                    let k = keys[slot]
                    if k == key { return values[slot] }
                    if k == Self.emptyKey { return 0 }
                    slot = (slot + 1) & mask
                }
            }
            var state: Int32 = 0
            for index in 0..<text.count {
                let symbol = text[index]
                while true {
                    let target = next(state, symbol)
                    if target != 0 { state = target; break }
                    if state == 0 { break }
                    state = records[Int(state)].fail
                }
                var out = records[Int(state)].outputLink
                while out >= 0 {
                    for k in Int(outputStart[Int(out)])..<Int(outputStart[Int(out) + 1]) {
                        let id = Int(outputs[k])
                        found(id, index + 1 - Int(lengths[id]), index + 1)
                    }
                    out = records[Int(records[Int(out)].fail)].outputLink
                }
            }
        }
        }
        }
        }
        }
        }
        }
        }
    }
}
