public import NIOCore

/// The fields of an RTP fixed header that Parley reads and writes (RFC 3550 §5.1).
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// |V=2|P|X|  CC   |M|     PT      |       sequence number         |
/// |                           timestamp                           |
/// |           synchronization source (SSRC) identifier            |
/// ```
///
/// Parsing lives in ``RTPPacketView``; this type is the value both sides agree on. Writing always emits the
/// 12-byte fixed header with V=2, P=0, X=0 and CC=0: a mix-minus bridge sends its own stream per leg and lists
/// no contributing sources.
public struct RTPHeader: Hashable, Sendable {
    /// Size of the fixed header in bytes (RFC 3550 §5.1).
    public static let fixedSize = 12
    /// The only RTP version defined by RFC 3550 §5.1.
    public static let version: UInt8 = 2

    /// Marker bit M; for audio, set on the first packet of a talkspurt (RFC 3551 §4.1) or of an RFC 4733 event.
    public var marker: Bool
    /// Payload type PT, 7 bits (RFC 3550 §5.1; static assignments in RFC 3551 §6).
    public var payloadType: UInt8
    /// Sequence number, +1 per packet, wrapping (RFC 3550 §5.1).
    public var sequenceNumber: UInt16
    /// Sampling instant of the first octet of the payload, in clock-rate units (RFC 3550 §5.1).
    public var timestamp: UInt32
    /// Synchronization source identifier (RFC 3550 §5.1, §8).
    public var ssrc: UInt32

    /// Makes an RTP version 2 header without padding, extension or CSRCs.
    public init(marker: Bool = false, payloadType: UInt8, sequenceNumber: UInt16, timestamp: UInt32, ssrc: UInt32) {
        self.marker = marker
        self.payloadType = payloadType
        self.sequenceNumber = sequenceNumber
        self.timestamp = timestamp
        self.ssrc = ssrc
    }

    /// Parses the header of an RTP packet; shorthand for ``RTPPacketView/init(parsing:)``.
    ///
    /// - Returns: the packet's view, or `nil` if the bytes are not a valid RTP packet.
    public static func parse(_ bytes: UnsafeRawBufferPointer) -> RTPPacketView? {
        RTPPacketView(parsing: bytes)
    }

    /// The first two header octets: V=2, P=0, X=0, CC=0, then M and PT.
    var firstOctets: (UInt8, UInt8) {
        (Self.version << 6, (self.marker ? 0x80 : 0) | (self.payloadType & 0x7F))
    }

    /// Appends the 12-byte fixed header (no CSRC, no extension) to `buffer` in network byte order.
    public func write(into buffer: inout ByteBuffer) {
        let (b0, b1) = self.firstOctets
        buffer.writeInteger(b0)
        buffer.writeInteger(b1)
        buffer.writeInteger(self.sequenceNumber)
        buffer.writeInteger(self.timestamp)
        buffer.writeInteger(self.ssrc)
    }

    /// Writes the 12-byte fixed header at the start of `bytes`.
    ///
    /// - Returns: the number of bytes written (12), or `nil` if `bytes` is shorter than 12 bytes.
    @discardableResult
    public func write(into bytes: UnsafeMutableRawBufferPointer) -> Int? {
        guard bytes.count >= Self.fixedSize else { return nil }
        let (b0, b1) = self.firstOctets
        bytes[0] = b0
        bytes[1] = b1
        bytes.storeBytes(of: self.sequenceNumber.bigEndian, toByteOffset: 2, as: UInt16.self)
        bytes.storeBytes(of: self.timestamp.bigEndian, toByteOffset: 4, as: UInt32.self)
        bytes.storeBytes(of: self.ssrc.bigEndian, toByteOffset: 8, as: UInt32.self)
        return Self.fixedSize
    }
}
