import Testing

@testable import SIPCore

/// The parser's character classes are bit masks (``ASCII/isMember(_:low:high:)``); each is checked here, for all
/// 256 byte values, against the RFC 3261 §25.1 rule written out as a list of characters.
@Suite("RFC 3261 §25.1 character classes")
struct CharacterClassTests {
    static let alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    static let mark = "-_.!~*'()"

    static func check(_ predicate: (UInt8) -> Bool, equals members: String) {
        let set = Set(members.utf8)
        for value in 0...255 {
            let byte = UInt8(value)
            #expect(predicate(byte) == set.contains(byte), "byte 0x\(String(value, radix: 16))")
        }
    }

    @Test("token = 1*(alphanum / - . ! % * _ + ` ' ~)")
    func token() { Self.check(ASCII.isTokenChar, equals: Self.alphanumeric + "-.!%*_+`'~") }

    @Test("unreserved = alphanum / mark")
    func unreserved() { Self.check(ASCII.isUnreserved, equals: Self.alphanumeric + Self.mark) }

    @Test("host characters: alphanum / - . _")
    func host() { Self.check(ASCII.isHostChar, equals: Self.alphanumeric + "-._") }

    @Test("user = unreserved / user-unreserved (& = + $ , ; ? /); escapes are handled by the caller")
    func user() { Self.check(SIPURI.isUserChar, equals: Self.alphanumeric + Self.mark + "&=+$,;?/") }

    @Test("paramchar = param-unreserved ([ ] / : & + $) / unreserved / % of an escape")
    func param() { Self.check(SIPURI.isParamChar, equals: Self.alphanumeric + Self.mark + "[]/:&+$%") }
}
