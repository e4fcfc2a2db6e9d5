import Foundation

/// `watchlistd match` on JSON Lines: one `{"id", "title", "body"}` object a line in,
/// one hit object a line out (docs/interfaces.md), at most one per
/// (id, customer, entity, name). Output keeps the input's order.
public enum JSONLinesMatch {
    /// A line that is not a listing object.
    public struct InputError: Error, Sendable, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { "stdin:\(line): \(message)" }
    }

    /// `run(input:…)` over everything `handle` delivers, read about `chunkBytes` at a time and
    /// matched whole line by whole line: memory holds one chunk of the input, not all of it
    /// (a 32 MB benchmark input was a third of the process's peak). Same output, same line
    /// numbers and default ids as matching the whole input at once.
    public static func run<Record: Encodable>(
        reading handle: FileHandle,
        chunkBytes: Int = 4 << 20,
        matcher: Matcher,
        threshold: Double,
        workers: Int = ProcessInfo.processInfo.activeProcessorCount,
        record: (_ id: String, _ hit: MatchHit) -> Record,
        emit: (Data) -> Void
    ) -> [InputError] {
        var problems: [InputError] = []
        var pending = Data()
        var firstLine = 0
        while true {
            let chunk = handle.readData(ofLength: max(1, chunkBytes))
            let atEnd = chunk.isEmpty
            pending.append(chunk)
            // Complete lines only, but for the last chunk (a last line without a line feed).
            let cut = atEnd ? pending.count : pending.lastIndex(of: 0x0A).map { $0 - pending.startIndex + 1 } ?? 0
            if cut > 0 {
                let lines = pending.prefix(cut)
                problems += run(
                    input: lines,
                    firstLine: firstLine,
                    matcher: matcher,
                    threshold: threshold,
                    workers: workers,
                    record: record,
                    emit: emit
                )
                firstLine += lineRanges(lines).count
                pending = Data(pending.dropFirst(cut))
            }
            if atEnd { return problems }
        }
    }

    /// Matches every line of `input` on `workers` threads; writes hit lines through
    /// `emit`, in input order, each hit as `record` makes it (the command's output type).
    /// Returns the problems with input lines (such lines are skipped, the rest still matched).
    /// `firstLine`: how many lines of the whole input come before `input` (for line numbers
    /// and default ids).
    public static func run<Record: Encodable>(
        input: Data,
        firstLine: Int = 0,
        matcher: Matcher,
        threshold: Double,
        workers: Int = ProcessInfo.processInfo.activeProcessorCount,
        record: (_ id: String, _ hit: MatchHit) -> Record,
        emit: (Data) -> Void
    ) -> [InputError] {
        let lines = lineRanges(input)
        let blockSize = 256
        let blocks = (lines.count + blockSize - 1) / blockSize
        let results = parallelMap(blocks, serial: workers <= 1) { block -> (output: Data, problems: [InputError]) in
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]  // two runs diff cleanly
            var output = Data()
            var problems: [InputError] = []
            for index in (block * blockSize)..<min(lines.count, (block + 1) * blockSize) {
                guard let maybe = parse(input, lines[index]) else {
                    problems.append(InputError(line: firstLine + index + 1, message: notAListing))
                    continue
                }
                guard let listing = maybe else { continue }  // a blank line
                let id = listing.id ?? String(firstLine + index + 1)
                for hit in matcher.match(title: listing.title, body: listing.body, threshold: threshold) {
                    if let data = try? encoder.encode(record(id, hit)) {
                        output.append(data)
                        output.append(0x0A)
                    }
                }
            }
            return (output, problems)
        }
        for result in results where !result.output.isEmpty { emit(result.output) }
        return results.flatMap(\.problems)
    }

    /// Every listing of a JSON Lines file (for `check --stats`), and the lines that are not listings.
    public static func listings(_ input: Data) -> (listings: [(title: String, body: String)], problems: [InputError]) {
        var listings: [(title: String, body: String)] = []
        var problems: [InputError] = []
        for (index, range) in lineRanges(input).enumerated() {
            guard let maybe = parse(input, range) else {
                problems.append(InputError(line: index + 1, message: notAListing))
                continue
            }
            if let listing = maybe { listings.append((listing.title, listing.body)) }
        }
        return (listings, problems)
    }

    static let notAListing = "not a JSON object; expected {\"id\": …, \"title\": …, \"body\": …}"

    /// One line: nil when it is no listing object, .some(nil) when it is blank.
    static func parse(_ input: Data, _ range: Range<Int>) -> ListingJSON?? {
        input.withUnsafeBytes { all in
            let line = UnsafeRawBufferPointer(
                rebasing: all[(range.lowerBound - input.startIndex)..<(range.upperBound - input.startIndex)]
            )
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) { return .some(nil) }
            return ListingJSON.parse(line).map { .some($0) } ?? nil
        }
    }

    /// The byte ranges of the lines of `data` (without their line feeds).
    static func lineRanges(_ data: Data) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            guard let base = buffer.baseAddress else { return }
            var start = 0
            let count = buffer.count
            while start < count {
                guard let found = memchr(base + start, 0x0A, count - start) else {
                    ranges.append(start..<count)
                    break
                }
                let end = base.distance(to: UnsafeRawPointer(found))
                ranges.append(start..<end)
                start = end + 1
            }
        }
        let offset = data.startIndex
        return offset == 0 ? ranges : ranges.map { ($0.lowerBound + offset)..<($0.upperBound + offset) }
    }
}
