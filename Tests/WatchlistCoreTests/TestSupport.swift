import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import WatchlistCore

/// Paths of the repository, found from this file (tests read their fixtures in place).
enum Repo {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let fixtures = root.appendingPathComponent("Tests/Fixtures")
    static let support = root.appendingPathComponent("Tests/Support")
    /// The binary under test; `WATCHLISTD_TEST_BINARY` points the tests at another build
    /// (an older one, to see a new test fail before its fix).
    static let binary =
        ProcessInfo.processInfo.environment["WATCHLISTD_TEST_BINARY"].map { URL(fileURLWithPath: $0) }
        ?? root.appendingPathComponent(".build/debug/watchlistd")
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

    /// cert.pem and key.pem here: a self-signed certificate for 127.0.0.1 (a day long).
    func makeSelfSignedCertificate() throws {
        let openssl = try Child(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", path + "/key.pem",
                "-out", path + "/cert.pem", "-subj", "/CN=localhost", "-days", "1",
                "-addext", "subjectAltName=IP:127.0.0.1",
            ]
        )
        close(openssl.stdinFD)
        guard openssl.wait() == 0 else {
            throw TestFailure("openssl could not make a certificate (is openssl installed? run `make test-deps`)")
        }
    }

    func write(_ name: String, bytes: [UInt8]) throws {
        try Data(bytes).write(to: url.appendingPathComponent(name))
    }
}

/// A child process started with posix_spawn. (Foundation's `Process` on Linux is not
/// safe to use from tests running in parallel: its run-loop setup races, and its pipes
/// fail on EINTR.)
final class Child {
    static let spawnLock = NSLock()
    let pid: pid_t
    let stdoutFD: Int32
    let stderrFD: Int32
    let stdinFD: Int32

    init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws {
        // One spawn at a time: pipes are created, marked close-on-exec and handed over under
        // the lock, so no other child started concurrently inherits (and holds open) them.
        Child.spawnLock.lock()
        defer { Child.spawnLock.unlock() }
        var outPipe: [Int32] = [0, 0]
        var errPipe: [Int32] = [0, 0]
        var inPipe: [Int32] = [0, 0]
        guard pipe(&outPipe) == 0, pipe(&errPipe) == 0, pipe(&inPipe) == 0 else { throw TestFailure("pipe failed") }
        for fd in outPipe + errPipe + inPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        // The test runner blocks signals in its threads; a child must start with none blocked.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let env = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in env { free(pointer) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, env)
        close(outPipe[1])
        close(errPipe[1])
        close(inPipe[0])
        guard status == 0 else {
            close(outPipe[0])
            close(errPipe[0])
            close(inPipe[1])
            throw TestFailure("cannot start \(executable): \(String(cString: strerror(status)))")
        }
        self.pid = pid
        stdoutFD = outPipe[0]
        stderrFD = errPipe[0]
        stdinFD = inPipe[1]
    }

    deinit {
        close(stdoutFD)
        close(stderrFD)
        // stdinFD is closed by whoever feeds (or does not feed) the child's input.
    }

    /// Reads one line from standard output (without the line feed).
    func readLine() -> String {
        var line = Data()
        var byte: UInt8 = 0
        while true {
            let n = read(stdoutFD, &byte, 1)
            if n == 1 {
                if byte == 0x0A { break }
                line.append(byte)
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                break
            }
        }
        return String(decoding: line, as: UTF8.self)
    }

    static func readAll(_ fd: Int32) -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n > 0 {
                data.append(contentsOf: buffer[0..<n])
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                break
            }
        }
        return data
    }

    /// Waits for the child; returns its exit status (128 + signal when killed).
    @discardableResult
    func wait() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        if status & 0x7F == 0 { return (status >> 8) & 0xFF }
        return 128 + (status & 0x7F)
    }
}

/// A helper process (a real server) that prints its port on its first line; killed on drop.
/// `@unchecked Sendable`: both properties are set once in `init` and never change.
final class ServerProcess: @unchecked Sendable {
    let child: Child
    let port: Int

    init(_ executable: String, _ arguments: [String]) throws {
        child = try Child(executable, arguments)
        close(child.stdinFD)
        guard let port = Int(child.readLine().trimmingCharacters(in: .whitespaces)) else {
            kill(child.pid, SIGKILL)
            child.wait()
            throw TestFailure(
                "\(executable) \(arguments) did not print a port (is python3-aiosmtpd installed? run `make test-deps`)"
            )
        }
        self.port = port
    }

    deinit {
        kill(child.pid, SIGKILL)
        child.wait()
    }

