/// A `name-addr` or `addr-spec` with header parameters, the value of From, To, Contact, Route, Record-Route,
/// Refer-To and similar fields (RFC 3261 §20.10, §20.20, §20.39, §25.1).
///
/// Parameters after a URI written without `<>` belong to the header, not the URI (RFC 3261 §20; RFC 4475
/// §3.3.12), and inside `<>` they belong to the URI (RFC 4475 §3.3.13). A Contact of `*` (§10.2.2) is
/// ``isWildcard``.
public struct NameAddress: Sendable, Equatable, CustomStringConvertible {
    /// The display name with quotes and escapes removed, or nil when there is none.
    public var displayName: String?
    /// The URI between the angle brackets (or the whole value in addr-spec form).
    public var uri: SIPURI
    /// Header parameters: `tag`, `expires`, `q`, ...
    public var parameters: SIPParameters
    /// True for the `Contact: *` of a REGISTER that removes all bindings (RFC 3261 §10.2.2).
    public var isWildcard: Bool

    /// Makes a name-address; it serializes with angle brackets.
    public init(displayName: String? = nil, uri: SIPURI, parameters: SIPParameters = SIPParameters()) {
        self.displayName = displayName
        self.uri = uri
        self.parameters = parameters
        self.isWildcard = false
    }

    /// A `Contact: *` value.
    public static var wildcard: NameAddress {
        var value = NameAddress(uri: SIPURI(scheme: "", host: "*"))
        value.isWildcard = true
        return value
    }

    /// The dialog tag (RFC 3261 §19.3).
    public var tag: String? {
        get { self.parameters["tag"] }
        set {
            if let newValue { self.parameters.set("tag", newValue) } else { self.parameters.remove("tag") }
        }
    }

    /// Parses one value: `[display-name] <URI> *(;param)`, `URI *(;param)` or `*`.
    ///
    /// Tolerated, because real phones send it and RFC 4475 §3.1.1.6 calls it a spec bug: no space between a
    /// display name and `<`. Refused with 400: an unterminated quote (§3.1.2.6), spaces inside `<>`
    /// (§3.1.2.14), non-token characters in an unquoted display name (§3.1.2.15), empty parameters (§3.1.2.1).
    /// - Parameters:
    ///   - text: one field value, without the header name.
    ///   - header: the field being parsed, reported in errors.
    /// - Throws: ``SIPParseError`` naming `header`.
    public init(parsing text: String, header: HeaderName? = nil) throws(SIPParseError) {
        var scanner = SIPScanner(text)
        do throws(SIPParseError) {
            try self.init(scanning: &scanner)
            scanner.skipWhitespace()
            guard scanner.isAtEnd else {
                throw SIPParseError(.invalidHeaderValue, offset: scanner.index, detail: "junk after address")
            }
        } catch {
            throw SIPParseError(error.code, offset: error.offset, header: header, detail: error.detail)
        }
    }

    init(scanning scanner: inout SIPScanner) throws(SIPParseError) {
        scanner.skipWhitespace()
        self.displayName = nil
        self.isWildcard = false
        self.parameters = SIPParameters()
        if scanner.peek == ASCII.asterisk {
            let start = scanner.index
            scanner.advance()
            var probe = scanner
            probe.skipWhitespace()
            if probe.isAtEnd || probe.peek == ASCII.comma {
                self.uri = SIPURI(scheme: "", host: "*")
                self.isWildcard = true
                scanner = probe
                return
            }
            scanner.index = start
        }
        if scanner.peek == ASCII.quote {
            self.displayName = try scanner.readQuotedString()
            scanner.skipWhitespace()
            guard scanner.peek == ASCII.lessThan else {
                throw SIPParseError(.invalidHeaderValue, offset: scanner.index, detail: "expected < after display name")
            }
        } else if Self.hasAngleBracket(scanner) {
            // display-name = *(token LWS); tokens joined by single spaces. UTF-8 octets are tolerated in an
            // unquoted name because phones send them; separators such as ',' are not (RFC 4475 §3.1.2.15).
            var words: [String] = []
            while scanner.peek != ASCII.lessThan {
                let word = scanner.read { ASCII.isTokenChar($0) || $0 >= 0x80 }
                guard !word.isEmpty else {
                    throw SIPParseError(.invalidHeaderValue, offset: scanner.index, detail: "bad display name")
                }
                words.append(word)
                scanner.skipWhitespace()
            }
            if !words.isEmpty { self.displayName = words.joined(separator: " ") }
        }
        if scanner.consume(ASCII.lessThan) {
            let start = scanner.index
            while let byte = scanner.peek, byte != ASCII.greaterThan { scanner.advance() }
            let uriText = scanner.string(from: start, to: scanner.index)
            guard scanner.consume(ASCII.greaterThan) else {
                throw SIPParseError(.invalidHeaderValue, offset: start, detail: "unterminated <")
            }
            do throws(SIPParseError) {
                self.uri = try SIPURI(parsing: uriText)
            } catch {
                throw SIPParseError(.invalidURI, offset: start + error.offset, detail: error.detail)
            }
        } else {
            // addr-spec: the URI ends at white space, ';' or ',' (RFC 3261 §20: such URIs carry no params).
            let start = scanner.index
            while let byte = scanner.peek, !ASCII.isWhitespace(byte), byte != ASCII.semicolon, byte != ASCII.comma {
                scanner.advance()
            }
            let uriText = scanner.string(from: start, to: scanner.index)
            do throws(SIPParseError) {
                self.uri = try SIPURI(parsing: uriText)
            } catch {
                throw SIPParseError(.invalidURI, offset: start + error.offset, detail: error.detail)
            }
        }
        self.parameters = try SIPParameters.parseHeaderParameters(&scanner)
    }

    /// True when a `<` follows before the end, outside quotes: the value is a name-addr.
    private static func hasAngleBracket(_ scanner: SIPScanner) -> Bool {
        var position = scanner.index
        while let byte = scanner.byte(at: position) {
            if byte == ASCII.lessThan { return true }
            if byte == ASCII.quote || byte == ASCII.comma || byte == ASCII.semicolon { return false }
            position += 1
        }
        return false
    }

    /// Parses a field value holding a comma-separated list, as Contact, Route and Record-Route may (§7.3.1).
    public static func parseList(_ text: String, header: HeaderName? = nil) throws(SIPParseError) -> [NameAddress] {
        var scanner = SIPScanner(text)
        var result: [NameAddress] = []
        do throws(SIPParseError) {
            repeat {
                result.append(try NameAddress(scanning: &scanner))
                scanner.skipWhitespace()
            } while scanner.consume(ASCII.comma)
            guard scanner.isAtEnd else {
                throw SIPParseError(.invalidHeaderValue, offset: scanner.index, detail: "junk after address")
            }
        } catch {
            throw SIPParseError(error.code, offset: error.offset, header: header, detail: error.detail)
        }
        return result
    }

    /// The wire form; always uses `<>` and quotes a display name, so parameters stay with the header.
    public var description: String {
        if self.isWildcard { return "*" }
        var text = ""
        if let displayName {
            var escaped = ""
            for character in displayName {
                if character == "\"" || character == "\\" { escaped.append("\\") }
                escaped.append(character)
            }
            text = "\"" + escaped + "\" "
        }
        return text + "<" + self.uri.description + ">" + self.parameters.description
    }
}
