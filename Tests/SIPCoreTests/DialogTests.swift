import SIPCore
import Testing

@Suite("RFC 3261 §12 dialogs")
struct DialogTests {
    typealias M = TransactionTestMessages
    static let aliceContact = SIPURI(scheme: "sip", user: "alice", host: "pc33.atlanta.example.com")
    static let bobContact = SIPURI(scheme: "sip", user: "bob", host: "192.0.2.4")

    static func inviteWithRecordRoute() -> SIPRequest {
        var invite = M.request()
        invite.headers.add(.recordRoute, "<sip:p4.domain.example.com;lr>, <sip:p3.middle.example.com;lr>")
        invite.headers.add(.recordRoute, "<sip:p1.example.com;lr>")
        return invite
    }

    static func okWithRecordRoute() -> SIPResponse {
        var ok = M.response(200)
        ok.headers.add(.recordRoute, "<sip:p4.domain.example.com;lr>, <sip:p3.middle.example.com;lr>")
        ok.headers.add(.recordRoute, "<sip:p1.example.com;lr>")
        return ok
    }

    @Test("§12.1.1: the UAS dialog takes the Record-Route set in order and the INVITE's CSeq as remote sequence")
    func uasCreation() throws {
        let dialog = try #require(
            Dialog(
                uas: Self.inviteWithRecordRoute(),
                response: M.response(200),
                remoteTarget: Self.aliceContact,
                secure: false
            )
        )
        #expect(
            dialog.id
                == DialogID(
                    callID: "a84b4c76e66710@pc33.atlanta.example.com",
                    localTag: "a6c85cf",
                    remoteTag: "1928301774"
                )
        )
        #expect(
            dialog.routeSet == [
                "<sip:p4.domain.example.com;lr>", "<sip:p3.middle.example.com;lr>", "<sip:p1.example.com;lr>",
            ]
        )
        #expect(dialog.remoteSequence == 314_159)
        #expect(dialog.localSequence == nil)
        #expect(dialog.localAddress == "Bob <sip:bob@biloxi.example.com>;tag=a6c85cf")
        #expect(dialog.remoteAddress == "Alice <sip:alice@atlanta.example.com>;tag=1928301774")
        #expect(dialog.remoteTarget == Self.aliceContact)
        #expect(dialog.secure == false)
    }

    @Test("§12.1.2: the UAC dialog reverses the Record-Route set and takes the INVITE's CSeq as local sequence")
    func uacCreation() throws {
        let dialog = try #require(
            Dialog(uac: M.request(), response: Self.okWithRecordRoute(), remoteTarget: Self.bobContact, secure: true)
        )
        #expect(
            dialog.id
                == DialogID(
                    callID: "a84b4c76e66710@pc33.atlanta.example.com",
                    localTag: "1928301774",
                    remoteTag: "a6c85cf"
                )
        )
        #expect(
            dialog.routeSet == [
                "<sip:p1.example.com;lr>", "<sip:p3.middle.example.com;lr>", "<sip:p4.domain.example.com;lr>",
            ]
        )
        #expect(dialog.localSequence == 314_159)
        #expect(dialog.remoteSequence == nil)
        #expect(dialog.secure)
    }

    @Test("§12.1.1: a dialog cannot be made from a 2xx without our To tag")
    func missingTag() {
        var ok = M.response(200)
        ok.headers.set(.to, "Bob <sip:bob@biloxi.example.com;tag=inside-uri-does-not-count>")
        #expect(Dialog(uas: M.request(), response: ok, remoteTarget: Self.aliceContact, secure: false) == nil)
    }

    @Test("§12.2.1.1: local CSeq numbers increase by one; a UAS starts from an empty local sequence")
    func localCSeq() throws {
        var uac = try #require(
            Dialog(uac: M.request(), response: M.response(200), remoteTarget: Self.bobContact, secure: false)
        )
        #expect(uac.nextLocalCSeq() == 314_160)
        #expect(uac.nextLocalCSeq() == 314_161)
        #expect(uac.localSequence == 314_161)

        var uas = try #require(
            Dialog(uas: M.request(), response: M.response(200), remoteTarget: Self.aliceContact, secure: false)
        )
        #expect(uas.nextLocalCSeq() == 1)
        #expect(uas.nextLocalCSeq() == 2)
    }

    @Test("§12.2.2: a request with a lower CSeq than the remote sequence number is rejected with 500")
    func remoteCSeq() throws {
        var dialog = try #require(
            Dialog(uas: M.request(), response: M.response(200), remoteTarget: Self.aliceContact, secure: false)
        )
        #expect(dialog.validateRemoteCSeq(314_158) == .reject(statusCode: 500))
        #expect(dialog.remoteSequence == 314_159)
        #expect(dialog.validateRemoteCSeq(314_159) == .accept)
        #expect(dialog.validateRemoteCSeq(314_165) == .accept)
        #expect(dialog.remoteSequence == 314_165)
        #expect(dialog.validateRemoteCSeq(314_160) == .reject(statusCode: 500))
    }

    @Test("§12.2.2: an empty remote sequence number accepts any CSeq and records it")
    func emptyRemoteCSeq() throws {
        var dialog = try #require(
            Dialog(uac: M.request(), response: M.response(200), remoteTarget: Self.bobContact, secure: false)
        )
        #expect(dialog.validateRemoteCSeq(7) == .accept)
        #expect(dialog.remoteSequence == 7)
        #expect(dialog.validateRemoteCSeq(6) == .reject(statusCode: 500))
    }

    @Test("§12.2.1.1: requests go to the remote target with the route set, tags, Call-ID and CSeq; no Via")
    func makeRequest() throws {
        var dialog = try #require(
            Dialog(uac: M.request(), response: Self.okWithRecordRoute(), remoteTarget: Self.bobContact, secure: false)
        )
        let bye = dialog.makeRequest(method: .bye, cseq: dialog.nextLocalCSeq())
        #expect(bye.method == .bye)
        #expect(bye.uri == Self.bobContact)
        #expect(
            bye.headers.fieldValues(.route) == [
                "<sip:p1.example.com;lr>", "<sip:p3.middle.example.com;lr>", "<sip:p4.domain.example.com;lr>",
            ]
        )
        #expect(bye.headers[.maxForwards] == "70")
        #expect(bye.headers[.to] == "Bob <sip:bob@biloxi.example.com>;tag=a6c85cf")
        #expect(bye.headers[.from] == "Alice <sip:alice@atlanta.example.com>;tag=1928301774")
        #expect(bye.headers[.callID] == "a84b4c76e66710@pc33.atlanta.example.com")
        #expect(bye.headers[.cseq] == "314160 BYE")
        #expect(!bye.headers.contains(.via))
        #expect(dialog.usesStrictRouting == false)

        let ack = dialog.makeRequest(method: .ack, cseq: 314_159)
        #expect(ack.headers[.cseq] == "314159 ACK")
    }

    @Test("§12.2.1.1: a first route without lr is reported as strict routing")
    func strictRouting() throws {
        var dialog = try #require(
            Dialog(uas: M.request(), response: M.response(200), remoteTarget: Self.aliceContact, secure: false)
        )
        #expect(dialog.usesStrictRouting == false)
        dialog.routeSet = ["<sip:old-proxy.example.com>"]
        #expect(dialog.usesStrictRouting)
        dialog.routeSet = ["<sip:proxy.example.com;lr>"]
        #expect(dialog.usesStrictRouting == false)
    }

    @Test("§12: tags are read from header parameters, not URI parameters, in both address forms")
    func tagForms() throws {
        var ok = M.response(200)
        ok.headers.set(.to, "\"Bob; <the builder>\" <sip:bob@biloxi.example.com;tag=no> ; TAG=yes ;x=1")
        let named = try #require(Dialog(uas: M.request(), response: ok, remoteTarget: Self.aliceContact, secure: false))
        #expect(named.localTag == "yes")

        ok.headers.set(.to, "sip:bob@biloxi.example.com;tag=bare")
        let bare = try #require(Dialog(uas: M.request(), response: ok, remoteTarget: Self.aliceContact, secure: false))
        #expect(bare.localTag == "bare")
    }
}