    /// The fixture HTTP server serving `directory`.
    static func http(serving directory: String) throws -> ServerProcess {
        try ServerProcess("/usr/bin/python3", [Repo.support.appendingPathComponent("http_server.py").path, directory])
    }

    /// Tests/Support/hostile_server.py (misbehaving feed servers; see its paths).
    static func hostile() throws -> ServerProcess {
        try ServerProcess("/usr/bin/python3", [Repo.support.appendingPathComponent("hostile_server.py").path])
    }

    /// aiosmtpd storing messages in `directory`.
    /// `refusing`: addresses answered 550 at RCPT; `sizeLimit`: EHLO SIZE, 552 beyond it.
    static func smtp(
        storingIn directory: String,
        reply: Int? = nil,
        auth: String? = nil,
        refusing: [String] = [],
        sizeLimit: Int? = nil
    ) throws -> ServerProcess {
        var arguments = [Repo.support.appendingPathComponent("smtp_sink.py").path, directory]
        if let reply { arguments += ["--reply", String(reply)] }
        if let auth { arguments += ["--auth", auth] }
        for address in refusing { arguments += ["--refuse", address] }
        if let sizeLimit { arguments += ["--size-limit", String(sizeLimit)] }
        return try ServerProcess("/usr/bin/python3", arguments)
    }
}

extension ServerProcess {
    /// Tests/Support/webhook_receiver.py storing POSTs in `directory` (see `ReceivedPost`):
    /// `secret`, a file whose key the signature must verify with (401 otherwise);
    /// `answers`, the statuses of the first requests in turn (then 200).
    static func webhook(
        storingIn directory: String,
        secret: String? = nil,
        answers: [Int] = [],
        retryAfter: Int? = nil
    ) throws -> ServerProcess {
        var arguments = [Repo.support.appendingPathComponent("webhook_receiver.py").path, directory]
        if let secret { arguments += ["--secret", secret] }
        if !answers.isEmpty { arguments += ["--answers", answers.map(String.init).joined(separator: ",")] }
        if let retryAfter { arguments += ["--retry-after", String(retryAfter)] }
        return try ServerProcess("/usr/bin/python3", arguments)
    }
}

/// A POST as Tests/Support/webhook_receiver.py stored it, in arrival order.
struct ReceivedPost {
    var path: String
    /// What the receiver answered.
    var status: Int
    /// Whether the signature verified (nil: the receiver had no secret).
    var signature: Bool?
    var contentType: String?
    var body: Data
    /// The document's hits.
    var hits: [[String: Any]] {
        ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any])?["hits"] as? [[String: Any]] ?? []
    }

    static func all(in directory: String) throws -> [ReceivedPost] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let numbers = names.compactMap { $0.hasSuffix(".json") ? Int($0.dropLast(5)) : nil }.sorted()
        return try numbers.map { number in
            let base = (directory as NSString).appendingPathComponent(String(number))
            let meta =
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: base + ".json")))
                as! [String: Any]
            return ReceivedPost(
                path: meta["path"] as! String,
                status: meta["status"] as! Int,
                signature: meta["signature"] as? Bool,
                contentType: meta["content_type"] as? String,
                body: try Data(contentsOf: URL(fileURLWithPath: base + ".body"))
            )
        }
    }
}

/// A TCP port on 127.0.0.1 that nothing listens on: bound, read, closed.
func closedTCPPort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, length) == 0 ? getsockname(fd, $0, &length) : -1
        }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// The real `watchlistd` (usually `run`) as a child process whose standard error is
