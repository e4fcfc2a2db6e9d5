import CCurl
import Foundation

/// Why a message was not delivered; `permanent` failures are parked, others retried.
public struct DeliveryError: Error, Sendable, CustomStringConvertible {
    public var channel: String
    public var target: String
    public var detail: String
    public var permanent: Bool
    /// The server refused the message for its size (552): a smaller message may pass.
    public var tooLarge = false

    public init(channel: String, target: String, detail: String, permanent: Bool) {
        (self.channel, self.target, self.detail, self.permanent) = (channel, target, detail, permanent)
    }

    public var description: String {
        "\(channel) to \(target): \(detail)"
            + (permanent ? " — parked; fix the cause, then `watchlistd alerts --requeue`" : " — will be retried")
    }
}

/// Where alert e-mails go.
public protocol MailTransport: Sendable {
    /// Sends to the message's recipients and the transport's extra ones; fails if any refused.
    func send(_ mail: AlertMail) async throws(DeliveryError)
    /// The envelope addresses added to every message (the operator's `bcc:`).
    var extraRecipients: [String] { get }
    /// Sends `mail` to each address of `envelope`; one result per address (nil: accepted).
    func deliver(_ mail: AlertMail, to envelope: [String]) async -> [(address: String, error: DeliveryError?)]
    /// The largest message the server takes (its EHLO `SIZE`), when it says.
    func advertisedSizeLimit() async -> Int?
}

extension MailTransport {
    public var extraRecipients: [String] { [] }

    /// All or nothing: a transport without per-recipient results.
    public func deliver(_ mail: AlertMail, to envelope: [String]) async -> [(address: String, error: DeliveryError?)] {
        do throws(DeliveryError) {
            try await send(mail)
            return envelope.map { ($0, nil) }
        } catch {
            return envelope.map { ($0, error) }
        }
    }

    public func advertisedSizeLimit() async -> Int? { nil }
}

/// SMTP through libcurl. Clear text only to a relay on loopback; any other host must
/// offer STARTTLS (or be `smtps://`). One refused recipient (550 at RCPT) costs only
/// that recipient: the others (and the bcc) still get the message.
public struct SMTPTransport: MailTransport {
    public var url: String
    public var timeout: Int = 60
    public var bcc: [String] = []
    public var user: String?
    public var passwordFile: String?
    public var helo: String?
    public var startTLS: SMTPConfig.StartTLS?

    public init(url: String) {
        self.url = url
    }

    public init(config: SMTPConfig) {
        url = config.url
        timeout = config.timeout
        bcc = config.bcc
        user = config.user
        passwordFile = config.passwordFile
        helo = config.helo
        startTLS = config.startTLS
    }

    public var extraRecipients: [String] { bcc }

    /// The URL curl is given: libcurl sends the URL's path as the EHLO name.
    var effectiveURL: String {
        guard let helo else { return url }
        var base = url
        while base.hasSuffix("/") { base.removeLast() }
        if let components = URLComponents(string: base), !components.path.isEmpty { return base }
        return base + "/" + helo
    }

    static func isLoopback(_ url: String) -> Bool {
        guard let host = URLComponents(string: url)?.host?.lowercased() else { return false }
        return host == "localhost" || host.hasPrefix("127.") || host == "::1" || host == "[::1]"
    }

    /// The session settings every connection uses (URL, STARTTLS policy, login, time-outs).
    struct Session: Sendable {
        var url: String
        var tls: SMTPConfig.StartTLS
        var user: String?
        var password: String?
        var timeout: Int

