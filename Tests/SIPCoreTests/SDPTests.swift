import Testing

@testable import SIPCore

private let linphoneOffer = """
    v=0\r
    o=alice 2890844526 2890844526 IN IP4 198.51.100.7\r
    s=Talk\r
    c=IN IP4 198.51.100.7\r
    t=0 0\r
    a=sendrecv\r
    m=audio 49170 RTP/AVP 9 8 0 101\r
    a=rtpmap:101 telephone-event/8000\r
    a=fmtp:101 0-15\r
    a=ptime:20\r
    m=video 51372 RTP/AVP 96\r
    a=rtpmap:96 VP8/90000\r

    """

@Suite("RFC 8866 session descriptions")
struct SDPParsingTests {
    @Test("§5: parses the session and media lines, static payload types known without rtpmap")
    func parsesOffer() throws {
        let sdp = try SessionDescription(parsing: linphoneOffer)
        #expect(sdp.version == 0)
        #expect(sdp.origin.sessionID == "2890844526")
        #expect(sdp.sessionName == "Talk")
        #expect(sdp.connection?.host == "198.51.100.7")
        #expect(sdp.media.count == 2)
        let audio = try #require(sdp.media.first)
        #expect(audio.port == 49170)
        #expect(audio.formats == [9, 8, 0, 101])
        #expect(audio.rtpmaps[0]?.encodingName == "PCMU")
        #expect(audio.rtpmaps[8]?.encodingName == "PCMA")
        #expect(audio.rtpmaps[9] == RTPMap(payloadType: 9, encodingName: "G722", clockRate: 8000))
        #expect(audio.rtpmaps[101]?.encodingName == "telephone-event")
        #expect(audio.fmtp(for: 101) == "0-15")
        #expect(audio.ptime == 20)
        #expect(sdp.direction(of: audio) == .sendrecv)
    }

    @Test("§5: serializes with CRLF and parses back to the same description")
    func roundTrip() throws {
        let sdp = try SessionDescription(parsing: linphoneOffer)
        let text = sdp.description
        #expect(text.hasSuffix("\r\n"))
        #expect(!text.replacingCRLF().contains("\r"))
        #expect(try SessionDescription(parsing: text) == sdp)
    }

    @Test("tolerates a last line without CRLF and ignores a broken rtpmap (RFC 5118 §4.6 cut by §18.3)")
    func cutBodies() throws {
        for file in ["rfc5118/ipv6-in-sdp", "rfc5118/mult-ip-in-sdp", "rfc5118/ipv4-mapped-ipv6"] {
            let bytes = try #require(TortureCorpus.bytes(file))
            guard case .request(let request) = try SIPMessageParser().parseDatagram(bytes) else {
                Issue.record("not a request")
                continue
            }
            let sdp = try SessionDescription(parsing: request.body)
            let video = try #require(sdp.media.last)
            #expect(video.rtpmaps[107] == nil, "the cut rtpmap of \(file) must be ignored")
            #expect(sdp.media.count == 2)
        }
    }

    @Test("RFC 5118 §4.6/§4.8: IPv6 connection addresses, media-level c= wins")
    func ipv6Connections() throws {
        let bytes = try #require(TortureCorpus.bytes("rfc5118/mult-ip-in-sdp"))
        guard case .request(let request) = try SIPMessageParser().parseDatagram(bytes) else {
            Issue.record("not a request")
            return
        }
        let sdp = try SessionDescription(parsing: request.body)
        #expect(sdp.connection == nil)
        #expect(sdp.connection(for: sdp.media[0])?.host == "192.0.2.1")
        #expect(sdp.connection(for: sdp.media[1]) == SDPConnection(addressType: "IP6", address: "2001:db8::1"))
        let six = try #require(TortureCorpus.bytes("rfc5118/ipv6-in-sdp"))
        guard case .request(let v6) = try SIPMessageParser().parseDatagram(six) else { return }
        let v6sdp = try SessionDescription(parsing: v6.body)
        #expect(v6sdp.origin.addressType == "IP6")
        #expect(v6sdp.connection?.addressType == "IP6")
    }

    @Test("§5.1/§5.2: v= and o= are required")
    func requiredLines() {
        #expect(throws: SDPError(.missingVersion)) { try SessionDescription(parsing: "o=- 1 1 IN IP4 a\r\ns=-\r\n") }
        #expect(throws: SDPError(.missingOrigin)) { try SessionDescription(parsing: "v=0\r\ns=-\r\n") }
        #expect(throws: SDPError(.invalidMedia)) {
            try SessionDescription(parsing: "v=0\r\no=- 1 1 IN IP4 a\r\ns=-\r\nm=audio x RTP/AVP 0\r\n")
        }
    }

    @Test("unknown lines are kept and serialized")
    func unknownLinesKept() throws {
        let text =
            "v=0\r\no=- 1 1 IN IP4 a\r\ns=-\r\ni=info\r\nb=AS:64\r\nt=0 0\r\nm=audio 1 RTP/AVP 0\r\nb=TIAS:64000\r\na=x-foo:bar\r\n"
        let sdp = try SessionDescription(parsing: text)
        #expect(sdp.otherLines.map(\.type) == ["i", "b"])
        #expect(sdp.media[0].otherLines == [SDPLine(type: "b", value: "TIAS:64000")])
        #expect(sdp.description == text)
    }
}

