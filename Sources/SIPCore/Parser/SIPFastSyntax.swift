/// Allocation-free checks of the header values and start lines a message parser must validate, run on the
/// received bytes in place.
///
/// Each check is conservative: it answers true only for the common, plain forms that it fully understands, and
/// whenever it answers true the full typed parser (``SIPURI``, ``ViaHeader``, ``NameAddress``, ``CSeqHeader``)
/// would accept the same text. On false the caller runs the typed parser, which accepts or throws the precise
/// error, so this layer changes speed only, never what is accepted (`FastSyntaxTests` checks that claim).
/// Every read goes through ``Cursor``, which is bounds-checked.
enum SIPFastSyntax {
    /// A bounds-checked position in `bytes[..<end]`.
    struct Cursor {
        let bytes: [UInt8]
        var index: Int
        let end: Int

        init(_ bytes: [UInt8], _ start: Int, _ end: Int) {
            self.bytes = bytes
            self.end = max(0, min(end, bytes.count))
            self.index = max(0, min(start, self.end))
        }

        var isAtEnd: Bool { self.index >= self.end }

        var peek: UInt8? { self.index < self.end ? self.bytes[self.index] : nil }

        mutating func consume(_ byte: UInt8) -> Bool {
            guard self.peek == byte else { return false }
            self.index += 1
            return true
        }

        /// Skips SP and HTAB only: a CR or LF makes the caller fall back to the full parser.
        mutating func skipSpaces() {
            while let byte = self.peek, byte == ASCII.space || byte == ASCII.tab { self.index += 1 }
        }

        /// As ``SIPScanner/consumeSeparator(_:)``, with SP and HTAB as white space.
        mutating func consumeSeparator(_ separator: UInt8) -> Bool {
            let start = self.index
            self.skipSpaces()
            if self.consume(separator) {
                self.skipSpaces()
                return true
            }
            self.index = start
            return false
        }

        /// Skips bytes while `predicate` holds; returns how many.
        @discardableResult
        mutating func skip(while predicate: (UInt8) -> Bool) -> Int {
            let start = self.index
            while let byte = self.peek, predicate(byte) { self.index += 1 }
            return self.index - start
        }
    }

    // MARK: - URI

