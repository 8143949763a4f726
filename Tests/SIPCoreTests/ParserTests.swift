import NIOCore
import Testing

@testable import SIPCore

private func request(_ text: String) throws(SIPParseError) -> SIPMessage {
    try SIPMessageParser().parseDatagram(Array(text.utf8))
}

private var baseHeaders: String { headerBlock(method: "INVITE") }

private func headerBlock(method: String) -> String {
    """
    Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776asdhds;rport\r
    Max-Forwards: 70\r
    To: Bob <sip:bob@example.com>\r
    From: "Alice" <sip:alice@example.com>;tag=1928301774\r
    Call-ID: a84b4c76e66710@pc33.example.com\r
    CSeq: 314159 \(method)\r

    """
}

@Suite("RFC 3261 §7 and §8.2 message parsing")
struct ParserTests {
    @Test("§7.1: a plain INVITE parses and its fields are typed")
    func plainInvite() throws {
        let message = try request(
            "INVITE sip:bob@example.com SIP/2.0\r\n" + baseHeaders + "Content-Length: 4\r\n\r\nabcdEXTRA"
        )
        guard case .request(let invite) = message else {
            Issue.record("not a request")
            return
        }
        #expect(invite.method == .invite)
        #expect(invite.uri == SIPURI(user: "bob", host: "example.com"))
        #expect(invite.body == Array("abcd".utf8))
        #expect(invite.topVia?.rport == .requested)
        #expect(invite.topVia?.sentBy == "192.0.2.1:5060")
        #expect(invite.from?.displayName == "Alice")
        #expect(invite.to?.tag == nil)
        #expect(invite.cseq == CSeqHeader(sequence: 314159, method: .invite))
        #expect(invite.maxForwards == 70)
        #expect(invite.headers.contentLength == 4)
    }

    @Test("§7.3.3: compact forms map to their long names")
    func compactForms() throws {
        let text =
            "OPTIONS sip:a@b SIP/2.0\r\nv: SIP/2.0/UDP h;branch=z9hG4bK1\r\nt: <sip:a@b>\r\nf: <sip:c@d>;tag=1\r\ni: x@y\r\nCSeq: 1 OPTIONS\r\nl: 0\r\n\r\n"
        guard case .request(let options) = try request(text) else { return }
        #expect(options.headers.contains(.via))
        #expect(options.callID == "x@y")
        #expect(options.headers[.contentLength] == "0")
    }

    @Test("§7.2: a response parses with its reason phrase")
    func response() throws {
        let text = "SIP/2.0 180 Ringing\r\n" + baseHeaders + "\r\n"
        guard case .response(let ringing) = try request(text) else {
            Issue.record("not a response")
            return
        }
        #expect(ringing.statusCode == 180)
        #expect(ringing.reasonPhrase == "Ringing")
        #expect(ringing.isProvisional)
    }

    @Test("§8.2.2: a CSeq method unlike the request method is refused with 400")
    func methodMismatch() {
        #expect(throws: SIPParseError(.methodMismatch)) {
            try request("BYE sip:bob@example.com SIP/2.0\r\n" + baseHeaders + "\r\n")
        }
    }

    @Test("§8.1.1.5: a CSeq of 2^31 is refused, 2^31-1 accepted")
    func cseqRange() throws {
        #expect(try CSeqHeader(parsing: "2147483647 INVITE").sequence == 2_147_483_647)
        #expect(throws: SIPParseError(.valueOutOfRange)) { try CSeqHeader(parsing: "2147483648 INVITE") }
        #expect(throws: SIPParseError(.invalidHeaderValue)) { try CSeqHeader(parsing: "INVITE") }
        #expect(throws: SIPParseError(.invalidHeaderValue)) { try CSeqHeader(parsing: "1") }
        #expect(CSeqHeader(sequence: 7, method: .ack).description == "7 ACK")
    }

    @Test("§21.4.11: a message over the size limit is refused with 513")
    func tooLarge() {
        let parser = SIPMessageParser(limits: .init(maxMessageBytes: 100))
        let text = "INVITE sip:bob@example.com SIP/2.0\r\n" + baseHeaders + "\r\n"
        do {
            _ = try parser.parseDatagram(Array(text.utf8))
            Issue.record("parsed")
        } catch {
            #expect(error.statusCode == 513)
            #expect(error.reasonPhrase == "Message Too Large")
        }
    }

    @Test("limits: header count and line length are bounded")
    func limits() {
        var many = "INVITE sip:bob@example.com SIP/2.0\r\n" + baseHeaders
        for index in 0..<200 { many += "X-\(index): y\r\n" }
        #expect(throws: SIPParseError(.tooManyHeaders)) { try request(many + "\r\n") }
        let long =
            "INVITE sip:bob@example.com SIP/2.0\r\n" + baseHeaders + "X: " + String(repeating: "a", count: 9000)
            + "\r\n\r\n"
        #expect(throws: SIPParseError(.lineTooLong)) { try request(long) }
    }

    @Test("garbage never crashes: empty, CRLF only, truncated, binary")
    func garbage() {
        let parser = SIPMessageParser()
        #expect(throws: SIPParseError(.emptyMessage)) { try parser.parseDatagram([]) }
        #expect(throws: SIPParseError(.emptyMessage)) { try parser.parseDatagram(Array("\r\n\r\n".utf8)) }
        #expect(throws: SIPParseError.self) { try parser.parseDatagram(Array("INVITE sip:a@b SIP/2.0\r\nVia".utf8)) }
        var generator = SplitMix(seed: 7)
        for _ in 0..<500 {
            let bytes = (0..<Int(generator.next() % 300)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            _ = try? parser.parseDatagram(bytes)
            _ = parser.salvageRequestHeaders(bytes)
        }
    }

    @Test("every prefix of a torture message is handled without a crash")
    func prefixes() throws {
        let bytes = try #require(TortureCorpus.bytes("rfc4475/wsinv.dat"))
        let parser = SIPMessageParser()
        for length in 0...bytes.count {
            _ = try? parser.parseDatagram(Array(bytes.prefix(length)))
        }
    }

    @Test("ByteBuffer overload parses the readable bytes")
    func byteBuffer() throws {
        var buffer = ByteBuffer(string: "junk")
        buffer.moveReaderIndex(forwardBy: 4)
        buffer.writeString("OPTIONS sip:bob@example.com SIP/2.0\r\n" + headerBlock(method: "OPTIONS") + "\r\n")
        guard case .request(let options) = try SIPMessageParser().parseDatagram(buffer) else { return }
        #expect(options.method == .options)
    }

    @Test("§8.2: a broken request is salvaged to answer 400 with its Via, From, To, Call-ID and CSeq")
    func salvage() throws {
        let text = "INVITE sip:bob@example.com SIP/2.0\r\n" + baseHeaders + "Content-Length: -5\r\n\r\n"
        let bytes = Array(text.utf8)
        let parser = SIPMessageParser()
        do {
            _ = try parser.parseDatagram(bytes)
            Issue.record("parsed")
        } catch {
            let salvaged = try #require(parser.salvageRequestHeaders(bytes))
            let response = SIPResponse(replyingTo: salvaged, error: error, toTag: "abc")
            #expect(response.statusCode == 400)
            #expect(response.reasonPhrase == "Bad Request - invalid Content-Length")
            #expect(response.to?.tag == "abc")
            #expect(response.cseq?.sequence == 314159)
        }
        #expect(parser.salvageRequestHeaders(Array("SIP/2.0 200 OK\r\n\r\n".utf8)) == nil)
        #expect(parser.salvageRequestHeaders(Array("INVITE sip:a@b SIP/2.0\r\nTo: x\r\n\r\n".utf8)) == nil)
    }
}

