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

@Suite("RFC 3261 §8.1.1, §9.1, §17.1.1.3 building requests")
struct MessageBuildingTests {
    private func invite() throws -> SIPRequest {
        var headers = SIPHeaderFields()
        headers.prependVia(ViaHeader(transport: "UDP", host: "192.0.2.1", port: 5060, branch: "z9hG4bKa"))
        headers.add(.route, "<sip:proxy.example.com;lr>")
        headers.maxForwards = 70
        headers.from = NameAddress(
            displayName: "Alice",
            uri: SIPURI(user: "alice", host: "example.com"),
            parameters: SIPParameters([("tag", "f1")])
        )
        headers.to = NameAddress(uri: SIPURI(user: "bob", host: "example.com"))
        headers.callID = "call-1@192.0.2.1"
        headers.cseq = CSeqHeader(sequence: 5, method: .invite)
        headers.contentType = "application/sdp"
        return SIPRequest(method: .invite, uri: SIPURI(user: "bob", host: "example.com"), headers: headers)
    }

    @Test("§8.1.1: typed setters build a request the parser accepts")
    func typedSetters() throws {
        let request = try self.invite()
        guard case .request(let parsed) = try SIPMessageParser().parseDatagram(request.bytes) else {
            Issue.record("not a request")
            return
        }
        #expect(parsed.from?.tag == "f1")
        #expect(parsed.cseq == CSeqHeader(sequence: 5, method: .invite))
        #expect(parsed.maxForwards == 70)
        #expect(parsed.contentType == "application/sdp")
        var headers = parsed.headers
        headers.callID = nil
        #expect(headers.callID == nil)
    }

    @Test("§9.1: CANCEL copies URI, Call-ID, From, To, CSeq number, top Via and Route")
    func cancel() throws {
        let cancel = try self.invite().makeCancel()
        #expect(cancel.method == .cancel)
        #expect(cancel.cseq == CSeqHeader(sequence: 5, method: .cancel))
        #expect(cancel.topVia?.branch == "z9hG4bKa")
        #expect(cancel.headers.fieldValues(.route).count == 1)
        #expect(cancel.to?.tag == nil)
    }

    @Test("§17.1.1.3: ACK for a non-2xx takes To from the response")
    func ack() throws {
        let invite = try self.invite()
        let busy = SIPResponse(replyingTo: invite, statusCode: 486, toTag: "t9")
        let ack = invite.makeACK(forNonSuccess: busy)
        #expect(ack.method == .ack)
        #expect(ack.to?.tag == "t9")
        #expect(ack.cseq?.sequence == 5)
        #expect(ack.vias.count == 1)
    }

    @Test("§18.1.2: removing the top Via keeps the others, even in one field")
    func removeTopVia() throws {
        var headers = SIPHeaderFields()
        headers.add(.via, "SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/UDP b;branch=z9hG4bK2")
        headers.add(.via, "SIP/2.0/UDP c;branch=z9hG4bK3")
        headers.removeTopVia()
        #expect(headers.vias.map(\.host) == ["b", "c"])
        headers.removeTopVia()
        #expect(headers.vias.map(\.host) == ["c"])
    }

    @Test("§12.1.1: Record-Route is copied into a dialog-creating response")
    func recordRoute() throws {
        var invite = try self.invite()
        invite.headers.add(.recordRoute, "<sip:p2;lr>")
        invite.headers.add(.recordRoute, "<sip:p1;lr>")
        var ok = SIPResponse(replyingTo: invite, statusCode: 200, toTag: "x")
        ok.copyRecordRoute(from: invite)
        #expect(ok.headers.recordRoutes.map(\.uri.host) == ["p2", "p1"])
    }
}