        func configure(_ curl: CurlEasy) {
            curl.set(CURLOPT_URL, url)
            curl.set(CURLOPT_PROTOCOLS_STR, "smtp,smtps")
            switch tls {
            case .require: curl.set(CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue))
            case .try: curl.set(CURLOPT_USE_SSL, Int(CURLUSESSL_TRY.rawValue))
            case .off: curl.set(CURLOPT_USE_SSL, Int(CURLUSESSL_NONE.rawValue))
            }
            if let user { curl.set(CURLOPT_USERNAME, user) }
            if let password { curl.set(CURLOPT_PASSWORD, password) }
            curl.set(CURLOPT_CONNECTTIMEOUT, 20)
            curl.set(CURLOPT_TIMEOUT, timeout)
            curl.collectBody(maxBytes: 1 << 20)
        }
    }

    func session() throws(DeliveryError) -> Session {
        let url = effectiveURL
        var password: String?
        if let passwordFile {
            guard let contents = try? String(contentsOfFile: passwordFile, encoding: .utf8) else {
                throw DeliveryError(
                    channel: "e-mail",
                    target: url,
                    detail: "cannot read password-file \(passwordFile); check the path and its permissions",
                    permanent: false
                )
            }
            password = contents.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        }
        return Session(
            url: url,
            tls: startTLS ?? (Self.isLoopback(url) ? .try : .require),
            user: user,
            password: password,
            timeout: timeout
        )
    }

    /// `SIZE N` from the server's EHLO reply lines (0 means no limit).
    static func sizeLimit(in transcript: [(out: Bool, line: String)]) -> Int? {
        for (out, line) in transcript where !out && line.hasPrefix("250") && line.count > 4 {
            let words = line.dropFirst(4).split(separator: " ")
            if words.first?.uppercased() == "SIZE", words.count > 1, let size = Int(words[1]), size > 0 { return size }
        }
        return nil
    }

    /// Each RCPT TO's final reply line, by address.
    static func recipientReplies(in transcript: [(out: Bool, line: String)]) -> [String: String] {
        var replies: [String: String] = [:]
        var waiting: String?
        for (out, line) in transcript {
            if out {
                waiting = line.dropFirst(8).trimmingCharacters(in: CharacterSet(charactersIn: " <>"))
            } else if let address = waiting, line.count >= 4, line.prefix(3).allSatisfy(\.isNumber),
                line[line.index(line.startIndex, offsetBy: 3)] == " "
            {
                replies[address] = line  // "250-" lines continue a reply; "250 " ends it
                waiting = nil
            }
        }
        return replies
    }

    public func advertisedSizeLimit() async -> Int? {
        guard let session = try? session() else { return nil }
        return await CurlEasy.run {
            let curl = CurlEasy()
            session.configure(curl)
            curl.recordTranscript()
            curl.set(CURLOPT_CUSTOMREQUEST, "NOOP")  // no recipient, no upload: EHLO, then this command
            _ = curl.perform()
            return Self.sizeLimit(in: curl.transcript)
        }
    }

    public func send(_ mail: AlertMail) async throws(DeliveryError) {
        for (_, error) in await deliver(mail, to: mail.recipients + bcc) {
            if let error { throw error }
        }
    }

    /// One transaction for the whole envelope; a recipient refused at RCPT does not stop
    /// the others (CURLOPT_MAIL_RCPT_ALLLOWFAILS, spelled so in curl.h), and each
    /// recipient's result is read from the transcript.
    public func deliver(_ mail: AlertMail, to envelope: [String]) async -> [(address: String, error: DeliveryError?)] {
        for address in mail.recipients + [mail.from] {
            if let problem = EmailAddress.problem(with: address) {
                let error = DeliveryError(
                    channel: "e-mail",
                    target: address,
                    detail: "invalid address: \(problem)",
                    permanent: true
                )
                return envelope.map { ($0, error) }
            }
        }
        let session: Session
        do throws(DeliveryError) {
            session = try self.session()
        } catch {
            return envelope.map { ($0, error) }
        }
        var invalid: [String: DeliveryError] = [:]
        for address in envelope {
            if let problem = EmailAddress.problem(with: address) {
                invalid[address] = DeliveryError(
                    channel: "e-mail",
                    target: address,
                    detail: "invalid address: \(problem)",
                    permanent: true
                )
            }
        }
        let valid = envelope.filter { invalid[$0] == nil }
        guard !valid.isEmpty else { return envelope.map { ($0, invalid[$0]) } }
        let data = mail.render()
        let url = session.url
        let results: [String: DeliveryError] = await CurlEasy.run {
            let curl = CurlEasy()
            session.configure(curl)
            curl.recordTranscript()
            curl.set(CURLOPT_MAIL_FROM, "<\(mail.from)>")
            curl.set(CURLOPT_MAIL_RCPT, list: valid.map { "<\($0)>" })
            curl.set(CURLOPT_MAIL_RCPT_ALLLOWFAILS, 1)
            // MAIL FROM ... SIZE=N: a server with a smaller limit says so before the data
            curl.set(CURLOPT_INFILESIZE, data.count)
            curl.upload(data)
            let code = curl.perform()
            let replies = Self.recipientReplies(in: curl.transcript)
            var refused: [String: DeliveryError] = [:]
            for address in valid {
                if let reply = replies[address], !reply.hasPrefix("2") {
                    refused[address] = DeliveryError(
                        channel: "e-mail",
                        target: "\(address) via \(url)",
                        detail: "recipient refused: \(MailHeader.singleLine(String(reply.prefix(300))))",
                        permanent: reply.hasPrefix("5")
                    )
                }
            }
            guard code != CURLE_OK else { return refused }
            // The transaction failed: every recipient not refused on its own shares the reason.
            let reply = curl.responseCode
            var detail = curl.failureDetail(code) + (reply > 0 ? ", last SMTP reply \(reply)" : "")
            if code == CURLE_USE_SSL_FAILED {
                detail += "; the server does not offer STARTTLS (set `starttls: off` only for a relay you trust)"
            }
            var tooLarge = false
            if reply == 552 {
                let limit = Self.sizeLimit(in: curl.transcript)
                let said = curl.transcript.last { !$0.out && $0.line.hasPrefix("552") }?.line.lowercased() ?? ""
                if limit.map({ data.count > $0 }) == true
                    || ["size", "large", "too much", "exceed"].contains(where: said.contains)
                {
                    tooLarge = true
                    detail =
                        "message too large (\(data.count) bytes; server limit \(limit.map(String.init) ?? "not advertised")); "
                        + "lower `max-message-size:` in the smtp block or raise the relay's limit"
                }
            }
            let accepted = valid.filter { refused[$0] == nil }
            var error = DeliveryError(
                channel: "e-mail",
                target: "\(accepted.joined(separator: ", ")) via \(url)",
                detail: detail,
                permanent: (500..<600).contains(reply)
            )
            error.tooLarge = tooLarge
            for address in accepted { refused[address] = error }
            return refused
        }
        return envelope.map { ($0, invalid[$0] ?? results[$0]) }
    }
}

/// Writes each message as an `.eml` file in a folder (the demo's "what would be sent").
public struct DirectoryTransport: MailTransport {
    public var directory: String

    public init(directory: String) {
        self.directory = directory
    }

    public func send(_ mail: AlertMail) async throws(DeliveryError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let safeCustomer = mail.customer.unicodeScalars.map {
                CharacterSet.alphanumerics.contains($0) ? String($0) : "-"
            }.joined()
            let name = "\(safeCustomer.prefix(40))-\(mail.outboxIDs.min() ?? 0).eml"
            try mail.render().write(to: URL(fileURLWithPath: directory).appendingPathComponent(name), options: .atomic)
        } catch {
            throw DeliveryError(
                channel: "e-mail",
                target: directory,
                detail: "cannot write: \(error.localizedDescription)",
                permanent: false
            )
        }
    }
}
