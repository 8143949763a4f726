import NIOCore
import Testing

@testable import SIPCore

/// The in-place parser (field table over the received bytes, allocation-free checks for plain values) must
/// accept exactly what the string-based parser it replaced accepted, report the same faults at the same offsets,
/// give the same field values, and serialize to the same bytes. `ReferenceSIPMessageParser` is that old parser.
@Suite("In-place parser agrees with the string-based reference")
struct ParserEquivalenceTests {
    private static let interesting: [UInt8] = [
        0x00, 0x09, 0x0D, 0x0A, 0x20, 0x22, 0x25, 0x2C, 0x2F, 0x3A, 0x3B, 0x3C, 0x3D, 0x3E, 0x3F, 0x40, 0x5B, 0x5C,
        0x5D, 0x2A, 0x30, 0x61, 0x41, 0xC3, 0xFF,
    ]

    /// A plain INVITE like the benchmark's, with folded, compact, unknown and odd-case fields added.
    static let samples: [String] = [
        "INVITE sip:1001@conference.example.com SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP 192.0.2.101:5060;branch=z9hG4bK776asdhds;rport\r\n"
            + "Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bKnashds8;received=198.51.100.7\r\n"
            + "Max-Forwards: 69\r\n"
            + "From: \"Alice Liddell\" <sip:alice@example.com>;tag=1928301774\r\n"
            + "To: <sip:1001@conference.example.com>\r\n"
            + "Call-ID: a84b4c76e66710@pc33.example.com\r\n"
            + "CSeq: 314159 INVITE\r\n"
            + "Contact: <sip:alice@192.0.2.101:5060;transport=udp>;expires=3600\r\n"
            + "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, REFER, NOTIFY, UPDATE\r\n"
            + "Supported: replaces, timer, 100rel\r\n"
            + "Content-Type: application/sdp\r\n"
            + "Content-Length: 10\r\n"
            + "\r\n"
            + "v=0\r\ns=x\r\n",
        "OPTIONS sip:bob@example.com;transport=tcp SIP/2.0\r\n"
            + "v: SIP/2.0/TCP host.example.com ;branch=z9hG4bK1 , SIP/2.0/UDP [2001:db8::1]:5060;branch=z9hG4bK2\r\n"
            + "f: Bob <sip:bob@example.com>;tag=a\r\n"
            + "t: sip:carol@example.com;tag=b\r\n"
            + "i: abc@host\r\n"
            + "CSEQ: 7 OPTIONS\r\n"
            + "X-Custom-Thing:   folded\r\n"
            + "   value\r\n"
            + "\tand more \r\n"
            + "m: <sip:bob@192.0.2.1>, \"B\\\"ob\" <sips:bob@example.com:05061>;q=0.5\r\n"
            + "l: 0\r\n"
            + "\r\n",
        "SIP/2.0 180 Ringing\r\n"
            + "Via: SIP/2.0/UDP 192.0.2.101:5060;branch=z9hG4bK776asdhds;rport=5060;received=192.0.2.1\r\n"
            + "From: <sip:alice@example.com>;tag=1\r\n"
            + "To: <sip:1001@example.com>;tag=2\r\n"
            + "Call-ID: x\r\n"
            + "CSeq: 1 INVITE\r\n"
            + "Contact: <sip:1001@192.0.2.9>\r\n"
            + "Content-Length: 0\r\n"
            + "\r\n",
        "SIP/2.0 183 Session Progress Now\r\n"
            + "Via: SIP/2.0/UDP h;branch=z9hG4bK7\r\n"
            + "From: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\nCall-ID: y\r\nCSeq: 2 INVITE\r\n\r\n",
    ]

