// watchlistd-conformance: the feed parser and the charset decoder over third-party
// corpora, used where they are (../shared/data; never copied into the repository):
//
//   feedparser-tests/   a peer's test suite: every well-formed sample must parse, every
//                       ill-formed one must fail cleanly or be recovered, and the values
//                       its `Expect:` comments give for feed and entry titles, links and
//                       the encoding must match where our model has the field
//   feed-rs-fixtures/   real feeds with feed-rs's expected parse: item counts and titles
//   chardet-tests/      real feeds filed by their true encoding: decoded text must equal
//                       the text read with the true encoding. Its real-world web pages
//                       (those with HTML markup) also go through the HTML reader
//                       (`format: html`): each must be read, and the page's text must
//                       equal the text read from the bytes decoded with the true encoding
//   ransomwatch/, ransomlook/  aggregators' posts.json read with the block of
//                       examples/sources/ransomwatch-posts.conf: items and dates
//
// Usage: watchlistd-conformance [DATA_DIR] [--verbose]   (make conformance)
import Foundation
import WatchlistCore

let arguments = CommandLine.arguments.dropFirst()
let verbose = arguments.contains("--verbose")
let dataDirectory = arguments.first { !$0.hasPrefix("--") } ?? "../shared/data"
guard FileManager.default.fileExists(atPath: dataDirectory) else {
    FileHandle.standardError.write(
        Data(
            "watchlistd-conformance: \(dataDirectory) not found; give the folder holding feedparser-tests/, feed-rs-fixtures/ and chardet-tests/\n"
                .utf8
        )
    )
    exit(66)
}
let autoFeed = FeedConfig(url: "file:///conformance", name: "conformance")

func files(under folder: String) -> [String] {
    guard let enumerator = FileManager.default.enumerator(atPath: folder) else { return [] }
    return enumerator.compactMap { $0 as? String }.filter {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: folder + "/" + $0, isDirectory: &isDirectory)
            && !isDirectory.boolValue
    }.sorted()
}

func note(_ text: String) { if verbose { print("    " + text) } }

/// Tallies of one kind of check.
struct Tally {
    var passed = 0, total = 0
    mutating func record(_ ok: Bool) {
        total += 1
        if ok { passed += 1 }
    }
    var text: String { "\(passed)/\(total)" }
}

// MARK: feedparser-tests

/// A Python string literal (u'…', '…', "…", with escapes), or a `+` concatenation of them.
func pythonString(_ source: Substring) -> String? {
    var result = ""
    var rest = source.drop { $0 == " " }
    while !rest.isEmpty {
        if rest.first == "u" || rest.first == "b" { rest = rest.dropFirst() }
        guard let quote = rest.first, quote == "'" || quote == "\"" else { return nil }
        rest = rest.dropFirst()
        var scalars = String.UnicodeScalarView()
        var closed = false
        while let c = rest.first {
            rest = rest.dropFirst()
            if c == quote {
                closed = true
                break
            }
            guard c == "\\" else {
                scalars.append(contentsOf: c.unicodeScalars)
                continue
            }
            guard let e = rest.first else { return nil }
            rest = rest.dropFirst()
            func hex(_ n: Int) -> Unicode.Scalar? {
                let digits = rest.prefix(n)
                rest = rest.dropFirst(n)
                return UInt32(digits, radix: 16).flatMap(Unicode.Scalar.init)
            }
            switch e {
            case "n": scalars.append("\n")
            case "t": scalars.append("\t")
            case "r": scalars.append("\r")
            case "x":
                guard let s = hex(2) else { return nil }
                scalars.append(s)
            case "u":
                guard let s = hex(4) else { return nil }
                scalars.append(s)
            case "U":
                guard let s = hex(8) else { return nil }
                scalars.append(s)
            default: scalars.append(contentsOf: e.unicodeScalars)
            }
        }
        guard closed else { return nil }
        result += String(scalars)
        rest = rest.drop { $0 == " " }
        guard rest.first == "+" else { break }
        rest = rest.dropFirst().drop { $0 == " " }
    }
    return rest.trimmingCharacters(in: .whitespaces).isEmpty ? result : nil
}

