import CCurl
import Foundation

/// Why a message was not delivered; `permanent` failures are parked, others retried.
public struct DeliveryError: Error, Sendable, CustomStringConvertible {
    public var channel: String
    public var target: String
    public var detail: String
    public var permanent: Bool
    public var description: String {
        "\(channel) to \(target): \(detail)" + (permanent ? " — parked; fix the cause and requeue" : " — will be retried")
    }
}

/// Where alert e-mails go.
public protocol MailTransport: Sendable {
    func send(_ mail: AlertMail) async throws(DeliveryError)
}

/// SMTP through libcurl. Clear text only to a relay on loopback; any other host must
/// offer STARTTLS (or be `smtps://`).
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

    public func send(_ mail: AlertMail) async throws(DeliveryError) {
        for address in mail.recipients + bcc + [mail.from] {
            if let problem = EmailAddress.problem(with: address) {
                throw DeliveryError(channel: "e-mail", target: address, detail: "invalid address: \(problem)", permanent: true)
            }
        }
        let url = self.effectiveURL
        let timeout = self.timeout
        let data = mail.render()
        let envelope = mail.recipients + bcc
        let tls: SMTPConfig.StartTLS = startTLS ?? (Self.isLoopback(url) ? .try : .require)
        var password: String?
        if let passwordFile {
            guard let contents = try? String(contentsOfFile: passwordFile, encoding: .utf8) else {
                throw DeliveryError(channel: "e-mail", target: url, detail: "cannot read password-file \(passwordFile); check the path and its permissions",
                                    permanent: false)
            }
            password = contents.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        }
        let user = self.user
        let secret = password
        let result: DeliveryError? = await CurlEasy.run {
            let curl = CurlEasy()
            curl.set(CURLOPT_URL, url)
            curl.set(CURLOPT_PROTOCOLS_STR, "smtp,smtps")
            curl.set(CURLOPT_MAIL_FROM, "<\(mail.from)>")
            curl.set(CURLOPT_MAIL_RCPT, list: envelope.map { "<\($0)>" })
            switch tls {
            case .require: curl.set(CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue))
            case .try: curl.set(CURLOPT_USE_SSL, Int(CURLUSESSL_TRY.rawValue))
            case .off: curl.set(CURLOPT_USE_SSL, Int(CURLUSESSL_NONE.rawValue))
            }
            if let user { curl.set(CURLOPT_USERNAME, user) }
            if let secret { curl.set(CURLOPT_PASSWORD, secret) }
            curl.set(CURLOPT_CONNECTTIMEOUT, 20)
            curl.set(CURLOPT_TIMEOUT, timeout)
            curl.collectBody(maxBytes: 1 << 20)
            curl.upload(data)
            let code = curl.perform()
            if code == CURLE_OK { return nil }
            let reply = curl.responseCode
            var detail = "curl error \(code.rawValue): \(CurlEasy.describe(code))" + (reply > 0 ? ", last SMTP reply \(reply)" : "")
            if code == CURLE_USE_SSL_FAILED {
                detail += "; the server does not offer STARTTLS (set `starttls: off` only for a relay you trust)"
            }
            return DeliveryError(channel: "e-mail", target: "\(mail.recipients.joined(separator: ", ")) via \(url)",
                                 detail: detail, permanent: (500..<600).contains(reply))
        }
        if let result { throw result }
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
            let safeCustomer = mail.customer.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) ? String($0) : "-" }.joined()
            let name = "\(safeCustomer.prefix(40))-\(mail.outboxIDs.min() ?? 0).eml"
            try mail.render().write(to: URL(fileURLWithPath: directory).appendingPathComponent(name), options: .atomic)
        } catch {
            throw DeliveryError(channel: "e-mail", target: directory, detail: "cannot write: \(error.localizedDescription)", permanent: false)
        }
    }
}
