import SIPCore
import Testing

@Suite("RFC 3261 §17.1.3 and §17.2.3 transaction matching")
struct TransactionKeyTests {
    static let branch = "z9hG4bK74bf9"

    func serverKey(
        branch: String? = TransactionKeyTests.branch,
        sentBy: String = "pc33.atlanta.example.com",
        method: SIPMethod = .invite,
        requestURI: String = "sip:bob@biloxi.example.com",
        toTag: String? = nil,
        fromTag: String? = "9fxced76sl",
        callID: String = "3848276298220188511@atlanta.example.com",
        cseqNumber: UInt32 = 1,
        topVia: String = "SIP/2.0/UDP pc33.atlanta.example.com"
    ) -> TransactionKey {
        TransactionKey.server(
            branch: branch,
            sentBy: sentBy,
            method: method,
            requestURI: requestURI,
            toTag: toTag,
            fromTag: fromTag,
            callID: callID,
            cseqNumber: cseqNumber,
            topVia: topVia
        )
    }

    @Test("§17.2.3: an RFC 3261 branch matches on branch, sent-by and method")
    func rfc3261Match() {
        let invite = self.serverKey()
        #expect(invite.isRFC2543 == false)
        // Other fields do not matter once the branch carries the magic cookie.
        #expect(invite == self.serverKey(requestURI: "sip:other@example.com", toTag: "x", cseqNumber: 99))
        #expect(
            invite == TransactionKey.server(branch: Self.branch, sentBy: "pc33.atlanta.example.com", method: .invite)
        )
        #expect(invite != self.serverKey(branch: "z9hG4bK74bf0"))
        #expect(invite != self.serverKey(sentBy: "pc34.atlanta.example.com"))
        #expect(invite != self.serverKey(method: .bye))
    }

    @Test("§17.2.3: sent-by hosts compare case-insensitively")
    func sentByCaseInsensitive() {
        #expect(self.serverKey(sentBy: "PC33.Atlanta.Example.COM") == self.serverKey())
    }

    @Test("§17.2.3: ACK matches the INVITE's transaction; CANCEL is a transaction of its own")
    func ackAndCancel() {
        let invite = self.serverKey()
        let ack = self.serverKey(method: .ack, toTag: "a6c85cf")
        let cancel = self.serverKey(method: .cancel)
        #expect(ack == invite)
        #expect(cancel != invite)
        #expect(cancel.withMethod(.invite) == invite)
    }

    @Test("§17.2.3: a branch without the magic cookie falls back to the RFC 2543 rule")
    func rfc2543Fallback() {
        let invite = self.serverKey(branch: "74bf9")
        #expect(invite.isRFC2543)
        #expect(self.serverKey(branch: nil).isRFC2543)
        // Same Request-URI, tags, Call-ID, CSeq and top Via: a retransmission, whatever the branch.
        #expect(invite == self.serverKey(branch: nil))
        #expect(invite != self.serverKey(branch: nil, requestURI: "sip:carol@chicago.example.com"))
        #expect(invite != self.serverKey(branch: nil, fromTag: "other"))
        #expect(invite != self.serverKey(branch: nil, callID: "other@atlanta.example.com"))
        #expect(invite != self.serverKey(branch: nil, cseqNumber: 2))
        #expect(invite != self.serverKey(branch: nil, topVia: "SIP/2.0/UDP pc34.atlanta.example.com"))
        #expect(invite != self.serverKey(branch: nil, method: .bye))
    }

    @Test("§17.2.3: under RFC 2543 the ACK matches its INVITE despite the To tag the response added")
    func rfc2543ACK() {
        let invite = self.serverKey(branch: nil)
        #expect(self.serverKey(branch: nil, method: .ack, toTag: "a6c85cf") == invite)
        #expect(self.serverKey(branch: nil, method: .ack, toTag: "a6c85cf", cseqNumber: 2) != invite)
    }

    @Test("§17.2.3: under RFC 2543 non-INVITE requests also match on the To tag")
    func rfc2543ToTag() {
        let bye = self.serverKey(branch: nil, method: .bye, toTag: "a6c85cf")
        #expect(bye == self.serverKey(branch: nil, method: .bye, toTag: "a6c85cf"))
        #expect(bye != self.serverKey(branch: nil, method: .bye, toTag: "other"))
    }

    @Test("§17.1.3: a response matches on its top Via branch and CSeq method")
    func clientMatch() {
        let invite = TransactionKey.client(branch: Self.branch, method: .invite)
        #expect(invite == TransactionKey.client(branch: Self.branch, method: .invite))
        #expect(invite != TransactionKey.client(branch: Self.branch, method: .cancel))
        #expect(invite != TransactionKey.client(branch: "z9hG4bKother", method: .invite))
        #expect(TransactionKey.client(branch: Self.branch, method: .cancel).withMethod(.invite) == invite)
        #expect(invite != TransactionKey.server(branch: Self.branch, sentBy: "x", method: .invite))
    }

    @Test("§8.1.1.7: the magic cookie is recognised case-sensitively")
    func magicCookie() {
        #expect(TransactionKey.isRFC3261Branch("z9hG4bKabc"))
        #expect(!TransactionKey.isRFC3261Branch("z9hg4bkabc"))
        #expect(!TransactionKey.isRFC3261Branch(nil))
    }
}