/// Splits an `Expect:` expression on top-level ` and ` (not inside strings or brackets).
func clauses(_ expression: String) -> [String] {
    var parts: [String] = []
    var current = ""
    var depth = 0
    var quote: Character?
    var i = expression.startIndex
    while i < expression.endIndex {
        let c = expression[i]
        if let q = quote {
            current.append(c)
            if c == "\\", expression.index(after: i) < expression.endIndex {
                i = expression.index(after: i)
                current.append(expression[i])
            } else if c == q {
                quote = nil
            }
        } else if c == "'" || c == "\"" {
            quote = c
            current.append(c)
        } else if "([{".contains(c) {
            depth += 1
            current.append(c)
        } else if ")]}".contains(c) {
            depth -= 1
            current.append(c)
        } else if depth == 0, expression[i...].hasPrefix(" and ") {
            parts.append(current)
            current = ""
            i = expression.index(i, offsetBy: 5)
            continue
        } else {
            current.append(c)
        }
        i = expression.index(after: i)
    }
    parts.append(current)
    return parts.map { $0.trimmingCharacters(in: .whitespaces) }.map {
        $0.hasPrefix("(") && $0.hasSuffix(")") ? String($0.dropFirst().dropLast()) : $0
    }
}

/// Encoding names that mean the same decoding.
func sameEncoding(_ a: String, _ b: String) -> Bool {
    let groups: [Set<String>] = [
        ["gb2312", "gbk", "gb18030"], ["shift_jis", "shift-jis", "cp932", "windows-31j"],
        ["euc-kr", "cp949"], ["big5", "big5-hkscs"], ["utf-16", "utf-16le", "utf-16be"],
        ["utf-32", "utf-32le", "utf-32be"], ["iso-8859-1", "windows-1252", "cp1252"],
    ]
    let (x, y) = (a.lowercased(), b.lowercased())
    return x == y || groups.contains { $0.contains(x) && $0.contains(y) }
}

