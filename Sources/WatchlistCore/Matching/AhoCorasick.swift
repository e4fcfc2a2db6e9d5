/// An Aho–Corasick automaton over folded Unicode scalars.
///
/// Built once per watchlist load; `scan` walks a text once and reports every pattern
/// occurrence (overlapping ones included). The root's transitions are a dense table
/// over the BMP, because most steps of a scan fall back to the root; all other
/// transitions live in one open-addressing hash table keyed by (state, scalar).
public struct AhoCorasick: Sendable {
    private var rootNext: [Int32]
    /// The transitions of states with several children: (state, symbol) → state, the key and
    /// its value side by side (one cache miss a lookup, not two).
    struct Slot {
        var key: UInt64
        var value: Int32
    }
    private var slots: [Slot]
    private var mask: Int
    /// Per state, everything a scan step reads, in one 16-byte record (one cache line):
    /// most trie states have a single child, which is stored here instead of in the hash.
    struct StateRecord {
        var fail: Int32
        /// The first `outputRecords` entry of the nearest state on the failure chain (this one
        /// included) that ends a pattern, or -1.
        var outputLink: Int32
        var onlySymbol: UInt32
        /// The single child; 0 for a leaf; -1 when the state has several (look in the hash).
        var onlyChild: Int32
    }
    private var records: [StateRecord] = []
    /// A pattern a scan reports at a state, and where the chain of reports goes on: the
    /// scan reads one small record per report (at 20,000 entities a listing has ~140 reports,
    /// and the state records they would otherwise be read through are out of the cache).
    struct OutputRecord {
        var pattern: Int32
        var length: Int32
        /// The next record to report at the same position, or -1.
        var next: Int32
    }
    private var outputRecords: [OutputRecord] = []
    /// For the states one or two Latin letters deep (`denseDepth`), where a scan of Latin text
    /// spends most of its steps: the state after each letter a–z (0x60..<0x80), failure links
    /// already followed, 32 to a row. Such a state's `onlyChild` is -2 - its row.
    private var denseRows: [Int32] = []
    static let denseDepth = 2
    public private(set) var patternLengths: [Int32]

    private static let emptyKey = UInt64.max

