// watchlistd-bench: feed benchmarks (scripts/bench-feeds.py drives it; not a test).
//
//   watchlistd-bench parse REPEAT FILE...
//       parses each file REPEAT times (decode + XML/JSON + HTML to text); prints one JSON
//       line per file: bytes, items, best and median seconds per parse
//   watchlistd-bench html FILE ITEMS TITLE LINK DATE BODY
//       reads FILE once as a `format: html` page with these XPath expressions (decode,
//       parse, select, extract; what a fetch does after the transfer); prints JSON: items,
//       seconds in-process. scripts/bench-feeds.py times the whole process beside lxml.
//   watchlistd-bench cycle CONFIG
//       one full cycle over CONFIG's feeds (fetch, parse, dedup, match, store), then a
//       second one (every feed answers 304); prints JSON: seconds for each, items, hits,
//       and the peak resident memory of this process
import Foundation
import Logging
import WatchlistCore
#if canImport(Glibc)
import Glibc
#endif

func peakRSSMegabytes() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_maxrss) / 1024  // Linux: kilobytes
}

func json(_ object: [String: Any]) {
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "parse":
    guard arguments.count >= 3, let repeats = Int(arguments[1]) else {
        fatalError("usage: watchlistd-bench parse REPEAT FILE...")
    }
    for file in arguments.dropFirst(2) {
        let data = try! Data(contentsOf: URL(fileURLWithPath: file))
        let feed = FeedConfig(url: "file://" + file, name: "bench")
        var times: [Double] = []
        var items = 0
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            items = (try? FeedParser.parse(data, feed: feed).get().count) ?? -1
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        times.sort()
        json(["file": file, "bytes": data.count, "items": items, "best": times[0], "median": times[times.count / 2]])
    }
case "html":
    guard arguments.count == 7 else { fatalError("usage: watchlistd-bench html FILE ITEMS TITLE LINK DATE BODY") }
    let start = DispatchTime.now().uptimeNanoseconds
    let data = try Data(contentsOf: URL(fileURLWithPath: arguments[1]))
    let text =
        "watchlists: /\ndatabase: /bench.sqlite\nfeed: https://leaks.example/\n  name: bench\n  format: html\n"
        + zip(["items", "title", "link", "date", "body"], arguments[2...]).map { "  \($0): \($1)\n" }.joined()
    let feed = try ConfigParser.parse(Data(text.utf8), file: "bench.conf").feeds[0]
    switch FeedParser.parseDocument(data, feed: feed) {
    case .success(let parsed):
        json([
            "items": parsed.items.count, "seconds": Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9,
            "first_title": parsed.items.first?.title ?? "", "last_link": parsed.items.last?.link ?? "",
        ])
    case .failure(let error):
        FileHandle.standardError.write(Data("watchlistd-bench: \(error.description)\n".utf8))
        exit(65)
    }
case "cycle":
    guard arguments.count == 2 else { fatalError("usage: watchlistd-bench cycle CONFIG") }
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = .error
        return handler
    }
    let config = try ConfigParser.load(arguments[1])
    var pipeline = try Pipeline.build(config: config, logger: Logger(label: "bench"))
    pipeline.concurrency = Int(ProcessInfo.processInfo.environment["BENCH_CONCURRENCY"] ?? "") ?? pipeline.concurrency
    let start = Date()
    let first = try await pipeline.runCycle(all: true, dispatch: false)
    let firstSeconds = Date().timeIntervalSince(start)
    let again = Date()
    let second = try await pipeline.runCycle(all: true, dispatch: false)
    let secondSeconds = Date().timeIntervalSince(again)
    json([
        "feeds": config.feeds.count, "first_seconds": firstSeconds, "first_fetched": first.feedsFetched,
        "first_failed": first.feedsFailed.count, "items": first.newItems, "hits": first.newHits,
        "second_seconds": secondSeconds, "second_not_modified": second.feedsNotModified,
        "second_fetched": second.feedsFetched,
        "peak_rss_mb": peakRSSMegabytes(), "concurrency": pipeline.concurrency,
    ])
default:
    FileHandle.standardError.write(
        Data(
            "usage: watchlistd-bench parse REPEAT FILE... | html FILE ITEMS TITLE LINK DATE BODY | cycle CONFIG\n".utf8
        )
    )
    exit(64)
}