func runFeedparser() -> (parse: Tally, ill: Tally, loose: Tally, checks: [String: Tally]) {
    let root = dataDirectory + "/feedparser-tests/tests"
    var parse = Tally()
    var ill = Tally()
    var loose = Tally()
    var checks: [String: Tally] = [:]
    for path in files(under: root) where path.hasSuffix(".xml") || path.hasSuffix(".json") {
        guard let data = FileManager.default.contents(atPath: root + "/" + path) else { continue }
        let head = String(decoding: data.prefix(4096), as: UTF8.self)
        func field(_ name: String) -> String? {
            guard let range = head.range(of: name + ":") else { return nil }
            return head[range.upperBound...].prefix { $0 != "\n" }.trimmingCharacters(in: .whitespaces)
        }
        let expect = field("Expect") ?? ""
        let contentType = field("Header").flatMap { header -> String? in
            header.lowercased().hasPrefix("content-type:")
                ? String(header.dropFirst("content-type:".count)).trimmingCharacters(in: .whitespaces) : nil
        }
        // Their harness serves each file at http://127.0.0.1:8097/PATH, or says Content-Location.
        var location: String?
        for line in head.components(separatedBy: "\n") where line.contains("Header:") {
            if let range = line.range(of: "Content-Location:", options: .caseInsensitive) {
                location = String(line[range.upperBound...]).trimmingCharacters(in: .whitespaces)
            }
        }
        let base = URL(string: location ?? "http://127.0.0.1:8097/tests/" + path)
        let result = FeedParser.parseDocument(data, feed: autoFeed, contentType: contentType, baseURL: base)
        let illFormed = path.hasPrefix("illformed/") || expect.hasPrefix("bozo")
        if illFormed {
            // Fails cleanly, or is recovered (libxml2 read it, or the bytes were repaired).
            ill.record(true)
            switch result {
            case .failure(let error): note("ill-formed \(path): failed cleanly: \(error.message)")
            case .success: note("ill-formed \(path): recovered")
            }
            continue
        }
        // Well-formed: in wellformed/, or asserted `not bozo`. The rest (entities/ files with
        // no closing `>` on their root element, for one) only feedparser's loose mode reads.
        let wellFormed = path.hasPrefix("wellformed/") || expect.contains("not bozo")
        if wellFormed { parse.record((try? result.get()) != nil) } else { loose.record((try? result.get()) != nil) }
        guard case .success(let feed) = result else {
            if case .failure(let error) = result {
                note("FAIL parse \(wellFormed ? "" : "(loose) ")\(path): \(error.message)")
            }
            continue
        }
        for clause in clauses(expect) {
            guard let eq = clause.range(of: " == ") else { continue }
            let left = clause[..<eq.lowerBound].trimmingCharacters(in: .whitespaces)
            guard let want = pythonString(clause[eq.upperBound...]) else { continue }
            var got: String?
            var kind = ""
            if left == "encoding" {
                kind = "encoding"
                got = feed.encoding
                let ok = sameEncoding(feed.encoding, want)
                checks[kind, default: Tally()].record(ok)
                if !ok {
                    note("FAIL \(path): encoding \(feed.encoding) (\(feed.encodingSource.rawValue)), expected \(want)")
                }
                continue
            }
            let entry = left.range(of: #"^entries\[(\d+)\]\['(title|link|id)'\]$"#, options: .regularExpression) != nil
            let top = left.range(of: #"^feed\['(title|link)'\]$"#, options: .regularExpression) != nil
            if entry {
                let index = Int(left.dropFirst(8).prefix { $0.isNumber })!
                let key = left.split(separator: "'")[1]
                kind = "entry " + key
                guard index < feed.items.count else {
                    checks[kind, default: Tally()].record(false)
                    note("FAIL \(path): no entry \(index)")
                    continue
                }
                let item = feed.items[index]
                got = key == "title" ? item.title : key == "link" ? item.link : item.guid
            } else if top {
                let key = left.split(separator: "'")[1]
                kind = "feed " + key
                got = key == "title" ? feed.title : feed.link
            } else {
                continue
            }
            // Our titles are text (HTML reduced): compare with the expected value reduced the same way.
            let normalized =
                kind.hasSuffix("title") ? HTMLText.plain(want) : want.trimmingCharacters(in: .whitespacesAndNewlines)
            let ok = got == want || got == normalized
            checks[kind, default: Tally()].record(ok)
            if !ok { note("FAIL \(path): \(left) = \(got.map { "\"\($0)\"" } ?? "nil"), expected \"\(normalized)\"") }
        }
    }
    return (parse, ill, loose, checks)
}

// MARK: feed-rs-fixtures

func runFeedRS() -> (parse: Tally, counts: Tally, titles: Tally) {
    let root = dataDirectory + "/feed-rs-fixtures/fixture"
    var parse = Tally()
    var counts = Tally()
    var titles = Tally()
    for path in files(under: root) where !path.hasSuffix(".serde.json") {
        guard let data = FileManager.default.contents(atPath: root + "/" + path) else { continue }
        let result = FeedParser.parseDocument(data, feed: autoFeed)
        if path.contains("invalid") || path.hasPrefix("xml/") {
            // A document feed-rs also rejects, or XML that is not a feed (xml/): refused cleanly.
            let failed = (try? result.get()) == nil
            parse.record(failed)
            if !failed { note("FAIL \(path): should not parse") }
            continue
        }
        parse.record((try? result.get()) != nil)
        guard case .success(let feed) = result else {
            if case .failure(let error) = result { note("FAIL parse \(path): \(error.message)") }
            continue
        }
        let expectedPath = root + "/" + (path as NSString).deletingPathExtension + ".serde.json"
        guard let expectedData = FileManager.default.contents(atPath: expectedPath),
            let expected = try? JSONSerialization.jsonObject(with: expectedData) as? [String: Any],
            let entries = expected["entries"] as? [[String: Any]]
        else { continue }
        counts.record(entries.count == feed.items.count)
        if entries.count != feed.items.count {
            note("FAIL \(path): \(feed.items.count) items, expected \(entries.count)")
        }
        for (entry, item) in zip(entries, feed.items) {
            guard let title = (entry["title"] as? [String: Any])?["content"] as? String else { continue }
            let want = HTMLText.plain(title)
            let ok = item.title == want
            titles.record(ok)
            if !ok { note("FAIL \(path): title \"\(item.title)\", expected \"\(want)\"") }
        }
    }
    return (parse, counts, titles)
}

