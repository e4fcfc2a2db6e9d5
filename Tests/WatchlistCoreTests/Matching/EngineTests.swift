import Foundation
import Testing
@testable import WatchlistCore

/// The engine's rules, each with positives and the traps they must stay quiet on, side by
/// side, in every script the product reads.
@Suite("Matching engine")
struct EngineTests {
    static let matcher: Matcher = {
        let lists = [
            try! watchlist(
                """
                customer: Acme
                entity: Gree Electric Appliances
                  alias: 格力
                  alias: 格力电器
                entity: JD.com
                  alias: 京东
                entity: Toshiba Corporation
                  alias: 東芝
                  alias: 株式会社東芝
                entity: AEON Co., Ltd.
                  alias: イオン
                entity: Mitsubishi Heavy Industries
                entity: Mitsubishi Corporation
                entity: Mitsubishi Electric
                entity: Obayashi Corporation
                entity: Colonial Pipeline Company
                entity: Tokyo Electron Limited
                entity: JBS S.A.
                entity: Procter & Gamble
                entity: Nippon Steel Corporation
                  alias: 日本製鉄
                entity: Chinese Center for Disease Control and Prevention
                  alias: 中国疾病预防控制中心
                entity: Taiwan Semiconductor Manufacturing
                  alias: TSMC
                  alias: 台積電
                entity: Samsung Electronics
                  alias: 삼성전자 주식회사
                entity: Guangzhou Automobile Group
                  alias: 廣州汽車集團
                """,
                file: "acme.watch"
            )
        ]
        return Matcher(watchlists: lists)
    }()

    struct Case: CustomTestStringConvertible, Sendable {
        var rule: String
        var text: String
        /// Entities expected to hit (empty: a trap).
        var entities: [String]
        var testDescription: String { "\(rule): \(text)" }
    }

    static let cases: [Case] = [
        // Typos in long Latin names, never in short ones or first letters
        Case(rule: "typo", text: "Mitsubishi Heavy Industires blueprints", entities: ["Mitsubishi Heavy Industries"]),
        Case(rule: "typo", text: "Mitsubishi Haevy Industries", entities: ["Mitsubishi Heavy Industries"]),
        Case(rule: "typo", text: "Colonail Pipeline dump", entities: ["Colonial Pipeline Company"]),
        Case(rule: "typo trap", text: "Toshima ward library", entities: []),
        Case(rule: "typo trap", text: "Kobayashi Pharmaceutical", entities: []),
        Case(rule: "typo trap", text: "Colonial Pipes Inc.", entities: []),
        Case(rule: "typo trap", text: "Tokyo Electric Plastics", entities: []),
        Case(rule: "typo trap", text: "mail.recolonialpipelines.com", entities: []),
        // Short CJK names and word boundaries
        Case(rule: "cjk", text: "出售格力空调用户数据", entities: ["Gree Electric Appliances"]),
        Case(rule: "cjk trap", text: "他们有资格力争上游", entities: []),
        Case(rule: "cjk", text: "京东用户数据 50万", entities: ["JD.com"]),
        Case(rule: "cjk trap", text: "关键词：北京东南", entities: []),
        Case(rule: "cjk", text: "東芝の社内資料", entities: ["Toshiba Corporation"]),
        Case(rule: "cjk trap", text: "関東芝浦の倉庫", entities: []),
        // Katakana compounds
        Case(rule: "katakana", text: "イオンの顧客データ", entities: ["AEON Co., Ltd."]),
        Case(rule: "katakana", text: "イオングループ 社員名簿", entities: ["AEON Co., Ltd."]),
        Case(rule: "katakana trap", text: "マイナスイオン発生器", entities: []),
        // Another company's longer name
        Case(rule: "prefix company", text: "Mitsubishi Electric VPN", entities: ["Mitsubishi Electric"]),
        Case(rule: "prefix company", text: "Mitsubishi Corp. contracts", entities: ["Mitsubishi Corporation"]),
        Case(rule: "prefix company trap", text: "Mitsubishi Estate tenants", entities: []),
        // Legal forms on either side
        Case(rule: "legal form", text: "Obayashi Corp internal", entities: ["Obayashi Corporation"]),
        Case(rule: "legal form", text: "JBS LLC payroll", entities: ["JBS S.A."]),
        Case(rule: "legal form trap", text: "JBS Furniture catalogue", entities: []),
        Case(rule: "legal form", text: "This is the full dump of JBS. Sample attached", entities: ["JBS S.A."]),
        Case(rule: "legal form", text: "Obayashi data for sale", entities: ["Obayashi Corporation"]),
        Case(rule: "legal form", text: "(株)東芝 流出", entities: ["Toshiba Corporation"]),
        Case(rule: "legal form", text: "삼성전자 내부 자료", entities: ["Samsung Electronics"]),
        Case(rule: "legal form", text: "广州汽车 内部资料", entities: ["Guangzhou Automobile Group"]),
        // & and "and", spacing
        Case(rule: "and", text: "Procter and Gamble HR files", entities: ["Procter & Gamble"]),
        Case(rule: "spacing", text: "ProcterAndGamble", entities: ["Procter & Gamble"]),
        // Scripts
        Case(rule: "shinjitai", text: "日本製鐵の図面", entities: ["Nippon Steel Corporation"]),
        Case(rule: "shinjitai", text: "日本制铁 图纸", entities: ["Nippon Steel Corporation"]),
        Case(
            rule: "mixed script",
            text: "中国疾病預防控制中心 数据",
            entities: ["Chinese Center for Disease Control and Prevention"]
        ),
        Case(rule: "traditional", text: "台积电 供应商", entities: ["Taiwan Semiconductor Manufacturing"]),
        Case(rule: "width", text: "ＴＳＭＣ ｌｅａｋ", entities: ["Taiwan Semiconductor Manufacturing"]),
        // Evasion
        Case(rule: "homoglyph", text: "Тоshiba Corporation (Cyrillic Т and о)", entities: ["Toshiba Corporation"]),
        Case(
            rule: "zero width",
            text: "T\u{200B}S\u{200C}M\u{200D}C",
            entities: ["Taiwan Semiconductor Manufacturing"]
        ),
    ]

