/// Verifies a misspelling candidate: one piece of a name was found intact; is the whole
/// name there, misspelt the way people misspell, starting and ending on word boundaries?
///
/// The error model is a weighted edit distance in half-edit units, from how names are
/// actually misspelt in posts rather than how fingers slip:
///
/// | units | edit | examples |
/// |---|---|---|
/// | 1 | OCR / leetspeak look-alike: 0–o, 1–l–i, 5–s, 8–b, 9–g, 3–e, 4–a, 7–t, rn–m, vv–w, cl–d | 0lympus, Sarnsung |
/// | 2 | a vowel for another vowel | Pharmacuetical (swap), Semiconducter |
/// | 2 | a sound-alike: c–k, c–s, s–z, y–i, j–g, w–v, f–v, k–q, ph–f, ck–k, x–ks, oo–u | Kyosera, Fujitzu |
/// | 2 | a keyboard neighbour for a letter, a letter left out, a letter doubled or written once, neighbours swapped | Toshuba, Tosiba, Toshibba, Tohsiba |
/// | 2 | an extra vowel, or an extra letter next to its keyboard neighbour or repeated nearby | Fujitsue |
/// | 3 | any other letter for another, any other extra letter, a letter past the end of the name | Advantesk, Unilevers |
///
/// A word of the name may carry (units): none up to 3 letters (DJI, LG), 2 up to 7 (one
/// plausible edit: "Toshima" is not Toshiba), 4 from 8; the whole name at most 4 (two edits). The first letter stays (give or
/// take a look-alike: 0lympus), and so does the number of words: "Kobayashi" is not
/// Obayashi, "Colonial Pipes Inc" is not Colonial Pipeline. What the misspelt word must not
/// be (the word list, the customer's own names) is checked by the matcher.
enum Fuzzy {
    /// Units a word of the name may carry.
    static func budget(wordLength: Int) -> Int {
        wordLength <= 3 ? 0 : wordLength <= 7 ? 2 : 4
    }

    static let maxUnits = 4

    /// Reusable buffers for one listing's verifications.
    struct Scratch {
        /// Alignments already tried in this listing: (key, anchor, direction). Pieces of both
        /// sets, and several pieces of one name, lead to the same alignment.
        var tried = Set<Int64>()
        var window: [UInt32] = []
        var cost: [Int32] = []
        var move: [UInt8] = []
        var spent: [Int] = []
        var insertCost: [Int32] = []
        /// Alignments worked out before, in this listing or an earlier one (`Memo`): empty
        /// until the first alignment that can be remembered.
        var memo: [Memo] = []
        /// How many alignments `memo` holds (a power of two): the matcher's choice, by how
        /// many names it looks for misspellings of.
        var memoSlots = Memo.slots
    }

    /// One alignment worked out: what `align` read (the key, the direction, the window's
    /// letters, whether each prefix of it ends on a word boundary) and what it gave.
    /// `align` reads nothing else, so the same inputs give the same result: listings repeat
    /// their words, and most alignments are of a name against the same few phrases.
    /// Only windows of up to 32 letters below U+0100 are remembered (packed 8 to a word).
    struct Memo {
        /// 0 for an empty slot, else the hash of the rest (with its low bit set).
        var tag: UInt64 = 0
        var letters: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        /// Key id << 8 | window length << 1 | forward.
        var meta: UInt64 = 0
        /// Bit j - 1: the prefix of j letters ends on a word boundary (`align`'s check).
        var boundaries: UInt32 = 0
        var found: Bool = false
        var length: UInt8 = 0
        var units: UInt8 = 0
        var edits: UInt8 = 0

        static let slots = 1 << 15

        /// Slots for a matcher with `keys` misspelling keys: 8 a key, from 2^15 to 2^18
        /// (1.8 to 14 MB a listing matched at a time).
        static func slots(keys: Int) -> Int {
            var slots = slots
            while slots < keys * 8 && slots < 1 << 18 { slots <<= 1 }
            return slots
        }

