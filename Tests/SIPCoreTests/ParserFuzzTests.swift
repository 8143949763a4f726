import NIOCore
import Testing

@testable import SIPCore

/// RFC 4475 §1: whatever arrives, an element must not crash, hang or grow without bound. These tests mutate the
/// corpus deterministically (byte flips, insertions of grammar-significant bytes, truncations) and run every
/// parser over the results; they pass when nothing traps.
@Suite("RFC 4475 §1 robustness under mutation")
struct ParserFuzzTests {
    private static let interesting: [UInt8] = [
        0x00, 0x0D, 0x0A, 0x20, 0x22, 0x25, 0x2C, 0x3A, 0x3B, 0x3C, 0x3E, 0x5B, 0x5D, 0x40, 0xFF,
    ]

    @Test("mutated corpus messages never crash the parser, the salvage path, the framer or the SDP reader")
    func mutations() throws {
        var generator = SplitMix(seed: 4475)
        let parser = SIPMessageParser()
        for testCase in TortureCorpus.cases {
            let original = try #require(TortureCorpus.bytes(testCase.file))
            for _ in 0..<40 {
                var bytes = original
                let edits = Int(generator.next() % 4) + 1
                for _ in 0..<edits where !bytes.isEmpty {
                    let position = Int(generator.next() % UInt64(bytes.count))
                    switch generator.next() % 4 {
                    case 0: bytes[position] = UInt8(truncatingIfNeeded: generator.next())
                    case 1:
                        let byte = Self.interesting[Int(generator.next() % UInt64(Self.interesting.count))]
                        bytes.insert(byte, at: position)
                    case 2: bytes.removeSubrange(position..<min(bytes.count, position + 8))
                    default: bytes = Array(bytes.prefix(position))
                    }
                }
                if let message = try? parser.parseDatagram(bytes) {
                    _ = message.headers.vias
                    _ = message.headers.contacts
                    _ = try? SessionDescription(parsing: message.body)
                    _ = try? parser.parseDatagram(message.bytes)
                } else {
                    _ = parser.salvageRequestHeaders(bytes)
                }
                let processor = NIOSingleStepByteToMessageProcessor(SIPStreamFramer())
                try? processor.process(buffer: ByteBuffer(bytes: bytes)) { frame in
                    _ = try? parser.parseStreamMessage(frame)
                }
            }
        }
    }
}
