import Testing

@testable import SIPCore

/// rtcp-mux (RFC 5761 §5.1.1) and `a=rtcp` (RFC 3605) in offer/answer.
@Suite("SDP: rtcp-mux and the RTCP port")
struct RTCPMuxSDPTests {
    func offer(_ extra: String) throws -> SessionDescription {
        try SessionDescription(
            parsing:
                "v=0\r\no=- 1 1 IN IP4 192.0.2.7\r\ns=-\r\nc=IN IP4 192.0.2.7\r\nt=0 0\r\n"
                + "m=audio 40000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n\(extra)a=sendrecv\r\n"
        )
    }

    func answer(_ offer: SessionDescription, mux: Bool) throws -> (SessionDescription, NegotiatedAudio) {
        try SDPOfferAnswer.answer(
            offer: offer,
            supported: [.pcmu],
            telephoneEvent: true,
            localAddress: "198.51.100.1",
            localPort: 20000,
            sessionID: 1,
            rtcpMux: mux
        )
    }

    @Test("An offered rtcp-mux is answered and RTCP goes to the RTP port")
    func muxAccepted() throws {
        let (answer, negotiated) = try self.answer(try self.offer("a=rtcp-mux\r\n"), mux: true)
        #expect(answer.media[0].rtcpMux)
        #expect(negotiated.rtcpMux)
        #expect(negotiated.remoteRTCPPort == 40000)
        #expect(answer.description.contains("a=rtcp-mux\r\n"))
    }

    @Test("Without rtcp-mux (offered or allowed) RTCP goes to port + 1, or to the a=rtcp port")
    func separatePort() throws {
        let (answer, negotiated) = try self.answer(try self.offer("a=rtcp-mux\r\n"), mux: false)
        #expect(!answer.media[0].rtcpMux)
        #expect(!negotiated.rtcpMux)
        #expect(negotiated.remoteRTCPPort == 40001)
        let (_, explicit) = try self.answer(try self.offer("a=rtcp:40007 IN IP4 192.0.2.7\r\n"), mux: true)
        #expect(!explicit.rtcpMux)
        #expect(explicit.remoteRTCPPort == 40007)
    }

    @Test("The offerer multiplexes only when the answer accepted its rtcp-mux")
    func offererSide() throws {
        let offer = SDPOfferAnswer.offer(
            codecs: [.pcmu],
            localAddress: "192.0.2.7",
            localPort: 40000,
            sessionID: 3,
            rtcpMux: true
        )
        #expect(offer.media[0].rtcpMux)
        let (muxed, _) = try self.answer(offer, mux: true)
        let accepted = try SDPOfferAnswer.negotiated(answer: muxed, offer: offer)
        #expect(accepted.rtcpMux)
        #expect(accepted.remoteRTCPPort == 20000)
        let (plain, _) = try self.answer(offer, mux: false)
        let refused = try SDPOfferAnswer.negotiated(answer: plain, offer: offer)
        #expect(!refused.rtcpMux)
        #expect(refused.remoteRTCPPort == 20001)
    }
}