        /// The memo entry for an alignment of key `keyID` with the scratch window, its
        /// boundary bits filled in by `boundary(j)`; nil when the window cannot be remembered.
        @inline(__always)
        static func entry(keyID: Int, forward: Bool, _ window: [UInt32], _ boundary: (Int) -> Bool) -> Memo? {
            let w = window.count
            guard w <= 32, keyID >= 0 else { return nil }
            var entry = Memo()
            var packed: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
            var bits: UInt32 = 0
            for j in 0..<w {
                let v = window[j]
                guard v < 256 else { return nil }
                let shifted = UInt64(v) << UInt64((j & 7) * 8)
                switch j >> 3 {
                case 0: packed.0 |= shifted
                case 1: packed.1 |= shifted
                case 2: packed.2 |= shifted
                default: packed.3 |= shifted
                }
                if boundary(j + 1) { bits |= 1 << UInt32(j) }
            }
            entry.letters = packed
            entry.boundaries = bits
            entry.meta = UInt64(keyID) << 8 | UInt64(w) << 1 | (forward ? 1 : 0)
            var h = (packed.0 ^ entry.meta) &* 0x9E37_79B9_7F4A_7C15
            h = (h ^ (h >> 29) ^ packed.1) &* 0xBF58_476D_1CE4_E5B9
            h = (h ^ (h >> 31) ^ packed.2) &* 0x94D0_49BB_1331_11EB
            h = (h ^ (h >> 29) ^ packed.3 ^ UInt64(bits) << 32) &* 0x9E37_79B9_7F4A_7C15
            entry.tag = (h ^ (h >> 32)) | 1
            return entry
        }

        @inline(__always)
        func sameInput(_ other: Memo) -> Bool {
            tag == other.tag && meta == other.meta && boundaries == other.boundaries && letters.0 == other.letters.0
                && letters.1 == other.letters.1 && letters.2 == other.letters.2 && letters.3 == other.letters.3
        }
    }

    /// `align` through the scratch's memo: the remembered result for the same inputs, or the
    /// alignment worked out and remembered.
    @inline(__always)
    static func rememberedAlign(
        _ pattern: [UInt32],
        _ wordOf: [Int],
        _ key: Matcher.FuzzyKey,
        keyID: Int,
        _ text: NormalizedText,
        anchor: Int,
        forward: Bool,
        _ scratch: inout Scratch
    ) -> (length: Int, units: Int, edits: Int)? {
        guard
            var entry = Memo.entry(
                keyID: keyID,
                forward: forward,
                scratch.window,
                { j in forward ? text.isWordEnd(anchor + j) : text.isWordStart(anchor - j) }
            )
        else {
            return align(pattern, wordOf, key, text, anchor: anchor, forward: forward, &scratch)
        }
        if scratch.memo.isEmpty { scratch.memo = [Memo](repeating: Memo(), count: scratch.memoSlots) }
        let slot = Int(truncatingIfNeeded: entry.tag >> 1) & (scratch.memo.count - 1)
        let stored = scratch.memo[slot]
        if stored.sameInput(entry) {
            return stored.found ? (Int(stored.length), Int(stored.units), Int(stored.edits)) : nil
        }
        let result = align(pattern, wordOf, key, text, anchor: anchor, forward: forward, &scratch)
        if let result {
            entry.found = true
            entry.length = UInt8(result.length)
            entry.units = UInt8(result.units)
            entry.edits = UInt8(result.edits)
        }
        scratch.memo[slot] = entry
        return result
    }

    /// The best (start, end, units, edits) for `key` around a hit of its `piece` at `pieceStart`.
    static func verify(
        key: Matcher.FuzzyKey,
        keyID: Int,
        piece: Int,
        offsets: [Int],
        pieceStart: Int,
        text: NormalizedText,
        scratch: inout Scratch
    ) -> (start: Int, end: Int, units: Int, edits: Int)? {
        func firstTry(_ anchor: Int, _ backwards: Bool) -> Bool {
            scratch.tried.insert(Int64(keyID) << 33 | Int64(anchor) << 1 | (backwards ? 1 : 0)).inserted
        }
        let k = key.maxEdits
        let m = key.scalars.count
        let last = offsets.count - 1
        var best: (start: Int, end: Int, units: Int, edits: Int)?
        func consider(_ found: (start: Int, end: Int, units: Int, edits: Int)?) {
            guard let found else { return }
            if best == nil || found.units < best!.units { best = found }
        }
        if piece == 0 {
            guard firstTry(pieceStart, false), wordsMayFit(key, text, from: pieceStart) else { return nil }
            consider(
                forward(key, keyID: keyID, from: pieceStart, text, &scratch).map {
                    (pieceStart, $0.end, $0.units, $0.edits)
                }
            )
        } else if piece == last {
            let end = pieceStart + (m - offsets[last])
            guard firstTry(end, true), wordsMayFit(key, text, to: end) else { return nil }
            consider(backward(key, keyID: keyID, to: end, text, &scratch).map { ($0.start, end, $0.units, $0.edits) })
        } else {
            let implied = pieceStart - offsets[piece]
            for start in max(0, implied - k - 1)...max(0, implied + k + 1)
            where start < text.count
                && sameFirstLetter(key.scalars[0], text.scalars[start]) && text.isWordStart(start)
                && firstTry(start, false)
            {
                consider(
                    forward(key, keyID: keyID, from: start, text, &scratch).map { (start, $0.end, $0.units, $0.edits) }
                )
            }
        }
        guard let found = best, soundAlikeStart(key.scalars, text, found.start) else { return nil }
        var words = 1
        for i in (found.start + 1)..<found.end where text.wordStart[i] { words += 1 }
        guard words == key.wordBudgets.count else { return nil }
        return found
    }

