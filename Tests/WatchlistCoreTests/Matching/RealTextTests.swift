import Foundation
import Testing
@testable import WatchlistCore

/// Names written the way people write them in posts, bulk registry watchlists, and what one
/// customer's watchlist must never do to another's hits. Each rule with its positives and
/// its traps side by side.
@Suite("Matching real text")
struct RealTextTests {
    static let acme: Watchlist = try! watchlist(
        """
        customer: Acme
        entity: Fujitsu Limited
        entity: Kyocera Corporation
        entity: Takeda Pharmaceutical Company
        entity: Advantest Corporation
        entity: Olympus Corporation
        entity: Samsung Electronics
        entity: Fujifilm Holdings
        entity: SUMCO Corporation
        entity: NEC Corporation
          domain: nec.com
        entity: Medicar Inc
        entity: Philips N.V.
          alias: Philips
        entity: Unilever PLC
          alias: Unilever
        entity: Goldcorp Inc
        entity: Kestrel Bank
        entity: Orion Shipping
        entity: Omron Corporation
        entity: Makita Corporation
        entity: Sekisui Chemical Co., Ltd.
          alias: Sekisui
        entity: Fuji Corporation
          alias: Fuji
        entity: Renesas Electronics
        entity: Nissan Motor Co., Ltd.
          alias: Nissan
        entity: EVA Airways Corporation
        entity: Youjie Biotech Co., Ltd.
        entity: Kyoto Manufacturing International Co., Ltd.
        entity: Kingston Technology
        entity: 联想集团有限公司
        entity: 株式会社東芝
        entity: YAMATO CORPORATION
        entity: Medix Inc.
        entity: RECOMM CO.,LTD.
        entity: SANKO CO.,LTD.
        entity: Hakuto Co.,Ltd.
        entity: GMO Financial Holdings, Inc.
        entity: Bridgestone Corporation
        """,
        file: "acme.watch"
    )

    /// A registry import: short names and English names as filed.
    static let bulk: Watchlist = try! watchlist(
        """
        customer: Bulk
        entity: SMART
        entity: HOME CO., LTD.
        entity: TIME CORPORATION
        entity: ABC Holdings
        entity: Canon Inc.
        entity: ANY Holdings
          alias: ＡＮＹホールディングス
        entity: Science Arts, Inc.
        entity: We Can
        entity: WELLDONE
        entity: MORE
        entity: UK
        entity: ASIA
          alias: 亞洲精密股份有限公司
        entity: MEDIGEN
        entity: COLLINS
        entity: PARKER CORPORATION
        entity: TECHNOLOGIES, Inc.
        entity: TCI
          alias: 大江生醫股份有限公司
        entity: ALBATRON
        entity: EARTH CORPORATION
        entity: JEAN
        entity: OPTOELECTRONICS CO.,LTD.
        entity: APEX
          domain: apex.com.tw
        entity: LOGOS HOLDINGS INC.
        entity: TMS Co., Ltd
        entity: CDS Co.,Ltd.
        entity: GORDON
        entity: APC
        entity: CORONA CORPORATION
        entity: ASTI CORPORATION
        entity: Wealth Management, Inc.
        entity: 未来集团
        entity: 星河电子股份有限公司
          alias: 星河
        entity: 幸福电子股份有限公司
          alias: 幸福
        entity: SHIZUKURA CORPORATION
          domain: shizukura.example
        entity: SHIZUKURA CO., LTD.
        entity: KASUMI GROUP HOLDINGS, LTD.
        entity: MEGA
        entity: Kasumi Co., Ltd.
        entity: MORIKAWA CO., LTD.
        entity: S PLAN GROUP CO., LTD.
        entity: Q International Inc.
        entity: QUORVATA INDUSTRY CO., LTD.
        entity: 精華光學股份有限公司
          alias: 精華
        entity: HUAWEI TECHNOLOGIES CO., LTD.
          alias: 华为
        entity: 鴻海精密工業股份有限公司
          alias: 鴻海
        entity: 株式会社Ｒ＆Ｃｏｍｐａｎｙ
        """,
        file: "bulk.watch"
    )

    /// Human misspellings of short names, everyday words inflected, registries' own spellings.
    static let human: Watchlist = try! watchlist(
        """
        customer: Human
        entity: HOZUMA CORPORATION
        entity: Keiwan Holdings Co., Ltd.
        entity: MIZEART Corporation
        entity: Daikobo Co., Ltd.
        entity: TAMTEC CO.,LTD.
        entity: Quixxon
          alias: 奎森科技股份有限公司
        entity: Sora One Corporation
        entity: TAKAMURA FOODS CORPORATION
        entity: BLUE FOODS CORPORATION
        entity: Okada Food Service Co., Ltd.
        entity: mizukico.,ltd
        entity: Kanto Financial Holdings Co., Ltd.
        entity: Kurata Electronics Indutrial Co.,Ltd
        entity: Uni-Marevo Enterprises Corp.
        entity: Tokai Gas Corporation
        entity: Kurotaki Co., Inc.
        entity: Kai Forest
        entity: Quelvarin Ltd.
        entity: Vardexo Laboratories
        entity: MOCHIZAWA PHARMACEUTICAL CO.,LTD.
        entity: Kingston Technology
        entity: Sumitomo Pharmaceutical Co., Ltd.
        """,
        file: "human.watch"
    )

    /// Names as people hear them: romanisations (Japanese, Chinese) and sound-alikes.
    static let sound: Watchlist = try! watchlist(
        """
        customer: Sound
        entity: The Kizuna Bank, Ltd.
        entity: The Pack Corporation
        entity: Shibaru Co., Ltd.
        entity: Kamuron Co., Ltd.
        entity: LianQiu
        entity: Xinbaoda
        entity: Fenoriko Co., Ltd.
        entity: Corvanta Inc.
        entity: Cuvora Inc.
        entity: Tamiro Co., Ltd.
        entity: Hojitz Corporation
        entity: Nadec Corporation
        entity: Torphin Co., Ltd.
        entity: KOLINTRA
          alias: 科林特拉股份有限公司
        entity: The Borvex Company
        entity: CORMINTA
        entity: Hamilton Corporation
        entity: Kozuna Pharmaceutical Co., Ltd.
        entity: Hayabe Construction Co., Ltd.
        entity: LUMO77corporation
        entity: MOIKA CORPORATION
        entity: Iiro Group Holdings Co., Ltd.
        entity: CAPTOM CO., LTD.
        entity: MoonGate Security, Inc.
        entity: Michirou Co., Ltd.
        entity: SINMOA CO., LTD.
        entity: KRD
          alias: 凱瑞德股份有限公司
        entity: K.TAKAMIZU&CO.,LTD.
        entity: W KOBE Inc.
        entity: Dawnix
        entity: Kamiro
        entity: GENEVIRA
        entity: CHUNG LIEN
          alias: 中聯精機股份有限公司
          alias: 中聯
        entity: HSIEN CHANG
          alias: 先昌塑膠股份有限公司
        entity: KUOSHIN
          alias: 國信電子股份有限公司
        entity: LIEN HO
          alias: 嘉實資訊股份有限公司
        entity: TA-I
          alias: 大宜股份有限公司
        entity: Chenlan Optics Co., Ltd.
          alias: 辰岚光学有限公司
        entity: KUROSE CHOKI CO., LTD.
          alias: 黒瀬長機株式会社
        entity: MORI CHOKO
        entity: FUSAMI CO., LTD.
          alias: 株式会社房見
        entity: KARSEN CO., LTD.
        """,
        file: "sound.watch"
    )

