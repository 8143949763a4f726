/// A bounds-checked cursor over the bytes of one header value, implementing the RFC 3261 §25.1 basic rules.
///
/// Every read goes through ``peek`` or ``byte(at:)``, which return `nil` past the end, so no input can trap.
/// Header values are short, so a copy into an array per value keeps the code simple and safe.
struct SIPScanner {
    let bytes: [UInt8]
    var index: Int

    init(_ string: some StringProtocol) {
        self.bytes = Array(string.utf8)
        self.index = 0
    }

    init(bytes: [UInt8]) {
        self.bytes = bytes
        self.index = 0
    }

    var isAtEnd: Bool { self.index >= self.bytes.count }

    var peek: UInt8? { self.byte(at: self.index) }

    func byte(at position: Int) -> UInt8? {
        position >= 0 && position < self.bytes.count ? self.bytes[position] : nil
    }

    mutating func advance() { if self.index < self.bytes.count { self.index += 1 } }

    /// Consumes `byte` if it is next.
    mutating func consume(_ byte: UInt8) -> Bool {
        guard self.peek == byte else { return false }
        self.index += 1
        return true
    }

    /// Skips SP, HTAB, CR and LF: linear white space after unfolding (RFC 3261 §25.1 LWS/SWS).
    mutating func skipWhitespace() {
        while let byte = self.peek, ASCII.isWhitespace(byte) { self.index += 1 }
    }

    /// Consumes `separator` with optional white space on both sides (SEMI, COLON, SLASH, EQUAL of §25.1).
    mutating func consumeSeparator(_ separator: UInt8) -> Bool {
        let start = self.index
        self.skipWhitespace()
        if self.consume(separator) {
            self.skipWhitespace()
            return true
        }
        self.index = start
        return false
    }

    /// Reads a `token` (RFC 3261 §25.1); empty when the next byte is no token character.
    mutating func readToken() -> String {
        let start = self.index
        while let byte = self.peek, ASCII.isTokenChar(byte) { self.index += 1 }
        return self.string(from: start, to: self.index)
    }

    /// Reads bytes while `predicate` holds.
    mutating func read(while predicate: (UInt8) -> Bool) -> String {
        let start = self.index
        while let byte = self.peek, predicate(byte) { self.index += 1 }
        return self.string(from: start, to: self.index)
    }

    /// Reads a `quoted-string` starting at `"` and returns its content with escapes resolved (§25.1).
    mutating func readQuotedString() throws(SIPParseError) -> String {
        let start = self.index
        guard self.consume(ASCII.quote) else {
            throw SIPParseError(.invalidHeaderValue, offset: start, detail: "expected quoted string")
        }
        var content: [UInt8] = []
        while let byte = self.peek {
            self.index += 1
            switch byte {
            case ASCII.quote:
                return String(decoding: content, as: UTF8.self)
            case ASCII.backslash:
                guard let escaped = self.peek, escaped != ASCII.cr, escaped != ASCII.lf else {
                    throw SIPParseError(.invalidHeaderValue, offset: self.index, detail: "bad quoted-pair")
                }
                content.append(escaped)
                self.index += 1
            default:
                content.append(byte)
            }
        }
        throw SIPParseError(.invalidHeaderValue, offset: start, detail: "unterminated quoted string")
    }

    /// Reads a quoted string and returns it verbatim, quotes and escapes included (for parameter values).
    mutating func readQuotedStringRaw() throws(SIPParseError) -> String {
        let start = self.index
        _ = try self.readQuotedString()
        return self.string(from: start, to: self.index)
    }

    /// Reads a bracketed IPv6 reference `[...]` verbatim (RFC 5118 §4.5 tolerates it in `received`).
    mutating func readIPv6Reference() throws(SIPParseError) -> String {
        let start = self.index
        guard self.consume(ASCII.leftBracket) else {
            throw SIPParseError(.invalidHeaderValue, offset: start, detail: "expected [")
        }
        while let byte = self.peek, ASCII.isIPv6Char(byte) { self.index += 1 }
        guard self.consume(ASCII.rightBracket), self.index - start > 2 else {
            throw SIPParseError(.invalidHeaderValue, offset: start, detail: "bad IPv6 reference")
        }
        return self.string(from: start, to: self.index)
    }

    /// The remaining bytes as a string.
    var rest: String { self.string(from: self.index, to: self.bytes.count) }