    /// Whether an alignment forward from `start` could end where `verify` keeps it: `align` ends
    /// only on a word end, `min(1, m - band)...m + band` letters on and within the run of
    /// word letters (its window), and `verify` keeps it only with as many words as the name.
    /// When no such end exists, the alignment (most of them fail, after filling a table) would
    /// come to nothing: a first look, saying no only where `verify` would.
    /// (Only where one alignment decides a verification: of several starts tried, the one with
    /// the fewest units is chosen before its words are counted.)
    static func wordsMayFit(_ key: Matcher.FuzzyKey, _ text: NormalizedText, from start: Int) -> Bool {
        let m = key.scalars.count
        let band = key.maxEdits + 1
        let want = key.wordBudgets.count
        let shortest = max(1, m - band)
        guard start < text.count else { return false }
        var words = 1
        for j in 1...max(1, min(m + band, text.count - start)) {
            let i = start + j - 1
            guard text.classes[i] == .word else { break }  // past the window
            if j >= 2, text.wordStart[i] { words += 1 }
            if words > want { break }
            if j >= shortest, words == want, text.isWordEnd(start + j) { return true }
        }
        return false
    }

    /// `wordsMayFit` for an alignment backward from `end` (it starts on a word start).
    static func wordsMayFit(_ key: Matcher.FuzzyKey, _ text: NormalizedText, to end: Int) -> Bool {
        let m = key.scalars.count
        let band = key.maxEdits + 1
        let want = key.wordBudgets.count
        let shortest = max(1, m - band)
        guard end > 0, end <= text.count else { return false }
        var words = 1
        for j in 1...max(1, min(m + band, end)) {
            let i = end - j
            guard text.classes[i] == .word else { break }  // past the window
            if j >= 2, text.wordStart[i + 1] { words += 1 }
            if words > want { break }
            if j >= shortest, words == want, text.isWordStart(i) { return true }
        }
        return false
    }

    /// The first letter stays, or is written as its look-alike (0lympus, 1ntel), as the letter
    /// that sounds the same at the start of a word (c–k: Kravia, Capcom), or as the first of two
    /// letters it may be written as (ph for f, hs for x, ch for q and j, ts for z: Phantasista,
    /// Hsinbao, Chiao). A cheap first look: `soundAlikeStart` checks the second letter.
    @inline(__always)
    static func sameFirstLetter(_ a: UInt32, _ b: UInt32) -> Bool {
        a == b || Confusions.lookAlike(a, b) || Confusions.soundAlikeFirst(a, b)
            || a < 128 && b < 128 && Confusions.startsTwo[Int(a) << 7 | Int(b)]
    }

    /// Whether the text at `start` begins the way the name does (`sameFirstLetter`, with the
    /// second letter of a pair checked: ph for f, not p).
    static func soundAlikeStart(_ name: [UInt32], _ text: NormalizedText, _ start: Int) -> Bool {
        let (a, b) = (name[0], text.scalars[start])
        if a == b || Confusions.lookAlike(a, b) || Confusions.soundAlikeFirst(a, b) { return true }
        guard a < 128, b < 128, Confusions.startsTwo[Int(a) << 7 | Int(b)] else { return false }
        if start + 1 < text.count, Confusions.oneForTwo(a, b, text.scalars[start + 1], forward: true) > 0 {
            return true
        }
        return name.count > 1 && Confusions.oneForTwo(b, a, name[1], forward: true) > 0
    }

    static func forward(
        _ key: Matcher.FuzzyKey,
        keyID: Int = -1,
        from start: Int,
        _ text: NormalizedText,
        _ scratch: inout Scratch
    ) -> (end: Int, units: Int, edits: Int)? {
        scratch.window.removeAll(keepingCapacity: true)
        var i = start
        let stop = min(text.count, start + key.scalars.count + key.maxEdits + 1)
        while i < stop, text.classes[i] == .word { i += 1 }
        if i > start { scratch.window.append(contentsOf: text.scalars[start..<i]) }
        guard
            let found = rememberedAlign(
                key.scalars,
                key.wordOf,
                key,
                keyID: keyID,
                text,
                anchor: start,
                forward: true,
                &scratch
            )
        else { return nil }
        return (start + found.length, found.units, found.edits)
    }