    static let matcher = Matcher(watchlists: [acme, bulk, human, sound])

    /// A rule, a text, and the entities expected to hit (empty: a trap), as in EngineTests.
    typealias Case = EngineTests.Case

    static let cases: [Case] = [
        // Human misspellings: sounds, vowels, look-alikes, letters doubled, dropped or swapped
        Case(rule: "sound-alike", text: "Fujitzu customer database", entities: ["Fujitsu Limited"]),
        Case(rule: "sound-alike", text: "Kyosera internal files", entities: ["Kyocera Corporation"]),
        Case(rule: "swapped vowels", text: "Takeda Pharmacuetical leak", entities: ["Takeda Pharmaceutical Company"]),
        Case(rule: "swap", text: "Advantset source code", entities: ["Advantest Corporation"]),
        Case(rule: "OCR zero", text: "0lympus patient records", entities: ["Olympus Corporation"]),
        Case(rule: "OCR rn", text: "Sarnsung Electronics dump", entities: ["Samsung Electronics"]),
        Case(rule: "leetspeak @", text: "Renes@s Electronics leak", entities: ["Renesas Electronics"]),
        Case(rule: "two slips", text: "Samsumg Electrnics", entities: ["Samsung Electronics"]),
        Case(rule: "split word", text: "Fuji Film dump", entities: ["Fujifilm Holdings"]),
        Case(rule: "hyphenated word", text: "Fuji-film internal mail", entities: ["Fujifilm Holdings"]),
        Case(rule: "dotted acronym", text: "S.U.M.C.O. wafer data", entities: ["SUMCO Corporation"]),
        Case(rule: "spaced acronym", text: "N E C leak", entities: ["NEC Corporation"]),
        Case(rule: "possessive", text: "Kestrel Bank's customers", entities: ["Kestrel Bank"]),
        Case(rule: "possessive", text: "Orion Shipping’s crew list", entities: ["Orion Shipping"]),
        // ... and what is not a misspelling
        Case(rule: "misspelling trap: an English word", text: "medical records for sale", entities: []),
        Case(rule: "misspelling trap: a given name", text: "Philip Media Inc. leak", entities: []),
        Case(rule: "misspelling trap: a longer word", text: "unileveria notes", entities: []),
        Case(rule: "split trap: a legal form", text: "Gold Corp investor list", entities: []),
        Case(rule: "misspelling trap: another registered company", text: "Nissin foods orders", entities: []),
        // Everyday words and short acronyms need evidence
        Case(rule: "everyday word", text: "smart meter readings dump", entities: []),
        Case(rule: "everyday word as filed", text: "SMART leak", entities: ["SMART"]),
        Case(rule: "core is an everyday word", text: "home office VPN logins", entities: []),
        Case(rule: "core is an everyday word", text: "Time to pay", entities: []),
        Case(rule: "core as filed", text: "HOME internal documents", entities: ["HOME CO., LTD."]),
        Case(rule: "with its legal form", text: "Home Co., Ltd. customer list", entities: ["HOME CO., LTD."]),
        Case(rule: "short acronym in a path", text: "found /var/www/abc/backup.sql", entities: []),
        Case(rule: "katakana core is an everyday word", text: "any files you want", entities: []),
        Case(
            rule: "corroborated by its full name",
            text: "canon photos; Canon Inc. confirmed",
            entities: ["Canon Inc."]
        ),
        Case(rule: "everyday word in another case", text: "CANON printers", entities: []),
        Case(rule: "words split by a comma", text: "faculty of science, arts and letters", entities: []),
        Case(
            rule: "the name with its own punctuation",
            text: "Science Arts, Inc. customer list",
            entities: ["Science Arts, Inc."]
        ),
        Case(rule: "a phrase of everyday words", text: "we can deliver more", entities: []),
        Case(rule: "an everyday phrase is no split name", text: "well done Team", entities: []),
        Case(
            rule: "a shouted title says nothing by its case",
            text: "SOLAR INDUSTRIES HACKED. MORE THAN 2TB LEAKED",
            entities: []
        ),
        Case(rule: "as filed in an ordinary title", text: "MORE internal mail", entities: ["MORE"]),
        Case(rule: "inside a host name", text: "THEHURSTGROUP.CO.UK files", entities: []),
        Case(rule: "a top-level domain", text: "wtpartnership.asia", entities: []),
        Case(rule: "a one-word name before another name", text: "ASIA Vital Components", entities: []),
        Case(rule: "a short word losing a letter is another name", text: "SDZ Druck und Medien", entities: []),
        // Company context, read both ways
        Case(rule: "group company", text: "Omron Healthcare Co., Ltd. breach", entities: ["Omron Corporation"]),
        Case(rule: "group company", text: "Makita U.S.A. Inc. hacked", entities: ["Makita Corporation"]),
        Case(rule: "misspelt legal form", text: "Makita Corporatoon leak", entities: ["Makita Corporation"]),
        Case(rule: "another company", text: "Omron Healthcare leak", entities: []),
        Case(rule: "a name before the core", text: "files from Shiga Sekisui plant", entities: []),
        Case(rule: "a word before the name", text: "photos from Mount Fuji trip", entities: []),
        Case(rule: "a headline's capital", text: "Hacked Fuji servers for sale", entities: ["Fuji Corporation"]),
        // Surnames, places and brands (English proper nouns) as registry names
        Case(rule: "a surname as filed", text: "COLLINS data leak", entities: ["COLLINS"]),
        Case(rule: "a surname after another name", text: "Kessler Collins", entities: []),
        Case(rule: "partners' names joined by &", text: "Fee, Smith & Collins", entities: []),
        Case(rule: "partners' names joined by +", text: "Bieler + Collins GmbH", entities: []),
        Case(rule: "a surname's group company needs a country", text: "Parker Appliance Company", entities: []),
        Case(
            rule: "a surname's group company with a country",
            text: "Parker Canada Ltd. hacked",
            entities: ["PARKER CORPORATION"]
        ),
        Case(rule: "a generic name at the end of another", text: "Hall Technologies Inc", entities: []),
        Case(rule: "a generic name as filed", text: "TECHNOLOGIES, Inc. files", entities: ["TECHNOLOGIES, Inc."]),
        Case(rule: "an everyday word after “the”", text: "Fruit of the Earth", entities: []),
        Case(
            rule: "an everyday word with its legal form",
            text: "Earth Corporation leak",
            entities: ["EARTH CORPORATION"]
        ),
        Case(rule: "a name starting another host's label", text: "jean-nouvel.com", entities: []),
        Case(
            rule: "a name starting its group's host label",
            text: "kyocera-avx.com",
            entities: ["Kyocera Corporation"]
        ),
        // Short acronyms: the legal form must be the entity's family, a grouping word its own
        Case(rule: "an acronym with its family's legal form", text: "TCI Co., Ltd. leak", entities: ["TCI"]),
        Case(rule: "an acronym with another country's legal form", text: "TCI GmbH leak", entities: []),
        Case(rule: "an acronym with a grouping its names lack", text: "ABC Group leak", entities: []),
        Case(rule: "an acronym with its own grouping", text: "ABC Holdings leak", entities: ["ABC Holdings"]),
        Case(rule: "a bare acronym as the whole title", text: "TCI", entities: []),
        Case(rule: "an acronym hyphenated to another word", text: "TCI-Stahl price list", entities: []),
        Case(rule: "an acronym introduced as the victim", text: "Initial access: TCI, Canada", entities: ["TCI"]),
        // Misspellings on real titles
        Case(rule: "a near miss with another firm's legal form", text: "Albatros S.r.l.", entities: []),
        Case(
            rule: "two slips in one word of a longer name",
            text: "EVA Airweyz Corporation leak",
            entities: ["EVA Airways Corporation"]
        ),
        Case(
            rule: "a near miss after another name",
            text: "Selling access to Wuxi Yujia Biotech Corporation",
            entities: []
        ),
        // Written variants, each with its own step. A generic word left out and romanised CJK names
        // fired on access methods and surnames ("Citrix", "Kimura"): they are not read.
        Case(
            rule: "standard abbreviations",
            text: "Kyoto Mfg Intl leak",
            entities: ["Kyoto Manufacturing International Co., Ltd."]
        ),
        Case(rule: "no generic word left out", text: "Kingston files", entities: []),
        Case(rule: "no romanised name", text: "Lianxiang internal docs", entities: []),
        // Short names: slips that keep the letters, look-alike digits, dotted acronyms in longer names
        Case(
            rule: "two letters swapped in a short name",
            text: "Yamtao Corporation hacked",
            entities: ["YAMATO CORPORATION"]
        ),
        Case(rule: "a letter doubled in a short name", text: "Meddix Inc. marketing data", entities: ["Medix Inc."]),
        Case(rule: "a doubled letter written once", text: "Recom Co., Ltd. leak", entities: ["RECOMM CO.,LTD."]),
        Case(rule: "a slip is no group company", text: "Sanok Rubber Company S.A.", entities: []),
        Case(rule: "the first letter stays", text: "Aymato files", entities: []),
        Case(rule: "a digit for a look-alike letter", text: "HAKUT0 Co., Ltd - 75GB", entities: ["Hakuto Co.,Ltd."]),
        Case(
            rule: "a dotted acronym in a longer name",
            text: "G.M.O. Financial Holdings - DB leak",
            entities: ["GMO Financial Holdings, Inc."]
        ),
        Case(
            rule: "a group company named by its region",
            text: "Bridgestone Americas hacked",
            entities: ["Bridgestone Corporation"]
        ),
        Case(
            rule: "a region and then another word is another firm",
            text: "Bridgestone Americas Tire Recyclers",
            entities: []
        ),
        // Words around a one-word name that make it part of something else
        Case(rule: "partners, with the ampersand escaped", text: "Barrow, Collins &amp; Co leak", entities: []),
        Case(rule: "a surname hyphenated to another", text: "jean-claude backup files", entities: []),
        Case(
            rule: "a group's name hyphenated to its unit",
            text: "Kyocera-Avx files",
            entities: ["Kyocera Corporation"]
        ),
        Case(rule: "an acronym after the words it abbreviates", text: "Tamar Medical Systems (TMS) data", entities: []),
        Case(
            rule: "an acronym after the words it abbreviates, small words skipped",
            text: "Tècnica Marítima de Sistemes (TMS)",
            entities: []
        ),
        Case(rule: "an acronym given as another name", text: "Trans Medical Supply or TMS", entities: []),
        Case(rule: "an acronym, other words before", text: "Great news or TMS leaked", entities: ["TMS Co., Ltd"]),
        Case(rule: "the acronym as a firm's name", text: "TMS Co., Ltd. leaked", entities: ["TMS Co., Ltd"]),
        Case(rule: "a partner of a law firm", text: "Hartley | Gordon | Pike, P.A. - 20GB", entities: []),
        Case(rule: "a law firm's legal form", text: "Ward, Lowe and Finch, APC", entities: []),
        Case(rule: "a practice named after a person", text: "The Collins Law Firm files", entities: []),
        Case(
            rule: "the first partner of a practice",
            text: "Morikawa & Ishida Law Office (Osaka)",
            entities: []
        ),
        Case(rule: "a partner before '& Partners'", text: "Nagai, Morikawa & Partners tax files", entities: []),
        Case(
            rule: "a firm describing itself",
            text: "Morikawa, Microsoft Partner - 20GB leaked",
            entities: ["MORIKAWA CO., LTD."]
        ),
        Case(rule: "the name as filed", text: "Morikawa Co., Ltd. - 30GB leaked", entities: ["MORIKAWA CO., LTD."]),
        Case(rule: "the core with a partner firm", text: "Morikawa and Goto dental records", entities: []),
        Case(rule: "a given name before it: a person", text: "Daniel Morikawa interview notes", entities: []),
        Case(rule: "a given name before it, full width", text: "Ｄａｎｉｅｌ　Ｍｏｒｉｋａｗａ interview", entities: []),
        Case(rule: "another name after it, full width", text: "转让Ｍｏｒｉｋａｗａ　Ｂｕｓｓａｎ员工邮箱", entities: []),
        Case(rule: "a region before it is no person", text: "Japan Morikawa leak", entities: ["MORIKAWA CO., LTD."]),
        Case(rule: "a possessive's s is no word of a name", text: "The company's plan for 2024", entities: []),
        Case(rule: "a possessive's s, any apostrophe", text: "The companyʼs plan for 2024", entities: []),
        Case(rule: "a one-letter word is not misspelt", text: "QFC International (Europe)", entities: []),
        Case(rule: "a word is no misspelt legal form", text: "Morikawa Industrial Technologies", entities: []),
        Case(
            rule: "a generic word (Industry) left out, a group company of its country",
            text: "Quorvata Of America - 50GB",
            entities: ["QUORVATA INDUSTRY CO., LTD."]
        ),
        Case(rule: "a generic word left out, then a capitalised word", text: "Quorvata Tech Supply", entities: []),
        Case(rule: "a CJK word run on into another organisation", text: "精华体育产业集团 数据泄露", entities: []),
        Case(rule: "a CJK word run on into a hospital", text: "精华医院 患者信息", entities: []),
        Case(rule: "a CJK word with a grouping word", text: "精华集团 内部文件", entities: ["精華光學股份有限公司"]),
        Case(rule: "a CJK word with its legal form", text: "精华股份有限公司 内部文件", entities: ["精華光學股份有限公司"]),
        Case(rule: "a CJK word with its own continuation", text: "精华光学 内部文件", entities: ["精華光學股份有限公司"]),
        Case(rule: "a CJK word alone", text: "新增受害者：精华 10GB", entities: ["精華光學股份有限公司"]),
        Case(rule: "a distinctive CJK name's group", text: "鸿海科技集团 数据泄露", entities: ["鴻海精密工業股份有限公司"]),
        Case(rule: "a CJK word, then running text", text: "精华员工资料和银行账户泄露", entities: ["精華光學股份有限公司"]),
        Case(rule: "a brand's group company", text: "华为终端有限公司 数据泄露", entities: ["HUAWEI TECHNOLOGIES CO., LTD."]),
        Case(rule: "a misspelt legal form", text: "Morikawa Industires hacked", entities: ["MORIKAWA CO., LTD."]),
        Case(rule: "the long word misspelt", text: "Q Internatoinal Inc. leak", entities: ["Q International Inc."]),
        Case(rule: "a one-letter first word", text: "S PLAN GROUP leaked", entities: ["S PLAN GROUP CO., LTD."]),
        Case(rule: "a form after a joiner is the name's own", text: "R&R Electronics data", entities: []),
        Case(rule: "the name with its joined form", text: "R&Company hacked", entities: ["株式会社Ｒ＆Ｃｏｍｐａｎｙ"]),
        Case(rule: "a town", text: "City of Corona - police files", entities: []),
        Case(rule: "a town, elided", text: "Comune di Villanova d'Asti", entities: []),
        Case(rule: "the registry name itself", text: "CORONA CORPORATION leak", entities: ["CORONA CORPORATION"]),
        Case(rule: "a region used as a place", text: "largest builders in Asia hacked", entities: []),
        Case(
            rule: "a line of business filed as a name ends another's",
            text: "Zhenghe Optoelectronics Co., Ltd. hacked",
            entities: []
        ),
        Case(rule: "a surname with a grouping word it lacks", text: "Parker Group leak", entities: []),
        Case(rule: "a surname with its own form", text: "Parker Corporation hacked", entities: ["PARKER CORPORATION"]),
        Case(rule: "a place with another country's form", text: "ASIA PTY LTD files", entities: []),
        Case(rule: "another site than the declared one", text: "APEX - apexfreight.de", entities: []),
        Case(rule: "another site, the name alone", text: "apexcargo.org leaked", entities: []),
        Case(rule: "the declared site", text: "APEX - apex.com.tw", entities: ["APEX"]),
        Case(rule: "a folder in a path", text: "FILES PART3 - 10.1.1.5\\HR\\LOGOS\\ published", entities: []),
        Case(rule: "a unit of another firm", text: "CDS, a Northwind Partners company - leak", entities: []),
        Case(rule: "part of an identifier", text: "ASIA_backup.zip", entities: []),
        Case(
            rule: "everyday words as a name in a title",
            text: "Wealth Management, Inc. hacked",
            entities: ["Wealth Management, Inc."]
        ),
        // A short name misspelt as people misspell it counts with the entity's legal form (or a line of
        // business after a sound-alike or slip): other firms are one such edit away without it
        Case(
            rule: "a short name: s for z with its legal form",
            text: "Hosuma Corporation customer files",
            entities: ["HOZUMA CORPORATION"]
        ),
        Case(rule: "a short name misspelt without a legal form", text: "Hosuma leak", entities: []),
        Case(rule: "a short name misspelt with another family's form", text: "Hosuma GmbH price list", entities: []),
        Case(
            rule: "a short name: a vowel with its own grouping word",
            text: "Keiwen Holdings railway data",
            entities: ["Keiwan Holdings Co., Ltd."]
        ),
        Case(rule: "a vowel of the first syllable is another name", text: "Kaiwan Holdings railway data", entities: []),
        Case(
            rule: "a vowel of a pair left out, with the legal form",
            text: "Mizert Corporation leak",
            entities: ["MIZEART Corporation"]
        ),
        Case(rule: "a vowel left out before a line of business", text: "Mizert Software source code", entities: []),
        Case(
            rule: "ou for o (a Japanese long vowel)",
            text: "Daikobou Co., Ltd. leak",
            entities: ["Daikobo Co., Ltd."]
        ),
        Case(rule: "a sound-alike last letter is another firm", text: "Tamtek Co., Ltd. leak", entities: []),
        Case(
            rule: "a slip before a line of business: a group company",
            text: "Quixon Tech - 20GB published",
            entities: ["Quixxon"]
        ),
        Case(rule: "a line of business and another name", text: "Quixon Tech Data Corp", entities: []),
        Case(
            rule: "a digit for a letter in a short word",
            text: "Sora 0ne Corporation network access",
            entities: ["Sora One Corporation"]
        ),
        Case(
            rule: "an everyday word in the other number",
            text: "Takamura Food Corp. - data leak",
            entities: ["TAKAMURA FOODS CORPORATION"]
        ),
        Case(rule: "inflected, with no distinctive word", text: "Blue Food Corp. - data leak", entities: []),
        Case(rule: "a registry name with Co. glued on", text: "MIZUKI CO., LTD. hacked", entities: ["mizukico.,ltd"]),
        Case(
            rule: "a registry's own misspelling of an everyday word",
            text: "Kanto Finacial leak",
            entities: ["Kanto Financial Holdings Co., Ltd."]
        ),
        Case(
            rule: "abbreviations of a word misspelt as filed",
            text: "Kurata Elec. Ind. Co hacked",
            entities: ["Kurata Electronics Indutrial Co.,Ltd"]
        ),
        // What was taken, written after the name, is the listing's
        Case(
            rule: "a listing's words after the name",
            text: "Makita Customer Database leaked",
            entities: ["Makita Corporation"]
        ),
        Case(rule: "shouted, likewise", text: "MAKITA EMPLOYEE RECORDS - 40GB", entities: ["Makita Corporation"]),
        Case(rule: "another firm's name still is not", text: "Makita Harbor Logistics leak", entities: []),
        Case(
            rule: "a lower-case legal form a hyphen joins is a word",
            text: "Plans of a mega-corporation leaked",
            entities: []
        ),
        Case(rule: "a short name with its legal form", text: "MEGA Corporation leaked", entities: ["MEGA"]),
        // Companies of one watchlist whose names differ only in the legal form
        Case(rule: "a core two entities share", text: "Shizukura - 40GB leaked", entities: []),
        Case(rule: "a group company of one of them", text: "Shizukura America Corporation dump", entities: []),
        Case(rule: "the full name says which", text: "Shizukura Co., Ltd. dump", entities: ["SHIZUKURA CO., LTD."]),
        Case(
            rule: "a grouping word only one has",
            text: "Kasumi Group data leak",
            entities: ["KASUMI GROUP HOLDINGS, LTD."]
        ),
        // A misspelt name and a line of business: a group company, unless another country's form follows
        Case(
            rule: "a misspelling, a line of business, its form",
            text: "Quellvarin Chemicals Ltd. leak",
            entities: ["Quelvarin Ltd."]
        ),
        Case(
            rule: "a misspelling, a line of business, another form",
            text: "Quellvarin Chemicals AG leak",
            entities: []
        ),
        // A generic word left out, when the word left names the company alone
        Case(
            rule: "a generic word left out",
            text: "Mochizawa - 40GB leaked",
            entities: ["MOCHIZAWA PHARMACEUTICAL CO.,LTD."]
        ),
        Case(
            rule: "shouted, likewise",
            text: "[LEAK] MOCHIZAWA | Japan",
            entities: ["MOCHIZAWA PHARMACEUTICAL CO.,LTD."]
        ),
        Case(
            rule: "with its own family's legal form",
            text: "Mochizawa Co., Ltd. dump",
            entities: ["MOCHIZAWA PHARMACEUTICAL CO.,LTD."]
        ),
        Case(rule: "another firm's name goes on after it", text: "Mochizawa Comtec data leak", entities: []),
        Case(rule: "another line of business after it", text: "Mochizawa semiconductor dump", entities: []),
        Case(rule: "written in lower case", text: "mochizawa leaked", entities: []),
        Case(rule: "full-width lower case", text: "ｍｏｃｈｉｚａｗａ leaked", entities: []),
        Case(rule: "a town before it and a legal form after", text: "Fuzhou Mochizawa Co., Ltd. leaked", entities: []),
        Case(
            rule: "a file name is no other firm",
            text: "Mochizawa.rar - 40GB",
            entities: ["MOCHIZAWA PHARMACEUTICAL CO.,LTD."]
        ),
        Case(rule: "joined by a hyphen to another word", text: "Mochizawa-Investment dump", entities: []),
        Case(rule: "joined by a full stop", text: "Mochizawa.Communications hacked", entities: []),
        Case(rule: "a town before it", text: "Initial access: Fuzhou Mochizawa, revenue $3M", entities: []),
        Case(rule: "a listing's word, then a name's", text: "Mochizawa Information Tools Ltd. dump", entities: []),
        Case(
            rule: "a listing's word alone",
            text: "Mochizawa Information leaked",
            entities: ["MOCHIZAWA PHARMACEUTICAL CO.,LTD."]
        ),
        Case(rule: "after an ideographic space", text: "出售 Ｍｏｃｈｉｚａｗａ　Ｌｏｇｉｓｔｉｃｓ 数据", entities: []),
        Case(rule: "another country's legal form", text: "Mochizawa GmbH hacked", entities: []),
        Case(rule: "named as the way in", text: "Selling access to a bank network (Mochizawa)", entities: []),
        Case(rule: "after 'via'", text: "Initial access via Mochizawa, 40 hosts", entities: []),
        Case(
            rule: "a country after it: a group company",
            text: "MOCHIZAWA THAILAND",
            entities: ["MOCHIZAWA PHARMACEUTICAL CO.,LTD."]
        ),
        Case(rule: "a laboratory's name shortened", text: "VARDEXO - 12GB", entities: ["Vardexo Laboratories"]),
        Case(rule: "the word left is a town", text: "Kingston - 40GB leaked", entities: []),
        Case(rule: "the word left starts many registered names", text: "Sumitomo - 40GB leaked", entities: []),
        Case(rule: "the whole name still counts", text: "Kingston Technology leak", entities: ["Kingston Technology"]),
        // Chinese and Japanese everyday words left once the legal form is dropped
        Case(rule: "a CJK core that is an everyday word", text: "我们的未来计划 数据泄露", entities: []),
        Case(rule: "the CJK name with its legal form", text: "未来集团 数据泄露", entities: ["未来集团"]),
        Case(rule: "a CJK core introduced as the victim", text: "受害单位：未来。数据包含姓名。", entities: ["未来集团"]),
        Case(rule: "a distinctive alias written without a form", text: "星河 内部文件", entities: ["星河电子股份有限公司"]),
        Case(rule: "a registry's short name that is an everyday word", text: "祝你幸福 数据包 2GB", entities: []),
        Case(rule: "alone, still the everyday word", text: "幸福 内部文件", entities: []),
        Case(rule: "its full name without the form", text: "幸福电子 内部文件", entities: ["幸福电子股份有限公司"]),
        Case(rule: "the short name introduced as the victim", text: "受害企业：幸福。", entities: ["幸福电子股份有限公司"]),
        // A word of three letters takes one edit when the other words stand exactly (5+ letters)
        Case(
            rule: "a three-letter word misspelt",
            text: "Uny-Marevo Enterprises Corp. leak",
            entities: ["Uni-Marevo Enterprises Corp."]
        ),
        Case(rule: "a three-letter word, a sound-alike", text: "Tokai Gac dump", entities: ["Tokai Gas Corporation"]),
        Case(rule: "a three-letter word and another misspelt", text: "Uny-Mareva Enterprises leak", entities: []),
        Case(rule: "a three-letter word, another letter", text: "Tokai Gam dump", entities: []),
        // A short legal form misspelt before the rest of the form is still the legal form
        Case(
            rule: "a misspelt name and a misspelt short legal form",
            text: "Kurotakki Cpo., Inc. leak",
            entities: ["Kurotaki Co., Inc."]
        ),
        Case(rule: "a capitalised word after the name", text: "Kurotaki Cpo leak", entities: []),
        // A doubled letter that spells a surname counts with a legal form or a line of business after it
        Case(
            rule: "a doubled letter spelling a surname, a business after",
            text: "Kai Forrest Enterprise hacked",
            entities: ["Kai Forest"]
        ),
        Case(
            rule: "a doubled letter spelling a surname, alone",
            text: "Kai Forrest said the breach was contained",
            entities: []
        ),
        // A registry name's leading "The" goes with its legal form
        Case(
            rule: "a leading The dropped",
            text: "Kizuna Bank customer data leaked",
            entities: ["The Kizuna Bank, Ltd."]
        ),
        Case(rule: "not when the rest is an everyday word", text: "a pack of stolen files leaked", entities: []),
        Case(
            rule: "a misspelling with the article",
            text: "The Borvix Company files",
            entities: ["The Borvex Company"]
        ),
        // Romanisations and sound-alikes, weighed as one edit
        Case(rule: "Kunrei si for Hepburn shi", text: "Sibaru Co., Ltd. leak", entities: ["Shibaru Co., Ltd."]),
        Case(rule: "another first letter", text: "Libaru Co., Ltd. leak", entities: []),
        Case(rule: "l for r", text: "Kamulon Co., Ltd. dump", entities: ["Kamuron Co., Ltd."]),
        Case(rule: "Wade-Giles ch for pinyin q", text: "LianChiu files leaked", entities: ["LianQiu"]),
        Case(rule: "Wade-Giles hs for pinyin x, first letter", text: "Hsinbaoda data leaked", entities: ["Xinbaoda"]),
        Case(rule: "ph for f, first letter", text: "Phenoriko Co., Ltd. hacked", entities: ["Fenoriko Co., Ltd."]),
        Case(rule: "p is not ph", text: "Penoriko Co., Ltd. hacked", entities: []),
        Case(rule: "k for c, first letter", text: "Korvanta Inc. leak", entities: ["Corvanta Inc."]),
        Case(rule: "k for c, a short name with its legal form", text: "Kuvora Inc. files", entities: ["Cuvora Inc."]),
        Case(rule: "k for c, a short name alone", text: "Kuvora said today", entities: []),
        Case(
            rule: "l for r in a short name, legal form",
            text: "Tamilo Co., Ltd. leak",
            entities: ["Tamiro Co., Ltd."]
        ),
        Case(rule: "l for r in a short name, a business only", text: "Tamilo Technology leak", entities: []),
        Case(rule: "s for a last z, legal form", text: "Hojits Corporation data", entities: ["Hojitz Corporation"]),
        Case(rule: "k for a last c: another firm", text: "Nadek Co., Ltd. files", entities: []),
        Case(
            rule: "f for ph, a line of business after",
            text: "Torfin Technology leak",
            entities: ["Torphin Co., Ltd."]
        ),
        Case(rule: "a letter doubled, a form of its own family", text: "Kollintra Corp leaked", entities: ["KOLINTRA"]),
        Case(rule: "a misspelling, a line of business after", text: "Korminta Technology leak", entities: ["CORMINTA"]),
        Case(rule: "a surname misspelt before a business", text: "Hamiltan Electric Corporation leak", entities: []),
        Case(rule: "a vowel changed before a business: another firm", text: "Cormanta Technology leak", entities: []),
        Case(
            rule: "a sound-alike introduced as the victim",
            text: "Dump of Kaptom (1.2TB)",
            entities: ["CAPTOM CO., LTD."]
        ),
        Case(rule: "Kunrei ti for Hepburn chi", text: "Mitirou Co., Ltd. leak", entities: ["Michirou Co., Ltd."]),
        Case(rule: "sh for a first s, legal form", text: "Shinmoa Co., Ltd. files", entities: ["SINMOA CO., LTD."]),
        Case(rule: "sh for a first s, alone", text: "Shinmoa said today", entities: []),
        Case(
            rule: "a short acronym spelled with full stops, its legal form",
            text: "K.R.D. Corporation leaked",
            entities: ["KRD"]
        ),
        Case(rule: "… with another family's legal form", text: "K.R.D. GmbH leaked", entities: []),
        Case(
            rule: "a founder's initial dropped",
            text: "Takamizu & Co. data published",
            entities: ["K.TAKAMIZU&CO.,LTD."]
        ),
        Case(rule: "a letter without a full stop is no initial", text: "Kobe beef exports leaked", entities: []),
        Case(rule: "vv for w in a short name", text: "Davvnix data leak", entities: ["Dawnix"]),
        Case(rule: "rn for m in a short name", text: "Karniro files leaked", entities: ["Kamiro"]),
        Case(rule: "a swap before a line of business", text: "GeneVria Biotechnology leaked", entities: ["GENEVIRA"]),
        // Wade-Giles and Taiwanese spellings written in pinyin, read from the Chinese name
        Case(rule: "pinyin of the Chinese name", text: "Zhong Lian Machinery data leaked", entities: ["CHUNG LIEN"]),
        Case(rule: "one syllable in pinyin", text: "Zhong Lien Machinery data leaked", entities: ["CHUNG LIEN"]),
        Case(rule: "ch written zh, letter by letter", text: "Xian Zhang Plastics leak", entities: ["HSIEN CHANG"]),
        Case(rule: "a one-word name in pinyin, legal form", text: "Guoxin Co., Ltd. leaked", entities: ["KUOSHIN"]),
        Case(rule: "a name that is no reading of its Chinese name", text: "Lian He Systems leak", entities: []),
        Case(rule: "pinyin run together after a town", text: "Ningbo Zhonglian Machinery Co., Ltd. leak", entities: []),
        Case(rule: "pinyin run together: the name's word breaks", text: "Zhonglian leaked", entities: []),
        Case(rule: "a name already in pinyin is not respelt", text: "Zhenlan Optics Co., Ltd. leak", entities: []),
        // Japanese names in Kunrei/Nihon-shiki where the registry has Hepburn
        Case(
            rule: "ty for ch in a Japanese name's word",
            text: "Kurose Tyoki Co., Ltd. leak",
            entities: ["KUROSE CHOKI CO., LTD."]
        ),
        Case(rule: "… not for a name of no Japanese entity", text: "Mori Tyoko leak", entities: []),
        Case(
            rule: "Kunrei hu for a first fu, legal form",
            text: "Husami Co., Ltd. files",
            entities: ["FUSAMI CO., LTD."]
        ),
        Case(rule: "Kunrei hu for a first fu, alone", text: "Husami said today", entities: []),
        Case(
            rule: "a first-syllable vowel, legal form",
            text: "Kersen Co., Ltd. leaked",
            entities: ["KARSEN CO., LTD."]
        ),
        Case(rule: "a first-syllable vowel, alone", text: "Kersen said today", entities: []),
        Case(rule: "a first-syllable vowel in a host name", text: "creds for portal.kersen.co.jp", entities: []),
        Case(rule: "pinyin after a town", text: "Ningbo Zhong Lian Machinery Co., Ltd. leak", entities: []),
        Case(rule: "a pinyin form of under five letters", text: "Dai Kogyo Corp. leak", entities: []),
        Case(rule: "a pinyin form of under five letters, alone", text: "Da I leaked", entities: []),
        // Abbreviations, glued legal forms, OCR, split words
        Case(
            rule: "Pharma for Pharmaceutical",
            text: "Kozuna Pharma files leaked",
            entities: ["Kozuna Pharmaceutical Co., Ltd."]
        ),
        Case(
            rule: "Const. for Construction",
            text: "Hayabe Const. Co. hacked",
            entities: ["Hayabe Construction Co., Ltd."]
        ),
        Case(rule: "a legal form glued to the name", text: "Lumo77 Corp database", entities: ["LUMO77corporation"]),
        Case(
            rule: "a lower-case l for I in capitals",
            text: "MOlKA Corporation leaked",
            entities: ["MOIKA CORPORATION"]
        ),
        Case(rule: "an l in lower case is an l", text: "molka corporation leaked", entities: []),
        Case(
            rule: "Il for Ii at a word's start",
            text: "Ilro Group Holdings leak",
            entities: ["Iiro Group Holdings Co., Ltd."]
        ),
        Case(
            rule: "everyday words split, the name's others written",
            text: "Moon Gate Security leak",
            entities: ["MoonGate Security, Inc."]
        ),
    ]