// MARK: chardet-tests

/// The directory names of chardet-tests, as encoding names iconv knows.
func trueEncoding(_ directory: String) -> String {
    let d = directory.lowercased()
    for prefix in [
        "iso-8859-1", "iso-8859-2", "iso-8859-5", "iso-8859-6", "iso-8859-7", "iso-8859-9", "windows-1250",
        "windows-1251", "windows-1252", "windows-1254", "windows-1255", "windows-1256",
    ] where d.hasPrefix(prefix) {
        return prefix
    }
    return [
        "utf-8-sig": "utf-8", "maccyrillic": "mac-cyrillic", "macroman": "macintosh", "ibm855": "cp855",
        "ibm866": "cp866",
        "ascii": "utf-8",
    ][d] ?? d
}

func runChardet() -> (total: Tally, perEncoding: [String: Tally]) {
    let root = dataDirectory + "/chardet-tests/tests"
    var total = Tally()
    var per: [String: Tally] = [:]
    for path in files(under: root) where path.contains("/") {
        let directory = String(path.split(separator: "/")[0])
        guard let data = FileManager.default.contents(atPath: root + "/" + path) else { continue }
        var bytes = data
        if directory.hasPrefix("UTF-16") || directory.hasPrefix("UTF-32") || directory == "utf-8-sig" {
            // The reference: strip a BOM, then read with the named encoding.
            for bom in [[0xEF, 0xBB, 0xBF], [0xFF, 0xFE, 0, 0], [0, 0, 0xFE, 0xFF], [0xFF, 0xFE], [0xFE, 0xFF]]
                as [[UInt8]]
            where bytes.starts(with: bom) {
                bytes = bytes.dropFirst(bom.count)
                break
            }
        }
        var reference = trueEncoding(directory)
        if reference == "utf-16" || reference == "utf-32" {
            reference += data.starts(with: [0xFF, 0xFE]) ? "le" : "be"
        }
        guard let expected = Charset.decode(Data(bytes), as: reference) else {
            note("SKIP \(path): iconv cannot read \(reference)")
            per[directory, default: Tally()].record(false)
            total.record(false)
            continue
        }
        let decoded = Charset.decode(data)
        var text = String(decoding: decoded.utf8, as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        let ok = text == expected.text
        per[directory, default: Tally()].record(ok)
        total.record(ok)
        if !ok { note("FAIL \(path): read as \(decoded.encoding) (\(decoded.source.rawValue)), true \(reference)") }
    }
    return (total, per)
}

// MARK: HTML reader over chardet-tests' web pages

/// A `format: html` feed reading the whole page's text as one item.
func pageFeed() -> FeedConfig {
    let text =
        "watchlists: /\ndatabase: /c.sqlite\nfeed: https://conformance.example/\n  name: page\n  format: html\n  items: /html\n  title: .\n  link: (//a/@href)[1]\n"
    return try! ConfigParser.parse(Data(text.utf8), file: "conformance.conf").feeds[0]
}

func runHTMLPages() -> (read: Tally, same: Tally) {
    let root = dataDirectory + "/chardet-tests/tests"
    let feed = pageFeed()
    var read = Tally()
    var same = Tally()
    let markup = try! NSRegularExpression(pattern: "<(html|body|p|div|td|a href)[ >]", options: [.caseInsensitive])
    for path in files(under: root) where path.contains("/") {
        guard let data = FileManager.default.contents(atPath: root + "/" + path) else { continue }
        let ascii = String(decoding: data.prefix(65536).map { $0 < 0x80 && $0 != 0 ? $0 : 0x20 }, as: UTF8.self)
        guard markup.firstMatch(in: ascii, range: NSRange(ascii.startIndex..., in: ascii)) != nil else { continue }
        let directory = String(path.split(separator: "/")[0])
        var reference = trueEncoding(directory)
        if reference == "utf-16" || reference == "utf-32" {
            reference += data.starts(with: [0xFF, 0xFE]) ? "le" : "be"
        }
        let ours = FeedParser.parseDocument(data, feed: feed)
        let title = (try? ours.get())?.items.first?.title
        read.record(title != nil)
        if title == nil { note("HTML FAIL \(path): \((ours.failureText) ?? "no text")") }
        var bytes = data
        for bom in [[0xEF, 0xBB, 0xBF], [0xFF, 0xFE, 0, 0], [0, 0, 0xFE, 0xFF], [0xFF, 0xFE], [0xFE, 0xFF]] as [[UInt8]]
        where bytes.starts(with: bom) {
            bytes = bytes.dropFirst(bom.count)
            break
        }
        guard let expected = Charset.decode(Data(bytes), as: reference),
            let truth = try? HTMLSource.read(Data(expected.text.utf8), feed: feed, base: nil).get().items.first?.title
        else {
            same.record(false)
            continue
        }
        same.record(title == truth)
        if title != truth { note("HTML DIFF \(path): text differs from the true encoding's (\(reference))") }
    }
    return (read, same)
}

extension Result where Failure == ParseError {
    var failureText: String? {
        guard case .failure(let error) = self else { return nil }
        return error.description
    }
}

// MARK: Aggregators' posts.json with the example block

func runAggregators() -> [(String, Int, Int)] {
    let block =
        (try? String(
            contentsOfFile: FileManager.default.currentDirectoryPath + "/examples/sources/ransomwatch-posts.conf",
            encoding: .utf8
        ))
        ?? "feed: https://x.example/\n  format: json\n  items: $\n  title: post_title\n  date: discovered\n  body: group_name\n"
    let feed = try! ConfigParser.parse(
        Data(("watchlists: /\ndatabase: /c.sqlite\n" + block).utf8),
        file: "ransomwatch-posts.conf"
    ).feeds[0]
    var results: [(String, Int, Int)] = []
    for file in ["ransomwatch/posts.json", "ransomlook/posts.json.sample"] {
        guard let data = FileManager.default.contents(atPath: dataDirectory + "/" + file) else { continue }
        let items = (try? FeedParser.parse(data, feed: feed).get()) ?? []
        results.append((file, items.count, items.filter { $0.published != nil }.count))
    }
    return results
}

// MARK: Report

let started = Date()
print("feedparser-tests (\(dataDirectory)/feedparser-tests)")
let fp = runFeedparser()
print("  well-formed samples parsed:          \(fp.parse.text)")
print("  ill-formed samples, no crash:        \(fp.ill.text) (failed cleanly or recovered)")
print("  neither (feedparser's loose mode):   \(fp.loose.text) parsed")
for (kind, tally) in fp.checks.sorted(by: { $0.key < $1.key }) {
    print("  Expect: \(kind.padding(toLength: 28, withPad: " ", startingAt: 0)) \(tally.text)")
}
print("feed-rs-fixtures")
let rs = runFeedRS()
print("  feeds parsed (invalid ones refused): \(rs.parse.text)")
print("  item counts as expected:             \(rs.counts.text)")
print("  item titles as expected:             \(rs.titles.text)")
print("chardet-tests")
let cd = runChardet()
print("  decoded to the right text:           \(cd.total.text)")
for (directory, tally) in cd.perEncoding.sorted(by: { $0.key < $1.key }) where tally.passed < tally.total {
    print("    \(directory): \(tally.text)")
}
print("chardet-tests' web pages through the HTML reader (format: html)")
let pages = runHTMLPages()
print("  pages read:                          \(pages.read.text)")
print("  same text as with the true encoding: \(pages.same.text)")
print("aggregators' posts.json with examples/sources/ransomwatch-posts.conf")
for (file, items, dated) in runAggregators() {
    print("  \(file.padding(toLength: 36, withPad: " ", startingAt: 0)) \(items) items, \(dated) dated")
}
print(String(format: "(%.1f s)", Date().timeIntervalSince(started)))
