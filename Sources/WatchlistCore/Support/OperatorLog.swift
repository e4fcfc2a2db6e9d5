import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Logging
import Synchronization

/// The daemon's log lines on standard error: the message first, then the fields as
/// `key=value` (sorted; quoted when they hold a space, a quote or `=`; control characters
/// escaped, since feed text reaches the log). When standard error is the journal, each
/// line starts with the sd-daemon priority prefix (`<3>` error … `<7>` debug, see
/// sd-daemon(3)) so `journalctl -p err -u watchlistd` filters; the journal adds the time.
/// Elsewhere a UTC timestamp and the level lead the line.
public struct OperatorLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    /// Priority prefixes instead of timestamp and level.
    public let journal: Bool
    private let sink: @Sendable (String) -> Void

    public init(
        level: Logger.Level,
        journal: Bool = JournalStream.isStandardError(),
        sink: @escaping @Sendable (String) -> Void = OperatorLogHandler.writeStandardError
    ) {
        self.logLevel = level
        self.journal = journal
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields = event.metadata.map { metadata.merging($0) { $1 } } ?? metadata
        if let error = event.error, fields["error"] == nil { fields["error"] = "\(error)" }
        sink(
            Self.format(
                level: event.level,
                message: event.message.description,
                fields: fields,
                journal: journal,
                at: Date()
            )
        )
    }

    /// One line, with its line feed.
    public static func format(
        level: Logger.Level,
        message: String,
        fields: Logger.Metadata,
        journal: Bool,
        at date: Date
    ) -> String {
        var line = journal ? "<\(priority(level))>" : "\(FeedDates.rfc3339(date)) \(level.rawValue) "
        line += escape(message)
        for key in fields.keys.sorted() {
            line += " " + escape(key) + "=" + escape(quoted("\(fields[key]!)"))
        }
        return line + "\n"
    }

    /// syslog(3) priorities, as sd-daemon(3) prefixes use them.
    public static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// Control characters (C0, DEL, C1, and the Unicode line and paragraph separators)
    /// as escapes, so a hostile feed title cannot start a forged log line.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x00..<0x20, 0x7F...0x9F, 0x2028, 0x2029:
                out += "\\u{" + String(scalar.value, radix: 16) + "}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func quoted(_ value: String) -> String {
        guard value.isEmpty || value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            + "\""
    }

    /// One write(2) per line, so lines from several threads never interleave.
    public static let writeStandardError: @Sendable (String) -> Void = { line in
        let bytes = Array(line.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
            if n > 0 { offset += n } else if n < 0 && errno == EINTR { continue } else { return }
        }
    }
}

/// systemd's `JOURNAL_STREAM=DEV:INODE`: set when a service's stdout or stderr is
/// connected to the journal. Standard error is the journal when its device and inode
/// are those (systemd.exec(5); a child that inherits the variable but not the stream
/// does not match).
public enum JournalStream {
    public static func isStandardError(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        guard let value = environment["JOURNAL_STREAM"] else { return false }
        let parts = value.split(separator: ":")
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        var info = stat()
        guard fstat(2, &info) == 0 else { return false }
        return UInt64(info.st_dev) == device && UInt64(info.st_ino) == inode
    }
}

/// States logged once when they begin and once when they end (an hourly cap reached, …),
/// not at every cycle while they last. Shared by copies of the value that holds it.
public final class LogOnce: Sendable {
    private let active = Mutex(Set<String>())

    public init() {}

    /// True when `key` was not active (log the start).
    public func begin(_ key: String) -> Bool {
        active.withLock { $0.insert(key).inserted }
    }

    /// True when `key` was active (log the end).
    public func end(_ key: String) -> Bool {
        active.withLock { $0.remove(key) != nil }
    }
}
