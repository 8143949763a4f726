import Testing

@testable import SIPCore

@Suite("RFC 3261 §19.1 SIP URIs")
struct URITests {
    @Test("§19.1.1: every part of a full SIP URI is read and serialized back")
    func fullURI() throws {
        let text = "sips:alice:secret@atlanta.com:5061;transport=tcp;lr?subject=project%20x&priority=urgent"
        let uri = try SIPURI(parsing: text)
        #expect(uri.scheme == "sips")
        #expect(uri.user == "alice")
        #expect(uri.password == "secret")
        #expect(uri.host == "atlanta.com")
        #expect(uri.port == 5061)
        #expect(uri.parameters["transport"] == "tcp")
        #expect(uri.parameters["lr"] == "")
        #expect(uri.headers.count == 2)
        #expect(uri.headers.first?.name == "subject")
        #expect(uri.headers.first?.value == "project%20x")
        #expect(uri.description == text)
        #expect(try SIPURI(parsing: uri.description) == uri)
    }

    @Test("§19.1.1: the scheme is case-insensitive and kept lower-case")
    func schemeCase() throws {
        #expect(try SIPURI(parsing: "SIP:bob@example.com").scheme == "sip")
    }

    @Test("the placeholder initialiser still builds a URI")
    func memberwise() {
        let uri = SIPURI(scheme: "sip", user: "conf", host: "192.0.2.1", port: 5060)
        #expect(uri.description == "sip:conf@192.0.2.1:5060")
    }

    @Test("RFC 5118 §4.1/§4.4: IPv6 references keep their brackets; a port follows the bracket")
    func ipv6() throws {
        let uri = try SIPURI(parsing: "sip:[2001:db8::10]:5070;transport=udp")
        #expect(uri.host == "[2001:db8::10]")
        #expect(uri.port == 5070)
        #expect(uri.description == "sip:[2001:db8::10]:5070;transport=udp")
    }

    @Test("RFC 5118 §4.2: an IPv6 address without brackets is refused")
    func ipv6WithoutBrackets() {
        #expect(throws: SIPParseError(.invalidURI)) { try SIPURI(parsing: "sip:2001:db8::10") }
    }

    @Test("RFC 4475 §3.1.1.3/§3.1.1.4: escapes stay raw, decodedUser decodes once and keeps NULs")
    func escapes() throws {
        let uri = try SIPURI(parsing: "sip:%31000@example.com")
        #expect(uri.user == "%31000")
        #expect(uri.decodedUser == "1000")
        #expect(try SIPURI(parsing: "sip:a%00b@example.com").decodedUser == "a\u{0}b")
        #expect(SIPURI.percentDecoded("value%25%34%31") == "value%41")
    }

    @Test("RFC 4475 §3.1.1.9: the user part may hold ;")
    func semicolonInUser() throws {
        let uri = try SIPURI(parsing: "sip:user;par=u%40example.net@example.com")
        #expect(uri.user == "user;par=u%40example.net")
        #expect(uri.host == "example.com")
        #expect(uri.parameters.isEmpty)
    }

    @Test("RFC 4475 §3.3.2/§3.3.3: unknown schemes parse as opaque URIs")
    func opaque() throws {
        let uri = try SIPURI(parsing: "soap.beep://192.0.2.103:3002")
        #expect(uri.scheme == "soap.beep")
        #expect(uri.opaque == "//192.0.2.103:3002")
        #expect(!uri.isSIP)
        #expect(uri.description == "soap.beep://192.0.2.103:3002")
    }

    @Test("RFC 3966: tel URIs keep the number and parameters")
    func tel() throws {
        let uri = try SIPURI(parsing: "tel:+1-201-555-0123;phone-context=example.com")
        #expect(uri.user == "+1-201-555-0123")
        #expect(uri.parameters["phone-context"] == "example.com")
        #expect(uri.description == "tel:+1-201-555-0123;phone-context=example.com")
    }

    @Test(
        "malformed URIs are refused",
        arguments: [
            "", "sip:", "sip:@host", "sip:host:99999", "sip:host:12a", "sip:user@", "sip:a b@c", "<sip:a@b>",
            "sip:host;;lr", "sip:[2001:db8::1", "sip:%4@host", "1sip:a@b", "sip:host;=x",
        ]
    )
    func malformed(_ text: String) {
        #expect(throws: SIPParseError.self) { try SIPURI(parsing: text) }
    }
}