    static func backward(
        _ key: Matcher.FuzzyKey,
        keyID: Int = -1,
        to end: Int,
        _ text: NormalizedText,
        _ scratch: inout Scratch
    ) -> (start: Int, units: Int, edits: Int)? {
        scratch.window.removeAll(keepingCapacity: true)
        var i = end - 1
        while i >= 0, text.classes[i] == .word, scratch.window.count < key.scalars.count + key.maxEdits + 1 {
            scratch.window.append(text.scalars[i])
            i -= 1
        }
        guard
            let found = rememberedAlign(
                key.reversedScalars,
                key.reversedWordOf,
                key,
                keyID: keyID,
                text,
                anchor: end,
                forward: false,
                &scratch
            )
        else { return nil }
        return (end - found.length, found.units, found.edits)
    }

    // Moves in the alignment (what the last step of the cheapest path to a cell was).
    static let moveMatch: UInt8 = 0, moveSub: UInt8 = 1, moveDelete: UInt8 = 2, moveInsert: UInt8 = 3,
        moveSwap: UInt8 = 4, moveOneForTwo: UInt8 = 5, moveTwoForOne: UInt8 = 6, moveNone: UInt8 = 255

    /// Weighted alignment of `pattern` (the name, possibly reversed) with each prefix of the
    /// scratch window, within a band around the diagonal. Returns the prefix length with
    /// the fewest units that ends on a word boundary and keeps every word of the name within
    /// its budget, preferring the length closest to the name's.
    static func align(
        _ pattern: [UInt32],
        _ wordOf: [Int],
        _ key: Matcher.FuzzyKey,
        _ text: NormalizedText,
        anchor: Int,
        forward: Bool,
        _ scratch: inout Scratch
    ) -> (length: Int, units: Int, edits: Int)? {
        let limit = Int32(min(maxUnits, key.totalUnits))
        // A single word of fewer than 8 letters takes only the errors people make when they
        // know the name (vowels, sounds, look-alikes, a letter doubled, written once or
        // swapped): a keyboard slip or a lost letter there makes another name (Medigen/Medien).
        let strict = key.wordBudgets.count == 1 && key.scalars.count < 8
        let band = key.maxEdits + 1
        let m = pattern.count
        let w = scratch.window.count
        guard w >= m - band, m > 0 else { return nil }
        let width = w + 1
        let big = Int32(1 << 20)
        let cells = (m + 1) * width
        if scratch.cost.count < cells {
            scratch.cost = [Int32](repeating: big, count: cells)
            scratch.move = [UInt8](repeating: moveNone, count: cells)
        }
        // What the cells read, hoisted out of the loops (this is the hottest code of a match):
        // the cost tables (one global access per alignment, not one per cell) and what an extra
        // letter at each window position costs (`Confusions.insertion` depends on the position
        // only: worked out once, as the rows reach it; most alignments stop after a few rows).
        if scratch.insertCost.count < w { scratch.insertCost = [Int32](repeating: 0, count: w) }
        let costTable = strict ? Confusions.strictCosts : Confusions.costs
        let filled = costTable.withUnsafeBufferPointer { table in
            Keyboard.table.withUnsafeBufferPointer { keyboard in
                pattern.withUnsafeBufferPointer { pattern in
                    scratch.window.withUnsafeBufferPointer { window in
                        scratch.insertCost.withUnsafeMutableBufferPointer { insertCost in
                            scratch.cost.withUnsafeMutableBufferPointer { d in
                                scratch.move.withUnsafeMutableBufferPointer { mv in
                                    fill(
                                        pattern,
                                        window,
                                        insertCost,
                                        table,
                                        keyboard,
                                        d,
                                        mv,
                                        band: band,
                                        limit: limit,
                                        strict: strict,
                                        forward: forward
                                    )
                                }
                            }
                        }
                    }
                }
            }
        }
        guard filled else { return nil }
        return scratch.cost.withUnsafeMutableBufferPointer { d -> (length: Int, units: Int, edits: Int)? in
            scratch.move.withUnsafeMutableBufferPointer { mv -> (length: Int, units: Int, edits: Int)? in
                @inline(__always) func at(_ i: Int, _ j: Int) -> Int32 {
                    guard i >= 0, j >= 0, abs(i - j) <= band else { return big }
                    return d[i * width + j]
                }
                var result: (length: Int, units: Int, edits: Int)?
                for j in max(1, m - band)...max(1, min(w, m + band)) where j <= w && at(m, j) <= limit {
                    let boundary = forward ? text.isWordEnd(anchor + j) : text.isWordStart(anchor - j)
                    guard boundary else { continue }
                    let units = Int(at(m, j))
                    if let r = result, r.units < units || r.units == units && abs(r.length - m) <= abs(j - m) {
                        continue
                    }
                    guard
                        let edits = withinBudgets(
                            mv,
                            width: width,
                            m: m,
                            j: j,
                            d: d,
                            wordOf,
                            key.wordBudgets,
                            &scratch.spent
                        )
                    else { continue }
                    result = (j, units, edits)
                }
                return result
            }
        }
    }

