public import NIOCore

/// The sender information section of an SR packet (RFC 3550 §6.4.1).
public struct RTCPSenderInfo: Hashable, Sendable {
    /// Size of the section in bytes.
    public static let size = 20

    /// Wall-clock time when the report was sent.
    public var ntpTimestamp: NTPTimestamp
    /// The same instant in the units and offset of the RTP timestamps of this sender's data packets.
    public var rtpTimestamp: UInt32
    /// RTP data packets sent by this SSRC since it started, wrapping.
    public var packetCount: UInt32
    /// Payload octets sent (headers and padding excluded) since it started, wrapping.
    public var octetCount: UInt32

    /// Makes sender information from its fields (RFC 3550 §6.4.1).
    public init(ntpTimestamp: NTPTimestamp, rtpTimestamp: UInt32, packetCount: UInt32, octetCount: UInt32) {
        self.ntpTimestamp = ntpTimestamp
        self.rtpTimestamp = rtpTimestamp
        self.packetCount = packetCount
        self.octetCount = octetCount
    }

    /// Reads the section at `offset`; the caller has checked that 20 bytes are there.
    init(reading bytes: UnsafeRawBufferPointer, at offset: Int) {
        let seconds = RTCPPacketView.readUInt32(bytes, at: offset)
        let fraction = RTCPPacketView.readUInt32(bytes, at: offset + 4)
        self.ntpTimestamp = NTPTimestamp(seconds: seconds, fraction: fraction)
        self.rtpTimestamp = RTCPPacketView.readUInt32(bytes, at: offset + 8)
        self.packetCount = RTCPPacketView.readUInt32(bytes, at: offset + 12)
        self.octetCount = RTCPPacketView.readUInt32(bytes, at: offset + 16)
    }

    /// Appends the 20 bytes in network byte order.
    public func write(into buffer: inout ByteBuffer) {
        buffer.writeInteger(self.ntpTimestamp.rawValue)
        buffer.writeInteger(self.rtpTimestamp)
        buffer.writeInteger(self.packetCount)
        buffer.writeInteger(self.octetCount)
    }
}
