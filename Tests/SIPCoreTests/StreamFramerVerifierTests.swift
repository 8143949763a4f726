import NIOCore
import NIOTestUtils
import SIPCore
import Testing

@Suite("RFC 3261 §18.3 stream framing under NIO's decoder verifier")
struct StreamFramerVerifierTests {
    static let options =
        "OPTIONS sip:uas@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bKv1\r\n"
        + "To: <sip:uas@127.0.0.1>\r\nFrom: <sip:a@127.0.0.1>;tag=1\r\nCall-ID: v1\r\nCSeq: 1 OPTIONS\r\n"
        + "Content-Length: 0\r\n\r\n"
    static let message =
        "MESSAGE sip:uas@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bKv2\r\n"
        + "To: <sip:uas@127.0.0.1>\r\nFrom: <sip:a@127.0.0.1>;tag=1\r\nCall-ID: v2\r\nCSeq: 2 MESSAGE\r\n"
        + "l: 5\r\n\r\nhello"

    @Test("Frames come out whole whether bytes arrive one by one, coalesced or shuffled; keep-alives skipped")
    func verifier() throws {
        let input = ByteBuffer(string: Self.options + "\r\n\r\n" + Self.message)
        try ByteToMessageDecoderVerifier.verifyDecoder(
            inputOutputPairs: [
                (input, [ByteBuffer(string: Self.options), ByteBuffer(string: Self.message)]),
                (ByteBuffer(string: Self.message), [ByteBuffer(string: Self.message)]),
            ],
            decoderFactory: { SIPStreamFramer() }
        )
    }
}
