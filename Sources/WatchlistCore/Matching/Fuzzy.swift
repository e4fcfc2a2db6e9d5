/// Verifies a typo candidate: one piece of a name was found intact; is the whole name
/// there with few enough edits (OSA: insertions, deletions, substitutions and swaps of
/// neighbours), starting and ending on word boundaries?
///
/// Rules, from how sellers actually misspell (and from what is not a typo):
/// - each word of the name has its own budget (`budget(wordLength:)`), at most 2 in all;
/// - the first letter and the number of words stay: "Kobayashi" is not Obayashi,
///   "Colonial Pipes Inc" is not Colonial Pipeline.
enum Fuzzy {
    /// Edits a word of the name may carry: none in words of up to 3 letters (DJI, LG),
    /// one up to 9 letters (Electron is not Electric), two from 10. A budget spread over a
    /// whole name would let "Runxing New Materials" pass for "Anxing New Materials", or
    /// "Corporation" for "LY Corporation".
    static func budget(wordLength: Int) -> Int {
        wordLength <= 3 ? 0 : wordLength <= 9 ? 1 : 2
    }

    /// Reusable buffers for one listing's verifications.
    struct Scratch {
        var window: [UInt32] = []
        var matrix: [Int32] = []
        var spent: [Int] = []
    }

    /// The best (start, end, edits) for `key` around a hit of its `piece` at `pieceStart`.
    static func verify(key: Matcher.FuzzyKey, piece: Int, offsets: [Int], pieceStart: Int, text: NormalizedText,
                       scratch: inout Scratch) -> (Int, Int, Int)? {
        let k = key.maxEdits
        let m = key.scalars.count
        let last = offsets.count - 1
        var best: (Int, Int, Int)?
        if piece == 0 {
            best = forward(key, from: pieceStart, text, &scratch).map { (pieceStart, $0.end, $0.edits) }
        } else if piece == last {
            let end = pieceStart + (m - offsets[last])
            best = backward(key, to: end, text, &scratch).map { ($0.start, end, $0.edits) }
        } else {
            let implied = pieceStart - offsets[piece]
            for start in max(0, implied - k)...max(0, implied + k) where start < text.count
                && text.scalars[start] == key.scalars[0] && text.isWordStart(start) {
                if let found = forward(key, from: start, text, &scratch), best == nil || found.edits < best!.2 {
                    best = (start, found.end, found.edits)
                }
            }
        }
        guard let (start, end, edits) = best, text.scalars[start] == key.scalars[0] else { return nil }
        var words = 1
        for i in (start + 1)..<end where text.wordStart[i] { words += 1 }
        guard words == key.wordBudgets.count else { return nil }
        return (start, end, edits)
    }

    static func forward(_ key: Matcher.FuzzyKey, from start: Int, _ text: NormalizedText,
                        _ scratch: inout Scratch) -> (end: Int, edits: Int)? {
        scratch.window.removeAll(keepingCapacity: true)
        var i = start
        while i < text.count, text.classes[i] == .word, scratch.window.count < key.scalars.count + key.maxEdits {
            scratch.window.append(text.scalars[i])
            i += 1
        }
        guard let (length, edits) = align(key.scalars, key.wordOf, key, text, anchor: start, forward: true, &scratch) else {
            return nil
        }
        return (start + length, edits)
    }

    static func backward(_ key: Matcher.FuzzyKey, to end: Int, _ text: NormalizedText,
                         _ scratch: inout Scratch) -> (start: Int, edits: Int)? {
        scratch.window.removeAll(keepingCapacity: true)
        var i = end - 1
        while i >= 0, text.classes[i] == .word, scratch.window.count < key.scalars.count + key.maxEdits {
            scratch.window.append(text.scalars[i])
            i -= 1
        }
        guard let (length, edits) = align(key.reversedScalars, key.reversedWordOf, key, text, anchor: end, forward: false,
                                          &scratch) else { return nil }
        return (end - length, edits)
    }

    /// OSA alignment of `pattern` with each prefix of the scratch window (banded: only
    /// cells within `maxEdits` of the diagonal). Returns the prefix length with the fewest
    /// edits that ends on a word boundary and keeps every word within its budget,
    /// preferring the length closest to the pattern's.
    static func align(_ pattern: [UInt32], _ wordOf: [Int], _ key: Matcher.FuzzyKey, _ text: NormalizedText,
                      anchor: Int, forward: Bool, _ scratch: inout Scratch) -> (Int, Int)? {
        let k = key.maxEdits
        let m = pattern.count, w = scratch.window.count
        guard w >= m - k, m > 0 else { return nil }
        let width = w + 1
        let big = Int32(1 << 20)
        let cells = (m + 1) * width
        if scratch.matrix.count < cells { scratch.matrix = [Int32](repeating: big, count: cells) }
        let window = scratch.window
        let found: (Int, Int)? = scratch.matrix.withUnsafeMutableBufferPointer { d -> (Int, Int)? in
            for j in 0..<min(width, k + 1) { d[j] = Int32(j) }
            if width > k + 1 { d[k + 1] = big }
            for i in 1...m {
                let row = i * width
                let lo = max(1, i - k), hi = min(w, i + k)
                if i <= k { d[row] = Int32(i) } else { d[row + lo - 1] = big }
                var rowMin = i <= k ? Int32(i) : big
                if lo <= hi {
                    for j in lo...hi {
                        let cost: Int32 = pattern[i - 1] == window[j - 1] ? 0 : 1
                        var value = d[row - width + j - 1] + cost
                        if j < i + k { value = min(value, d[row - width + j] + 1) }
                        if j > lo || i <= k { value = min(value, d[row + j - 1] + 1) }
                        if i > 1, j > 1, pattern[i - 1] == window[j - 2], pattern[i - 2] == window[j - 1] {
                            value = min(value, d[row - 2 * width + j - 2] + 1)
                        }
                        d[row + j] = value
                        rowMin = min(rowMin, value)
                    }
                }
                if hi + 1 <= w { d[row + hi + 1] = big }
                if rowMin > Int32(k) { return nil }
            }
            var best: (Int, Int)?
            let lastRow = m * width
            for j in max(1, m - k)...max(1, min(w, m + k)) where j <= w && d[lastRow + j] <= Int32(k) {
                let boundary = forward ? text.isWordEnd(anchor + j) : text.isWordStart(anchor - j)
                guard boundary else { continue }
                let edits = Int(d[lastRow + j])
                if let b = best, b.1 < edits || b.1 == edits && abs(b.0 - m) <= abs(j - m) { continue }
                if edits > 0 && !withinBudgets(d, width: width, band: k, pattern, window, j: j, wordOf, key.wordBudgets,
                                               &scratch.spent) {
                    continue
                }
                best = (j, edits)
            }
            return best
        }
        return found
    }

