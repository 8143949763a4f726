/// One Via header field value: the transport and address a response must travel back through (RFC 3261 §20.42).
///
/// The transaction layer matches on ``branch`` (§17.2.3) and the transport answers to ``received`` /
/// ``rport`` (§18.2.2, RFC 3581). A field with several comma-separated values yields several `ViaHeader`s; see
/// ``parseList(_:)``.
public struct ViaHeader: Sendable, Equatable, CustomStringConvertible {
    /// The `rport` parameter of RFC 3581 §4: absent, present without a value (a request), or filled in.
    public enum RPort: Sendable, Equatable {
        case absent
        case requested
        case value(Int)
    }

    /// `SIP/2.0` in every message we accept; kept to serialize what arrived.
    public var protocolName: String
    /// `2.0` in every message we accept.
    public var protocolVersion: String
    /// The transport token upper-cased: "UDP", "TCP", "TLS", "SCTP", "WS" or an unknown one (RFC 4475 §3.1.1.10).
    public var transport: String
    /// The sent-by host; an IPv6 reference keeps its brackets.
    public var host: String
    /// The sent-by port; nil means the transport's default.
    public var port: Int?
    /// Via parameters: `branch`, `received`, `rport`, `maddr`, `ttl`, ...
    public var parameters: SIPParameters

    /// Makes `SIP/2.0/<transport> host[:port]`, with `;branch=` when given (RFC 3261 §8.1.1.7: it must start `z9hG4bK`).
    public init(transport: String, host: String, port: Int? = nil, branch: String? = nil) {
        self.protocolName = "SIP"
        self.protocolVersion = "2.0"
        self.transport = transport.uppercased()
        self.host = host
        self.port = port
        self.parameters = SIPParameters()
        if let branch { self.parameters.set("branch", branch) }
    }

    /// The transaction identifier (RFC 3261 §8.1.1.7); starts with the magic cookie `z9hG4bK` from RFC 3261
    /// senders, and may lack it from RFC 2543 ones (RFC 4475 §3.2.1).
    public var branch: String? {
        get { self.parameters["branch"] }
        set { self.parameters.set("branch", newValue) }
    }

    /// True when the branch carries the RFC 3261 magic cookie and something after it (§17.2.3).
    public var hasRFC3261Branch: Bool {
        guard let branch else { return false }
        return branch.hasPrefix(SIPToken.magicCookie) && branch.utf8.count > SIPToken.magicCookie.utf8.count
    }

    /// The source address a server saw, added per RFC 3261 §18.2.1.
    public var received: String? {
        get { self.parameters["received"] }
        set {
            if let newValue { self.parameters.set("received", newValue) } else { self.parameters.remove("received") }
        }
    }

    /// The `rport` parameter (RFC 3581).
    public var rport: RPort {
        get {
            guard let value = self.parameters["rport"] else { return .absent }
            if value.isEmpty { return .requested }
            if let port = value.sipDecimal(max: 65535) { return .value(Int(port)) }
            return .requested
        }
        set {
            switch newValue {
            case .absent: self.parameters.remove("rport")
            case .requested: self.parameters.set("rport", nil)
            case .value(let port): self.parameters.set("rport", String(port))
            }
        }
    }

    /// `host[:port]` as written (RFC 3261 §20.42 sent-by).
    public var sentBy: String {
        guard let port else { return self.host }
        return "\(self.host):\(port)"
    }

    /// Parses one via-parm (RFC 3261 §25.1): `sent-protocol LWS sent-by *( SEMI via-params )`, with white
    /// space allowed around `/`, `:`, `;` and `=` (RFC 4475 §3.1.1.1).
    /// - Throws: ``SIPParseError`` with code ``SIPParseError/Code/invalidHeaderValue``, header ``HeaderName/via``.
    public init(parsing text: String) throws(SIPParseError) {
        var scanner = SIPScanner(text)
        do throws(SIPParseError) {
            try self.init(scanning: &scanner)
            scanner.skipWhitespace()
            guard scanner.isAtEnd else {
                throw SIPParseError(.invalidHeaderValue, offset: scanner.index, detail: "junk after Via")
            }
        } catch {
            throw SIPParseError(error.code, offset: error.offset, header: .via, detail: error.detail)
        }
    }

    init(scanning scanner: inout SIPScanner) throws(SIPParseError) {
        scanner.skipWhitespace()
        let name = scanner.readToken()
        guard !name.isEmpty, scanner.consumeSeparator(ASCII.slash) else {
            throw SIPParseError(.invalidHeaderValue, offset: scanner.index, detail: "bad sent-protocol")
        }
        let version = scanner.readToken()
        guard !version.isEmpty, scanner.consumeSeparator(ASCII.slash) else {
            throw SIPParseError(.invalidHeaderValue, offset: scanner.index, detail: "bad sent-protocol")
        }
        let transport = scanner.readToken()
        guard !transport.isEmpty else {
            throw SIPParseError(.invalidHeaderValue, offset: scanner.index, detail: "missing transport")
        }
        let beforeSpace = scanner.index
        scanner.skipWhitespace()
        guard scanner.index > beforeSpace else {
            throw SIPParseError(.invalidHeaderValue, offset: scanner.index, detail: "missing LWS before sent-by")
        }
        let host: String
        if scanner.peek == ASCII.leftBracket {
            host = try scanner.readIPv6Reference()
        } else {
            host = scanner.read(while: ASCII.isHostChar)
        }
        guard !host.isEmpty else {
            throw SIPParseError(.invalidHeaderValue, offset: scanner.index, detail: "missing sent-by host")
        }
        var port: Int? = nil
        if scanner.consumeSeparator(ASCII.colon) {
            let digits = scanner.read(while: ASCII.isDigit)
            guard let value = digits.sipDecimal(max: 65535) else {
                throw SIPParseError(.valueOutOfRange, offset: scanner.index, detail: "bad sent-by port")
            }
            port = Int(value)
        }
        self.protocolName = name
        self.protocolVersion = version
        self.transport = transport.uppercased()
        self.host = host
        self.port = port
        self.parameters = try SIPParameters.parseHeaderParameters(&scanner)
    }

    /// Parses a whole Via field value, which may hold several via-parms separated by commas. An empty element
    /// (`,,`) is an error (RFC 4475 §3.1.2.1).
    public static func parseList(_ text: String) throws(SIPParseError) -> [ViaHeader] {
        var scanner = SIPScanner(text)
        var result: [ViaHeader] = []
        do throws(SIPParseError) {
            repeat {
                result.append(try ViaHeader(scanning: &scanner))
                scanner.skipWhitespace()
            } while scanner.consume(ASCII.comma)
            guard scanner.isAtEnd else {
                throw SIPParseError(.invalidHeaderValue, offset: scanner.index, detail: "junk after Via")
            }
        } catch {
            throw SIPParseError(error.code, offset: error.offset, header: .via, detail: error.detail)
        }
        return result
    }

    /// The wire form, e.g. `SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK74bf9`.
    public var description: String {
        "\(self.protocolName)/\(self.protocolVersion)/\(self.transport) \(self.sentBy)\(self.parameters)"
    }
}