@Suite("RFC 3261 §7 serialization and §8.2.6 responses")
struct MessageSerializationTests {
    @Test("§18.3: serialization always writes the body's Content-Length")
    func contentLengthRewritten() throws {
        var headers = SIPHeaderFields()
        headers.add(.via, "SIP/2.0/UDP h;branch=z9hG4bK1")
        headers.add(.contentLength, "999")
        let message = SIPRequest(
            method: .message,
            uri: SIPURI(user: "a", host: "b"),
            headers: headers,
            body: [1, 2, 3]
        )
        let text = String(decoding: message.bytes, as: UTF8.self)
        #expect(
            text
                == "MESSAGE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nContent-Length: 3\r\n\r\n\u{1}\u{2}\u{3}"
        )
    }

    @Test("§8.2.6.2: a response copies Via (in order), From, To, Call-ID and CSeq, adding the To tag")
    func replyingTo() throws {
        let text =
            "INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP p1;branch=z9hG4bK1\r\n" + baseHeaders + "\r\n"
        guard case .request(let invite) = try request(text) else { return }
        let ok = SIPResponse(replyingTo: invite, statusCode: 200, toTag: "xyz")
        #expect(ok.reasonPhrase == "OK")
        #expect(ok.headers.fieldValues(.via) == invite.headers.fieldValues(.via))
        #expect(ok.vias.count == 2)
        #expect(ok.to?.tag == "xyz")
        #expect(ok.to?.uri == invite.to?.uri)
        #expect(ok.from == invite.from)
        #expect(ok.callID == invite.callID)
        #expect(ok.cseq == invite.cseq)
        // The response parses back.
        guard case .response(let parsed) = try SIPMessageParser().parseDatagram(ok.bytes) else {
            Issue.record("not a response")
            return
        }
        #expect(parsed.statusCode == 200)
        #expect(parsed.to?.tag == "xyz")
        let trying = SIPResponse(replyingTo: invite, statusCode: 100)
        #expect(trying.to?.tag == nil)
        #expect(trying.reasonPhrase == "Trying")
    }

    @Test("§21: default reason phrases")
    func reasonPhrases() {
        #expect(SIPStatus.defaultReasonPhrase(for: 486) == "Busy Here")
        #expect(SIPStatus.defaultReasonPhrase(for: 481) == "Call/Transaction Does Not Exist")
        #expect(SIPStatus.defaultReasonPhrase(for: 488) == "Not Acceptable Here")
        #expect(SIPStatus.defaultReasonPhrase(for: 499) == "Client Error")
    }

    @Test("§8.1.1.7/§19.3: tokens are random token characters; branches carry the magic cookie")
    func tokens() throws {
        let branch = SIPToken.branch()
        #expect(branch.hasPrefix("z9hG4bK"))
        #expect(branch.count == 23)
        #expect(SIPToken.tag() != SIPToken.tag())
        #expect(SIPToken.random(length: 32).utf8.allSatisfy(ASCII.isTokenChar))
        #expect(SIPToken.callID(host: "example.com").hasSuffix("@example.com"))
        var via = ViaHeader(transport: "udp", host: "h", branch: branch)
        #expect(via.hasRFC3261Branch)
        via.branch = "z9hG4bK"
        #expect(!via.hasRFC3261Branch)
    }
}

/// A tiny deterministic generator for fuzz-style tests.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { self.state = seed }
    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