/// collected as it comes, so a test can wait for a log line. Killed on drop if still running.
final class DaemonProcess: @unchecked Sendable {
    // @unchecked: `collected` and `exitStatus` are only touched under `lock`.
    let child: Child
    private let lock = NSLock()
    private var collected = Data()
    private var exitStatus: Int32?
    private let drained = DispatchSemaphore(value: 0)

    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        child = try Child(
            Repo.binary.path,
            arguments,
            environment: ProcessInfo.processInfo.environment.merging(environment) { $1 }
        )
        close(child.stdinFD)
        let fd = child.stderrFD
        Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = read(fd, &buffer, buffer.count)
                if n > 0 {
                    lock.withLock { collected.append(contentsOf: buffer[0..<n]) }
                } else if n < 0 && errno == EINTR {
                    continue
                } else {
                    break
                }
            }
            drained.signal()
        }.start()
    }

    var pid: pid_t { child.pid }

    /// Everything written to standard error so far.
    var log: String { lock.withLock { String(decoding: collected, as: UTF8.self) } }

    /// How many log lines contain `text`.
    func count(_ text: String) -> Int { log.components(separatedBy: "\n").filter { $0.contains(text) }.count }

    /// Waits (at most `seconds`, a bound so a broken build cannot hang the suite) until
    /// `condition` holds for the log; returns whether it did.
    @discardableResult
    func waitForLog(seconds: Double = 30, _ condition: (String) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition(log) { return true }
            if !isRunning {
                usleep(200_000)  // the last lines still in the pipe
                return condition(log)
            }
            usleep(50_000)
        }
        return condition(log)
    }

    @discardableResult
    func waitForLog(_ text: String, seconds: Double = 30) -> Bool { waitForLog(seconds: seconds) { $0.contains(text) } }

    /// Sends SIGTERM (unless it has exited), waits; returns the exit status.
    @discardableResult
    func stop() -> Int32 {
        if let status = lock.withLock({ exitStatus }) { return status }
        kill(child.pid, SIGTERM)
        return wait()
    }

    /// Waits for the process to exit; returns its exit status (128 + signal when killed).
    @discardableResult
    func wait() -> Int32 {
        if let status = lock.withLock({ exitStatus }) { return status }
        let status = child.wait()
        drained.wait()
        lock.withLock { exitStatus = status }
        return status
    }

    /// Whether the process has not exited (without reaping it).
    var isRunning: Bool {
        if lock.withLock({ exitStatus }) != nil { return false }
        return kill(child.pid, 0) == 0
            && !(((try? String(contentsOfFile: "/proc/\(child.pid)/stat", encoding: .utf8)) ?? "").contains(") Z "))
    }

    deinit {
        if lock.withLock({ exitStatus }) == nil {
            kill(child.pid, SIGKILL)
            _ = child.wait()
            drained.wait()
        }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Runs the real `watchlistd` binary; returns exit status, stdout and stderr. `shell`: a
/// /bin/sh command line the binary and its arguments are appended to ("umask 077; exec",
/// "exec setpriv …"), for a umask, another user, or an environment variable computed
/// from the process's own descriptors.
@discardableResult
func runBinary(
    _ arguments: [String],
    stdin: String? = nil,
    environment: [String: String] = [:],
    shell: String? = nil
) throws -> (status: Int32, stdout: String, stderr: String) {
    guard FileManager.default.isExecutableFile(atPath: Repo.binary.path) else {
        throw TestFailure("\(Repo.binary.path) is missing: run `swift build` first (make test does)")
    }
    let (executable, argv) =
        shell.map { ("/bin/sh", ["-c", $0 + " \"$0\" \"$@\"", Repo.binary.path] + arguments) }
        ?? (Repo.binary.path, arguments)
    let child = try Child(
        executable,
        argv,
        environment: ProcessInfo.processInfo.environment.merging(environment) { $1 }
    )
    // Feed stdin and drain stderr on other threads so that no pipe fills up and blocks.
    let input = Data((stdin ?? "").utf8)
    let stdinFD = child.stdinFD
    let writer = Thread {
        input.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = write(stdinFD, buffer.baseAddress! + offset, buffer.count - offset)
                if n > 0 { offset += n } else if n < 0 && errno == EINTR { continue } else { break }
            }
        }
        close(stdinFD)
    }
    writer.start()
    let errBox = DataBox()
    let stderrFD = child.stderrFD
    let done = DispatchSemaphore(value: 0)
    Thread {
        errBox.data = Child.readAll(stderrFD)
        done.signal()
    }.start()
    let stdout = Child.readAll(child.stdoutFD)
    done.wait()
    let status = child.wait()
    return (status, String(decoding: stdout, as: UTF8.self), String(decoding: errBox.data, as: UTF8.self))
}

/// `runBinary` on a thread of its own: an async test waiting for the binary holds no
/// thread of Swift's cooperative pool (two threads on two cores), so the async tests
/// running beside it (fetches, deliveries) are not starved.
func runBinaryOffPool(
    _ arguments: [String],
    stdin: String? = nil,
    environment: [String: String] = [:]
) async throws -> (status: Int32, stdout: String, stderr: String) {
    try await withCheckedThrowingContinuation { continuation in
        Thread {
            continuation.resume(with: Result { try runBinary(arguments, stdin: stdin, environment: environment) })
        }.start()
    }
}

final class DataBox: @unchecked Sendable {
    // @unchecked: written by one thread before a semaphore signal, read after the wait.
    var data = Data()
}

/// Parses a watchlist text, failing the test on any error.
func watchlist(_ text: String, file: String = "test.watch") throws -> Watchlist {
    let (list, problems) = WatchlistParser.parse(Data(text.utf8), file: file)
    guard let list else { throw TestFailure(problems.map(\.description).joined(separator: "\n")) }
    return list
}
