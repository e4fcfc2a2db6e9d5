import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One `watchlistd run` per database: `DATABASE.lock` beside the database, locked
/// exclusively (flock) for the life of the process, as Postfix's master.lock. The file
/// holds the owner's pid on its first line; a second line may carry a note the daemon
/// wants `status` to show even when the database cannot be written (a store error on a
/// full disk). Its 4 KiB are allocated at creation, so rewriting it never needs space.
public final class InstanceLock: @unchecked Sendable {
    // @unchecked: `fd` is fixed; writes go through `lock`.
    public let path: String
    private let fd: Int32
    private let lock = NSLock()
    static let size = 4096

    /// Another process holds the lock.
    public struct Held: Error, CustomStringConvertible {
        public var path: String
        public var pid: Int32?
        public var description: String {
            "another watchlistd\(pid.map { " (pid \($0))" } ?? "") is running on this database: it holds \(path). "
                + "Stop it first (systemctl stop watchlistd), or give this one its own `database:`"
        }
    }

    /// The lock file cannot be made.
    public struct Unavailable: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String {
            "cannot create the lock file \(path): \(reason); check that the database's folder is writable by the user watchlistd runs as"
        }
    }

    public static func path(database: String) -> String { database + ".lock" }

    /// Takes the lock for `database`, or throws `Held` (naming the holder) / `Unavailable`.
    public static func acquire(database: String) throws -> InstanceLock {
        let path = path(database: database)
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Unavailable(path: path, reason: String(cString: strerror(errno))) }
        // A reader (`status`) may hold a shared lock for an instant: try a few times.
        for attempt in 0..<5 {
            if flock(fd, LOCK_EX | LOCK_NB) == 0 {
                let instance = InstanceLock(path: path, fd: fd)
                instance.write(note: nil)
                return instance
            }
            guard errno == EWOULDBLOCK, attempt < 4 else { break }
            usleep(50_000)
        }
        let holder = read(fd: fd).pid
        close(fd)
        throw Held(path: path, pid: holder)
    }

    private init(path: String, fd: Int32) {
        self.path = path
        self.fd = fd
        _ = posix_fallocate(fd, 0, off_t(Self.size))
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }

    /// Rewrites the file in place: the pid, then `note` (one line) if any.
    public func write(note: String?) {
        var text = "\(getpid())\n"
        if let note { text += note.replacingOccurrences(of: "\n", with: " ") + "\n" }
        var bytes = Array(text.utf8.prefix(Self.size - 1))
        bytes += [UInt8](repeating: 0, count: Self.size - bytes.count)
        lock.withLock {
            _ = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        }
    }

    /// What the lock file of `database` says, and whether a process holds it now.
    public static func inspect(database: String) -> (running: Bool, pid: Int32?, note: String?) {
        let fd = open(path(database: database), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return (false, nil, nil) }
        defer { close(fd) }
        let running: Bool
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            running = false
        } else {
            running = errno == EWOULDBLOCK
        }
        let (pid, note) = read(fd: fd)
        return (running, pid, note)
    }

    private static func read(fd: Int32) -> (pid: Int32?, note: String?) {
        var buffer = [UInt8](repeating: 0, count: size)
        let count = pread(fd, &buffer, size, 0)
        guard count > 0 else { return (nil, nil) }
        let text = String(decoding: buffer[0..<count].prefix { $0 != 0 }, as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        return (lines.first.flatMap { Int32($0) }, lines.dropFirst().first.map(String.init))
    }
}
