import Testing

@testable import SIPCore

@Suite("RFC 3261 §20 header field values")
struct HeaderTests {
    @Test("§19.1.1: parameters keep order, compare names case-insensitively and serialize")
    func parameters() {
        var parameters = SIPParameters()
        parameters.set("transport", "udp")
        parameters.set("lr", nil)
        #expect(parameters.description == ";transport=udp;lr")
        #expect(parameters["TRANSPORT"] == "udp")
        #expect(parameters["lr"] == "")
        #expect(parameters["maddr"] == nil)
        #expect(parameters.contains("LR"))
        parameters.set("Transport", "tcp")
        #expect(parameters.description == ";transport=tcp;lr")
        parameters.remove("lr")
        #expect(parameters.description == ";transport=tcp")
    }

    @Test("§20.42: a Via with every common parameter")
    func via() throws {
        let via = try ViaHeader(
            parsing: "SIP/2.0/UDP pc33.atlanta.com:5066;branch=z9hG4bK776asdhds;received=192.0.2.1;rport=5067"
        )
        #expect(via.transport == "UDP")
        #expect(via.host == "pc33.atlanta.com")
        #expect(via.port == 5066)
        #expect(via.branch == "z9hG4bK776asdhds")
        #expect(via.received == "192.0.2.1")
        #expect(via.rport == .value(5067))
        #expect(via.sentBy == "pc33.atlanta.com:5066")
        #expect(
            via.description == "SIP/2.0/UDP pc33.atlanta.com:5066;branch=z9hG4bK776asdhds;received=192.0.2.1;rport=5067"
        )
    }

    @Test("RFC 3581 §4: rport is absent, requested or filled in")
    func rport() throws {
        var via = ViaHeader(transport: "udp", host: "192.0.2.1", port: 5060, branch: "z9hG4bKx")
        #expect(via.rport == .absent)
        via.rport = .requested
        #expect(via.description == "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKx;rport")
        via.rport = .value(40000)
        via.received = "198.51.100.1"
        #expect(try ViaHeader(parsing: via.description) == via)
    }

    @Test("RFC 4475 §3.1.1.1: white space around / : ; = in Via")
    func viaWhitespace() throws {
        let list = try ViaHeader.parseList(
            "SIP  / 2.0  / TCP     spindle.example.com   ;  branch  =   z9hG4bK9ikj8  , SIP  /    2.0   / UDP  192.168.255.111   ; branch= z9hG4bK30239"
        )
        #expect(list.count == 2)
        #expect(list[0].host == "spindle.example.com")
        #expect(list[1].branch == "z9hG4bK30239")
    }

    @Test("RFC 5118 §4.5/§4.7: IPv6 sent-by with port and received with and without brackets")
    func viaIPv6() throws {
        let via = try ViaHeader(
            parsing: "SIP/2.0/UDP [2001:db8::9:1]:6050;branch=z9hG4bKas3-111;received=[2001:db8::9:255]"
        )
        #expect(via.host == "[2001:db8::9:1]")
        #expect(via.port == 6050)
        #expect(via.received == "[2001:db8::9:255]")
    }

    @Test(
        "RFC 4475 §3.1.2.1: empty Via parameters and list elements are refused",
        arguments: [
            "SIP/2.0/UDP 192.0.2.15;;,;,,", "SIP/2.0/UDP", "SIP/2.0 host", "SIP/2.0/UDP host:70000",
            "SIP/2.0/UDP host;branch=",
            "SIP/2.0/UDP host,",
        ]
    )
    func badVia(_ text: String) {
        #expect(throws: SIPParseError.self) { try ViaHeader.parseList(text) }
    }

    @Test("§20.20: name-addr with a quoted display name, escapes and a tag")
    func nameAddr() throws {
        var address = try NameAddress(parsing: "\"J Rosenberg \\\\\\\"\"  <sip:jdrosen@example.com> ; tag = 98asjd8")
        #expect(address.displayName == "J Rosenberg \\\"")
        #expect(address.uri.user == "jdrosen")
        #expect(address.tag == "98asjd8")
        #expect(try NameAddress(parsing: address.description) == address)
        address.tag = "new"
        #expect(address.description == "\"J Rosenberg \\\\\\\"\" <sip:jdrosen@example.com>;tag=new")
    }

    @Test("§20: parameters after a bare URI belong to the header, inside <> to the URI")
    func parameterPlacement() throws {
        let bare = try NameAddress(parsing: "sip:alice@atlanta.com;tag=88sja8x")
        #expect(bare.tag == "88sja8x")
        #expect(bare.uri.parameters.isEmpty)
        #expect(bare.description == "<sip:alice@atlanta.com>;tag=88sja8x")
        let angled = try NameAddress(parsing: "<sip:alice@atlanta.com;transport=tcp>;expires=60")
        #expect(angled.uri.parameters["transport"] == "tcp")
        #expect(angled.parameters["expires"] == "60")
    }

    @Test("RFC 4475 §3.1.1.6: token display names, even without a space before <")
    func tokenDisplayName() throws {
        #expect(try NameAddress(parsing: "caller<sip:caller@example.com>;tag=323").displayName == "caller")
        #expect(try NameAddress(parsing: "Bob  Smith <sip:bob@b>").displayName == "Bob Smith")
    }

    @Test("§10.2.2: Contact * is a wildcard")
    func wildcard() throws {
        let contact = try NameAddress(parsing: " * ")
        #expect(contact.isWildcard)
        #expect(contact.description == "*")
    }

    @Test("§20.10: a Contact list splits at top-level commas only")
    func contactList() throws {
        let list = try NameAddress.parseList("\"A, B\" <sip:a@b>;q=0.7, sip:c@d;expires=60 , <sip:e@f>")
        #expect(list.count == 3)
        #expect(list[0].displayName == "A, B")
        #expect(list[1].parameters["expires"] == "60")
        #expect(list[2].uri.host == "f")
    }

    @Test(
        "RFC 4475 §3.1.2.6/§3.1.2.14/§3.1.2.15: broken name-addrs are refused",
        arguments: [
            "\"Mr. J. User <sip:j.user@example.com>", "\"Watson, Thomas\" < sip:t.watson@example.org >",
            "Bell, Alexander <sip:a.g.bell@bell-tel.com>;tag=43", "\"Joe\" <sip:joe@example.org>;;;;", "<sip:a@b",
            "", "<sip:a@b> junk",
        ]
    )
    func badNameAddr(_ text: String) {
        #expect(throws: SIPParseError.self) { try NameAddress.parseList(text, header: .contact) }
    }

    @Test("typed accessors are nil when absent or broken")
    func typedAccessors() {
        var headers = SIPHeaderFields()
        #expect(headers.topVia == nil)
        #expect(headers.vias.isEmpty)
        #expect(headers.cseq == nil)
        headers.add(.cseq, "x INVITE")
        headers.add(.maxForwards, "300")
        headers.add(.contentLength, "-1")
        headers.add(.contact, "<sip:a@b>")
        headers.add(.contact, "<sip:c@d>, <sip:e@f>")
        headers.add(.contentType, " application/sdp ")
        #expect(headers.cseq == nil)
        #expect(headers.maxForwards == nil)
        #expect(headers.contentLength == nil)
        #expect(headers.contacts.count == 3)
        #expect(headers.contentType == "application/sdp")
    }
}