    /// Whether some optimal alignment ending at (m, j) is made of plausible slips only
    /// (keyboard-neighbour substitutions and insertions, omissions, swaps) and keeps every
    /// word of the name within its budget. Ties between equally short alignments are all
    /// tried (depth-first; with at most two edits there are few).
    static func withinBudgets(_ d: UnsafeMutableBufferPointer<Int32>, width: Int, band k: Int, _ pattern: [UInt32], _ window: [UInt32],
                              j: Int, _ wordOf: [Int], _ budgets: [Int], _ spent: inout [Int]) -> Bool {
        spent.removeAll(keepingCapacity: true)
        spent.append(contentsOf: repeatElement(0, count: budgets.count))
        func cell(_ i: Int, _ jj: Int) -> Int32? {
            guard i >= 0, jj >= 0, abs(i - jj) <= k || i == 0 || jj == 0 else { return nil }
            if i == 0 { return Int32(jj) }
            if jj == 0 { return Int32(i) }
            return d[i * width + jj]
        }
        func charge(_ word: Int, _ spent: inout [Int]) -> Bool {
            spent[word] += 1
            return spent[word] <= budgets[word]
        }
        func walk(_ i: Int, _ jj: Int, _ spent: inout [Int]) -> Bool {
            if i == 0 && jj == 0 { return true }
            guard let here = cell(i, jj) else { return false }
            if i > 0, jj > 0, pattern[i - 1] == window[jj - 1], cell(i - 1, jj - 1) == here {
                if walk(i - 1, jj - 1, &spent) { return true }
            }
            guard here > 0 else { return false }
            // Two neighbours swapped.
            if i > 1, jj > 1, pattern[i - 1] == window[jj - 2], pattern[i - 2] == window[jj - 1],
               pattern[i - 1] != window[jj - 1], cell(i - 2, jj - 2) == here - 1 {
                var next = spent
                if charge(wordOf[i - 1], &next), walk(i - 2, jj - 2, &next) { spent = next; return true }
            }
            // A letter left out.
            if i > 0, cell(i - 1, jj) == here - 1 {
                var next = spent
                if charge(wordOf[i - 1], &next), walk(i - 1, jj, &next) { spent = next; return true }
            }
            // An extra letter: it must repeat, or sit on the keyboard next to, a letter
            // beside it, or be typed early or late (the same letter two places away: Cihina).
            if jj > 0, cell(i, jj - 1) == here - 1 {
                let extra = window[jj - 1]
                let before: UInt32? = jj >= 2 ? window[jj - 2] : nil
                let after: UInt32? = jj < window.count ? window[jj] : nil
                let near = [before, after].contains { $0.map { $0 == extra || Keyboard.adjacent($0, extra) } ?? false }
                let echo = (jj >= 3 && window[jj - 3] == extra) || (jj + 1 < window.count && window[jj + 1] == extra)
                var next = spent
                if near || echo, charge(wordOf[max(0, min(pattern.count - 1, i - 1))], &next), walk(i, jj - 1, &next) {
                    spent = next
                    return true
                }
            }
            // A letter replaced by its neighbour on the keyboard.
            if i > 0, jj > 0, pattern[i - 1] != window[jj - 1], Keyboard.adjacent(pattern[i - 1], window[jj - 1]),
               cell(i - 1, jj - 1) == here - 1 {
                var next = spent
                if charge(wordOf[i - 1], &next), walk(i - 1, jj - 1, &next) { spent = next; return true }
            }
            return false
        }
        return walk(pattern.count, j, &spent)
    }
}

/// QWERTY neighbours: what a finger slips to. A substitution or insertion of a letter
/// far from the intended one is a different name, not a typo (Rothkrer is not Rathkrer).
enum Keyboard {
    static let rows = ["1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"]
    static let neighbours: [UInt32: Set<UInt32>] = {
        var map: [UInt32: Set<UInt32>] = [:]
        let grid = rows.map { Array($0.unicodeScalars.map(\.value)) }
        for (r, row) in grid.enumerated() {
            for (c, key) in row.enumerated() {
                var set = Set<UInt32>()
                for dr in -1...1 {
                    let rr = r + dr
                    guard rr >= 0, rr < grid.count else { continue }
                    // Rows are staggered: the row below is shifted half a key to the right.
                    let cols = dr == 0 ? [c - 1, c + 1] : dr < 0 ? [c, c + 1] : [c - 1, c]
                    for cc in cols where cc >= 0 && cc < grid[rr].count { set.insert(grid[rr][cc]) }
                }
                map[key] = set
            }
        }
        return map
    }()

    static func adjacent(_ a: UInt32, _ b: UInt32) -> Bool {
        neighbours[a]?.contains(b) ?? false
    }
}
