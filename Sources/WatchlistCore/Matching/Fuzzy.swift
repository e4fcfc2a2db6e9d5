/// Verifies a typo candidate: one piece of a name was found intact; is the whole name
/// there with at most `maxEdits` edits (OSA: insertions, deletions, substitutions and
/// swaps of neighbours), starting and ending on word boundaries?
enum Fuzzy {
    /// The best (start, end, edits) for `key` around a hit of its `piece` at `pieceStart`.
    static func verify(key: Matcher.FuzzyKey, piece: Int, pieceStart: Int, text: NormalizedText) -> (Int, Int, Int)? {
        guard let (start, end, edits) = align(key: key, piece: piece, pieceStart: pieceStart, text: text) else { return nil }
        // Sellers slip inside words: the first letter and the number of words stay. A
        // different first letter ("Kobayashi" for Obayashi, "eKadokawa") or an extra word
        // ("Colonial Pipes Inc" for Colonial Pipeline) is another name.
        guard text.scalars[start] == key.scalars[0] else { return nil }
        var words = 0
        for i in start..<end where text.isWordStart(i) || i == start { words += 1 }
        guard words == key.wordBudgets.count else { return nil }
        return (start, end, edits)
    }

    static func align(key: Matcher.FuzzyKey, piece: Int, pieceStart: Int, text: NormalizedText) -> (Int, Int, Int)? {
        let k = key.maxEdits
        let m = key.scalars.count
        let last = key.pieceOffsets.count - 1
        if piece == 0 {
            return forward(key, from: pieceStart, text).map { (pieceStart, $0.end, $0.edits) }
        }
        if piece == last {
            let end = pieceStart + (m - key.pieceOffsets[last])
            return backward(key, to: end, text).map { ($0.start, end, $0.edits) }
        }
        let implied = pieceStart - key.pieceOffsets[piece]
        var best: (Int, Int, Int)?
        for start in max(0, implied - k)...max(0, implied + k) where start < text.count && text.classes[start] == .word && text.isWordStart(start) {
            if let found = forward(key, from: start, text), best == nil || found.edits < best!.2 {
                best = (start, found.end, found.edits)
            }
        }
        return best
    }

    /// Matches `key` against the text from `start` forwards; the best end on a word end.
    static func forward(_ key: Matcher.FuzzyKey, from start: Int, _ text: NormalizedText) -> (end: Int, edits: Int)? {
        var window: [UInt32] = []
        var i = start
        while i < text.count, text.classes[i] == .word, window.count < key.scalars.count + key.maxEdits {
            window.append(text.scalars[i])
            i += 1
        }
        guard let (length, edits) = align(key.scalars, wordOf: key.wordOf, budgets: key.wordBudgets, window, key.maxEdits,
                                          acceptEnd: { text.isWordEnd(start + $0) }) else { return nil }
        return (start + length, edits)
    }

    /// Matches `key` against the text from `end` backwards; the best start on a word start.
    static func backward(_ key: Matcher.FuzzyKey, to end: Int, _ text: NormalizedText) -> (start: Int, edits: Int)? {
        var window: [UInt32] = []
        var i = end - 1
        while i >= 0, text.classes[i] == .word, window.count < key.scalars.count + key.maxEdits {
            window.append(text.scalars[i])
            i -= 1
        }
        guard let (length, edits) = align(key.scalars.reversed(), wordOf: key.wordOf.reversed(), budgets: key.wordBudgets,
                                          window, key.maxEdits, acceptEnd: { text.isWordStart(end - $0) }) else {
            return nil
        }
        return (end - length, edits)
    }

    /// Edits a word of the name may carry: none in words of up to 3 letters (DJI, LG),
    /// one up to 9 letters (Electron is not Electric), two from 10. A typo budget spread over a whole name would let
    /// "Runxing New Materials" pass for "Anxing New Materials", or "Corporation" for "LY
    /// Corporation"; sellers' typos are one or two slips in a long word.
    static func budget(wordLength: Int) -> Int {
        wordLength <= 3 ? 0 : wordLength <= 9 ? 1 : 2
    }

    /// OSA alignment of `key` with each prefix of `window`: the prefix length with the
    /// fewest edits (at most `k`, within every word's budget) that `acceptEnd` allows,
    /// preferring the length closest to the key's.
    static func align(_ key: [UInt32], wordOf: [Int], budgets: [Int], _ window: [UInt32], _ k: Int,
                      acceptEnd: (Int) -> Bool) -> (Int, Int)? {
        let m = key.count, w = window.count
        guard w >= m - k else { return nil }
        let width = w + 1
        var d = [Int](repeating: 0, count: (m + 1) * width)
        for j in 0...w { d[j] = j }
        for i in 1...m {
            let row = i * width
            d[row] = i
            var rowMin = i
            for j in 1...max(1, w) where w > 0 {
                let cost = key[i - 1] == window[j - 1] ? 0 : 1
                var value = min(d[row - width + j] + 1, d[row + j - 1] + 1, d[row - width + j - 1] + cost)
                if i > 1, j > 1, key[i - 1] == window[j - 2], key[i - 2] == window[j - 1] {
                    value = min(value, d[row - 2 * width + j - 2] + 1)
                }
                d[row + j] = value
                rowMin = min(rowMin, value)
            }
            if rowMin > k { return nil }
        }
        var ends = Array(max(1, m - k)...max(1, min(w, m + k))).filter { $0 <= w && d[m * width + $0] <= k && acceptEnd($0) }
        ends.sort { (d[m * width + $0], abs($0 - m)) < (d[m * width + $1], abs($1 - m)) }
        for j in ends {
            let edits = d[m * width + j]
            guard edits > 0 else { return (j, 0) }
            // Walk back through the alignment, charging each edit to a word of the name.
            var spent = [Int](repeating: 0, count: budgets.count)
            var i = m, jj = j
            while i > 0 || jj > 0 {
                let here = d[i * width + jj]
                if i > 1, jj > 1, key[i - 1] == window[jj - 2], key[i - 2] == window[jj - 1],
                   here == d[(i - 2) * width + jj - 2] + 1, key[i - 1] != window[jj - 1] {
                    spent[wordOf[i - 1]] += 1
                    i -= 2; jj -= 2
                } else if i > 0, jj > 0, here == d[(i - 1) * width + jj - 1] + (key[i - 1] == window[jj - 1] ? 0 : 1) {
                    if key[i - 1] != window[jj - 1] { spent[wordOf[i - 1]] += 1 }
                    i -= 1; jj -= 1
                } else if i > 0, here == d[(i - 1) * width + jj] + 1 {
                    spent[wordOf[i - 1]] += 1
                    i -= 1
                } else {
                    spent[wordOf[max(0, min(m - 1, i - 1))]] += 1
                    jj -= 1
                }
            }
            if zip(spent, budgets).allSatisfy({ $0 <= $1 }) { return (j, edits) }
        }
        return nil
    }
}
