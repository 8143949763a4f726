public import NIOCore

/// One reception report block of an SR or RR packet (RFC 3550 §6.4.1).
///
/// ```
/// |                 SSRC_n (SSRC of source)                       |
/// | fraction lost |       cumulative number of packets lost       |
/// |           extended highest sequence number received           |
/// |                      interarrival jitter                      |
/// |                         last SR (LSR)                         |
/// |                   delay since last SR (DLSR)                  |
/// ```
public struct RTCPReportBlock: Hashable, Sendable {
    /// Size of a block in bytes.
    public static let size = 24
    /// Largest and smallest values of the signed 24-bit cumulative loss (RFC 3550 §6.4.1, Appendix A.3).
    public static let cumulativeLostRange: ClosedRange<Int32> = -0x80_0000...0x7F_FFFF

    /// The source this block reports on.
    public var ssrc: UInt32
    /// Packets lost since the previous report, as a fraction of those expected, times 256 (binary point left).
    public var fractionLost: UInt8
    /// Packets expected minus received since the start, a signed 24-bit value (negative with duplicates).
    public var cumulativeLost: Int32
    /// Highest sequence number received, extended with the count of wrap-arounds in the top 16 bits.
    public var extendedHighestSequenceNumber: UInt32
    /// Interarrival jitter J in timestamp units (RFC 3550 §6.4.1, Appendix A.8).
    public var interarrivalJitter: UInt32
    /// LSR: the middle 32 bits of the NTP timestamp of the last SR from this source, or 0 if none.
    public var lastSenderReport: UInt32
    /// DLSR: 1/65536 s between receiving that SR and sending this block, or 0 if none.
    public var delaySinceLastSenderReport: UInt32

    /// Makes a report block from its fields (RFC 3550 §6.4.1).
    public init(
        ssrc: UInt32,
        fractionLost: UInt8,
        cumulativeLost: Int32,
        extendedHighestSequenceNumber: UInt32,
        interarrivalJitter: UInt32,
        lastSenderReport: UInt32,
        delaySinceLastSenderReport: UInt32
    ) {
        self.ssrc = ssrc
        self.fractionLost = fractionLost
        self.cumulativeLost = min(
            max(cumulativeLost, Self.cumulativeLostRange.lowerBound),
            Self.cumulativeLostRange.upperBound
        )
        self.extendedHighestSequenceNumber = extendedHighestSequenceNumber
        self.interarrivalJitter = interarrivalJitter
        self.lastSenderReport = lastSenderReport
        self.delaySinceLastSenderReport = delaySinceLastSenderReport
    }

    /// Reads a block at `offset`; the caller has checked that 24 bytes are there.
    init(reading bytes: UnsafeRawBufferPointer, at offset: Int) {
        self.ssrc = RTCPPacketView.readUInt32(bytes, at: offset)
        let word = RTCPPacketView.readUInt32(bytes, at: offset + 4)
        self.fractionLost = UInt8(truncatingIfNeeded: word >> 24)
        // Sign-extend the 24-bit two's complement count.
        self.cumulativeLost = Int32(bitPattern: word << 8) >> 8
        self.extendedHighestSequenceNumber = RTCPPacketView.readUInt32(bytes, at: offset + 8)
        self.interarrivalJitter = RTCPPacketView.readUInt32(bytes, at: offset + 12)
        self.lastSenderReport = RTCPPacketView.readUInt32(bytes, at: offset + 16)
        self.delaySinceLastSenderReport = RTCPPacketView.readUInt32(bytes, at: offset + 20)
    }

    /// Appends the 24 bytes in network byte order.
    public func write(into buffer: inout ByteBuffer) {
        buffer.writeInteger(self.ssrc)
        let lost = UInt32(bitPattern: self.cumulativeLost) & 0x00FF_FFFF
        buffer.writeInteger(UInt32(self.fractionLost) << 24 | lost)
        buffer.writeInteger(self.extendedHighestSequenceNumber)
        buffer.writeInteger(self.interarrivalJitter)
        buffer.writeInteger(self.lastSenderReport)
        buffer.writeInteger(self.delaySinceLastSenderReport)
    }

    /// The round-trip time to the reporting receiver, from a block about our own stream (RFC 3550 §6.4.1).
    ///
    /// RTT = A − LSR − DLSR, where A is when this block arrived, all as middle-32 NTP values (1/65536 s).
    ///
    /// - Parameter arrival: our wall clock when the report arrived.
    /// - Returns: the round-trip time, or `nil` if the receiver has not seen an SR from us yet (LSR = 0) or the
    ///   result is negative (clock steps).
    public func roundTripTime(arrival: NTPTimestamp) -> TimeAmount? {
        guard self.lastSenderReport != 0 else { return nil }
        let units = Int64(
            Int32(bitPattern: arrival.middle32 &- self.lastSenderReport &- self.delaySinceLastSenderReport)
        )
        guard units >= 0 else { return nil }
        return .nanoseconds(units * 1_000_000_000 / 65536)
    }
}