    /// Fills the alignment table `d` (units) and `mv` (the last move) row by row within the
    /// band; false as soon as a whole row costs more than `limit` (no prefix can be within it).
    /// Reads only through the buffers it is given: no bounds checks, no reference counting.
    @inline(__always)
    static func fill(
        _ pattern: UnsafeBufferPointer<UInt32>,
        _ window: UnsafeBufferPointer<UInt32>,
        _ insertCost: UnsafeMutableBufferPointer<Int32>,
        _ table: UnsafeBufferPointer<Int32>,
        _ keyboard: UnsafeBufferPointer<Bool>,
        _ d: UnsafeMutableBufferPointer<Int32>,
        _ mv: UnsafeMutableBufferPointer<UInt8>,
        band: Int,
        limit: Int32,
        strict: Bool,
        forward: Bool
    ) -> Bool {
        let m = pattern.count
        let w = window.count
        let width = w + 1
        let big = Int32(1 << 20)
        // No band check on reads: every cell a move reads is either inside the band of its row
        // (worked out before) or one step outside it, where the row's sentinels hold `big`
        // (lo - 1 and hi + 1 below; the cells of rows i - 1 and i - 2 a move from row i reads
        // are at most one column outside their band, and only on the side a sentinel guards).
        @inline(__always) func at(_ i: Int, _ j: Int) -> Int32 { d[i * width + j] }
        // Letters that may stand for two (m, w, d, f, k, x, u, q, j, z, t: `Confusions.oneForTwo` is 0
        // for any other), as bits over 0x60..<0x80.
        let oneForTwoLetters: UInt32 =
            1 << (0x6D - 0x60) | 1 << (0x77 - 0x60) | 1 << (0x64 - 0x60)
            | 1 << (0x66 - 0x60) | 1 << (0x6B - 0x60) | 1 << (0x78 - 0x60) | 1 << (0x75 - 0x60)
            | 1 << (0x71 - 0x60) | 1 << (0x6A - 0x60) | 1 << (0x7A - 0x60) | 1 << (0x74 - 0x60)
        @inline(__always) func mayStandForTwo(_ v: UInt32) -> Bool {
            v &- 0x60 < 32 && (oneForTwoLetters >> (v &- 0x60)) & 1 == 1
        }
        var insertReady = 0  // insertCost[..<insertReady] is worked out
        for i in 0...m {
            let lo = max(0, i - band)
            let hi = min(w, i + band)
            // Cells just outside the band read as unreachable.
            if lo > 0 { d[i * width + lo - 1] = big }
            if hi < w { d[i * width + hi + 1] = big }
            var rowMin = big
            // The row's letter of the name, and what leaving it out costs (less when doubled).
            let p: UInt32 = i > 0 ? pattern[i - 1] : 0
            let doubled = i > 0 && ((i >= 2 && p == pattern[i - 2]) || (i < m && p == pattern[i]))
            let deleteCost: Int32 = strict && !doubled ? 3 : 2
            let h: UInt32 = 0x68
            let rowInsert = i == m || i == 0
            let pStandsForTwo = mayStandForTwo(p)
            if !rowInsert {
                while insertReady < hi {
                    insertCost[insertReady] = Confusions.insertion(
                        window,
                        insertReady,
                        strict: strict,
                        keyboard: keyboard
                    )
                    insertReady += 1
                }
            }
            for j in lo...max(lo, hi) where j <= hi {
                let cell = i * width + j
                if i == 0 && j == 0 {
                    d[cell] = 0
                    mv[cell] = moveNone
                    rowMin = 0
                    continue
                }
                var best = big
                var move = moveNone
                if i > 0, j > 0 {
                    let t = window[j - 1]
                    if p == t {
                        best = at(i - 1, j - 1)
                        move = moveMatch
                    } else {
                        let c = at(i - 1, j - 1) + (p < 128 && t < 128 ? table[Int(p) << 7 | Int(t)] : 3)
                        if c < best {
                            best = c
                            move = moveSub
                        }
                    }
                }
                if i > 0 {
                    // A letter of the name left out; an h after s, c, t or a vowel written as in the
                    // name is a romanisation (Sibaura, Tosiba, Oono), not a lost letter. (In reading
                    // order: the window and the name run backwards when aligned from the name's end.)
                    var cost = deleteCost
                    if p == h, cost > 2,
                        forward
                            ? i >= 2 && j >= 1 && window[j - 1] == pattern[i - 2]
                                && Confusions.softenedByH(pattern[i - 2])
                            : i < m && j < w && window[j] == pattern[i] && Confusions.softenedByH(pattern[i])
                    {
                        cost = 2
                    }
                    let c = at(i - 1, j) + cost
                    if c < best {
                        best = c
                        move = moveDelete
                    }
                }
                if j > 0 {
                    // Letters written past the end of the name make another word
                    // ("unileveria", "agreement"): they cost more.
                    var cost = rowInsert ? 3 : insertCost[j - 1]
                    // An h written after the name's s, c, t or vowel: sh/s, ch/c, th/t, oh/o (Shibaura
                    // for Sibaura, Ohno for Ono), not after another letter a slip made.
                    if cost > 2, !rowInsert, window[j - 1] == h,
                        forward
                            ? i >= 1 && j >= 2 && window[j - 2] == p && Confusions.softenedByH(p)
                            : i < m && j < w && window[j] == pattern[i] && Confusions.softenedByH(pattern[i])
                    {
                        cost = 2
                    }
                    let c = at(i, j - 1) + cost
                    if c < best {
                        best = c
                        move = moveInsert
                    }
                }
                if i > 1, j > 1, p == window[j - 2], pattern[i - 2] == window[j - 1], p != pattern[i - 2] {
                    let c = at(i - 2, j - 2) + 2
                    if c < best {
                        best = c
                        move = moveSwap
                    }
                }
                if i > 0, j > 1, pStandsForTwo {
                    // One letter of the name written as two: m → rn, f → ph, x → ks.
                    let u = Confusions.oneForTwo(p, window[j - 2], window[j - 1], forward: forward)
                    if u > 0 {
                        let c = at(i - 1, j - 2) + u
                        if c < best {
                            best = c
                            move = moveOneForTwo
                        }
                    }
                }
                if i > 1, j > 0, mayStandForTwo(window[j - 1]) {
                    // Two letters of the name written as one: rn → m, ph → f, ck → k.
                    let u = Confusions.oneForTwo(window[j - 1], pattern[i - 2], p, forward: forward)
                    if u > 0 {
                        let c = at(i - 2, j - 1) + u
                        if c < best {
                            best = c
                            move = moveTwoForOne
                        }
                    }
                }
                d[cell] = best
                mv[cell] = move
                rowMin = min(rowMin, best)
            }
            if rowMin > limit { return false }
        }
        return true
    }

