import Foundation
import Testing
@testable import WatchlistCore

struct MatchCase: CustomTestStringConvertible, Sendable {
    var text: String
    /// `entity/name` expected to hit, with the exact `matched` text; empty for a trap.
    var expected: [String]
    var testDescription: String { text }
}

@Suite("First matcher")
struct MatcherTests {
    static let matcher: Matcher = {
        let acme = try! watchlist(
            """
            customer: Acme Insurance
            email: soc@acme.example
            entity: Gree Electric Appliances, Inc. of Zhuhai
              alias: 珠海格力电器股份有限公司
              alias: 格力电器
              alias: Gree
              alias: グリー・エレクトリック
              subsidiary: Gree Real Estate
              jv: Gree Daikin Precision Mold
              domain: gree.com.cn
              exclude: Greece
            entity: China Mobile Communications Group
              alias: 中國移動
              alias: China Mobile
              alias: チャイナ・モバイル
              exclude: 移动硬盘
              exclude: China Mobile Games
            entity: Toshiba
              alias: 株式会社東芝
            entity: Nippon Steel
              alias: 日本製鉄
              alias: AT&T Japan
            """,
            file: "acme.watch"
        )
        return Matcher(watchlists: [acme])
    }()

    static let cases: [MatchCase] = [
        // Latin: case, whole words, punctuation and spacing
        MatchCase(text: "Selling GREE customer data", expected: ["Gree Electric Appliances, Inc. of Zhuhai/Gree=GREE"]),
        MatchCase(text: "the agreement was signed", expected: []),
        MatchCase(text: "Greenland fisheries", expected: []),
        MatchCase(
            text: "China-Mobile staff",
            expected: ["China Mobile Communications Group/China Mobile=China-Mobile"]
        ),
        MatchCase(
            text: "china  mobile   dump",
            expected: ["China Mobile Communications Group/China Mobile=china  mobile"]
        ),
        MatchCase(text: "ChinaMobileX", expected: []),
        MatchCase(text: "AT and T Japan records", expected: ["Nippon Steel/AT&T Japan=AT and T Japan"]),
        // Width
        MatchCase(text: "ＧＲＥＥ ｄａｔａ", expected: ["Gree Electric Appliances, Inc. of Zhuhai/Gree=ＧＲＥＥ"]),
        MatchCase(
            text: "ｸﾞﾘｰ･ｴﾚｸﾄﾘｯｸの顧客",
            expected: ["Gree Electric Appliances, Inc. of Zhuhai/グリー・エレクトリック=ｸﾞﾘｰ･ｴﾚｸﾄﾘｯｸ"]
        ),
        MatchCase(text: "グリーエレクトリック", expected: ["Gree Electric Appliances, Inc. of Zhuhai/グリー・エレクトリック=グリーエレクトリック"]),
        // Scripts
        MatchCase(text: "出售中国移动员工资料", expected: ["China Mobile Communications Group/中國移動=中国移动"]),
        MatchCase(text: "格力電器客戶資料", expected: ["Gree Electric Appliances, Inc. of Zhuhai/格力电器=格力電器"]),
        MatchCase(text: "日本製鐵の資料", expected: ["Nippon Steel/日本製鉄=日本製鐵"]),
        MatchCase(text: "日本制铁 数据", expected: ["Nippon Steel/日本製鉄=日本制铁"]),
        MatchCase(text: "チャイナモバイル社員", expected: ["China Mobile Communications Group/チャイナ・モバイル=チャイナモバイル"]),
        // Legal forms
        MatchCase(text: "東芝の社内文書", expected: ["Toshiba/株式会社東芝=東芝"]),
        MatchCase(text: "珠海格力电器 工单", expected: ["Gree Electric Appliances, Inc. of Zhuhai/珠海格力电器股份有限公司=珠海格力电器"]),
        // Evasion
        MatchCase(text: "Gr\u{200B}ee leak", expected: ["Gree Electric Appliances, Inc. of Zhuhai/Gree=Gr\u{200B}ee"]),
        MatchCase(text: "Grее (Cyrillic e) leak", expected: ["Gree Electric Appliances, Inc. of Zhuhai/Gree=Grее"]),
        MatchCase(
            text: "Chi\u{AD}na Mobile",
            expected: ["China Mobile Communications Group/China Mobile=Chi\u{AD}na Mobile"]
        ),
        // Exclusions: only the overlapping mention is cancelled
        MatchCase(text: "中国移动硬盘市场", expected: []),
        MatchCase(text: "中國移動硬盤", expected: []),
        MatchCase(text: "China Mobile Games cheats", expected: []),
        MatchCase(
            text: "China Mobile Games cheats, and China Mobile staff data",
            expected: ["China Mobile Communications Group/China Mobile=China Mobile"]
        ),
        MatchCase(text: "Greece holiday", expected: []),
        // Domains on label boundaries
        MatchCase(
            text: "admin panel at vpn.gree.com.cn/login",
            expected: ["Gree Electric Appliances, Inc. of Zhuhai/gree.com.cn=vpn.gree.com.cn"]
        ),
        MatchCase(
            text: "mail hr@GREE.com.cn now",
            expected: ["Gree Electric Appliances, Inc. of Zhuhai/gree.com.cn=hr@GREE.com.cn"]
        ),
        MatchCase(
            text: "see gree.com.cn.",
            expected: ["Gree Electric Appliances, Inc. of Zhuhai/gree.com.cn=gree.com.cn"]
        ),
        // the word, not the domain
        MatchCase(text: "gree.com.cn.evil.example", expected: ["Gree Electric Appliances, Inc. of Zhuhai/Gree=gree"]),
        MatchCase(text: "notgree.com.cn", expected: []),
        // Relations
        // A name inside a longer matched name of the same entity is not reported again.
        MatchCase(
            text: "Gree Daikin Precision Mold blueprints",
            expected: [
                "Gree Electric Appliances, Inc. of Zhuhai/Gree Daikin Precision Mold=Gree Daikin Precision Mold"
            ]
        ),
        MatchCase(
            text: "Gree Daikin Precision Mold and Gree",
            expected: [
                "Gree Electric Appliances, Inc. of Zhuhai/Gree Daikin Precision Mold=Gree Daikin Precision Mold",
                "Gree Electric Appliances, Inc. of Zhuhai/Gree=Gree",
            ]
        ),
    ]

