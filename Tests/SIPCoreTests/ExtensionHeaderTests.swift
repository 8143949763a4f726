import SIPCore
import Testing

@Suite("Extension headers: RSeq and RAck (RFC 3262 §7), Session-Expires and Min-SE (RFC 4028 §4, §5)")
struct ExtensionHeaderTests {
    static func request(_ extra: String) throws -> SIPRequest {
        let text =
            "INVITE sip:1000@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bKext\r\n"
            + "From: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:1000@127.0.0.1>\r\nCall-ID: ext@127.0.0.1\r\n"
            + "CSeq: 1 INVITE\r\nMax-Forwards: 70\r\n" + extra + "Content-Length: 0\r\n\r\n"
        guard case .request(let request) = try SIPMessageParser().parseDatagram(Array(text.utf8)) else {
            throw SIPParseError(.invalidStartLine, offset: 0, detail: "not a request")
        }
        return request
    }

    @Test("RFC 3262 §7.2: RAck parses, serializes, and refuses a zero RSeq or a missing method")
    func rack() throws {
        let rack = try RAckHeader(parsing: " 776656  1 INVITE ")
        #expect(rack == RAckHeader(responseSequence: 776_656, sequence: 1, method: .invite))
        #expect(rack.description == "776656 1 INVITE")
        #expect(throws: SIPParseError.self) { try RAckHeader(parsing: "0 1 INVITE") }
        #expect(throws: SIPParseError.self) { try RAckHeader(parsing: "5 1") }
        #expect(throws: SIPParseError.self) { try RAckHeader(parsing: "5 x INVITE") }
    }

    @Test("RFC 3262 §7.1: RSeq is read and written; zero or junk reads as nil")
    func rseq() throws {
        var headers = SIPHeaderFields()
        headers.rseq = 42
        #expect(headers[.rseq] == "42")
        #expect(headers.rseq == 42)
        headers.set(.rseq, "0")
        #expect(headers.rseq == nil)
        headers.set(.rseq, "4x")
        #expect(headers.rseq == nil)
    }

    @Test("RFC 4028 §4: Session-Expires with refresher and other parameters, also in compact form x")
    func sessionExpires() throws {
        let header = try SessionExpiresHeader(parsing: "1800 ; Refresher=UAS;foo=bar")
        #expect(header.seconds == 1800)
        #expect(header.refresher == .uas)
        #expect(header.otherParameters == ["foo=bar"])
        #expect(header.description == "1800;refresher=uas;foo=bar")
        #expect(throws: SIPParseError.self) { try SessionExpiresHeader(parsing: "1800;refresher=proxy") }
        #expect(throws: SIPParseError.self) { try SessionExpiresHeader(parsing: "soon") }
        let request = try Self.request("x: 90;refresher=uac\r\nMin-SE: 90\r\n")
        #expect(request.headers.sessionExpires == SessionExpiresHeader(seconds: 90, refresher: .uac))
        #expect(request.headers.minSE == 90)
    }

    @Test("RFC 3261 §8.2.2.3: Require tags we lack are listed for 420; 100rel, timer and replaces are ours")
    func unsupportedTags() throws {
        let ours = try Self.request("Require: 100rel, timer\r\nRequire: Replaces\r\n")
        #expect(SIPOptionTag.unsupported(in: ours).isEmpty)
        let foreign = try Self.request("Require: 100rel, precondition, foo\r\nSupported: timer\r\n")
        #expect(SIPOptionTag.unsupported(in: foreign) == ["precondition", "foo"])
        #expect(SIPOptionTag.lists("timer", in: .supported, of: foreign.headers))
        #expect(SIPOptionTag.supportedHeaderValue == "100rel, timer, replaces")
    }
}
