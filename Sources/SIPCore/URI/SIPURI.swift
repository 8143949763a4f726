/// A URI as SIP carries it: a SIP or SIPS URI (RFC 3261 §19.1), a TEL URI (RFC 3966), or any other scheme.
///
/// SIP and SIPS URIs are split into their parts; percent escapes stay as they arrived so the URI serializes to
/// the same text and compares per §19.1.4 only where a caller asks (``decodedUser``). A `tel:` URI keeps the
/// number in ``user`` and its parameters in ``parameters``. Any other scheme (RFC 4475 §3.3.2) is kept whole in
/// ``opaque``: it parses, and the layer above answers 416.
public struct SIPURI: Sendable, Equatable, CustomStringConvertible {
    /// The scheme, lower-cased for `sip`, `sips` and `tel` and kept verbatim otherwise.
    public var scheme: String
    /// The user part, escapes kept raw (RFC 3261 §19.1.2); may hold `;` (RFC 4475 §3.1.1.9).
    public var user: String?
    /// The password part of userinfo; RFC 3261 §19.1.1 discourages it, but it parses.
    public var password: String?
    /// The host: a name, an IPv4 address, or an IPv6 reference with its brackets (`[2001:db8::1]`, RFC 5118).
    /// Empty for `tel:` and opaque URIs.
    public var host: String
    /// The port, or nil when the URI names none (the transport's default then applies, RFC 3261 §19.1.1).
    public var port: Int?
    /// uri-parameters such as `transport`, `lr`, `maddr` (RFC 3261 §19.1.1).
    public var parameters: SIPParameters
    /// `?name=value&...` headers, escapes kept raw (RFC 3261 §19.1.1). Never applied to a request we receive.
    public var headers: [(name: String, value: String)]
    /// Everything after `scheme:` for a scheme other than sip, sips or tel.
    public var opaque: String?

    /// Makes a `sip:` (or other scheme's) URI from its parts, with no password, parameters or headers.
    public init(scheme: String = "sip", user: String? = nil, host: String, port: Int? = nil) {
        self.scheme = scheme
        self.user = user
        self.password = nil
        self.host = host
        self.port = port
        self.parameters = SIPParameters()
        self.headers = []
        self.opaque = nil
    }

    /// Parses a URI (RFC 3261 §25.1 `SIP-URI`, `SIPS-URI`, `absoluteURI`). White space anywhere is an error
    /// (RFC 4475 §3.1.2.8, §3.1.2.14).
    /// - Throws: ``SIPParseError`` with code ``SIPParseError/Code/invalidURI``; `offset` is into `text`.
    public init(parsing text: String) throws(SIPParseError) {
        self.init(host: "")
        guard let colon = text.firstIndex(of: ":") else {
            throw SIPParseError(.invalidURI, detail: "no scheme")
        }
        let scheme = text[..<colon]
        guard let first = scheme.utf8.first, ASCII.isAlpha(first),
            scheme.utf8.allSatisfy({ ASCII.isAlphaNumeric($0) || $0 == 0x2B || $0 == 0x2D || $0 == 0x2E })
        else { throw SIPParseError(.invalidURI, detail: "bad scheme") }
        let rest = text[text.index(after: colon)...]
        for (position, byte) in rest.utf8.enumerated() where byte <= ASCII.space || byte >= 0x7F {
            throw SIPParseError(.invalidURI, offset: scheme.utf8.count + 1 + position, detail: "bad URI character")
        }
        guard !rest.isEmpty else { throw SIPParseError(.invalidURI, detail: "empty URI") }
        let lowerScheme = scheme.lowercased()
        switch lowerScheme {
        case "sip", "sips":
            self.scheme = lowerScheme
            try self.parseSIPBody(rest)
        case "tel":
            self.scheme = lowerScheme
            if let semicolon = rest.firstIndex(of: ";") {
                self.user = String(rest[..<semicolon])
                self.parameters = try SIPParameters.parseURIParameters(rest[rest.index(after: semicolon)...])
            } else {
                self.user = String(rest)
            }
        default:
            self.scheme = String(scheme)
            self.opaque = String(rest)
        }
    }

