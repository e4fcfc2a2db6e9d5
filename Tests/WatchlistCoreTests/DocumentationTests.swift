import Foundation
import Testing
@testable import WatchlistCore

/// The man pages and the README cannot drift from the binary and the grammar: every
/// subcommand and option `--help` lists, and every configuration and watchlist key the
/// parsers accept, must be in them.
@Suite("Documentation")
struct DocumentationTests {
    /// The man page's text with roff's escaped hyphens and mdoc's flags (`Fl -once`) made plain.
    static func manPage(_ name: String) throws -> String {
        try String(contentsOf: Repo.root.appendingPathComponent("man/\(name)"), encoding: .utf8)
            .replacingOccurrences(of: "\\-", with: "-").replacingOccurrences(of: "Fl -", with: "--")
    }

    /// Each subcommand with the long options its `--help` lists.
    static func commandLine() throws -> [(command: String, options: [String])] {
        let root = try runBinary(["--help"])
        guard let section = root.stdout.components(separatedBy: "SUBCOMMANDS:\n").last else {
            throw TestFailure("no SUBCOMMANDS in --help")
        }
        let commands = section.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("  "), !line.hasPrefix("   "), let word = line.split(separator: " ").first else {
                return nil
            }
            return String(word)
        }.filter { $0 != "See" }
        return try commands.map { command in
            let help = try runBinary([command, "--help"]).stdout
            let options = help.matches(of: /--[a-z][a-z-]*/).map { String($0.output) }
            return (command, Array(Set(options)).filter { !["--help", "--version"].contains($0) }.sorted())
        }
    }

    @Test func theManPageAndTheReadmeNameEverySubcommandAndOption() throws {
        let page = try Self.manPage("watchlistd.8")
        let readme = try String(contentsOf: Repo.root.appendingPathComponent("README.md"), encoding: .utf8)
        let commands = try Self.commandLine()
        #expect(commands.count >= 9, "\(commands)")
        #expect(page.contains("--version"))
        for (command, options) in commands {
            #expect(page.contains(command), "watchlistd(8) lacks the subcommand \(command)")
            #expect(readme.contains("watchlistd \(command)"), "README.md lacks the subcommand \(command)")
            for option in options {
                #expect(page.contains(option), "watchlistd(8) lacks \(command) \(option)")
                #expect(readme.contains(option), "README.md lacks \(command) \(option)")
            }
        }
    }

    @Test func theFileFormatPagesNameEveryKey() throws {
        let conf = try Self.manPage("watchlistd.conf.5")
        for key in ConfigParser.schema.allKeys.sorted() {
            #expect(conf.contains("\(key): "), "watchlistd.conf(5) lacks `\(key):`")
        }
        let watch = try Self.manPage("watchlistd.watch.5")
        for key in WatchlistParser.schema.allKeys.sorted() {
            #expect(watch.contains("\(key): "), "watchlistd.watch(5) lacks `\(key):`")
        }
    }
}
