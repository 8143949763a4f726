/// An ordered list of `;name[=value]` parameters, as on URIs and header fields (RFC 3261 §19.1.1, §7.3.1).
///
/// Names compare case-insensitively; values are kept as they arrived (a quoted value keeps its quotes), so a
/// message serializes back to the same text. A flag parameter such as `;lr` has the value `""`.
public struct SIPParameters: Sendable, Equatable, Sequence, CustomStringConvertible {
    /// One parameter. `value` is nil for a flag such as `lr`.
    public struct Parameter: Sendable, Equatable {
        /// The name as received; compared case-insensitively.
        public var name: String
        /// The value, or nil for a flag.
        public var value: String?

        /// Makes a parameter; pass nil as `value` for a flag.
        public init(name: String, value: String?) {
            self.name = name
            self.value = value
        }

        public static func == (lhs: Parameter, rhs: Parameter) -> Bool {
            lhs.name.sipCaseInsensitiveEquals(rhs.name) && lhs.value == rhs.value
        }
    }

    /// The parameters in order.
    public private(set) var items: [Parameter]

    /// No parameters.
    public init() { self.items = [] }

    /// The given parameters in order.
    public init(_ items: [(String, String?)]) {
        self.items = items.map { Parameter(name: $0.0, value: $0.1) }
    }

    /// The number of parameters.
    public var count: Int { self.items.count }
    /// Whether there are none.
    public var isEmpty: Bool { self.items.isEmpty }
    /// Iterates the parameters in order.
    public func makeIterator() -> IndexingIterator<[Parameter]> { self.items.makeIterator() }

    /// The value of `name`: `""` for a flag parameter, nil when absent.
    public subscript(name: String) -> String? {
        guard let item = self.items.first(where: { $0.name.sipCaseInsensitiveEquals(name) }) else { return nil }
        return item.value ?? ""
    }

    /// Whether `name` is present (a flag counts).
    public func contains(_ name: String) -> Bool {
        self.items.contains { $0.name.sipCaseInsensitiveEquals(name) }
    }

    /// Replaces the value of `name` in place, or appends it; a nil value makes it a flag.
    public mutating func set(_ name: String, _ value: String?) {
        if let index = self.items.firstIndex(where: { $0.name.sipCaseInsensitiveEquals(name) }) {
            self.items[index].value = value
        } else {
            self.items.append(Parameter(name: name, value: value))
        }
    }

    /// Removes `name`, if present.
    public mutating func remove(_ name: String) {
        self.items.removeAll { $0.name.sipCaseInsensitiveEquals(name) }
    }

    /// The wire form, e.g. `;transport=udp;lr`, or "" when empty.
    public var description: String {
        var text = ""
        for item in self.items {
            text += ";" + item.name
            if let value = item.value { text += "=" + value }
        }
        return text
    }

    /// Parses `*( SEMI generic-param )` of a header field (RFC 3261 §25.1), white space allowed around `;` and
    /// `=`. Stops at the end or at a byte that cannot continue the list, leaving the scanner there.
    ///
    /// An empty parameter (`;;`) is an error, as RFC 4475 §3.1.2.1 requires.
    static func parseHeaderParameters(_ scanner: inout SIPScanner) throws(SIPParseError) -> SIPParameters {
        var parameters = SIPParameters()
        while scanner.consumeSeparator(ASCII.semicolon) {
            let nameStart = scanner.index
            let name = scanner.readToken()
            guard !name.isEmpty else {
                throw SIPParseError(.invalidHeaderValue, offset: nameStart, detail: "empty parameter")
            }
            var value: String? = nil
            if scanner.consumeSeparator(ASCII.equals) {
                let valueStart = scanner.index
                switch scanner.peek {
                case ASCII.quote: value = try scanner.readQuotedStringRaw()
                case ASCII.leftBracket: value = try scanner.readIPv6Reference()
                default:
                    // gen-value = token / host / quoted-string; a host may be an IPv6 address without
                    // brackets in `received` (RFC 5118 §4.5), so ':' is allowed here.
                    value = scanner.read { ASCII.isTokenChar($0) || $0 == ASCII.colon }
                }
                if value?.isEmpty ?? true {
                    throw SIPParseError(.invalidHeaderValue, offset: valueStart, detail: "empty parameter value")
                }
            }
            parameters.items.append(Parameter(name: name, value: value))
        }
        return parameters
    }

    /// Parses URI parameters `;name[=value]` from `text` (RFC 3261 §19.1.1), which starts after the first `;`.
    static func parseURIParameters(_ text: Substring) throws(SIPParseError) -> SIPParameters {
        var parameters = SIPParameters()
        for piece in text.split(separator: ";", omittingEmptySubsequences: false) {
            guard !piece.isEmpty else { throw SIPParseError(.invalidURI, detail: "empty URI parameter") }
            for byte in piece.utf8 where !SIPURI.isParamChar(byte) && byte != ASCII.equals {
                throw SIPParseError(.invalidURI, detail: "bad URI parameter character")
            }
            if let equals = piece.firstIndex(of: "=") {
                let name = piece[..<equals]
                guard !name.isEmpty else { throw SIPParseError(.invalidURI, detail: "empty URI parameter name") }
                parameters.items.append(
                    Parameter(name: String(name), value: String(piece[piece.index(after: equals)...]))
                )
            } else {
                parameters.items.append(Parameter(name: String(piece), value: nil))
            }
        }
        return parameters
    }
}