    /// Follows the cheapest path back from (m, j), charging each edit to the word of the name
    /// it falls in; nil when a word goes over its budget. Returns the number of edits.
    static func withinBudgets(
        _ mv: UnsafeMutableBufferPointer<UInt8>,
        width: Int,
        m: Int,
        j: Int,
        d: UnsafeMutableBufferPointer<Int32>,
        _ wordOf: [Int],
        _ budgets: [Int],
        _ spent: inout [Int]
    ) -> Int? {
        spent.removeAll(keepingCapacity: true)
        spent.append(contentsOf: repeatElement(0, count: budgets.count))
        var i = m
        var jj = j
        var edits = 0
        var lost = 0  // letters of the borrowing word written fewer times (deletions less insertions)
        var lostWord = -1
        while i > 0 || jj > 0 {
            let cell = i * width + jj
            let move = mv[cell]
            let (di, dj): (Int, Int)
            switch move {
            case moveMatch: (di, dj) = (1, 1)
            case moveSub: (di, dj) = (1, 1)
            case moveDelete: (di, dj) = (1, 0)
            case moveInsert: (di, dj) = (0, 1)
            case moveSwap: (di, dj) = (2, 2)
            case moveOneForTwo: (di, dj) = (1, 2)
            case moveTwoForOne: (di, dj) = (2, 1)
            default: return nil
            }
            let previous = (i - di) * width + (jj - dj)
            let units = Int(d[cell] - ((i - di == 0 && jj - dj == 0) ? 0 : d[previous]))
            if move != moveMatch {
                edits += 1
                let word = wordOf[max(0, min(wordOf.count - 1, i - 1))]
                spent[word] += units
                if spent[word] > max(budgets[word], borrowedBudget) { return nil }
                if move == moveDelete || move == moveTwoForOne || move == moveInsert || move == moveOneForTwo {
                    if lostWord != word {
                        lostWord = word
                        lost = 0
                    }
                    lost += move == moveDelete || move == moveTwoForOne ? 1 : -1
                }
            }
            i -= di
            jj -= dj
        }
        // One word over its own budget: allowed when it is the only word changed and the
        // others, written exactly, make three letters or more ("EVA Airweyz", "Toho Tuhsin":
        // two slips in one word of a name whose other words stand as written).
        var over = -1
        for w in spent.indices where spent[w] > budgets[w] {
            guard over < 0, budgets.count >= 2 else { return nil }
            over = w
        }
        if over >= 0 {
            var lengths = [Int](repeating: 0, count: budgets.count)
            for w in wordOf { lengths[w] += 1 }
            // ... a word of six letters or more that keeps all but one of its letters ("AIC Steel"
            // is not Aichi Steel).
            // ... or a word of three letters taking one edit (a vowel, a sound-alike, a letter
            // doubled or left out) when the others, written exactly, make 5 letters or more
            // ("Uny-President Enterprises", "Daki-ichi Life", "Tokyo Gac"; not "Aix Co" for Aia).
            let exactLetters = lengths.reduce(0, +) - lengths[over]
            let others = spent.indices.allSatisfy({ $0 == over || spent[$0] == 0 })
            let short = lengths[over] == 3 && spent[over] <= 2 && exactLetters >= 5
            guard others, lengths[over] >= 6 || short, exactLetters >= 3, lostWord != over || lost <= 1
            else { return nil }
        }
        return edits
    }

