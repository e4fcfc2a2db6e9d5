import Foundation

/// `watchlistd match` on JSON Lines: one `{"id", "title", "body"}` object a line in,
/// one hit object a line out (docs/interfaces.md), at most one per
/// (id, customer, entity, name). Output keeps the input's order.
public enum JSONLinesMatch {
    struct Output: Encodable {
        var id: String
        var customer: String
        var entity: String
        var name: String
        var relation: String
        var matched: String
        var score: Double
        var field: String
    }

    /// A line that is not a listing object.
    public struct InputError: Error, Sendable, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { "stdin:\(line): \(message)" }
    }

    /// One block's results, written by exactly one worker.
    final class Slots: @unchecked Sendable {
        // @unchecked: `concurrentPerform` gives each block index to exactly one worker,
        // and the slots are read only after it returns.
        var outputs: [Data]
        var problems: [[InputError]]
        init(_ count: Int) {
            outputs = Array(repeating: Data(), count: count)
            problems = Array(repeating: [], count: count)
        }
    }

    /// Matches every line of `input` on `workers` threads; writes hit lines through
    /// `emit`, in input order. Returns the problems with input lines (such lines are
    /// skipped, the rest still matched).
    public static func run(input: Data, matcher: Matcher, threshold: Double,
                           workers: Int = ProcessInfo.processInfo.activeProcessorCount,
                           emit: (Data) -> Void) -> [InputError] {
        let lines = lineRanges(input)
        let blockSize = 512
        let blocks = (lines.count + blockSize - 1) / blockSize
        let slots = Slots(blocks)
        let work: @Sendable (Int) -> Void = { block in
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]  // two runs diff cleanly
            var output = Data()
            var problems: [InputError] = []
            for index in (block * blockSize)..<min(lines.count, (block + 1) * blockSize) {
                guard let maybe = parse(input, lines[index]) else {
                    problems.append(InputError(line: index + 1, message: notAListing))
                    continue
                }
                guard let listing = maybe else { continue }  // a blank line
                let id = listing.id ?? String(index + 1)
                for hit in matcher.match(title: listing.title, body: listing.body, threshold: threshold) {
                    let record = Output(id: id, customer: hit.customer, entity: hit.entity, name: hit.name,
                                        relation: hit.relation.rawValue, matched: hit.matched,
                                        score: (hit.score * 100).rounded() / 100, field: hit.field.rawValue)
                    if let data = try? encoder.encode(record) {
                        output.append(data)
                        output.append(0x0A)
                    }
                }
            }
            slots.outputs[block] = output
            slots.problems[block] = problems
        }
        if workers > 1 && blocks > 1 {
            DispatchQueue.concurrentPerform(iterations: blocks, execute: work)
        } else {
            for block in 0..<blocks { work(block) }
        }
        for output in slots.outputs where !output.isEmpty { emit(output) }
        return slots.problems.flatMap { $0 }
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
            let line = UnsafeRawBufferPointer(rebasing: all[(range.lowerBound - input.startIndex)..<(range.upperBound - input.startIndex)])
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
                if let found = memchr(base + start, 0x0A, count - start) {
                    let end = base.distance(to: UnsafeRawPointer(found))
                    ranges.append(start..<end)
                    start = end + 1
                } else {
                    ranges.append(start..<count)
                    break
                }
            }
        }
        let offset = data.startIndex
        return offset == 0 ? ranges : ranges.map { ($0.lowerBound + offset)..<($0.upperBound + offset) }
    }
}