@Suite("RFC 3264 offer/answer")
struct SDPOfferAnswerTests {
    @Test("§6: the answer takes our most preferred common codec, telephone-event and mirrors direction")
    func answersAudio() throws {
        let offer = try SessionDescription(parsing: linphoneOffer)
        let (answer, negotiated) = try SDPOfferAnswer.answer(
            offer: offer,
            supported: [.pcmu, .pcma],
            telephoneEvent: true,
            localAddress: "203.0.113.5",
            localPort: 40000,
            sessionID: 42
        )
        #expect(negotiated.codecName == "PCMU")
        #expect(negotiated.payloadType == 0)
        #expect(negotiated.clockRate == 8000)
        #expect(negotiated.telephoneEventPayloadType == 101)
        #expect(negotiated.remoteAddress == "198.51.100.7")
        #expect(negotiated.remotePort == 49170)
        #expect(negotiated.ptime == 20)
        #expect(negotiated.direction == .sendrecv)
        #expect(answer.media.count == 2)
        #expect(answer.media[0].formats == [0, 101])
        #expect(answer.media[0].port == 40000)
        #expect(answer.media[0].fmtp(for: 101) == "0-15")
        #expect(answer.media[1].port == 0)
        #expect(answer.media[1].formats == [96])
        #expect(answer.connection?.host == "203.0.113.5")
        let reparsed = try SessionDescription(parsing: answer.description)
        #expect(reparsed == answer)
    }

    @Test("§6.1: sendonly offer gets a recvonly answer; hold keeps working")
    func mirrorsDirection() throws {
        var offer = try SessionDescription(parsing: linphoneOffer)
        offer.attributes.removeAll()
        offer.media[0].setDirection(.sendonly)
        let (answer, negotiated) = try SDPOfferAnswer.answer(
            offer: offer,
            supported: [.pcma],
            telephoneEvent: false,
            localAddress: "2001:db8::5",
            localPort: 40002,
            sessionID: 7
        )
        #expect(negotiated.direction == .recvonly)
        #expect(negotiated.codecName == "PCMA")
        #expect(negotiated.telephoneEventPayloadType == nil)
        #expect(answer.media[0].direction == .recvonly)
        #expect(answer.connection?.addressType == "IP6")
    }

    @Test("RFC 4733: opus/48000 offered with telephone-event/8000 only (baresip 1.0.0) still gets the events")
    func telephoneEventAtAnotherRate() throws {
        let offer = try SessionDescription(
            parsing: [
                "v=0", "o=- 1 2 IN IP4 127.0.0.1", "s=-", "c=IN IP4 127.0.0.1", "t=0 0",
                "m=audio 50010 RTP/AVP 96 101", "a=rtpmap:96 opus/48000/2", "a=fmtp:96 stereo=1;sprop-stereo=1",
                "a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-15", "a=sendrecv", "",
            ].joined(separator: "\r\n")
        )
        let (answer, negotiated) = try SDPOfferAnswer.answer(
            offer: offer,
            supported: [.pcmu, .opus],
            telephoneEvent: true,
            localAddress: "127.0.0.1",
            localPort: 40000,
            sessionID: 1
        )
        #expect(negotiated.codecName.lowercased() == "opus")
        #expect(negotiated.telephoneEventPayloadType == 101)
        #expect(answer.media[0].formats == [96, 101])
        #expect(answer.media[0].rtpmaps[101]?.clockRate == 8000)
    }

    @Test("§6: no common codec throws noCommonCodec (the UAS answers 488)")
    func noCommonCodec() throws {
        let offer = try SessionDescription(parsing: linphoneOffer)
        #expect(throws: SDPError(.noCommonCodec)) {
            try SDPOfferAnswer.answer(
                offer: offer,
                supported: [.opus],
                telephoneEvent: true,
                localAddress: "203.0.113.5",
                localPort: 40000,
                sessionID: 1
            )
        }
        #expect(SDPError(.noCommonCodec).sipStatusCode == 488)
    }

    @Test("§5 and §7: a UAC offer and reading the answer's choice")
    func uacOfferAndAnswer() throws {
        let offer = SDPOfferAnswer.offer(
            codecs: [.g722, .pcmu, .opus],
            telephoneEvent: true,
            localAddress: "192.0.2.10",
            localPort: 30000,
            sessionID: 99
        )
        let audio = try #require(offer.media.first)
        #expect(audio.formats == [9, 0, 96, 101])
        #expect(audio.rtpmaps[96]?.clockRate == 48000)
        // The peer answers with our offer through the UAS logic, preferring PCMU.
        let (answer, _) = try SDPOfferAnswer.answer(
            offer: try SessionDescription(parsing: offer.description),
            supported: [.pcmu],
            telephoneEvent: true,
            localAddress: "192.0.2.20",
            localPort: 31000,
            sessionID: 5
        )
        let chosen = try SDPOfferAnswer.negotiated(answer: answer, offer: offer)
        #expect(chosen.codecName == "PCMU")
        #expect(chosen.remoteAddress == "192.0.2.20")
        #expect(chosen.remotePort == 31000)
        #expect(chosen.telephoneEventPayloadType == 101)
    }
}

extension String {
    fileprivate func replacingCRLF() -> String {
        var result = ""
        var previous: Character? = nil
        for character in self {
            if character == "\r\n" { result.append("\n") } else { result.append(character) }
            previous = character
        }
        _ = previous
        return result
    }
}
