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

/// One customer's `.watch` file.
public struct Watchlist: Sendable, Equatable {
    public var file: String
    public var customer: String
    public var emails: [String]
    public var entities: [Entity]
}

/// Parses `*.watch` files. The format is the shared line grammar (`LineGrammar`) with
/// these keys:
///
///     customer: NAME            once, before any entity
///     email: A, B               file level, comma-separated alert recipients
///     entity: NAME              starts a block; the name is matched too
///       alias: / subsidiary: / jv: / domain: / exclude:   inside an entity
public enum WatchlistParser {
    static let schema = LineGrammar.Schema(
        fileKeys: ["customer", "email"],
        blocks: ["entity": ["alias", "subsidiary", "jv", "domain", "exclude"]]
    )

    /// Parses one file's bytes. Errors and warnings come back together; the watchlist is
    /// nil when any error was found.
    public static func parse(_ data: Data, file: String) -> (watchlist: Watchlist?, problems: [Diagnostic]) {
        var (lines, problems) = LineGrammar.parse(data, file: file, schema: schema)
        var customer: String?
        var emails: [String] = []
        var entities: [Entity] = []
        var entityLines: [String: Int] = [:]

        for line in lines {
            switch line.key {
            case "customer":
                if customer != nil {
                    problems.append(Diagnostic(file: file, line: line.number,
                                               message: "`customer:` given twice; one file watches for one customer"))
                } else if !entities.isEmpty {
                    problems.append(Diagnostic(file: file, line: line.number,
                                               message: "`customer:` must come before the first `entity:`"))
                }
                customer = customer ?? line.value
            case "email":
                for address in line.value.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                    if let problem = EmailAddress.problem(with: address) {
                        problems.append(Diagnostic(file: file, line: line.number,
                                                   message: "recipient `\(address)`: \(problem)"))
                    } else {
                        emails.append(address)
                    }
                }
            case "entity":
                let key = line.value.lowercased()
                if let first = entityLines[key] {
                    problems.append(Diagnostic(file: file, line: line.number,
                                               message: "duplicate entity `\(line.value)` (first at line \(first)); merge the two blocks"))
                }
                entityLines[key] = entityLines[key] ?? line.number
                entities.append(Entity(name: line.value, line: line.number,
                                       names: [WatchedName(value: line.value, relation: .name, line: line.number)],
                                       excludes: []))
            case "exclude":
                entities[entities.count - 1].excludes.append(WatchedName(value: line.value, relation: .name, line: line.number))
            case "domain":
                var domain = Substring(line.value.lowercased())
                while domain.hasPrefix(".") { domain = domain.dropFirst() }
                while domain.hasSuffix(".") { domain = domain.dropLast() }
                if !DomainName.isValid(String(domain)) {
                    problems.append(Diagnostic(file: file, line: line.number,
                                               message: "`\(line.value)` is not a domain name (write it like `example.com`, without scheme or path)"))
                } else {
                    entities[entities.count - 1].names.append(WatchedName(value: line.value, relation: .domain, line: line.number))
                }
            default:
                let relation = Relation(rawValue: line.key)!
                entities[entities.count - 1].names.append(WatchedName(value: line.value, relation: relation, line: line.number))
            }
        }
        if customer == nil {
            problems.append(Diagnostic(file: file, line: 1,
                                       message: "missing `customer:`; add `customer: NAME` at the top of the file"))
        }
        problems = Diagnostic.sortedByLine(problems)
        if problems.contains(where: { $0.severity == .error }) { return (nil, problems) }
        return (Watchlist(file: file, customer: customer!, emails: emails, entities: entities), problems)
    }

    /// Loads every `*.watch` file in `directory` (other files — editor backups, swap
    /// files — are ignored), in name order. Throws `ConfigurationError` listing every
    /// problem of every file when any file has an error.
    public static func loadDirectory(_ directory: String) throws -> (watchlists: [Watchlist], warnings: [Diagnostic]) {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw ConfigurationError([Diagnostic(file: directory, line: 0,
                                                 message: "cannot read the watchlists directory: \(error.localizedDescription); check the path and its permissions")])
        }
        var watchlists: [Watchlist] = []
        var problems: [Diagnostic] = []
        for name in names.sorted() where name.hasSuffix(".watch") && !name.hasPrefix(".") {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path) else {
                problems.append(Diagnostic(file: path, line: 0, message: "cannot read this file; check its permissions"))
                continue
            }
            let (watchlist, fileProblems) = parse(data, file: path)
            problems += fileProblems
            if let watchlist { watchlists.append(watchlist) }
        }
        var customers: [String: String] = [:]
        for watchlist in watchlists {
            if let other = customers[watchlist.customer.lowercased()] {
                problems.append(Diagnostic(file: watchlist.file, line: 1,
                                           message: "customer `\(watchlist.customer)` is also watched by \(other); keep one file per customer"))
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
                && label.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" }
        }
    }
}

/// E-mail address checks done before an address reaches SMTP (libcurl does not reject
/// CR/LF in addresses).
public enum EmailAddress {
    /// Why `address` cannot be used, or nil when it can.
    public static func problem(with address: String) -> String? {
        if address.isEmpty { return "empty address" }
        if address.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F || $0 == "<" || $0 == ">" || $0 == "," || $0 == "\"" || $0 == "\\" }) {
            return "contains spaces, control characters or <>,\"\\; write a bare address like soc@example.com"
        }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, DomainName.isValid(String(parts[1]).lowercased()) || parts[1] == "localhost" else {
            return "not an address of the form local@domain.example"
        }
        return nil
    }
}
