import CCurl
import Foundation
import Synchronization

/// The only place that touches libcurl. One `CurlEasy` per transfer; it is not
/// thread-safe and not `Sendable`: create, configure, perform and drop it on one thread.
/// Blocking `perform()` must run off the cooperative thread pool (see `CurlEasy.run`).
final class CurlEasy {
    private let handle: UnsafeMutableRawPointer
    private var lists: [UnsafeMutablePointer<curl_slist>] = []
    private let sink = Sink()
    /// CURLOPT_ERRORBUFFER: curl's own account of a failure ("Operation too slow. Less than
    /// 100 bytes/sec transferred the last 2 seconds"), more than curl_easy_strerror says.
    private let errorBuffer: UnsafeMutablePointer<CChar>

    /// Collects what curl hands to the callbacks; reached through an unmanaged pointer.
    final class Sink {
        var body = Data()
        var maxBytes = Int.max
        var tooLarge = false
        var headers: [(String, String)] = []
        /// The SMTP transcript when recorded: reply lines (in) and RCPT commands (out), at most 1,000.
        var transcript: [(out: Bool, line: String)] = []
        var upload = Data()
        var uploadOffset = 0
        var abort: Abort?
        /// Set when the address guard refused a connection: the address it refused.
        var refusedAddress: String?
        /// Test-only: "address:port" peers the guard lets through (see `refuseInternalAddresses`).
        var publicPeers: Set<String> = []
    }

    /// Asks a running transfer to stop (from any thread); the transfer ends with
    /// CURLE_ABORTED_BY_CALLBACK at curl's next progress call (within about a second).
    final class Abort: Sendable {
        private let flag = Atomic<Bool>(false)
        func cancel() { flag.store(true, ordering: .relaxed) }
        var isCancelled: Bool { flag.load(ordering: .relaxed) }
    }

