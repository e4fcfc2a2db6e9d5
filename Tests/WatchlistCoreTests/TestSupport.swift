import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import WatchlistCore

/// Paths of the repository, found from this file (tests read their fixtures in place).
enum Repo {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = root.appendingPathComponent("Tests/Fixtures")
    static let support = root.appendingPathComponent("Tests/Support")
    static let binary = root.appendingPathComponent(".build/debug/watchlistd")
}

/// A fresh folder under /tmp, removed when the value is dropped.
final class TempDir {
    let url: URL
    var path: String { url.path }

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("watchlistd-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func write(_ name: String, _ text: String) throws {
        let file = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
    }

    func write(_ name: String, bytes: [UInt8]) throws {
        try Data(bytes).write(to: url.appendingPathComponent(name))
    }
}

/// A helper process (a real server) that prints its port on its first line; killed on drop.
final class ServerProcess {
    let process = Process()
    let port: Int
    private let output = Pipe()

    init(_ executable: String, _ arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = output
        try process.run()
        var line = Data()
        while true {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data([0x0A]) { break }
            line.append(byte)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespaces)) else {
            process.terminate()
            throw TestFailure("\(executable) \(arguments) did not print a port (is python3-aiosmtpd installed? run `make test-deps`)")
        }
        self.port = port
    }

    deinit {
        // SIGKILL: a child inherits the test runner's blocked signal mask, so SIGTERM may never arrive.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// The fixture HTTP server serving `directory`.
    static func http(serving directory: String) throws -> ServerProcess {
        try ServerProcess("/usr/bin/python3", [Repo.support.appendingPathComponent("http_server.py").path, directory])
    }

    /// aiosmtpd storing messages in `directory`.
    static func smtp(storingIn directory: String, reply: Int? = nil) throws -> ServerProcess {
        var arguments = [Repo.support.appendingPathComponent("smtp_sink.py").path, directory]
        if let reply { arguments += ["--reply", String(reply)] }
        return try ServerProcess("/usr/bin/python3", arguments)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Runs the real `watchlistd` binary; returns exit status, stdout and stderr.
@discardableResult
func runBinary(_ arguments: [String], stdin: String? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
    guard FileManager.default.isExecutableFile(atPath: Repo.binary.path) else {
        throw TestFailure("\(Repo.binary.path) is missing: run `swift build` first (make test does)")
    }
    let process = Process()
    process.executableURL = Repo.binary
    process.arguments = arguments
    let out = Pipe(), err = Pipe(), input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try input.fileHandleForWriting.close()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
}

/// Parses a watchlist text, failing the test on any error.
func watchlist(_ text: String, file: String = "test.watch") throws -> Watchlist {
    let (list, problems) = WatchlistParser.parse(Data(text.utf8), file: file)
    guard let list else { throw TestFailure(problems.map(\.description).joined(separator: "\n")) }
    return list
}