    func string(from start: Int, to end: Int) -> String {
        let lower = max(0, min(start, self.bytes.count))
        let upper = max(lower, min(end, self.bytes.count))
        return String(decoding: self.bytes[lower..<upper], as: UTF8.self)
    }
}

/// Names for the bytes the SIP grammar uses (RFC 3261 §25.1), as swift-http-structured-headers' `ASCII.swift`.
enum ASCII {
    static let tab: UInt8 = 0x09
    static let lf: UInt8 = 0x0A
    static let cr: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let quote: UInt8 = 0x22
    static let percent: UInt8 = 0x25
    static let ampersand: UInt8 = 0x26
    static let comma: UInt8 = 0x2C
    static let slash: UInt8 = 0x2F
    static let colon: UInt8 = 0x3A
    static let semicolon: UInt8 = 0x3B
    static let lessThan: UInt8 = 0x3C
    static let equals: UInt8 = 0x3D
    static let greaterThan: UInt8 = 0x3E
    static let question: UInt8 = 0x3F
    static let at: UInt8 = 0x40
    static let leftBracket: UInt8 = 0x5B
    static let backslash: UInt8 = 0x5C
    static let rightBracket: UInt8 = 0x5D
    static let asterisk: UInt8 = 0x2A

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == space || byte == tab || byte == cr || byte == lf
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    static func isAlpha(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }

    static func isAlphaNumeric(_ byte: UInt8) -> Bool { isAlpha(byte) || isDigit(byte) }

    static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x66)
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        if isDigit(byte) { return byte - 0x30 }
        let lower = byte | 0x20
        if lower >= 0x61 && lower <= 0x66 { return lower - 0x61 + 10 }
        return nil
    }

    /// Whether `byte` is in the set of ASCII bytes whose bits are set in `low` (bytes 0 to 63) and `high` (64 to
    /// 127); bytes from 128 up are in no set. One shift and one test per byte, where a chain of comparisons and a
    /// switch cost a dozen instructions: the character-class tests run on every byte the parser checks.
    @inline(__always)
    static func isMember(_ byte: UInt8, low: UInt64, high: UInt64) -> Bool {
        let mask = byte < 64 ? low : byte < 128 ? high : 0
        return mask & (1 &<< UInt64(byte & 63)) != 0
    }

    /// `token` characters: alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~" (§25.1).
    static func isTokenChar(_ byte: UInt8) -> Bool {
        isMember(byte, low: 0x03FF_6CA2_0000_0000, high: 0x47FF_FFFF_87FF_FFFE)
    }

    /// `unreserved` = alphanum / mark, mark = "-" / "_" / "." / "!" / "~" / "*" / "'" / "(" / ")" (§25.1).
    static func isUnreserved(_ byte: UInt8) -> Bool {
        isMember(byte, low: 0x03FF_6782_0000_0000, high: 0x47FF_FFFE_87FF_FFFE)
    }

    /// Characters of an IPv6 reference's inside, including an IPv4 tail (RFC 5118).
    static func isIPv6Char(_ byte: UInt8) -> Bool { isHexDigit(byte) || byte == colon || byte == 0x2E }

    /// Characters we accept in a hostname or IPv4 address (alphanum, "-", "." and, for real-world names, "_").
    static func isHostChar(_ byte: UInt8) -> Bool {
        isMember(byte, low: 0x03FF_6000_0000_0000, high: 0x07FF_FFFE_87FF_FFFE)
    }

    /// Lower-cases an ASCII letter.
    static func lower(_ byte: UInt8) -> UInt8 { isAlpha(byte) ? byte | 0x20 : byte }
}

extension String {
    /// Parses a decimal string of at most `limit` value, or nil on anything else (no signs, no overflow).
    package func sipDecimal(max limit: UInt64) -> UInt64? {
        var value: UInt64 = 0
        var sawDigit = false
        for byte in self.utf8 {
            guard ASCII.isDigit(byte) else { return nil }
            sawDigit = true
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(UInt64(byte - 0x30))
            if overflow1 || overflow2 || sum > limit { return nil }
            value = sum
        }
        return sawDigit ? value : nil
    }

    /// ASCII-only case-insensitive comparison, as SIP tokens compare (RFC 3261 §7.3.1).
    package func sipCaseInsensitiveEquals(_ other: String) -> Bool {
        let lhs = self.utf8
        let rhs = other.utf8
        guard lhs.count == rhs.count else { return false }
        return zip(lhs, rhs).allSatisfy { ASCII.lower($0) == ASCII.lower($1) }
    }
}
