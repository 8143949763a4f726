import Testing

@testable import SIPCore

@Suite("RFC 3261 §7 message model")
struct MessageTests {
    @Test("§7.3.1/§7.3.3: header names compare case-insensitively and compact forms map to long forms")
    func headerNames() {
        #expect(HeaderName("v") == .via)
        #expect(HeaderName("VIA") == .via)
        #expect(HeaderName("l").canonical == "Content-Length")
        #expect(HeaderName("u") == .allowEvents)
        #expect(HeaderName("X-Custom").canonical == "X-Custom")
        #expect(HeaderName("x-custom") == HeaderName("X-CUSTOM"))
    }

    @Test("§7.1: methods are case-sensitive tokens; unknown ones are kept")
    func methods() {
        #expect(SIPMethod("INVITE") == .invite)
        #expect(SIPMethod("invite") == .other("invite"))
        #expect(SIPMethod("NEWMETHOD").token == "NEWMETHOD")
    }

    @Test("§7.3.1: several fields of one name keep their order; values split at top-level commas")
    func repeatedFields() {
        var headers = SIPHeaderFields()
        headers.add(.route, "<sip:p1;lr>, <sip:p2;lr>")
        headers.add(.route, "<sip:p3;lr>")
        #expect(headers.values(.route).count == 3)
        #expect(headers.routes.map(\.uri.host) == ["p1", "p2", "p3"])
    }

    @Test("an unquoted UTF-8 display name is tolerated")
    func utf8DisplayName() throws {
        #expect(try NameAddress(parsing: "Jörg <sip:j@example.com>").displayName == "Jörg")
    }

    @Test("SIPMessage gives access to either kind")
    func messageAccess() {
        let response = SIPMessage.response(SIPResponse(statusCode: 200, reasonPhrase: "OK", body: [1]))
        #expect(response.request == nil)
        #expect(response.response?.statusCode == 200)
        #expect(response.body == [1])
    }
}