    /// Builds the automaton. Pattern `i` is reported with id `i`; empty patterns never match.
    ///
    /// Built with flat arrays only (edges sorted by parent, CSR style): a 100,000-name
    /// watchlist makes millions of states, and an array per state costs more than the rest.
    public init(patterns: [[UInt32]]) {
        let totalLength = patterns.reduce(0) { $0 + $1.count }
        // Trie edges during construction: open addressing on (state, symbol), like the
        // scan's table (Swift's Dictionary hashes each key through SipHash: too slow here).
        // Starts at a quarter of the worst case (tries share prefixes) and doubles at 70 %.
        var buildCapacity = 1024
        while buildCapacity < totalLength / 2 { buildCapacity <<= 1 }
        var buildKeys = [UInt64](repeating: Self.emptyKey, count: buildCapacity)
        var buildValues = [Int32](repeating: 0, count: buildCapacity)
        var buildMask = buildCapacity - 1
        var edgeParent: [Int32] = []
        var edgeSymbol: [UInt32] = []
        var edgeChild: [Int32] = []
        edgeParent.reserveCapacity(totalLength)
        edgeSymbol.reserveCapacity(totalLength)
        edgeChild.reserveCapacity(totalLength)
        var endState = [Int32](repeating: -1, count: patterns.count)
        var stateCount: Int32 = 1
        patternLengths = patterns.map { Int32($0.count) }
        for (id, pattern) in patterns.enumerated() where !pattern.isEmpty {
            var state: Int32 = 0
            for symbol in pattern {
                let key = UInt64(UInt32(bitPattern: state)) << 32 | UInt64(symbol)
                var slot = Self.hash(key) & buildMask
                while buildKeys[slot] != key && buildKeys[slot] != Self.emptyKey { slot = (slot + 1) & buildMask }
                if buildKeys[slot] == key {
                    state = buildValues[slot]
                } else {
                    let next = stateCount
                    stateCount += 1
                    buildKeys[slot] = key
                    buildValues[slot] = next
                    if Int(stateCount) * 10 > buildCapacity * 7 {
                        let oldKeys = buildKeys
                        let oldValues = buildValues
                        buildCapacity <<= 1
                        buildMask = buildCapacity - 1
                        buildKeys = [UInt64](repeating: Self.emptyKey, count: buildCapacity)
                        buildValues = [Int32](repeating: 0, count: buildCapacity)
                        for (i, k) in oldKeys.enumerated() where k != Self.emptyKey {
                            var s = Self.hash(k) & buildMask
                            while buildKeys[s] != Self.emptyKey { s = (s + 1) & buildMask }
                            buildKeys[s] = k
                            buildValues[s] = oldValues[i]
                        }
                    }
                    edgeParent.append(state)
                    edgeSymbol.append(symbol)
                    edgeChild.append(next)
                    state = next
                }
            }
            endState[id] = state
        }
        let states = Int(stateCount)

        // Children of each state, contiguous (counting sort of the edges by parent).
        var childStart = [Int32](repeating: 0, count: states + 1)
        for parent in edgeParent { childStart[Int(parent) + 1] += 1 }
        for i in 0..<states { childStart[i + 1] += childStart[i] }
        var childSymbols = [UInt32](repeating: 0, count: edgeParent.count)
        var childStates = [Int32](repeating: 0, count: edgeParent.count)
        var fill = childStart
        for e in 0..<edgeParent.count {
            let slot = Int(fill[Int(edgeParent[e])])
            fill[Int(edgeParent[e])] += 1
            childSymbols[slot] = edgeSymbol[e]
            childStates[slot] = edgeChild[e]
        }
        edgeParent = []
        edgeSymbol = []
        edgeChild = []

        // Transition storage: dense root table plus one hash for states with several children.
        var rootNext = [Int32](repeating: 0, count: 0x10000)
        var multi = 0
        for state in 0..<states where childStart[state + 1] - childStart[state] > 1 || state == 0 {
            multi += Int(childStart[state + 1] - childStart[state])
        }
        var capacity = 16
        while capacity < multi * 2 { capacity <<= 1 }
        var slots = [Slot](repeating: Slot(key: Self.emptyKey, value: 0), count: capacity)
        let mask = capacity - 1
        for state in 0..<states {
            let from = Int(childStart[state])
            let to = Int(childStart[state + 1])
            guard to - from > 1 || state == 0 else { continue }
            for c in from..<to {
                let symbol = childSymbols[c]
                if state == 0 && symbol < 0x10000 { rootNext[Int(symbol)] = childStates[c] }
                let key = UInt64(UInt32(state)) << 32 | UInt64(symbol)
                var slot = Self.hash(key) & mask
                while slots[slot].key != Self.emptyKey { slot = (slot + 1) & mask }
                slots[slot] = Slot(key: key, value: childStates[c])
            }
        }
        buildKeys = []
        buildValues = []
        self.rootNext = rootNext
        self.slots = slots
        self.mask = mask

        // Pattern ends per state (counting sort again).
        var outputStart = [Int32](repeating: 0, count: states + 1)
        for state in endState where state >= 0 { outputStart[Int(state) + 1] += 1 }
        for i in 0..<states { outputStart[i + 1] += outputStart[i] }
        var outputs = [Int32](repeating: 0, count: Int(outputStart[states]))
        var next = outputStart
        for (id, state) in endState.enumerated() where state >= 0 {
            outputs[Int(next[Int(state)])] = Int32(id)
            next[Int(state)] += 1
        }

        // Failure and output links, breadth first.
        var records = [StateRecord](
            repeating: StateRecord(fail: 0, outputLink: -1, onlySymbol: 0, onlyChild: 0),
            count: states
        )
        for state in 0..<states {
            let from = Int(childStart[state])
            let to = Int(childStart[state + 1])
            records[state].onlyChild = to == from ? 0 : to - from == 1 ? childStates[from] : -1
            records[state].onlySymbol = to - from == 1 ? childSymbols[from] : 0
        }
        self.records = records
        var queue = [Int32]()
        queue.reserveCapacity(states)
        for c in Int(childStart[0])..<Int(childStart[1]) { queue.append(childStates[c]) }
        var head = 0
        while head < queue.count {
            let state = queue[head]
            head += 1
            let ends = outputStart[Int(state) + 1] > outputStart[Int(state)]
            let failState = self.records[Int(state)].fail
            self.records[Int(state)].outputLink = ends ? state : self.records[Int(failState)].outputLink
            for c in Int(childStart[Int(state)])..<Int(childStart[Int(state) + 1]) {
                let symbol = childSymbols[c]
                let child = childStates[c]
                var f = failState
                var target: Int32 = 0
                while true {
                    let t = transition(f, symbol)
                    if t != 0 && t != child {
                        target = t
                        break
                    }
                    if f == 0 { break }
                    f = self.records[Int(f)].fail
                }
                self.records[Int(child)].fail = target
                queue.append(child)
            }
        }

        // Dense rows for the shallow Latin states (built with `transition` before their
        // `onlyChild` is marked).
        var denseStates: [Int32] = []
        var latinDepth = [Int8](repeating: 0, count: states)
        for c in Int(childStart[0])..<Int(childStart[1]) where childSymbols[c] &- 0x60 < 32 {
            latinDepth[Int(childStates[c])] = 1
        }
        for state in queue where latinDepth[Int(state)] > 0 && latinDepth[Int(state)] < Self.denseDepth {
            for c in Int(childStart[Int(state)])..<Int(childStart[Int(state) + 1]) where childSymbols[c] &- 0x60 < 32 {
                latinDepth[Int(childStates[c])] = latinDepth[Int(state)] + 1
            }
        }
        // (Not a state whose one child is not a–z: the scan looks other letters up in the hash,
        // which holds the children of states with several only.)
        for state in queue where latinDepth[Int(state)] > 0 {
            let from = Int(childStart[Int(state)])
            let to = Int(childStart[Int(state) + 1])
            if to - from == 1 && childSymbols[from] &- 0x60 >= 32 { continue }
            denseStates.append(state)
        }
        var denseRows = [Int32](repeating: 0, count: denseStates.count * 32)
        for (row, state) in denseStates.enumerated() {
            for column in 0..<32 {
                let symbol = UInt32(0x60 + column)
                var f = state
                var target: Int32 = 0
                while true {
                    let t = transition(f, symbol)
                    if t != 0 {
                        target = t
                        break
                    }
                    if f == 0 { break }
                    f = self.records[Int(f)].fail
                }
                denseRows[row << 5 | column] = target
            }
        }
        for (row, state) in denseStates.enumerated() { self.records[Int(state)].onlyChild = -2 - Int32(row) }
        self.denseRows = denseRows

        // Reports: the patterns ending at a state, in order, then those of the next state on
        // its failure chain that ends one. `outputLink` becomes an index into them.
        var firstRecord = [Int32](repeating: -1, count: states)
        var outputRecords: [OutputRecord] = []
        outputRecords.reserveCapacity(outputs.count)
        for state in 0..<states where outputStart[state + 1] > outputStart[state] {
            firstRecord[state] = Int32(outputRecords.count)
            for k in Int(outputStart[state])..<Int(outputStart[state + 1]) {
                let id = outputs[k]
                outputRecords.append(OutputRecord(pattern: id, length: patternLengths[Int(id)], next: -1))
            }
        }
        for state in 0..<states where outputStart[state + 1] > outputStart[state] {
            let first = Int(firstRecord[state])
            let last = first + Int(outputStart[state + 1] - outputStart[state]) - 1
            for r in first..<last { outputRecords[r].next = Int32(r + 1) }
            let nextState = self.records[Int(self.records[state].fail)].outputLink
            outputRecords[last].next = state == 0 || nextState < 0 ? -1 : firstRecord[Int(nextState)]
        }
        for state in 0..<states where self.records[state].outputLink >= 0 {
            self.records[state].outputLink = firstRecord[Int(self.records[state].outputLink)]
        }
        self.outputRecords = outputRecords
    }

