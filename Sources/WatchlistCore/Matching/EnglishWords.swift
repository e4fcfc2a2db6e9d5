/// English words, from SCOWL through Debian's word lists (`scripts/make-wordlists.py` writes
/// `Data/EnglishWordData.swift`; the source and its licence are stated there). Built once per
/// process on first use (~20 ms), then shared read-only.
///
/// Used for two kinds of evidence, never for other customers' names:
/// - a watched name (or its core, without the legal form) that is an everyday word
///   ("SMART", "HOME CO., LTD." → home, "Canon") needs more than the word to count;
/// - a near miss that is itself an English word or a proper noun is that word, not a
///   misspelt name ("medical" is not Medicar, "Philip" is not Philips).
enum EnglishWords {
    /// Everyday words (SCOWL size 35).
    static let everyday: Set<ScalarKey> = load(EnglishWordData.everyday)
    /// Everyday words, less common ones (SCOWL size 50) and proper nouns (Philip, Kingston):
    /// what a misspelling must not spell.
    static let all: Set<ScalarKey> = everyday.union(load(EnglishWordData.more)).union(load(EnglishWordData.properNouns))
    /// Words of registered companies' names (EDINET, TWSE/TPEx, cleanco; `RegistryWordData`):
    /// a near miss that spells one is another company ("Nissin" is not Nissan).
    static let registry: Set<ScalarKey> = load(RegistryWordData.words)

    static func load(_ text: String) -> Set<ScalarKey> {
        var set = Set<ScalarKey>()
        set.reserveCapacity(45_000)
        var word: [UInt32] = []
        for byte in text.utf8 {
            if byte == 0x20 {
                if !word.isEmpty { set.insert(ScalarKey(word)) }
                word.removeAll(keepingCapacity: true)
            } else {
                word.append(UInt32(byte))
            }
        }
        if !word.isEmpty { set.insert(ScalarKey(word)) }
        return set
    }

    /// Capitalised entries only: places, given names and surnames, brands ("Parker", "Asia", "Sony").
    static let properNouns: Set<ScalarKey> = load(EnglishWordData.properNouns)

    static func isEveryday(_ word: [UInt32]) -> Bool { everyday.contains(ScalarKey(word)) }
    static func isProperNoun(_ word: [UInt32]) -> Bool { properNouns.contains(ScalarKey(word)) }
    static func isWord(_ word: [UInt32]) -> Bool { all.contains(ScalarKey(word)) }
    static func isWord(_ word: ScalarKey) -> Bool { all.contains(word) }
}

/// Everyday Chinese and Japanese words (`scripts/make-cjk-words.py` writes `Data/CJKWordData.swift`
/// from jieba's dictionary and IPAdic; sources and licences there): a watched name whose core is
/// one ("未来" of 未来集团, "コロナ" of 株式会社コロナ) needs evidence to count, as "SMART" does.
/// Read as written (simplified characters, katakana), which is how folded text reads.
enum CJKWords {
    static let everyday: Set<ScalarKey> = {
        var set = Set<ScalarKey>()
        for list in [CJKWordData.chinese, CJKWordData.japanese] {
            for word in list.split(separator: " ") { set.insert(ScalarKey(word.unicodeScalars.map(\.value))) }
        }
        return set
    }()

    static func isEveryday(_ word: [UInt32]) -> Bool { everyday.contains(ScalarKey(word)) }

    /// Words and common names of 2-3 characters beyond the everyday ones (精华, 中华, 长城).
    static let known: Set<ScalarKey> = Set(
        CJKWordData.knownChinese.split(separator: " ").map { ScalarKey($0.unicodeScalars.map(\.value)) }
    )

    /// Whether a short CJK name is a word or a well-known name: an everyday or known word, or
    /// four characters that are two of them (中国电力).
    static func isKnown(_ word: [UInt32]) -> Bool {
        func one(_ w: ArraySlice<UInt32>) -> Bool {
            let key = ScalarKey(Array(w))
            return everyday.contains(key) || known.contains(key)
        }
        if one(word[...]) { return true }
        return word.count == 4 && one(word[0..<2]) && one(word[2..<4])
    }
}