    @Test(arguments: cases)
    func matches(_ testCase: MatchCase) {
        let hits = Self.matcher.match(testCase.text, threshold: 0.8)
        let got = hits.map { "\($0.entity)/\($0.name)=\($0.matched)" }.sorted()
        #expect(got == testCase.expected.sorted())
    }

    @Test func relationsAndLinesAreReported() throws {
        let hits = Self.matcher.match("Gree Real Estate and gree.com.cn", threshold: 0.8)
        let subsidiary = try #require(hits.first { $0.relation == .subsidiary })
        #expect(subsidiary.name == "Gree Real Estate")
        #expect(subsidiary.file == "acme.watch")
        #expect(subsidiary.line == 8)
        #expect(hits.contains { $0.relation == .domain && $0.score == 1.0 })
    }

    @Test(arguments: [
        ("中國移動", 1.0), ("中国移动", 0.97), ("China Mobile", 1.0), ("CHINA MOBILE", 0.99), ("ＣＨＩＮＡ ＭＯＢＩＬＥ", 0.98),
        ("China-Mobile", 0.96),
    ])
    func scoresSayHowMuchFoldingItTook(_ text: String, _ score: Double) throws {
        let hit = try #require(Self.matcher.match(text, threshold: 0).first)
        #expect(hit.score == score)
    }

    @Test func thresholdFiltersAndCandidatesKeepNearMisses() {
        #expect(Self.matcher.match("東芝", threshold: 0.96).isEmpty)
        #expect(Self.matcher.candidates(in: "東芝").map(\.score) == [0.95])
    }

    @Test func matchedTextKeepsTrailingCombiningMarks() throws {
        // "Gree" followed by a combining acute: the mark belongs to the last letter.
        let hit = try #require(Self.matcher.match("Gree\u{301} leak", threshold: 0.8).first)
        #expect(hit.matched == "Gree\u{301}")
    }

    @Test func sharedEntityAcrossCustomersHitsEach() throws {
        let a = try watchlist("customer: A\nentity: China Mobile\n", file: "a.watch")
        let b = try watchlist("customer: B\nentity: China Mobile\n  exclude: China Mobile Games\n", file: "b.watch")
        let matcher = Matcher(watchlists: [a, b])
        #expect(matcher.match("China Mobile Games", threshold: 0.8).map(\.customer) == ["A"])
        #expect(matcher.match("China Mobile data", threshold: 0.8).map(\.customer) == ["A", "B"])
    }
}

@Suite("Folding")
struct FoldingTests {
    @Test(arguments: [
        ("中國移動通信集團", "中国移动通信集团"),
        ("日本製鉄", "日本制铁"), ("日本製鐵", "日本制铁"), ("広州", "广州"), ("廣州", "广州"),
        ("ｸﾞﾘｰ･ｴﾚｸﾄﾘｯｸ", "グリーエレクトリック"), ("チャイナ・モバイル", "チャイナモバイル"),
        ("ＴＳＭＣ", "tsmc"), ("China-Mobile  Co., Ltd.", "china mobile co ltd"), ("TCL 科技", "tcl科技"),
        ("Nestlé", "nestle"), ("McDonald’s", "mcdonald s"), ("McDonalds", "mcdonalds"), ("AT&T", "at and t"),
    ])
    func folds(_ input: String, _ folded: String) {
        #expect(Normalizer().normalize(input).folded == folded)
    }

    @Test func foldingIsIdempotent() {
        let normalizer = Normalizer()
        for text in ["中國移動通信集團 日本製鐵 廣州 ｸﾞﾘｰ", "Ｇｒｅｅ Ελλάδα Москва", "株式会社東芝 (株) ㈱"] {
            let once = normalizer.normalize(text).folded
            #expect(normalizer.normalize(once).folded == once)
        }
    }

    @Test func offsetsMapBackToTheOriginal() {
        let text = "販売：ＧＲＥＥ　Electric"
        let folded = Normalizer().normalize(text)
        #expect(folded.folded == "贩卖gree electric")  // 売 is the shinjitai of 賣
        #expect(folded.original(2..<6) == "ＧＲＥＥ")
        #expect(folded.original(2..<14) == "ＧＲＥＥ　Electric")
        #expect(folded.wordStart[6] && !folded.wordStart[5])  // "electric" starts a word
    }
}