    /// The transition from `state` on `symbol`, or 0 when there is none.
    @inline(__always)
    private func transition(_ state: Int32, _ symbol: UInt32) -> Int32 {
        if state == 0 && symbol < 0x10000 { return rootNext[Int(symbol)] }
        let record = records[Int(state)]
        if record.onlyChild >= 0 { return record.onlyChild != 0 && record.onlySymbol == symbol ? record.onlyChild : 0 }
        let key = UInt64(UInt32(bitPattern: state)) << 32 | UInt64(symbol)
        var slot = Self.hash(key) & mask
        while true {
            let entry = slots[slot]
            if entry.key == key { return entry.value }
            let k = entry.key
            if k == Self.emptyKey { return 0 }
            slot = (slot + 1) & mask
        }
    }

    @inline(__always)
    private static func hash(_ key: UInt64) -> Int {
        var x = key &* 0x9E37_79B9_7F4A_7C15
        x ^= x >> 29
        return Int(truncatingIfNeeded: x)
    }

    /// Calls `found(patternID, start, end)` for every occurrence in `text`
    /// (`start..<end` indexes `text`).
    ///
    /// The hot loop of the product: it reads the tables through unsafe buffers (no bounds
    /// checks, no reference counting). Every index is a state or pattern number the
    /// automaton itself produced, so all reads are in bounds by construction.
    @inline(__always)
    public func scan(_ text: [UInt32], _ found: (Int, Int, Int) -> Void) {
        var nothing: Void = ()
        scan(text, into: &nothing) { _, id, start, end in found(id, start, end) }
    }