    @Test(arguments: cases)
    func rule(_ testCase: Case) {
        let hits = Self.matcher.match(testCase.text, threshold: Matcher.defaultThreshold)
        #expect(
            Set(hits.map(\.entity)) == Set(testCase.entities),
            "\(hits.map { "\($0.entity)/\($0.name)=\($0.matched) \($0.score)" })"
        )
    }

    @Test func typoHitsSayHowManyEdits() throws {
        let hit = try #require(Self.matcher.match("Mitsubishi Heavy Industires", threshold: 0.8).first)
        #expect(hit.score == 0.90)
        #expect(hit.matched == "Mitsubishi Heavy Industires")
        #expect(hit.steps.first?.hasPrefix("misspelt: 1 edit") == true)
    }

    @Test func boundaryNearMissIsExplainedBelowTheThreshold() throws {
        let near = try #require(Self.matcher.candidates(in: "他们有资格力争上游").first)
        #expect(near.name == "格力")
        #expect(near.score < Matcher.defaultThreshold)
        #expect(near.steps.contains { $0.hasPrefix("crosses a word boundary") })
    }

    @Test func excludeWorksInEveryScriptVariant() throws {
        let list = try watchlist(
            """
            customer: A
            entity: China Mobile
              alias: 中国移动
              exclude: 移動硬碟
            """
        )
        let matcher = Matcher(watchlists: [list])
        // The exclude is written in traditional characters; the listing is simplified.
        #expect(matcher.match("中国移动硬碟市场", threshold: 0.8).isEmpty)
        #expect(matcher.match("中国移动硬碟市场，另有中国移动员工数据", threshold: 0.8).count == 1)
    }

    @Test(
        arguments: [
            ("格力", "very short CJK name"), ("GM", "1–3 letter acronym"), ("Target", "everyday English word"),
            ("Co., Ltd.", "only a legal form"), ("格力电器", nil),
            ("Target Corporation", "without its legal form is `Target`"),
            ("ABC Holdings", "1–3 letter acronym"), ("We Can", "everyday English word"), ("Toshiba Corporation", nil),
            ("TSMC", nil), ("未来集团", "everyday Chinese or Japanese word"), ("株式会社コロナ", "`コロナ`"),
            ("百度集团股份有限公司", nil), ("&#20870;星科技股份有限公司", "write it as `円星科技股份有限公司`"),
            ("大自然", "`大自然` is an everyday Chinese or Japanese word"), ("イオン", nil),
        ] as [(String, String?)]
    )
    func riskyNamesAreWarnedAbout(_ name: String, _ warning: String?) throws {
        let list = try watchlist("customer: A\nentity: \(name)\n", file: "a.watch")
        let warnings = RiskyNames.warnings(for: list)
        if let warning {
            #expect(warnings.count == 1)
            #expect(warnings.first?.description.hasPrefix("a.watch:2: warning: `\(name)`") == true)
            #expect(warnings.first?.message.contains(warning) == true, "\(warnings)")
        } else {
            #expect(warnings.isEmpty, "\(warnings)")
        }
    }

    @Test func loadsAHundredThousandNames() throws {
        var text = "customer: Big\n"
        for i in 0..<25_000 {
            text +=
                "entity: Synthetic Holdings \(i) Co., Ltd.\n  alias: 合成控股\(i)有限公司\n  alias: SYNH\(i)\n  domain: synh\(i).example\n"
        }
        let list = try watchlist(text)
        let matcher = Matcher(watchlists: [list])
        #expect(matcher.nameCount == 100_000)
        #expect(matcher.match("leak of SYNH24999 and 合成控股17有限公司", threshold: 0.8).count == 2)
    }

    /// The first look at a misspelling piece's hit (`nearWordStarts`, letter bits) only saves
    /// time: for every position, offset, edit allowance and first letter (look-alikes, digits,
    /// accented and non-Latin letters, CJK around) it says no only where reading the word starts
    /// one by one says no.
    @Test func misspellingPieceFirstLookRulesOutOnlyWhatTheFullLookDoes() {
        let normalizer = Normalizer()
        let texts = [
            "0lympus 1ntel and Olympus, Intel; ecl1pse Zeta-9 Ωmega",
            "x 東芝 Kyosera Café élan Жара 3m 5tar 7oshiba Phantasista Hsinbao Chiao Tsubaki Kapcom",
            "a",
        ]
        let firsts: [UInt32] = Array("aeiloszbgtcdkmxfqjpyhw0134579é東ж".unicodeScalars.map(\.value))
        var compared = 0
        for text in texts {
            let folded = normalizer.normalize(text)
            let near = Matcher.nearWordStarts(folded)
            let n = folded.count
            for first in firsts {
                for edits in 1...2 {
                    for offset in 1...12 {
                        for start in 0..<n {
                            let owner = Matcher.PieceOwner(
                                fuzzyKey: 0,
                                pieceOffset: Int32(offset),
                                keyLength: Int32(offset + 4),
                                keyFirst: first,
                                firstLetters: Matcher.firstLetterBits(first),
                                piece: 1,
                                pieceSet: 0,
                                lastPiece: false,
                                keyEdits: Int8(edits)
                            )
                            let implied = start - offset
                            var expected = implied + offset + 4 - edits - 1 <= n
                            if expected {
                                expected = false
                                for s in max(0, implied - edits - 1)...max(0, implied + edits + 1)
                                where s < n && folded.isWordStart(s)
                                    && Fuzzy.sameFirstLetter(first, folded.scalars[s])
                                {
                                    expected = true
                                }
                            }
                            #expect(Matcher.piecePlausible(owner, start: start, folded, near) == expected)
                            compared += expected ? 1 : 0
                        }
                    }
                }
            }
        }
        #expect(compared > 100)
    }

    /// `Fuzzy.wordsMayFit` only saves time: where it says no, the alignment from that start
    /// (forward) or to that end (backward) finds nothing `verify` keeps (no end on a word
    /// boundary with as many words as the name) — for one-, two- and three-word names, over
    /// texts with the name misspelt, split, joined and cut short.
    @Test func misspellingWordCountLookSaysNoOnlyWhereTheAlignmentDoes() throws {
        let list = try watchlist(
            """
            customer: Words
            entity: Technova Systems
              alias: Kestrelvision
              alias: Orion Shipping Lines
              alias: Fantasista
            """
        )
        let matcher = Matcher(watchlists: [list])
        let texts = [
            "technova systms leak, Tecnova Systems and technovasystems; technovision",
            "Kestrel vision kestrelvison kestrelvisions kestrel-vission Kestrelvisionary",
            "orion shiping lines / Orion Shipping Line orionshippinglines orion shipping",
            "Phantasista fantasista fantasistas fanta sista F4ntasista x",
        ]
        var scratch = Fuzzy.Scratch()
        var ruledOut = 0
        var found = 0
        for text in texts.map({ Normalizer().normalize($0) }) {
            for key in matcher.fuzzyKeys {
                for start in 0..<text.count {
                    let words = { (from: Int, to: Int) in
                        1 + (from + 1..<to).filter { text.wordStart[$0] }.count
                    }
                    if let hit = Fuzzy.forward(key, from: start, text, &scratch) {
                        found += 1
                        if words(start, hit.end) == key.wordBudgets.count {
                            let fits = Fuzzy.wordsMayFit(key, text, from: start)
                            #expect(fits, "\(key.scalars) from \(start) in \(text.folded)")
                        }
                    }
                    if !Fuzzy.wordsMayFit(key, text, from: start) { ruledOut += 1 }
                    let end = start + 1
                    if let hit = Fuzzy.backward(key, to: end, text, &scratch) {
                        found += 1
                        if words(hit.start, end) == key.wordBudgets.count {
                            let fits = Fuzzy.wordsMayFit(key, text, to: end)
                            #expect(fits, "\(key.scalars) to \(end) in \(text.folded)")
                        }
                    }
                }
            }
        }
        #expect(found > 20)
        #expect(ruledOut > 100)
    }

    /// The automaton reports exactly the occurrences a plain search finds, over patterns of
    /// a few a–z letters, digits and CJK characters (overlapping, nested, sharing prefixes and
    /// suffixes): the dense rows of its shallow Latin states follow the failure links as the
    /// hash does, and a state whose one child is no a–z letter keeps that child.
    @Test func automatonReportsWhatAPlainSearchFinds() {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [UInt32] = [0x61, 0x62, 0x63, 0x7A, 0x31, 0x4E00]
        for round in 0..<40 {
            var patterns: [[UInt32]] = []
            for _ in 0..<(5 + round) {
                let length = Int.random(in: 1...5, using: &generator)
                patterns.append((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
            }
            let automaton = AhoCorasick(patterns: patterns)
            let text = (0..<200).map { _ in alphabet.randomElement(using: &generator)! }
            var found: [[Int]] = []
            automaton.scan(text) { id, start, end in found.append([id, start, end]) }
            var expected: [[Int]] = []
            for (id, pattern) in patterns.enumerated() {
                for start in 0...(text.count - pattern.count)
                where Array(text[start..<(start + pattern.count)]) == pattern {
                    expected.append([id, start, start + pattern.count])
                }
            }
            #expect(Set(found) == Set(expected), "patterns \(patterns)")
            #expect(found.count == expected.count)
        }
    }

    /// `Fuzzy.Memo` only saves time: every alignment through a scratch that remembers earlier
    /// ones (of this text and of texts before it) gives what the alignment worked out afresh
    /// gives — also where two texts have the same letters with their words cut elsewhere
    /// ("Kestrelvison x" / "Kestrelvisonx"), which the memo must tell apart.
    @Test func rememberedAlignmentsEqualAlignmentsWorkedOutAfresh() throws {
        let list = try watchlist(
            """
            customer: Memo
            entity: Kestrel Dynamics
              alias: Kestrelvision
              alias: Orion Shipping Lines
            """
        )
        let matcher = Matcher(watchlists: [list])
        let texts = [
            "Kestrelvison x", "Kestrelvisonx", "x Kestrelvison", "xKestrelvison",
            "Kestral Dyn kestraldyn Kestrel Dynamcs kestreldynamics Kestrel-Dinamics",
            "KestralDyn kestral dyn KestrelDynamcs kestrel dynamics KestrelDinamics",
            "kestrelvison Kestrel vison orion shiping lines orionshipinglines Orion Shiping Lines",
        ]
        var remembering = Fuzzy.Scratch()
        var alignments = 0
        var differing = 0
        for _ in 0..<2 {
            for text in texts.map({ Normalizer().normalize($0) }) {
                for (id, key) in matcher.fuzzyKeys.enumerated() {
                    for start in 0..<text.count {
                        var fresh = Fuzzy.Scratch()
                        let forward = Fuzzy.forward(key, keyID: id, from: start, text, &remembering)
                        let expected = Fuzzy.forward(key, from: start, text, &fresh)
                        if forward?.end != expected?.end || forward?.units != expected?.units
                            || forward?.edits != expected?.edits
                        {
                            differing += 1
                        }
                        let end = start + 1
                        let backward = Fuzzy.backward(key, keyID: id, to: end, text, &remembering)
                        let expectedBackward = Fuzzy.backward(key, to: end, text, &fresh)
                        if backward?.start != expectedBackward?.start || backward?.units != expectedBackward?.units
                            || backward?.edits != expectedBackward?.edits
                        {
                            differing += 1
                        }
                        if expected != nil { alignments += 1 }
                    }
                }
            }
        }
        #expect(differing == 0)
        #expect(alignments > 10)
        #expect(!remembering.memo.isEmpty)
    }

    /// `match` reads standard input a chunk at a time: the same hits, in the same order, with the
    /// same line numbers and default ids (the line number) as the whole input at once, wherever
    /// the chunks cut: inside a line, in a line longer than a chunk, before a last line without
    /// a line feed.
    @Test func jsonLinesReadInChunksMatchLikeTheWholeInput() throws {
        let (lists, _) = try WatchlistParser.loadDirectory(Repo.fixtures.appendingPathComponent("watchlists").path)
        let matcher = Matcher(watchlists: lists)
        let input = """
            {"id": "1", "title": "Orion Shipping database", "body": "see orion-shipping.example"}
            not json

            {"title": "ルーメン製薬 データ"}
            {"id": "5", "title": "nothing here", "body": "\(String(repeating: "filler ", count: 40))"}
            {"title": "Orion Shipping again"}
            """
        struct Line: Encodable {
            var id: String
            var entity: String
        }
        var whole = Data()
        let wholeProblems = JSONLinesMatch.run(
            input: Data(input.utf8),
            matcher: matcher,
            threshold: 0.8,
            workers: 1,
            record: { Line(id: $0, entity: $1.entity) },
            emit: { whole.append($0) }
        )
        let ids = String(decoding: whole, as: UTF8.self).split(separator: "\n").map {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String])?["id"] ?? "?"
        }
        #expect(ids == ["1", "1", "4", "6"])
        #expect(wholeProblems.map(\.line) == [2])
        let dir = try TempDir()
        try dir.write("in.jsonl", input)
        for chunk in [1, 7, 64, 100, 1 << 20] {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: dir.path + "/in.jsonl"))
            var out = Data()
            let problems = JSONLinesMatch.run(
                reading: handle,
                chunkBytes: chunk,
                matcher: matcher,
                threshold: 0.8,
                workers: 2,
                record: { Line(id: $0, entity: $1.entity) },
                emit: { out.append($0) }
            )
            #expect(
                String(decoding: out, as: UTF8.self) == String(decoding: whole, as: UTF8.self),
                "chunks of \(chunk)"
            )
            #expect(problems.map(\.line) == [2], "chunks of \(chunk)")
        }
    }
}