    @Test("torture corpus, samples and their mutations: same outcome, fields, faults and bytes")
    func agreement() throws {
        var inputs: [[UInt8]] = Self.samples.map { Array($0.utf8) }
        for testCase in TortureCorpus.cases {
            inputs.append(try #require(TortureCorpus.bytes(testCase.file)))
        }
        var generator = SplitMix(seed: 3261)
        let originals = inputs
        for original in originals {
            for _ in 0..<60 {
                var bytes = original
                let edits = Int(generator.next() % 3) + 1
                for _ in 0..<edits where !bytes.isEmpty {
                    let position = Int(generator.next() % UInt64(bytes.count))
                    switch generator.next() % 4 {
                    case 0: bytes[position] = Self.interesting[Int(generator.next() % UInt64(Self.interesting.count))]
                    case 1:
                        bytes.insert(
                            Self.interesting[Int(generator.next() % UInt64(Self.interesting.count))],
                            at: position
                        )
                    case 2: bytes.removeSubrange(position..<min(bytes.count, position + 1 + Int(generator.next() % 4)))
                    default: bytes[position] = UInt8(truncatingIfNeeded: generator.next())
                    }
                }
                inputs.append(bytes)
            }
        }
        var disagreements = 0
        for bytes in inputs {
            if !Self.agree(bytes) {
                disagreements += 1
                if disagreements <= 5 {
                    Issue.record("disagreement on: \(String(decoding: bytes, as: UTF8.self).debugDescription)")
                }
            }
        }
        #expect(disagreements == 0)
        #expect(inputs.count > 1000)
    }

    @Test("plain values read in place serialize to exactly the reference's bytes")
    func serializationMatches() throws {
        let parser = SIPMessageParser()
        for sample in Self.samples {
            let message = try parser.parseDatagram(Array(sample.utf8))
            let reference = try ReferenceSIPMessageParser().parseDatagram(Array(sample.utf8))
            #expect(message.bytes == reference.bytes)
            #expect(message.headers.fields == reference.headers.fields)
        }
    }

    @Test("a parsed message stays usable after mutation")
    func mutationAfterParse() throws {
        guard case .request(var request) = try SIPMessageParser().parseDatagram(Array(Self.samples[0].utf8)) else {
            Issue.record("not a request")
            return
        }
        request.headers.replaceTopVia(with: ViaHeader(transport: "UDP", host: "192.0.2.200", branch: "z9hG4bKnew"))
        #expect(request.topVia?.host == "192.0.2.200")
        #expect(request.headers.fieldValues(.via).count == 2)
        request.uri = SIPURI(user: "2002", host: "example.net")
        request.body = Array("x".utf8)
        let text = String(decoding: request.bytes, as: UTF8.self)
        #expect(
            text.hasPrefix("INVITE sip:2002@example.net SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.200;branch=z9hG4bKnew\r\n")
        )
        #expect(text.hasSuffix("Content-Length: 1\r\n\r\nx"))
    }

    /// True when both parsers give the same result for `bytes` as a datagram and as a stream frame.
    static func agree(_ bytes: [UInt8]) -> Bool {
        let parser = SIPMessageParser()
        let reference = ReferenceSIPMessageParser()
        let datagram = Self.compare(
            Result { () throws(SIPParseError) in try parser.parseDatagram(bytes) },
            Result { () throws(SIPParseError) in try reference.parseDatagram(bytes) }
        )
        let buffer = ByteBuffer(bytes: bytes)
        let stream = Self.compare(
            Result { () throws(SIPParseError) in try parser.parseStreamMessage(buffer) },
            Result { () throws(SIPParseError) in try reference.parseStreamMessage(buffer) }
        )
        return datagram && stream
    }

    private static func compare(
        _ lhs: Result<SIPMessage, SIPParseError>,
        _ rhs: Result<SIPMessage, SIPParseError>
    ) -> Bool {
        switch (lhs, rhs) {
        case (.failure(let a), .failure(let b)):
            return a.code == b.code && a.offset == b.offset && a.header == b.header && a.detail == b.detail
        case (.success(let a), .success(let b)):
            guard MessageComparison.equivalent(a, b), a.headers.fields == b.headers.fields,
                a.headers.count == b.headers.count
            else { return false }
            // The same bytes, except that values are now written as received: an invalid UTF-8 sequence is no
            // longer replaced by U+FFFD on the way out. Reading back gives the same fields either way.
            if a.bytes != b.bytes {
                guard a.bytes.contains(where: { $0 >= 0x80 }),
                    let again = try? SIPMessageParser().parseDatagram(a.bytes),
                    again.headers.fields.filter({ $0.name != .contentLength })
                        == b.headers.fields.filter({ $0.name != .contentLength })
                else { return false }
            }
            for field in b.headers.fields {
                guard a.headers[field.name] == b.headers[field.name],
                    a.headers.fieldValues(field.name) == b.headers.fieldValues(field.name),
                    a.headers.contains(field.name)
                else { return false }
            }
            return true
        default:
            return false
        }
    }
}