    @Test(arguments: cases)
    func rule(_ testCase: Case) {
        let hits = Self.matcher.match(testCase.text, threshold: Matcher.defaultThreshold)
        #expect(
            Set(hits.map(\.entity)) == Set(testCase.entities),
            "\(hits.map { "\($0.entity)/\($0.name)=\($0.matched) \($0.score) \($0.steps)" })"
        )
    }

    /// Two companies of one watchlist whose names differ only in the legal form make a bare
    /// mention of either ambiguous, for that watchlist only: another customer who watches one of
    /// them still gets it.
    @Test func aCoreSharedWithinAWatchlistIsAmbiguousThereOnly() throws {
        let two = try watchlist(
            "customer: Two\nentity: TAKEMURA CORPORATION\nentity: TAKEMURA CO., LTD.\n",
            file: "two.watch"
        )
        let one = try watchlist("customer: One\nentity: Takemura Corporation\n", file: "one.watch")
        let together = Matcher(watchlists: [two, one])
        #expect(together.match("Takemura - 40GB leaked", threshold: 0.8).map(\.customer) == ["One"])
        #expect(Matcher(watchlists: [one]).match("Takemura - 40GB leaked", threshold: 0.8).map(\.customer) == ["One"])
        #expect(Matcher(watchlists: [two]).match("Takemura - 40GB leaked", threshold: 0.8).isEmpty)
        // The entity's domain in the listing says which; a shortened name is as ambiguous.
        let domain = try watchlist(
            """
            customer: Domain
            entity: TAKEMURA CORPORATION
              domain: takemura.example
            entity: TAKEMURA CO., LTD.
            entity: ZORBINAX PHARMACEUTICAL CORPORATION
            entity: ZORBINAX PHARMACEUTICAL CO., LTD.
            """,
            file: "domain.watch"
        )
        let named = Matcher(watchlists: [domain]).match("Takemura (takemura.example) leak", threshold: 0.8)
        #expect(named.contains { $0.matched == "Takemura" && $0.entity == "TAKEMURA CORPORATION" })
        #expect(!named.contains { $0.entity == "TAKEMURA CO., LTD." })
        #expect(
            Matcher(watchlists: [domain]).match("Zorbinax - 40GB leaked", threshold: 0.5).allSatisfy { $0.score <= 0.5 }
        )
        #expect(Matcher(watchlists: [domain]).match("Zorbinax Pharma leaked", threshold: 0.8).isEmpty)
    }

    /// Which registered company a fuller name is, from the registries bundled with the product
    /// (`RegisteredNames`): the entities here are named as the registries file them.
    @Test func aFullerNameOfAnotherRegisteredCompanyIsThatCompanys() throws {
        let imported = try watchlist(
            """
            customer: Import
            entity: HOYA
              alias: 富野大飯店股份有限公司
            entity: NIDEC CORPORATION
            entity: Asahi Co.,LTD.
            """,
            file: "import.watch"
        )
        let byHand = try watchlist("customer: Hand\nentity: HOYA\n", file: "hand.watch")
        let registry = Matcher(watchlists: [imported])
        // TPEx's HOYA (a hotel) is not EDINET's HOYA CORPORATION; Asahi Co., Ltd. is not Asahi Group.
        #expect(registry.match("HOYA Corporation leak", threshold: 0.8).isEmpty)
        #expect(registry.match("Asahi Group data for sale", threshold: 0.8).isEmpty)
        #expect(registry.match("HOYA hacked", threshold: 0.8).map(\.entity) == ["HOYA"])
        // "Nidec Corp." is NIDEC CORPORATION's own name, abbreviated.
        #expect(registry.match("Nidec Corp. hacked", threshold: 0.8).map(\.entity) == ["NIDEC CORPORATION"])
        // A name written by hand may mean any company that bears it.
        #expect(Matcher(watchlists: [byHand]).match("HOYA Corporation leak", threshold: 0.8).map(\.entity) == ["HOYA"])
    }

    @Test func escapedTextIsReadDecodedAndReportedAsWritten() throws {
        let title = "Tom &amp;amp; Jerry &#8211; Kyocera Corporation leak"
        let hit = try #require(Self.matcher.match(title, threshold: 0.8).first)
        #expect(hit.matched == "Kyocera Corporation")
        let bytes = Array(title.utf8)
        #expect(String(decoding: bytes[hit.byteRange], as: UTF8.self) == "Kyocera Corporation")
    }

    @Test func fullWidthTextIsReadNarrowAndReportedAsWritten() throws {
        let title = "出售Ｍｏｒｉｋａｗａ　Ｃｏ．，　Ｌｔｄ．数据库"
        let hit = try #require(Self.matcher.match(title, threshold: 0.8).first)
        #expect(hit.entity == "MORIKAWA CO., LTD.")
        #expect(String(decoding: Array(title.utf8)[hit.byteRange], as: UTF8.self) == hit.matched)
        #expect(hit.matched.hasPrefix("Ｍｏｒｉｋａｗａ"), "\(hit.matched)")
    }

    @Test func groupCompaniesSaySo() throws {
        let hit = try #require(Self.matcher.match("Omron Healthcare Co., Ltd. breach", threshold: 0.8).first)
        #expect(hit.score == Matcher.groupScore)
        #expect(hit.steps.contains("a group company: Omron Healthcare Co., Ltd."), "\(hit.steps)")
    }

    @Test func bodyCountsForLessAndIsRecorded() throws {
        let title = try #require(Self.matcher.match(title: "Fujitsu Limited leak", body: "", threshold: 0).first)
        let body = try #require(
            Self.matcher.match(title: "Big leak", body: "Victim: Fujitsu Limited.", threshold: 0).first
        )
        #expect(title.field == .title)
        #expect(body.field == .body)
        #expect(body.score == title.score - Matcher.bodyPenalty)
        // An everyday word as filed counts in the title, not in a description.
        #expect(Self.matcher.match(title: "SMART leak", body: "", threshold: 0.8).count == 1)
        #expect(Self.matcher.match(title: "Leak", body: "Clients include SMART and others.", threshold: 0.8).isEmpty)
        // Everyday words as a name in a description: someone's line of work, not the victim.
        #expect(
            Self.matcher.match(title: "Leak", body: "A firm offering wealth management to families.", threshold: 0.8)
                .isEmpty
        )
        // A one-word name in a description is mostly someone else's, unless introduced as the victim.
        #expect(Self.matcher.match(title: "Leak", body: "Offices across Asia and Europe.", threshold: 0.8).isEmpty)
        #expect(Self.matcher.match(title: "Leak", body: "Suppliers: Kyocera and others.", threshold: 0.8).isEmpty)
        #expect(
            Self.matcher.match(title: "Leak", body: "Victim: Kyocera. Price on request.", threshold: 0.8).map(\.entity)
                == ["Kyocera Corporation"]
        )
        #expect(
            Self.matcher.match(title: "Leak", body: "This is the full dump of ASIA.", threshold: 0.8).map(\.entity) == [
                "ASIA"
            ]
        )
    }

    @Test func nearMissOfAWeakNameExplainsWhy() throws {
        let near = try #require(Self.matcher.candidates(in: "smart meter readings").first)
        #expect(near.score < Matcher.defaultThreshold)
        #expect(near.steps.contains { $0.hasPrefix("an everyday word or short acronym") }, "\(near.steps)")
    }

    @Test func aRefusedShortMisspellingSaysWhy() throws {
        let near = try #require(Self.matcher.candidates(in: "Hosuma leak").first { $0.entity == "HOZUMA CORPORATION" })
        #expect(near.score < Matcher.defaultThreshold)
        #expect(near.steps.contains { $0.contains("counts only with the entity's legal form") }, "\(near.steps)")
        let hit = try #require(Self.matcher.match("Hosuma Corporation files", threshold: 0.8).first)
        #expect(hit.steps.contains { $0.hasPrefix("a short name's misspelling with its legal form") }, "\(hit.steps)")
    }

    /// What a customer is alerted to depends only on the listing and that customer's own
    /// watchlist: hits with every watchlist loaded equal hits with that customer's alone.
    @Test func oneCustomerNeverChangesAnothersHits() throws {
        let a = try watchlist(
            """
            customer: A
            entity: Kestrel
            entity: Mitsubishi Corporation
            entity: Nissan Motor Co., Ltd.
              alias: Nissan
            entity: Gree Electric
            entity: CHUNG LIEN
              alias: 中聯精機股份有限公司
            """,
            file: "a.watch"
        )
        let b = try watchlist(
            """
            customer: B
            entity: Kestrel Dynamics Corporation
            entity: Mitsubishi Estate
            entity: NISSIN SHOJI CO., LTD.
              alias: Nissin
            entity: GreeElectric Parts
            entity: TENCENT
              alias: 騰訊科技（深圳）有限公司
            """,
            file: "b.watch"
        )
        let listings = [
            "Kestrel Dynamics Corporation leak", "Mitsubishi Estate tenant list", "Nissin and Nissan dealers",
            "Gree Electric Parts catalogue", "GreeElectric Parts", "Kestrel hacked",
            "Mitsubishi Estate Co., Ltd. files", "Zhong Lian Machinery data leaked",
        ]
        let together = Matcher(watchlists: [a, b])
        for list in [a, b] {
            let alone = Matcher(watchlists: [list])
            for text in listings {
                let mixed = together.candidates(in: text).filter { $0.customer == list.customer }
                let own = alone.candidates(in: text)
                #expect(mixed.map(\.description) == own.map(\.description), "\(list.customer): \(text)")
            }
        }
        // The defect this guards against: B's longer name used to hide A's hit.
        #expect(
            together.match("Kestrel Dynamics Corporation leak", threshold: 0.8).map(\.customer).sorted() == ["A", "B"]
        )
        // B's full-width brackets once left every customer's Chinese names unread (no pinyin forms).
        #expect(together.match("Zhong Lian Machinery data leaked", threshold: 0.8).map(\.customer) == ["A"])
    }
}

extension MatchHit {
    /// Everything a customer sees of a hit, for comparing runs.
    var description: String { "\(entity)|\(name)|\(matched)|\(score)|\(field)|\(steps)" }
}
