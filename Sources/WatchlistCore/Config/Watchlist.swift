import Foundation

/// How a watched name relates to the entity it belongs to; printed in every hit.
public enum Relation: String, Sendable, Codable, CaseIterable {
    case name, alias, subsidiary, jv, domain
}

/// One name an analyst wrote on one line of a `.watch` file.
public struct WatchedName: Sendable, Equatable {
    public var value: String
    public var relation: Relation
    public var line: Int
}

/// A watched organisation: its `entity:` line and everything in its block.
public struct Entity: Sendable, Equatable {
    public var name: String
    public var line: Int
    /// The entity name itself first, then aliases, subsidiaries, JVs and domains in file order.
    public var names: [WatchedName]
    public var excludes: [WatchedName]
}

extension Entity: ConfigBlock {
    static let key = "entity"
    static let keys: Set<String> = ["alias", "subsidiary", "jv", "domain", "exclude"]

    init(start: LineGrammar.Line, context: inout ConfigContext) {
        self.init(
            name: start.value,
            line: start.number,
            names: [WatchedName(value: start.value, relation: .name, line: start.number)],
            excludes: []
        )
    }

    mutating func read(_ line: LineGrammar.Line, context: inout ConfigContext) {
        switch line.key {
        case "exclude":
            excludes.append(WatchedName(value: line.value, relation: .name, line: line.number))
        case "domain":
            var domain = Substring(line.value.lowercased())
            while domain.hasPrefix(".") { domain = domain.dropFirst() }
            while domain.hasSuffix(".") { domain = domain.dropLast() }
            if !DomainName.isValid(String(domain)) {
                context.problem(
                    line,
                    "`\(line.value)` is not a domain name (write it like `example.com`, without scheme or path)"
                )
            } else {
                names.append(WatchedName(value: line.value, relation: .domain, line: line.number))
            }
        default:
            if let relation = Relation(rawValue: line.key) {
                names.append(WatchedName(value: line.value, relation: relation, line: line.number))
            } else {
                context.problem(line, "`\(line.key):` is not handled in an `entity:` block")
            }
        }
    }
}

/// One customer's `.watch` file.
public struct Watchlist: Sendable, Equatable {
    public var file: String
    /// `customer:` — required, once, before any entity.
    public var customer = ""
    /// `email:` — alert recipients.
    public var emails: [String] = []
    /// `webhook:` — this customer's hits POSTed as JSON (besides the configuration's webhook).
    public var webhook: WebhookConfig?
    public var entities: [Entity] = []
}

extension Watchlist: ConfigFile {
    static let keys: Set<String> = ["customer", "email"]

    static var blocks: [BlockSlot<Watchlist>] {
        [
            BlockSlot(Entity.self) { entity, watchlist, context in
                if let first = context.firstLine(of: "entity \(entity.name.lowercased())", at: entity.line) {
                    context.problem(
                        line: entity.line,
                        "duplicate entity `\(entity.name)` (first at line \(first)); merge the two blocks"
                    )
                }
                watchlist.entities.append(entity)
            },
            .once(WebhookConfig.self, \.webhook, advice: "; one webhook per customer"),
        ]
    }

    init(file: String) { self.file = file }

    mutating func read(_ line: LineGrammar.Line, context: inout ConfigContext) {
        switch line.key {
        case "customer":
            if context.firstLine(of: "customer", at: line.number) != nil {
                context.problem(line, "`customer:` given twice; one file watches for one customer")
            } else {
                if !entities.isEmpty { context.problem(line, "`customer:` must come before the first `entity:`") }
                customer = line.value
            }
        case "email":
            for address in line.value.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                if let problem = EmailAddress.problem(with: address) {
                    context.problem(line, "recipient `\(address)`: \(problem)")
                } else {
                    emails.append(address)
                }
            }
        default:
            context.problem(line, "`\(line.key):` is not handled here")
        }
    }

    mutating func finish(context: inout ConfigContext) {
        if context.line(of: "customer") == nil {
            context.problem(line: 1, "missing `customer:`; add `customer: NAME` at the top of the file")
        }
    }
}

