import Foundation
import Testing
@testable import WatchlistCore

/// The binary under the kernel-level restrictions of systemd/watchlistd.service
/// (SystemCallFilter=, MemoryDenyWriteExecute=, RestrictAddressFamilies=,
/// SystemCallArchitectures=, NoNewPrivileges=), applied with seccomp by
/// scripts/sandbox-run.py because there is no systemd to run the unit here; started as
/// root, it runs the binary as nobody, as DynamicUser= would.
@Suite("systemd sandbox", .serialized)
struct SandboxTests {
    static let unit = Repo.root.appendingPathComponent("systemd/watchlistd.service").path
    static let sandbox = Repo.root.appendingPathComponent("scripts/sandbox-run.py").path

    /// A folder the sandboxed process can write to: started as root, it runs as nobody.
    static func sharedDir() throws -> TempDir {
        let dir = try TempDir()
        chmod(dir.path, 0o777)
        return dir
    }

    static func sandboxed(_ command: [String], environment: [String: String] = [:]) throws -> Child {
        let child = try Child(
            "/usr/bin/python3",
            [sandbox, unit, "--"] + command,
            environment: ProcessInfo.processInfo.environment.merging(environment) { $1 }
        )
        close(child.stdinFD)
        return child
    }

    @Test func theFilterIsLive() throws {
        // Controls: what the unit forbids is really refused, so a passing run below means something.
        let wx = try Self.sandboxed([
            "/usr/bin/python3", "-c",
            "import mmap; mmap.mmap(-1, 4096, prot=mmap.PROT_READ|mmap.PROT_WRITE|mmap.PROT_EXEC)",
        ])
        let wxError = String(decoding: Child.readAll(wx.stderrFD), as: UTF8.self)
        #expect(wx.wait() == 1)
        #expect(wxError.contains("PermissionError"), "MemoryDenyWriteExecute: W+X mmap fails with EPERM; \(wxError)")
        let privileged = try Self.sandboxed(["/usr/bin/python3", "-c", "import os; os.chroot('/')"])
        #expect(privileged.wait() == 128 + SIGSYS, "SystemCallFilter=~@privileged: chroot kills the process")
        let packet = try Self.sandboxed([
            "/usr/bin/python3", "-c", "import socket; socket.socket(socket.AF_PACKET, socket.SOCK_RAW)",
        ])
        #expect(String(decoding: Child.readAll(packet.stderrFD), as: UTF8.self).contains("Errno 97"))
        packet.wait()
    }

    @Test func runOnceWorksUnderTheUnitsRestrictions() throws {
        let dir = try Self.sharedDir()
        let http = try ServerProcess.http(serving: Repo.fixtures.appendingPathComponent("feeds").path)
        let syslog = try UDPListener()
        try dir.write(
            "w.conf",
            """
            watchlists: \(Repo.fixtures.path)/watchlists
            database: db.sqlite
            email-dir: out
            feed: http://127.0.0.1:\(http.port)/rss2.xml
              name: rss
            feed: http://127.0.0.1:\(http.port)/atom.xml
              name: atom
            feed: http://127.0.0.1:\(http.port)/jsonfeed.json
              name: json
            syslog: udp://127.0.0.1:\(syslog.port)
            """
        )
        let run = try Self.sandboxed([Repo.binary.path, "run", "--once", "--config", dir.path + "/w.conf"])
        let log = String(decoding: Child.readAll(run.stderrFD), as: UTF8.self)
        #expect(run.wait() == 0, "\(log)")
        let store = try Store(path: dir.path + "/db.sqlite")
        #expect(try store.hits().count == 5, "\(log)")
        #expect(try store.outboxCounts() == ["email/sent": 5, "syslog/sent": 5])
        #expect(syslog.drain().count == 5)
        withExtendedLifetime(http) {}
    }

    @Test func theDaemonStartsNotifiesAndStopsUnderTheUnitsRestrictions() throws {
        let dir = try Self.sharedDir()
        try dir.write(
            "w.conf",
            """
            watchlists: \(Repo.fixtures.path)/watchlists
            database: db.sqlite
            email-dir: out
            feed: file://\(Repo.fixtures.path)/feeds/rss2.xml
              name: rss
            """
        )
        let notify = try NotifyListener(path: dir.path + "/notify.sock")
        chmod(dir.path + "/notify.sock", 0o777)
        let daemon = try Self.sandboxed(
            [Repo.binary.path, "run", "--config", dir.path + "/w.conf"],
            environment: ["NOTIFY_SOCKET": dir.path + "/notify.sock"]
        )
        let started = notify.wait(for: "WATCHDOG=1")
        #expect(started.first?.hasPrefix("READY=1") == true, "\(started)")
        kill(daemon.pid, SIGHUP)
        #expect(notify.wait(for: "READY=1").contains { $0.hasPrefix("RELOADING=1") })
        kill(daemon.pid, SIGTERM)
        #expect(notify.wait(for: "STOPPING=1").contains("STOPPING=1"))
        #expect(daemon.wait() == 0)
    }
}