    private static let globalInit: Bool = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
    }()

    init() {
        _ = Self.globalInit
        handle = curl_easy_init()
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        // Never let curl raise signals in a threaded process (DNS time-outs use SIGALRM otherwise).
        set(CURLOPT_NOSIGNAL, 1)
        set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errorBuffer))
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
        for list in lists { curl_slist_free_all(list) }
    }

    /// Runs `work` on a transfer thread (`TransferThreads`) and returns its result to
    /// the caller's task.
    static func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            TransferThreads.shared.submit { continuation.resume(returning: work()) }
        }
    }

    /// The first option this libcurl refused on this handle, and its answer. `perform()` then
    /// transfers nothing and returns that answer (see `failureDetail`): a limit or a protection
    /// that could not be set (protocols, time limits, the SSRF guard's connect-time check)
    /// never runs switched off.
    private(set) var refusedOption: (option: CURLoption, code: CURLcode)?

    /// Test-only (never set from configuration): this option is answered CURLE_UNKNOWN_OPTION
    /// without reaching libcurl, as a libcurl that lacks it answers.
    var unsupportedOptionForTesting: CURLoption?

    /// Every curl_easy_setopt goes through here; its result is never discarded.
    private func apply(_ option: CURLoption, _ setopt: () -> CURLcode) {
        let code = option == unsupportedOptionForTesting ? CURLE_UNKNOWN_OPTION : setopt()
        if code != CURLE_OK && refusedOption == nil { refusedOption = (option, code) }
    }

    func set(_ option: CURLoption, _ value: Int) {
        apply(option) { wl_curl_setopt_long(handle, option, value) }
    }

    func set(_ option: CURLoption, _ value: String) {
        apply(option) { wl_curl_setopt_string(handle, option, value) }
    }

    /// Sets a list option (HTTP headers, mail recipients); the list lives as long as the handle.
    func set(_ option: CURLoption, list values: [String]) {
        var list: UnsafeMutablePointer<curl_slist>?
        for value in values { list = curl_slist_append(list, value) }
        if let list { lists.append(list) }
        apply(option) { wl_curl_setopt_slist(handle, option, list) }
    }

    private func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer) {
        apply(option) { wl_curl_setopt_pointer(handle, option, pointer) }
    }

    private func set(_ option: CURLoption, callback: wl_curl_data_callback) {
        apply(option) { wl_curl_setopt_callback(handle, option, callback) }
    }

    /// "CURLOPT_NAME", as curl.h spells it (from libcurl's own option table).
    static func name(of option: CURLoption) -> String {
        guard let name = curl_easy_option_by_id(option)?.pointee.name else { return "curl option \(option.rawValue)" }
        return "CURLOPT_" + String(cString: name)
    }

    /// What a failed `perform()` tells the operator: the refused option with what to do, or
    /// curl's error.
    func failureDetail(_ code: CURLcode) -> String {
        guard let (option, refused) = refusedOption.map({ ($0.option, $0.code) }) else {
            let reason = Self.describe(code)
            let account = String(cString: errorBuffer).trimmingCharacters(in: .whitespacesAndNewlines)
            return "curl error \(code.rawValue): \(reason)"
                + (account.isEmpty || account == reason ? "" : " (\(account))")
        }
        let advice: String
        switch refused {
        case CURLE_BAD_FUNCTION_ARGUMENT:
            advice =
                "libcurl refused the value; check the setting it comes from (a time limit, size or count out of range)"
        default:
            advice =
                "this libcurl lacks the option or the value; upgrade libcurl (watchlistd needs 7.85 or later, "
                + "Debian 12 has 7.88.1)"
        }
        return "libcurl \(Self.libraryVersion) refused \(Self.name(of: option)) (curl error \(refused.rawValue): "
            + "\(Self.describe(refused))), so nothing was sent: \(advice)"
    }

    /// Collects the response body, failing the transfer once it exceeds `maxBytes`
    /// (counted after decompression, unlike CURLOPT_MAXFILESIZE).
    func collectBody(maxBytes: Int) {
        sink.maxBytes = maxBytes
        let pointer = Unmanaged.passUnretained(sink).toOpaque()
        set(CURLOPT_WRITEFUNCTION) { buffer, size, count, userdata in
            let sink = Unmanaged<Sink>.fromOpaque(userdata!).takeUnretainedValue()
            let length = size * count
            if sink.body.count + length > sink.maxBytes {
                sink.tooLarge = true
                return 0
            }
            if let buffer {
                sink.body.append(UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self), count: length)
            }
            return length
        }
        set(CURLOPT_WRITEDATA, pointer: pointer)
        set(CURLOPT_HEADERFUNCTION) { buffer, size, count, userdata in
            let sink = Unmanaged<Sink>.fromOpaque(userdata!).takeUnretainedValue()
            let length = size * count
            guard let buffer else { return length }
            let line = String(decoding: UnsafeRawBufferPointer(start: buffer, count: length), as: UTF8.self)
            if line.hasPrefix("HTTP/") {
                sink.headers.removeAll()  // a new response (after a redirect or 100-continue)
            } else if let colon = line.firstIndex(of: ":") {
                let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
                let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
                sink.headers.append((name, value))
            }
            return length
        }
        set(CURLOPT_HEADERDATA, pointer: pointer)
    }

    /// Sends `body` as an HTTP POST (a webhook's JSON document): exactly its UTF-8 bytes,
    /// copied by curl.
    func post(_ body: String) {
        set(CURLOPT_POSTFIELDSIZE, body.utf8.count)
        set(CURLOPT_COPYPOSTFIELDS, body)
    }

    /// Sends `data` as the upload (the SMTP message).
    func upload(_ data: Data) {
        sink.upload = data
        sink.uploadOffset = 0
        set(CURLOPT_UPLOAD, 1)
        set(CURLOPT_READFUNCTION) { buffer, size, count, userdata in
            let sink = Unmanaged<Sink>.fromOpaque(userdata!).takeUnretainedValue()
            let length = min(size * count, sink.upload.count - sink.uploadOffset)
            guard length > 0, let buffer else { return 0 }
            sink.upload.withUnsafeBytes { bytes in
                UnsafeMutableRawPointer(buffer).copyMemory(
                    from: bytes.baseAddress! + sink.uploadOffset,
                    byteCount: length
                )
            }
            sink.uploadOffset += length
            return length
        }
        set(CURLOPT_READDATA, pointer: Unmanaged.passUnretained(sink).toOpaque())
    }

    /// Stops the transfer once `abort` is cancelled.
    func abortWhen(_ abort: Abort) {
        sink.abort = abort
        apply(CURLOPT_XFERINFOFUNCTION) {
            wl_curl_setopt_xferinfo(handle) { userdata, _, _, _, _ in
                Unmanaged<Sink>.fromOpaque(userdata!).takeUnretainedValue().abort?.isCancelled == true ? 1 : 0
            }
        }
        set(CURLOPT_XFERINFODATA, pointer: Unmanaged.passUnretained(sink).toOpaque())
    }

    /// Refuses every connection whose peer is an internal address (see `AddressGuard`),
    /// checked on the connected address before each request, so every redirect hop and
    /// every address a name resolves to is covered, not only the first. `publicForTesting`:
    /// "address:port" peers taken as public (a local test server standing for an internet
    /// host, to test what comes after it); never set from configuration.
    func refuseInternalAddresses(publicForTesting: Set<String> = []) {
        sink.publicPeers = publicForTesting
        apply(CURLOPT_PREREQFUNCTION) {
            wl_curl_setopt_prereq(handle) { userdata, primary, _, port, _ in
                let sink = Unmanaged<Sink>.fromOpaque(userdata!).takeUnretainedValue()
                let address = primary.map { String(cString: $0) } ?? ""
                guard AddressGuard.isInternal(address), !sink.publicPeers.contains("\(address):\(port)") else {
                    return Int32(CURL_PREREQFUNC_OK)
                }
                sink.refusedAddress = address
                return Int32(CURL_PREREQFUNC_ABORT)
            }
        }
        set(CURLOPT_PREREQDATA, pointer: Unmanaged.passUnretained(sink).toOpaque())
    }

    var refusedAddress: String? { sink.refusedAddress }
    var aborted: Bool { sink.abort?.isCancelled == true }

    /// The socket of a connect-only connection (-1 when there is none).
    var activeSocket: Int32 {
        var socket: curl_socket_t = -1
        return wl_curl_getinfo_socket(handle, CURLINFO_ACTIVESOCKET, &socket) == CURLE_OK ? Int32(socket) : -1
    }

    /// Reads raw bytes from a connect-only connection without waiting (curl_easy_recv):
    /// CURLE_AGAIN when nothing is there for the caller (TLS records such as session
    /// tickets are consumed by the TLS library), CURLE_OK with 0 bytes when the peer closed.
    func receiveRaw(_ buffer: UnsafeMutableRawPointer, _ length: Int, _ received: inout Int) -> CURLcode {
        curl_easy_recv(handle, buffer, length, &received)
    }

    /// Writes raw bytes on a connect-only connection (curl_easy_send).
    func sendRaw(_ buffer: UnsafeRawPointer, _ length: Int, _ sent: inout Int) -> CURLcode {
        curl_easy_send(handle, buffer, length, &sent)
    }

    /// Performs the transfer (blocking); when an option was refused, transfers nothing and
    /// returns libcurl's answer to it (`failureDetail` names the option).
    func perform() -> CURLcode {
        if let refusedOption { return refusedOption.code }
        return curl_easy_perform(handle)
    }

    var body: Data { sink.body }
    /// Records the server's reply lines and the RCPT TO commands (`transcript`). Other
    /// commands are not kept: AUTH carries the credentials.
    func recordTranscript() {
        apply(CURLOPT_DEBUGFUNCTION) {
            wl_curl_setopt_debug(handle) { _, type, data, size, userdata in
                let sink = Unmanaged<Sink>.fromOpaque(userdata!).takeUnretainedValue()
                guard type == CURLINFO_HEADER_IN || type == CURLINFO_HEADER_OUT, let data, sink.transcript.count < 1000
                else { return 0 }
                let line = String(decoding: UnsafeRawBufferPointer(start: data, count: size), as: UTF8.self)
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                if type == CURLINFO_HEADER_IN {
                    sink.transcript.append((false, line))
                } else if line.uppercased().hasPrefix("RCPT TO:") {
                    sink.transcript.append((true, line))
                }
                return 0
            }
        }
        set(CURLOPT_DEBUGDATA, pointer: Unmanaged.passUnretained(sink).toOpaque())
    }

    /// What `recordTranscript` kept, oldest first.
    var transcript: [(out: Bool, line: String)] { sink.transcript }
    var bodyTooLarge: Bool { sink.tooLarge }

    /// The last value of a response header of the final response.
    func header(_ name: String) -> String? {
        sink.headers.last { $0.0 == name }?.1
    }

    var responseCode: Int {
        var code = 0
        wl_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &code)
        return code
    }

    var effectiveURL: String? {
        var pointer: UnsafePointer<CChar>?
        wl_curl_getinfo_string(handle, CURLINFO_EFFECTIVE_URL, &pointer)
        return pointer.map { String(cString: $0) }
    }

    static func describe(_ code: CURLcode) -> String {
        String(cString: curl_easy_strerror(code))
    }

    /// The libcurl version loaded at run time (for `--version`).
    static var libraryVersion: String { String(cString: wl_curl_version()) }
}