    /// Splits `userinfo@hostport;params?headers` (RFC 3261 §19.1.1).
    private mutating func parseSIPBody(_ rest: Substring) throws(SIPParseError) {
        var hostPart = rest
        // '@' is legal only as the userinfo separator, so the first one ends userinfo (§25.1).
        if let at = rest.firstIndex(of: "@") {
            let userinfo = rest[..<at]
            hostPart = rest[rest.index(after: at)...]
            var user = userinfo
            if let colon = userinfo.firstIndex(of: ":") {
                user = userinfo[..<colon]
                let password = userinfo[userinfo.index(after: colon)...]
                try Self.validate(password, allowing: Self.isPasswordChar)
                self.password = String(password)
            }
            guard !user.isEmpty else { throw SIPParseError(.invalidURI, detail: "empty user") }
            try Self.validate(user, allowing: Self.isUserChar)
            self.user = String(user)
        }
        if let question = hostPart.firstIndex(of: "?") {
            let headerText = hostPart[hostPart.index(after: question)...]
            hostPart = hostPart[..<question]
            for pair in headerText.split(separator: "&", omittingEmptySubsequences: false) {
                guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                    throw SIPParseError(.invalidURI, detail: "bad URI header")
                }
                self.headers.append((String(pair[..<equals]), String(pair[pair.index(after: equals)...])))
            }
        }
        var hostAndPort = hostPart
        if let semicolon = hostPart.firstIndex(of: ";") {
            hostAndPort = hostPart[..<semicolon]
            self.parameters = try SIPParameters.parseURIParameters(hostPart[hostPart.index(after: semicolon)...])
        }
        let (host, port) = try Self.parseHostPort(hostAndPort)
        self.host = host
        self.port = port
    }

    /// Parses `host [":" port]` where host may be an IPv6 reference (RFC 3261 §25.1, RFC 5118 §4.3/§4.4).
    static func parseHostPort(_ text: Substring) throws(SIPParseError) -> (String, Int?) {
        var hostText: Substring
        var portText: Substring? = nil
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw SIPParseError(.invalidURI, detail: "unterminated IPv6 reference")
            }
            hostText = text[...close]
            let inner = text[text.index(after: text.startIndex)..<close]
            guard inner.contains(":"), inner.utf8.allSatisfy(ASCII.isIPv6Char) else {
                throw SIPParseError(.invalidURI, detail: "bad IPv6 reference")
            }
            let after = text[text.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw SIPParseError(.invalidURI, detail: "junk after IPv6") }
                portText = after.dropFirst()
            }
        } else if let colon = text.firstIndex(of: ":") {
            hostText = text[..<colon]
            portText = text[text.index(after: colon)...]
        } else {
            hostText = text
        }
        guard !hostText.isEmpty else { throw SIPParseError(.invalidURI, detail: "empty host") }
        if !hostText.hasPrefix("[") {
            guard hostText.utf8.allSatisfy(ASCII.isHostChar) else {
                throw SIPParseError(.invalidURI, detail: "bad host character")
            }
        }
        var port: Int? = nil
        if let portText {
            // A port past 65535 is a scalar overflow, answered like any other malformed URI.
            guard let value = String(portText).sipDecimal(max: 65535) else {
                throw SIPParseError(.invalidURI, detail: "bad port")
            }
            port = Int(value)
        }
        return (String(hostText), port)
    }

    private static func validate(_ text: Substring, allowing allowed: (UInt8) -> Bool) throws(SIPParseError) {
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == ASCII.percent {
                guard index + 2 < bytes.count,
                    ASCII.isHexDigit(bytes[index + 1]), ASCII.isHexDigit(bytes[index + 2])
                else { throw SIPParseError(.invalidURI, offset: index, detail: "bad escape") }
                index += 3
                continue
            }
            guard allowed(byte) else { throw SIPParseError(.invalidURI, offset: index, detail: "bad userinfo") }
            index += 1
        }
    }

    /// `user` = 1*( unreserved / escaped / user-unreserved ) (RFC 3261 §25.1).
    /// (unreserved and & = + $ , ; ? /, as one mask; see ``ASCII/isMember(_:low:high:)``)
    static func isUserChar(_ byte: UInt8) -> Bool {
        ASCII.isMember(byte, low: 0xABFF_FFD2_0000_0000, high: 0x47FF_FFFE_87FF_FFFE)
    }

    /// `password` = *( unreserved / escaped / "&" / "=" / "+" / "$" / "," ) (RFC 3261 §25.1).
    static func isPasswordChar(_ byte: UInt8) -> Bool {
        if ASCII.isUnreserved(byte) { return true }
        switch byte {
        case 0x26, 0x3D, 0x2B, 0x24, 0x2C: return true
        default: return false
        }
    }

    /// `paramchar` = param-unreserved / unreserved / escaped (RFC 3261 §25.1).
    /// (unreserved and [ ] / : & + $ %, as one mask; the `%` of an escape is let through here)
    static func isParamChar(_ byte: UInt8) -> Bool {
        ASCII.isMember(byte, low: 0x07FF_EFF2_0000_0000, high: 0x47FF_FFFE_AFFF_FFFE)
    }

    /// The user part with `%HH` escapes decoded once (RFC 3261 §19.1.4); `%00` stays a NUL, never a terminator
    /// (RFC 4475 §3.1.1.4).
    public var decodedUser: String? {
        guard let user else { return nil }
        return Self.percentDecoded(user)
    }

    /// Decodes `%HH` escapes once; a malformed escape is kept literally.
    public static func percentDecoded(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == ASCII.percent, index + 2 < bytes.count,
                let high = ASCII.hexValue(bytes[index + 1]), let low = ASCII.hexValue(bytes[index + 2])
            {
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(byte)
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// True for `sip:` and `sips:` URIs, the only ones a SIP element routes on (RFC 3261 §8.2.2.1).
    public var isSIP: Bool { self.scheme == "sip" || self.scheme == "sips" }

    /// `host[:port]` as written in a Via sent-by or a URI.
    public var hostPort: String {
        guard let port else { return self.host }
        return "\(self.host):\(port)"
    }

    /// The URI's wire form (RFC 3261 §19.1.1).
    public var description: String {
        if let opaque { return self.scheme + ":" + opaque }
        if self.scheme == "tel" { return "tel:" + (self.user ?? "") + self.parameters.description }
        var text = self.scheme + ":"
        if let user {
            text += user
            if let password { text += ":" + password }
            text += "@"
        }
        text += self.hostPort
        text += self.parameters.description
        if !self.headers.isEmpty {
            text += "?" + self.headers.map { $0.name + "=" + $0.value }.joined(separator: "&")
        }
        return text
    }

    public static func == (lhs: SIPURI, rhs: SIPURI) -> Bool {
        lhs.scheme == rhs.scheme && lhs.user == rhs.user && lhs.password == rhs.password
            && lhs.host.lowercased() == rhs.host.lowercased() && lhs.port == rhs.port
            && lhs.parameters == rhs.parameters && lhs.opaque == rhs.opaque
            && lhs.headers.count == rhs.headers.count
            && zip(lhs.headers, rhs.headers).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }
}