    /// True for a `sip:`/`sips:` URI (lower-case scheme) of the plain form `[user@]host[:port]*(;param)`, with
    /// no password, no `?headers`, no IPv6 reference and a port without leading zeros. Such a URI parses, and
    /// ``SIPURI/description`` writes back exactly these bytes.
    static func isPlainSIPURI(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Bool {
        var cursor = Cursor(bytes, start, end)
        guard cursor.consume(UInt8(ascii: "s")), cursor.consume(UInt8(ascii: "i")), cursor.consume(UInt8(ascii: "p"))
        else { return false }
        _ = cursor.consume(UInt8(ascii: "s"))
        guard cursor.consume(ASCII.colon), !cursor.isAtEnd else { return false }
        // userinfo ends at the first '@' (RFC 3261 §25.1), if there is one.
        var at: Int? = nil
        var probe = cursor.index
        while probe < cursor.end {
            if bytes[probe] == ASCII.at {
                at = probe
                break
            }
            probe += 1
        }
        if let at {
            guard at > cursor.index else { return false }
            while cursor.index < at {
                guard let byte = cursor.peek else { return false }
                if byte == ASCII.percent {
                    guard cursor.index + 2 < at, ASCII.isHexDigit(bytes[cursor.index + 1]),
                        ASCII.isHexDigit(bytes[cursor.index + 2])
                    else { return false }
                    cursor.index += 3
                    continue
                }
                guard SIPURI.isUserChar(byte), byte != ASCII.question else { return false }
                cursor.index += 1
            }
            cursor.index = at + 1
        }
        guard cursor.skip(while: ASCII.isHostChar) > 0 else { return false }
        if cursor.consume(ASCII.colon) {
            guard let first = cursor.peek, ASCII.isDigit(first) else { return false }
            let digitsStart = cursor.index
            let digits = cursor.skip(while: ASCII.isDigit)
            guard digits <= 5, first != UInt8(ascii: "0") || digits == 1 else { return false }
            var port = 0
            for position in digitsStart..<cursor.index { port = port * 10 + Int(bytes[position] - 0x30) }
            guard port <= 65535 else { return false }
        }
        while cursor.consume(ASCII.semicolon) {
            let pieceStart = cursor.index
            var sawEquals = false
            while let byte = cursor.peek, byte != ASCII.semicolon {
                if byte == ASCII.equals {
                    // The name before the first '=' must not be empty.
                    if !sawEquals, cursor.index == pieceStart { return false }
                    sawEquals = true
                } else if !SIPURI.isParamChar(byte) || byte == ASCII.question {
                    return false
                }
                cursor.index += 1
            }
            guard cursor.index > pieceStart else { return false }
        }
        return cursor.isAtEnd
    }

    // MARK: - Header parameters

    /// `*( SEMI generic-param )` with token or host values (no quoted strings, no IPv6 references).
    static func skipHeaderParameters(_ cursor: inout Cursor) -> Bool {
        while cursor.consumeSeparator(ASCII.semicolon) {
            guard cursor.skip(while: ASCII.isTokenChar) > 0 else { return false }
            if cursor.consumeSeparator(ASCII.equals) {
                guard let byte = cursor.peek, byte != ASCII.quote, byte != ASCII.leftBracket else { return false }
                guard cursor.skip(while: { ASCII.isTokenChar($0) || $0 == ASCII.colon }) > 0 else { return false }
            }
        }
        return true
    }

    // MARK: - Via

    /// A Via field value: one or more `SIP/2.0/UDP host[:port]*(;param)` separated by commas (RFC 3261 §20.42).
    static func isPlainViaList(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Bool {
        var cursor = Cursor(bytes, start, end)
        repeat {
            cursor.skipSpaces()
            guard cursor.skip(while: ASCII.isTokenChar) > 0, cursor.consumeSeparator(ASCII.slash),
                cursor.skip(while: ASCII.isTokenChar) > 0, cursor.consumeSeparator(ASCII.slash),
                cursor.skip(while: ASCII.isTokenChar) > 0
            else { return false }
            let beforeSpace = cursor.index
            cursor.skipSpaces()
            guard cursor.index > beforeSpace, cursor.skip(while: ASCII.isHostChar) > 0 else { return false }
            if cursor.consumeSeparator(ASCII.colon) {
                let digitsStart = cursor.index
                guard (1...5).contains(cursor.skip(while: ASCII.isDigit)) else { return false }
                var port = 0
                for position in digitsStart..<cursor.index { port = port * 10 + Int(bytes[position] - 0x30) }
                guard port <= 65535 else { return false }
            }
            guard Self.skipHeaderParameters(&cursor) else { return false }
            cursor.skipSpaces()
        } while cursor.consume(ASCII.comma)
        return cursor.isAtEnd
    }

    // MARK: - Name-addr

    /// A From, To or Contact value (`list` allows several, comma-separated): `"Name" <uri>;params`,
    /// `Name <uri>;params`, `<uri>;params` or `uri;params`, with a plain URI and no escapes in the name.
    static func isPlainNameAddress(_ bytes: [UInt8], _ start: Int, _ end: Int, list: Bool) -> Bool {
        var cursor = Cursor(bytes, start, end)
        repeat {
            guard Self.skipNameAddress(&cursor) else { return false }
            cursor.skipSpaces()
        } while list && cursor.consume(ASCII.comma)
        return cursor.isAtEnd
    }

    private static func skipNameAddress(_ cursor: inout Cursor) -> Bool {
        cursor.skipSpaces()
        guard let first = cursor.peek, first != ASCII.asterisk else { return false }
        if first == ASCII.quote {
            cursor.index += 1
            while let byte = cursor.peek, byte != ASCII.quote {
                guard byte != ASCII.backslash, byte != ASCII.cr, byte != ASCII.lf else { return false }
                cursor.index += 1
            }
            guard cursor.consume(ASCII.quote) else { return false }
            cursor.skipSpaces()
            guard cursor.peek == ASCII.lessThan else { return false }
        } else if Self.hasAngleBracket(cursor) {
            while cursor.peek != ASCII.lessThan {
                guard cursor.skip(while: { ASCII.isTokenChar($0) || $0 >= 0x80 }) > 0 else { return false }
                cursor.skipSpaces()
            }
        }
        if cursor.consume(ASCII.lessThan) {
            let uriStart = cursor.index
            while let byte = cursor.peek, byte != ASCII.greaterThan { cursor.index += 1 }
            let uriEnd = cursor.index
            guard cursor.consume(ASCII.greaterThan), Self.isPlainSIPURI(cursor.bytes, uriStart, uriEnd) else {
                return false
            }
        } else {
            let uriStart = cursor.index
            cursor.skip { !ASCII.isWhitespace($0) && $0 != ASCII.semicolon && $0 != ASCII.comma }
            guard Self.isPlainSIPURI(cursor.bytes, uriStart, cursor.index) else { return false }
        }
        return Self.skipHeaderParameters(&cursor)
    }

    /// As ``NameAddress``'s own test: a `<` comes before any quote, comma or semicolon.
    private static func hasAngleBracket(_ cursor: Cursor) -> Bool {
        var position = cursor.index
        while position < cursor.end {
            let byte = cursor.bytes[position]
            if byte == ASCII.lessThan { return true }
            if byte == ASCII.quote || byte == ASCII.comma || byte == ASCII.semicolon { return false }
            position += 1
        }
        return false
    }

    // MARK: - CSeq

    /// `1*DIGIT LWS Method` with a number below 2^31 (RFC 3261 §20.16, §8.1.1.5); returns the method's range.
    static func plainCSeqMethod(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Range<Int>? {
        var cursor = Cursor(bytes, start, end)
        cursor.skipSpaces()
        var value: UInt64 = 0
        var digits = 0
        while let byte = cursor.peek, ASCII.isDigit(byte) {
            value = value * 10 + UInt64(byte - 0x30)
            digits += 1
            guard value <= 0x7FFF_FFFF else { return nil }
            cursor.index += 1
        }
        guard digits > 0 else { return nil }
        let beforeSpace = cursor.index
        cursor.skipSpaces()
        guard cursor.index > beforeSpace else { return nil }
        let methodStart = cursor.index
        guard cursor.skip(while: ASCII.isTokenChar) > 0 else { return nil }
        let methodEnd = cursor.index
        cursor.skipSpaces()
        return cursor.isAtEnd ? methodStart..<methodEnd : nil
    }

    // MARK: - Numbers and bytes

    /// `bytes[start..<end]` as a decimal of at most `limit`, as ``Swift/String/sipDecimal(max:)`` reads it.
    static func decimal(_ bytes: [UInt8], _ start: Int, _ end: Int, max limit: UInt64) -> UInt64? {
        var cursor = Cursor(bytes, start, end)
        guard !cursor.isAtEnd else { return nil }
        var value: UInt64 = 0
        while let byte = cursor.peek {
            guard ASCII.isDigit(byte) else { return nil }
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(UInt64(byte - 0x30))
            if overflow1 || overflow2 || sum > limit { return nil }
            value = sum
            cursor.index += 1
        }
        return value
    }

    /// True when `bytes[start..<end]` equals `literal` ignoring ASCII case.
    static func equalsIgnoringCase(_ bytes: [UInt8], _ start: Int, _ end: Int, _ literal: StaticString) -> Bool {
        let cursor = Cursor(bytes, start, end)
        guard cursor.end - cursor.index == literal.utf8CodeUnitCount else { return false }
        return literal.withUTF8Buffer { wanted in
            var position = cursor.index
            for byte in wanted {
                guard ASCII.lower(bytes[position]) == ASCII.lower(byte) else { return false }
                position += 1
            }
            return true
        }
    }

    /// True when the two ranges hold the same bytes.
    static func equalBytes(_ bytes: [UInt8], _ lhs: Range<Int>, _ rhs: Range<Int>) -> Bool {
        guard lhs.count == rhs.count, lhs.lowerBound >= 0, rhs.lowerBound >= 0, lhs.upperBound <= bytes.count,
            rhs.upperBound <= bytes.count
        else { return false }
        return bytes[lhs].elementsEqual(bytes[rhs])
    }
}
