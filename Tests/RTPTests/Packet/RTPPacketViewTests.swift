import NIOCore
import Testing

@testable import RTP

@Suite("RFC 3550 §5.1 RTP fixed header")
struct RTPPacketViewTests {
    static let basic: [UInt8] = [
        0x80, 0x88, 0x12, 0x34,  // V=2, M=1, PT=8, seq 0x1234
        0xDE, 0xAD, 0xBE, 0xEF,  // timestamp
        0x01, 0x02, 0x03, 0x04,  // SSRC
        0xAA, 0xBB, 0xCC,  // payload
    ]

    func parse(_ bytes: [UInt8]) throws(RTPError) -> RTPPacketView {
        let result: Result<RTPPacketView, RTPError> = bytes.withUnsafeBytes { raw in
            do throws(RTPError) {
                return .success(try RTPPacketView(validating: raw))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    func expectError(_ bytes: [UInt8], _ code: RTPError.Code) {
        #expect(throws: RTPError(code, offset: 0)) { _ = try self.parse(bytes) }
        #expect(bytes.withUnsafeBytes { RTPHeader.parse($0) } == nil)
    }

    @Test("§5.1: reads every fixed field")
    func fixedFields() throws {
        let view = try self.parse(Self.basic)
        #expect(view.marker)
        #expect(view.payloadType == 8)
        #expect(view.sequenceNumber == 0x1234)
        #expect(view.timestamp == 0xDEAD_BEEF)
        #expect(view.ssrc == 0x0102_0304)
        #expect(view.payloadRange == 12..<15)
        #expect(view.csrcCount == 0)
        #expect(view.extensionProfile == nil)
    }

    @Test("§5.1: a header-only packet has an empty payload")
    func headerOnly() throws {
        let view = try self.parse(Array(Self.basic.prefix(12)))
        #expect(view.payloadRange == 12..<12)
    }

    @Test("§5.1: fewer than 12 bytes are refused", arguments: [0, 1, 11])
    func truncated(length: Int) {
        self.expectError(Array(Self.basic.prefix(length)), .truncated)
    }

    @Test("§5.1: version other than 2 is refused", arguments: [UInt8(0x00), 0x40, 0xC0])
    func badVersion(first: UInt8) {
        var bytes = Self.basic
        bytes[0] = first
        self.expectError(bytes, .unsupportedVersion)
    }

    @Test("§5.1: CSRC identifiers are skipped and readable")
    func csrcList() throws {
        var bytes = Self.basic
        bytes[0] = 0x82
        bytes.insert(contentsOf: [0, 0, 0, 1, 0, 0, 0, 2], at: 12)
        let view = try self.parse(bytes)
        #expect(view.csrcCount == 2)
        #expect(view.payloadRange == 20..<23)
        bytes.withUnsafeBytes { raw in
            #expect(view.csrc(at: 0, in: raw) == 1)
            #expect(view.csrc(at: 1, in: raw) == 2)
            #expect(view.csrc(at: 2, in: raw) == nil)
        }
    }

    @Test("§5.1: a CSRC count beyond the packet is refused")
    func csrcTruncated() {
        var bytes = Self.basic
        bytes[0] = 0x8F  // 15 CSRCs = 60 bytes
        self.expectError(bytes, .truncatedCSRCList)
    }

    @Test("§5.3.1: a header extension is skipped")
    func headerExtension() throws {
        var bytes = Self.basic
        bytes[0] = 0x90
        bytes.insert(contentsOf: [0xBE, 0xDE, 0x00, 0x01, 1, 2, 3, 4], at: 12)
        let view = try self.parse(bytes)
        #expect(view.extensionProfile == 0xBEDE)
        #expect(view.payloadRange == 20..<23)
    }

    @Test("§5.3.1: an extension longer than the packet is refused")
    func extensionTruncated() {
        var bytes = Self.basic
        bytes[0] = 0x90
        bytes.insert(contentsOf: [0xBE, 0xDE, 0x00, 0x09], at: 12)
        self.expectError(bytes, .truncatedExtension)
        self.expectError([0x90] + Self.basic[1..<12] + [0xBE, 0xDE], .truncatedExtension)
    }

    @Test("§5.1: padding is stripped from the payload")
    func padding() throws {
        var bytes = Self.basic
        bytes[0] = 0xA0
        bytes.append(contentsOf: [0, 0, 3])
        let view = try self.parse(bytes)
        #expect(view.paddingCount == 3)
        #expect(view.payloadRange == 12..<15)
    }

    @Test("§5.1: padding that only holds the count octet leaves an empty payload")
    func paddingWholePayload() throws {
        var bytes = Array(Self.basic.prefix(12))
        bytes[0] = 0xA0
        bytes.append(1)
        let view = try self.parse(bytes)
        #expect(view.payloadRange == 12..<12)
    }

    @Test("§5.1: a zero or oversize padding count is refused", arguments: [UInt8(0), 5, 255])
    func badPadding(count: UInt8) {
        var bytes = Self.basic
        bytes[0] = 0xA0
        bytes.append(count)  // 4 bytes after the header
        self.expectError(bytes, .invalidPadding)
    }

    @Test("§5.1: padding bit with no bytes after the header is refused")
    func paddingNoBytes() {
        var bytes = Array(Self.basic.prefix(12))
        bytes[0] = 0xA0
        self.expectError(bytes, .invalidPadding)
    }

    @Test("ByteBuffer view yields a payload slice without moving the reader index")
    func byteBufferView() throws {
        var buffer = ByteBuffer(bytes: [0x99, 0x99])
        buffer.moveReaderIndex(forwardBy: 2)
        buffer.writeBytes(Self.basic)
        let view = try #require(RTPPacketView(buffer: buffer))
        #expect(view.sequenceNumber == 0x1234)
        let payload = try #require(view.payload(in: buffer))
        #expect(Array(payload.readableBytesView) == [0xAA, 0xBB, 0xCC])
        #expect(buffer.readerIndex == 2)
        #expect(RTPPacketView(buffer: ByteBuffer(bytes: [0x80, 0])) == nil)
    }

    @Test("writing then parsing gives the same header", arguments: [false, true])
    func writeRoundTrip(marker: Bool) throws {
        let header = RTPHeader(
            marker: marker,
            payloadType: 101,
            sequenceNumber: 65535,
            timestamp: 0xFFFF_FFF0,
            ssrc: 0xCAFE_F00D
        )
        var buffer = ByteBuffer()
        header.write(into: &buffer)
        #expect(buffer.readableBytes == RTPHeader.fixedSize)
        let view = try #require(RTPPacketView(buffer: buffer))
        #expect(view.header == header)

        var raw = [UInt8](repeating: 0, count: 12)
        let written = raw.withUnsafeMutableBytes { header.write(into: $0) }
        #expect(written == 12)
        #expect(raw == Array(buffer.readableBytesView))
        var short = [UInt8](repeating: 0, count: 11)
        #expect(short.withUnsafeMutableBytes { header.write(into: $0) } == nil)
    }

    @Test("payload type is masked to 7 bits on write")
    func payloadTypeMasked() throws {
        var buffer = ByteBuffer()
        RTPHeader(payloadType: 0xFF, sequenceNumber: 1, timestamp: 2, ssrc: 3).write(into: &buffer)
        let view = try #require(RTPPacketView(buffer: buffer))
        #expect(view.payloadType == 0x7F)
        #expect(!view.marker)
    }

    @Test("random bytes never trap")
    func fuzz() {
        var generator = SplitMix64(seed: 42)
        var bytes = [UInt8](repeating: 0, count: 64)
        for _ in 0..<20_000 {
            let length = Int(generator.next() % 65)
            for index in 0..<length { bytes[index] = UInt8(truncatingIfNeeded: generator.next()) }
            bytes[0] = (bytes[0] & 0x3F) | 0x80
            bytes.withUnsafeBytes { raw in
                let slice = UnsafeRawBufferPointer(rebasing: raw[0..<length])
                if let view = RTPPacketView(parsing: slice) {
                    #expect(view.payloadRange.upperBound <= length)
                    #expect(view.payloadRange.lowerBound >= 12)
                }
            }
        }
    }
}

/// Deterministic generator for tests.
struct SplitMix64: RandomNumberGenerator {
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