    /// What one word of a name of several may take when every other word is written exactly.
    static let borrowedBudget = 4
}

/// Which letters people confuse, and what each confusion costs in half-edit units.
enum Confusions {
    static func value(_ c: Character) -> UInt32 { c.unicodeScalars.first!.value }

    /// OCR and leetspeak look-alikes (folded text is lower case).
    static let lookAlikes: Set<UInt64> = pairs([
        ("o", "0"), ("l", "1"), ("i", "1"), ("i", "l"), ("s", "5"), ("b", "8"),
        ("g", "9"), ("e", "3"), ("a", "4"), ("t", "7"), ("z", "2"), ("e", "c"),
    ])
    /// Sound-alikes.
    static let soundAlikes: Set<UInt64> = pairs([
        ("c", "k"), ("c", "s"), ("s", "z"), ("y", "i"), ("j", "g"), ("w", "v"),
        ("f", "v"), ("k", "q"), ("c", "q"), ("l", "r"),
    ])

    /// Pairs (a, b) where a letter `a` is written as two letters starting with `b` for its
    /// sound, or the other way round: f/ph, x/hs, q/ch, j/ch, z/ts (`startsTwo[a << 7 | b]`; not
    /// OCR pairs such as m/rn, which a first letter does not take).
    static let startsTwo: [Bool] = {
        var t = [Bool](repeating: false, count: 128 * 128)
        for (one, first) in [("f", "p"), ("x", "h"), ("q", "c"), ("j", "c"), ("z", "t")] {
            let (a, b) = (Int(value(Character(one))), Int(value(Character(first))))
            t[a << 7 | b] = true
            t[b << 7 | a] = true
        }
        return t
    }()

    /// c–k at the start of a word: Kravia for Cravia, Capcom for Kapcom.
    @inline(__always) static func soundAlikeFirst(_ a: UInt32, _ b: UInt32) -> Bool {
        (a == 0x63 && b == 0x6B) || (a == 0x6B && b == 0x63)
    }

    static func pairs(_ list: [(Character, Character)]) -> Set<UInt64> {
        var set = Set<UInt64>()
        for (a, b) in list {
            set.insert(UInt64(value(a)) << 32 | UInt64(value(b)))
            set.insert(UInt64(value(b)) << 32 | UInt64(value(a)))
        }
        return set
    }

    @inline(__always) static func lookAlike(_ a: UInt32, _ b: UInt32) -> Bool {
        a < 128 && b < 128 && costs[Int(a) << 7 | Int(b)] == 1
    }

    @inline(__always) static func isVowel(_ v: UInt32) -> Bool {
        v == 0x61 || v == 0x65 || v == 0x69 || v == 0x6F || v == 0x75
    }

    /// Substitution costs between ASCII characters, computed once: `costs[a << 7 | b]`.
    static let costs: [Int32] = {
        var table = [Int32](repeating: 3, count: 128 * 128)
        for a in UInt32(0)..<128 {
            for b in UInt32(0)..<128 {
                let pair = UInt64(a) << 32 | UInt64(b)
                let cost: Int32
                if a == b {
                    cost = 0
                } else if lookAlikes.contains(pair) {
                    cost = 1
                } else if isVowel(a) && isVowel(b) {
                    cost = 2
                } else if soundAlikes.contains(pair) || Keyboard.adjacentSlow(a, b) {
                    cost = 2
                } else {
                    cost = 3
                }
                table[Int(a) << 7 | Int(b)] = cost
            }
        }
        return table
    }()

    /// Like `substitution`, without keyboard slips (they cost 3).
    static let strictCosts: [Int32] = {
        var table = costs
        for a in UInt32(0)..<128 {
            for b in UInt32(0)..<128 where table[Int(a) << 7 | Int(b)] == 2 {
                let pair = UInt64(a) << 32 | UInt64(b)
                if !(isVowel(a) && isVowel(b)) && !soundAlikes.contains(pair) { table[Int(a) << 7 | Int(b)] = 3 }
            }
        }
        return table
    }()