/// Parses `*.watch` files. The format is the shared line grammar (`LineGrammar`) with
/// these keys (the file's own in `Watchlist`, an entity's in `Entity`):
///
///     customer: NAME            once, before any entity
///     email: A, B               file level, comma-separated alert recipients
///     webhook: URL              a block (`WebhookConfig`): this customer's hits POSTed as JSON
///     entity: NAME              starts a block; the name is matched too
///       alias: / subsidiary: / jv: / domain: / exclude:   inside an entity
public enum WatchlistParser {
    static let schema = Watchlist.schema

    /// Parses one file's bytes. Errors and warnings come back together; the watchlist is
    /// nil when any error was found.
    public static func parse(_ data: Data, file: String) -> (watchlist: Watchlist?, problems: [Diagnostic]) {
        let (watchlist, problems) = Watchlist.read(data, file: file, schema: schema)
        if problems.contains(where: { $0.severity == .error }) { return (nil, problems) }
        return (watchlist, problems)
    }

    /// Loads every `*.watch` file in `directory` (other files — editor backups, swap
    /// files — are ignored), in name order. Throws `ConfigurationError` listing every
    /// problem of every file when any file has an error.
    public static func loadDirectory(_ directory: String) throws -> (watchlists: [Watchlist], warnings: [Diagnostic]) {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw ConfigurationError([
                Diagnostic(
                    file: directory,
                    line: 0,
                    message:
                        "cannot read the watchlists directory: \(error.localizedDescription); check the path and its permissions"
                )
            ])
        }
        var watchlists: [Watchlist] = []
        var problems: [Diagnostic] = []
        // Files are read and parsed on all cores (a bulk load is dozens of files), in file order.
        let files = names.sorted().filter { $0.hasSuffix(".watch") && !$0.hasPrefix(".") }
        let parsed = parallelMap(files.count) { index -> (Watchlist?, [Diagnostic]) in
            let path = (directory as NSString).appendingPathComponent(files[index])
            guard let data = FileManager.default.contents(atPath: path) else {
                return (nil, [Diagnostic(file: path, line: 0, message: "cannot read this file; check its permissions")])
            }
            return parse(data, file: path)
        }
        for (watchlist, fileProblems) in parsed {
            problems += fileProblems
            if let watchlist { watchlists.append(watchlist) }
        }
        var customers: [String: String] = [:]
        for watchlist in watchlists {
            if let other = customers[watchlist.customer.lowercased()] {
                problems.append(
                    Diagnostic(
                        file: watchlist.file,
                        line: 1,
                        message:
                            "customer `\(watchlist.customer)` is also watched by \(other); keep one file per customer"
                    )
                )
            }
            customers[watchlist.customer.lowercased()] = watchlist.file
        }
        if problems.contains(where: { $0.severity == .error }) { throw ConfigurationError(problems) }
        return (watchlists, problems)
    }
}

/// Domain-name syntax, as accepted in `domain:` lines.
enum DomainName {
    static func isValid(_ domain: String) -> Bool {
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, domain.utf8.count <= 253 else { return false }
        return labels.allSatisfy { label in
            !label.isEmpty && label.utf8.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.unicodeScalars.allSatisfy {
                    $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-"
                }
        }
    }
}

/// E-mail address checks done before an address reaches SMTP (libcurl does not reject
/// CR/LF in addresses).
public enum EmailAddress {
    /// Why `address` cannot be used, or nil when it can.
    public static func problem(with address: String) -> String? {
        if address.isEmpty { return "empty address" }
        if address.unicodeScalars.contains(where: {
            $0.value < 0x21 || $0.value == 0x7F || $0 == "<" || $0 == ">" || $0 == "," || $0 == "\"" || $0 == "\\"
        }) {
            return "contains spaces, control characters or <>,\"\\; write a bare address like soc@example.com"
        }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty,
            DomainName.isValid(String(parts[1]).lowercased()) || parts[1] == "localhost"
        else {
            return "not an address of the form local@domain.example"
        }
        return nil
    }
}