/// The threads blocking transfers run on: never the cooperative pool, and not a Dispatch
/// queue either (libdispatch adds threads for blocked work about one a second, so 64
/// feeds fetched at once took 26 s where each took 2). A transfer starts at once on an
/// idle thread or a new one; callers bound how many run at once (`concurrency:`), and
/// `limit` bounds the threads. A thread idle for a minute ends.
final class TransferThreads: @unchecked Sendable {
    // @unchecked: every field is read and written with `condition` locked.
    static let shared = TransferThreads(limit: 256)

    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var idle = 0
    private var threads = 0
    private let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    /// The number of threads alive now (for tests and benchmarks).
    var threadCount: Int { condition.withLock { threads } }

    func submit(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        defer { condition.unlock() }
        jobs.append(job)
        if jobs.count > idle && threads < limit {
            threads += 1
            let thread = Thread { [self] in work() }
            thread.name = "watchlistd.transfer"
            thread.start()
        } else {
            condition.signal()
        }
    }

    private func work() {
        condition.lock()
        while true {
            while jobs.isEmpty {
                idle += 1
                let woken = condition.wait(until: Date().addingTimeInterval(60))
                idle -= 1
                if !woken && jobs.isEmpty {
                    threads -= 1
                    condition.unlock()
                    return
                }
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
            condition.lock()
        }
    }
}