    @inline(__always) static func strictSubstitution(_ p: UInt32, _ t: UInt32) -> Int32 {
        p < 128 && t < 128 ? strictCosts[Int(p) << 7 | Int(t)] : 3
    }

    /// The name's letter `p` written as `t`.
    @inline(__always) static func substitution(_ p: UInt32, _ t: UInt32) -> Int32 {
        p < 128 && t < 128 ? costs[Int(p) << 7 | Int(t)] : 3
    }

    /// `window[j]` written although the name has no letter there (before the name's letter `i`).
    @inline(__always) static func insertion(_ window: [UInt32], _ j: Int, strict: Bool = false) -> Int32 {
        window.withUnsafeBufferPointer { window in
            Keyboard.table.withUnsafeBufferPointer { insertion(window, j, strict: strict, keyboard: $0) }
        }
    }

    /// `insertion` reading the window and `Keyboard.table` through buffers (the alignment's inner loop).
    @inline(__always) static func insertion(
        _ window: UnsafeBufferPointer<UInt32>,
        _ j: Int,
        strict: Bool,
        keyboard: UnsafeBufferPointer<Bool>
    ) -> Int32 {
        @inline(__always) func adjacent(_ a: UInt32, _ b: UInt32) -> Bool {
            a < 128 && b < 128 && keyboard[Int(a) << 7 | Int(b)]
        }
        let extra = window[j]
        if isVowel(extra) { return 2 }
        if j >= 1 {
            let n = window[j - 1]
            if n == extra || !strict && adjacent(n, extra) { return 2 }
        }
        if j + 1 < window.count {
            let n = window[j + 1]
            if n == extra || !strict && adjacent(n, extra) { return 2 }
        }
        if strict { return 3 }
        if (j >= 2 && window[j - 2] == extra) || (j + 2 < window.count && window[j + 2] == extra) { return 2 }
        return 3
    }

    /// Letters an h beside may lengthen or soften: s, c, t and the vowels.
    @inline(__always) static func softenedByH(_ v: UInt32) -> Bool {
        v == 0x73 || v == 0x63 || v == 0x74 || isVowel(v)
    }

    /// Units for one letter `one` written as the two letters `a b` (in reading order when
    /// `forward`, reversed otherwise); 0 when that is no known confusion.
    @inline(__always) static func oneForTwo(_ one: UInt32, _ a: UInt32, _ b: UInt32, forward: Bool) -> Int32 {
        let (x, y) = forward ? (a, b) : (b, a)
        switch (one, x, y) {
        case (0x6D, 0x72, 0x6E): return 1  // m ~ rn
        case (0x77, 0x76, 0x76): return 1  // w ~ vv
        case (0x64, 0x63, 0x6C): return 1  // d ~ cl
        case (0x66, 0x70, 0x68): return 2  // f ~ ph
        case (0x6B, 0x63, 0x6B): return 2  // k ~ ck
        case (0x78, 0x6B, 0x73), (0x78, 0x63, 0x73): return 2  // x ~ ks, cs
        case (0x75, 0x6F, 0x6F): return 2  // u ~ oo
        // Romanisations of one sound (Wade-Giles, pinyin, Hepburn, Kunrei): q, j ~ ch (YoungQin /
        // Youngchin, Jiang / Chiang), x ~ hs, sh (Xin / Hsin / Shin), z ~ ts, tz (Zu / Tsu / Tzu).
        case (0x71, 0x63, 0x68), (0x6A, 0x63, 0x68): return 2  // q, j ~ ch
        case (0x74, 0x63, 0x68): return 2  // t ~ ch (Kunrei ti, tya for Hepburn chi, cha: Nitirin)
        case (0x78, 0x68, 0x73), (0x78, 0x73, 0x68): return 2  // x ~ hs, sh
        case (0x7A, 0x74, 0x73), (0x7A, 0x74, 0x7A): return 2  // z ~ ts, tz
        default: return 0
        }
    }
}

/// QWERTY neighbours: what a finger slips to.
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

    static func adjacentSlow(_ a: UInt32, _ b: UInt32) -> Bool {
        neighbours[a]?.contains(b) ?? false
    }

    /// Adjacency between ASCII keys, computed once.
    static let table: [Bool] = {
        var t = [Bool](repeating: false, count: 128 * 128)
        for a in UInt32(0)..<128 { for b in UInt32(0)..<128 { t[Int(a) << 7 | Int(b)] = adjacentSlow(a, b) } }
        return t
    }()

    @inline(__always) static func adjacent(_ a: UInt32, _ b: UInt32) -> Bool {
        a < 128 && b < 128 && table[Int(a) << 7 | Int(b)]
    }
}
