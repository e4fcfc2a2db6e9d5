import Foundation

/// `watchlistd match` on JSON Lines: one `{"id", "title", "body"}` object a line in,
/// one hit object a line out (docs/interfaces.md), at most one per
/// (id, customer, entity, name).
public enum JSONLinesMatch {
    struct Output: Encodable {
        var id: String
        var customer: String
        var entity: String
        var name: String
        var relation: String
        var matched: String
        var score: Double
    }

    /// A line that is not a listing object.
    public struct InputError: Error, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { "stdin:\(line): \(message)" }
    }

    /// Matches every line of `input`; writes hit lines through `emit`. Returns the
    /// problems with input lines (such lines are skipped, the rest still matched).
    public static func run(input: Data, matcher: Matcher, threshold: Double, emit: (String) -> Void) -> [InputError] {
        var problems: [InputError] = []
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        var number = 0
        for line in input.split(separator: 0x0A, omittingEmptySubsequences: false) {
            number += 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) { continue }
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any] else {
                problems.append(InputError(line: number, message: "not a JSON object; expected {\"id\": …, \"title\": …, \"body\": …}"))
                continue
            }
            let id: String
            switch object["id"] {
            case let string as String: id = string
            case let number as NSNumber: id = number.stringValue
            default: id = String(number)
            }
            let title = object["title"] as? String ?? ""
            let body = object["body"] as? String ?? ""
            let text = body.isEmpty ? title : title + "\n" + body
            for hit in matcher.match(text, threshold: threshold) {
                let output = Output(id: id, customer: hit.customer, entity: hit.entity, name: hit.name,
                                    relation: hit.relation.rawValue, matched: hit.matched,
                                    score: (hit.score * 100).rounded() / 100)
                if let data = try? encoder.encode(output) { emit(String(decoding: data, as: UTF8.self)) }
            }
        }
        return problems
    }
}
