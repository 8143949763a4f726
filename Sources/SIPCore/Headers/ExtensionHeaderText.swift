/// Small text helpers for the extension headers (RSeq, RAck, Session-Expires, Min-SE, option tags), kept apart
/// from the message parser's internals so the two can change independently.
enum ExtensionHeaderText {
    /// The value of `text` if it is 1 or more ASCII digits and at most `limit`; nil otherwise.
    static func decimal(_ text: Substring, max limit: UInt64) -> UInt64? {
        var value: UInt64 = 0
        guard !text.isEmpty else { return nil }
        for byte in text.utf8 {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            let (times, overflowed) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowedAgain) = times.addingReportingOverflow(UInt64(byte - 0x30))
            if overflowed || overflowedAgain || sum > limit { return nil }
            value = sum
        }
        return value
    }

    /// RFC 3261 §25.1 `token` characters.
    static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "!"), UInt8(ascii: "%"), UInt8(ascii: "*"),
            UInt8(ascii: "_"), UInt8(ascii: "+"), UInt8(ascii: "`"), UInt8(ascii: "'"), UInt8(ascii: "~"):
            true
        default: false
        }
    }

    /// `text` without leading and trailing spaces, tabs and line breaks.
    static func trimmed<S: StringProtocol>(_ text: S) -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }
        let string = Substring(text)
        guard let first = string.firstIndex(where: { !isSpace($0) }),
            let last = string.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return string[first...last]
    }

    /// ASCII case-insensitive equality, as option tags and parameter names are compared here.
    static func equalsIgnoringCase<A: StringProtocol, B: StringProtocol>(_ lhs: A, _ rhs: B) -> Bool {
        lhs.lowercased() == rhs.lowercased()
    }
}