    /// `scan`, with what the callback collects passed to it `inout` rather than captured: a
    /// captured variable is checked for exclusive access at run time on every call.
    @inline(__always)
    public func scan<State>(
        _ text: [UInt32],
        into collected: inout State,
        _ found: (inout State, Int, Int, Int) -> Void
    ) {
        rootNext.withUnsafeBufferPointer { rootNext in
            slots.withUnsafeBufferPointer { slots in
                records.withUnsafeBufferPointer { records in
                    outputRecords.withUnsafeBufferPointer { outputRecords in
                        denseRows.withUnsafeBufferPointer { denseRows in
                            text.withUnsafeBufferPointer { text in
                                let mask = self.mask
                                @inline(__always) func next(_ state: Int32, _ symbol: UInt32) -> Int32 {
                                    if state == 0 {
                                        return symbol < 0x10000 ? rootNext[Int(symbol)] : lookup(0, symbol)
                                    }
                                    let record = records[Int(state)]
                                    if record.onlyChild >= 0 {
                                        return record.onlyChild != 0 && record.onlySymbol == symbol
                                            ? record.onlyChild : 0
                                    }
                                    if record.onlyChild < -1, symbol &- 0x60 < 32 {
                                        // The state the failure links lead to: where the loop below ends.
                                        return denseRows[Int(-2 - record.onlyChild) << 5 | Int(symbol &- 0x60)]
                                    }
                                    return lookup(state, symbol)
                                }
                                @inline(__always) func lookup(_ state: Int32, _ symbol: UInt32) -> Int32 {
                                    let key = UInt64(UInt32(bitPattern: state)) << 32 | UInt64(symbol)
                                    var slot = Self.hash(key) & mask
                                    while true {
                                        let entry = slots[slot]
                                        if entry.key == key { return entry.value }
                                        let k = entry.key
                                        if k == Self.emptyKey { return 0 }
                                        slot = (slot + 1) & mask
                                    }
                                }
                                var state: Int32 = 0
                                for index in 0..<text.count {
                                    let symbol = text[index]
                                    while true {
                                        let target = next(state, symbol)
                                        if target != 0 {
                                            state = target
                                            break
                                        }
                                        if state == 0 { break }
                                        state = records[Int(state)].fail
                                    }
                                    var out = records[Int(state)].outputLink
                                    while out >= 0 {
                                        let report = outputRecords[Int(out)]
                                        found(
                                            &collected,
                                            Int(report.pattern),
                                            index + 1 - Int(report.length),
                                            index + 1
                                        )
                                        out = report.next
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
