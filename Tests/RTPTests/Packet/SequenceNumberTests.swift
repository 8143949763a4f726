import Testing

@testable import RTP

@Suite("RFC 3550 §5.1 wrapping sequence numbers and timestamps")
struct SequenceNumberTests {
    @Test("distance is signed 16-bit across the wrap")
    func sequenceDistance() {
        #expect(SequenceNumber(65535).distance(to: SequenceNumber(0)) == 1)
        #expect(SequenceNumber(0).distance(to: SequenceNumber(65535)) == -1)
        #expect(SequenceNumber(10).distance(to: SequenceNumber(20)) == 10)
        #expect(SequenceNumber(0).distance(to: SequenceNumber(32768)) == -32768)
        #expect(SequenceNumber(65530).advanced(by: 10) == SequenceNumber(4))
        #expect(SequenceNumber(3).advanced(by: -5) == SequenceNumber(65534))
        #expect(SequenceNumber(0).isNewer(than: SequenceNumber(65535)))
        #expect(!SequenceNumber(5).isNewer(than: SequenceNumber(5)))
    }

    @Test("timestamp distance is signed 32-bit across the wrap")
    func timestampDistance() {
        #expect(RTPTimestamp(UInt32.max - 79).distance(to: RTPTimestamp(80)) == 160)
        #expect(RTPTimestamp(80).distance(to: RTPTimestamp(UInt32.max - 79)) == -160)
        #expect(RTPTimestamp(UInt32.max).advanced(by: 1) == RTPTimestamp(0))
        #expect(RTPTimestamp(160).isNewer(than: RTPTimestamp(0)))
    }
}
