import CFeedXML
import Foundation

/// An XPath 1.0 expression compiled by libxml2 (the CHTMLXPath half of the CFeedXML shim).
/// The C pointer stays inside: it is freed with the value.
final class XPathExpression {
    let source: String
    fileprivate let pointer: OpaquePointer

    /// Why `source` does not compile (libxml2's message), or the compiled expression.
    static func compile(_ source: String) -> Result<XPathExpression, XPathError> {
        var message = [CChar](repeating: 0, count: 256)
        guard let pointer = wl_xpath_compile(source, &message, message.count) else {
            return .failure(XPathError(kind: .syntax, message: Self.text(message)))
        }
        return .success(XPathExpression(source: source, pointer: pointer))
    }

    private init(source: String, pointer: OpaquePointer) {
        self.source = source
        self.pointer = pointer
    }

    deinit { wl_xpath_free(pointer) }

    static func text(_ message: [CChar]) -> String {
        String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// What went wrong with an expression.
struct XPathError: Error, Sendable {
    enum Kind: Sendable {
        case syntax, evaluation
        /// More XPath operations than the limit (a careless expression or a hostile page).
        case operationLimit
        /// More nodes than the limit (`items:` selecting every element, say).
        case tooManyNodes(Int)
        /// `items:` gave a string or number, not elements.
        case notNodes
    }
    var kind: Kind
    var message: String
}

/// A page parsed by libxml2's HTML parser (no network, no DTD, no page-defined entities,
/// libxml2's depth limits; see chtmlxpath.h), and the items an `items:` expression
/// selected in it. Nodes stay inside: fields are evaluated against an item by its index.
final class HTMLDocument {
    private let pointer: OpaquePointer
    /// The items the last `select` kept.
    private(set) var itemCount = 0

    /// Operations one evaluation may take. A 1 MB page with 500 cards takes about 30,000
    /// for `//div[@class="card"]` and a few hundred per field; `//*//*//*` on it stops here.
    static let operationLimit: UInt = 5_000_000

    /// nil when libxml2 could not build a document (empty or non-text input).
    init?(utf8 data: Data) {
        guard data.count < Int(Int32.max) else { return nil }
        let parsed = data.withUnsafeBytes { raw -> OpaquePointer? in
            guard let base = raw.baseAddress, raw.count > 0 else { return nil }
            return wl_html_parse(base.assumingMemoryBound(to: CChar.self), Int32(raw.count))
        }
        guard let parsed else { return nil }
        pointer = parsed
    }

    deinit { wl_html_free(pointer) }

    var maxDepth: Int { Int(wl_html_max_depth(pointer)) }
    var elementCount: Int { Int(wl_html_element_count(pointer)) }

    /// Evaluates `expression` on the document and keeps the nodes it selects as items.
    func select(_ expression: XPathExpression, maxNodes: Int) -> Result<Int, XPathError> {
        var count: Int32 = 0
        var message = [CChar](repeating: 0, count: 256)
        let code = wl_html_select(
            pointer,
            expression.pointer,
            Int32(clamping: maxNodes),
            Self.operationLimit,
            &count,
            &message,
            message.count
        )
        if code >= 0 {
            itemCount = Int(code)
            return .success(Int(code))
        }
        itemCount = 0
        return .failure(Self.error(code, message: XPathExpression.text(message), count: Int(count)))
    }

    /// The string value of `expression` with item `item` as context (nil: the document).
    /// A node set gives its first node's text, or with `allNodes` every node's text
    /// joined by a space; block elements and `<br>` separate words, `<script>` and
    /// `<style>` are left out, whitespace is collapsed.
    func value(_ expression: XPathExpression, item: Int?, allNodes: Bool = false) -> Result<String, XPathError> {
        var out: UnsafeMutablePointer<CChar>?
        var length = 0
        var message = [CChar](repeating: 0, count: 256)
        let code = wl_html_value(
            pointer,
            expression.pointer,
            Int32(item ?? -1),
            allNodes ? 1 : 0,
            Self.operationLimit,
            &out,
            &length,
            &message,
            message.count
        )
        guard code == 0, let out else {
            return .failure(Self.error(code, message: XPathExpression.text(message), count: 0))
        }
        defer { wl_html_free_string(out) }
        return .success(
            out.withMemoryRebound(to: UInt8.self, capacity: length) {
                String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
            }
        )
    }

    /// Every element as (tag, class attribute), in document order.
    func elementKeys() -> [(tag: String, className: String)] {
        var length = 0
        guard let keys = wl_html_element_keys(pointer, &length) else { return [] }
        defer { wl_html_free_string(keys) }
        let bytes = UnsafeRawBufferPointer(start: keys, count: length)
        return bytes.split(separator: 0x0A).map { line in
            let parts = line.split(separator: 0x09, maxSplits: 1, omittingEmptySubsequences: false)
            return (
                String(decoding: parts[0], as: UTF8.self),
                parts.count > 1 ? String(decoding: parts[1], as: UTF8.self) : ""
            )
        }
    }

    private static func error(_ code: Int32, message: String, count: Int) -> XPathError {
        switch code {
        case Int32(WL_XPATH_OP_LIMIT): return XPathError(kind: .operationLimit, message: message)
        case Int32(WL_XPATH_TOO_MANY_NODES): return XPathError(kind: .tooManyNodes(count), message: message)
        case Int32(WL_XPATH_NOT_NODES): return XPathError(kind: .notNodes, message: message)
        default: return XPathError(kind: .evaluation, message: message)
        }
    }
}
