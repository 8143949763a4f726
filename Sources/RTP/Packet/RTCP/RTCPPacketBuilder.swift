public import NIOCore

/// Writes RTCP packets straight into a `ByteBuffer` (RFC 3550 §6.4–§6.6).
///
/// Append packets one after the other to build a compound packet: an SR or RR first, then an SDES with the
/// CNAME (RFC 3550 §6.1), then a BYE when leaving. Nothing here allocates beyond the buffer's own growth.
public enum RTCPPacketBuilder {
    /// Most report blocks one SR or RR can hold (the 5-bit RC field).
    public static let maximumReportBlocks = 31

    /// Appends an SR packet (RFC 3550 §6.4.1).
    ///
    /// - Parameters:
    ///   - ssrc: the sender's SSRC.
    ///   - senderInfo: its NTP and RTP timestamps and packet and octet counts.
    ///   - reportBlocks: at most 31 reception report blocks, one per source heard since the last report.
    ///   - buffer: where the packet is appended.
    public static func writeSenderReport(
        ssrc: UInt32,
        senderInfo: RTCPSenderInfo,
        reportBlocks: some Collection<RTCPReportBlock>,
        into buffer: inout ByteBuffer
    ) {
        let blocks = min(reportBlocks.count, Self.maximumReportBlocks)
        let words = 1 + RTCPSenderInfo.size / 4 + blocks * RTCPReportBlock.size / 4
        Self.writeHeader(count: blocks, type: .senderReport, words: words, into: &buffer)
        buffer.writeInteger(ssrc)
        senderInfo.write(into: &buffer)
        for block in reportBlocks.prefix(blocks) { block.write(into: &buffer) }
    }

    /// Appends an RR packet (RFC 3550 §6.4.2); with no blocks it is the empty RR that must head a compound
    /// packet when nothing was sent or received.
    public static func writeReceiverReport(
        ssrc: UInt32,
        reportBlocks: some Collection<RTCPReportBlock>,
        into buffer: inout ByteBuffer
    ) {
        let blocks = min(reportBlocks.count, Self.maximumReportBlocks)
        Self.writeHeader(
            count: blocks,
            type: .receiverReport,
            words: 1 + blocks * RTCPReportBlock.size / 4,
            into: &buffer
        )
        buffer.writeInteger(ssrc)
        for block in reportBlocks.prefix(blocks) { block.write(into: &buffer) }
    }

    /// Appends an SDES packet with one chunk holding the CNAME item (RFC 3550 §6.5.1).
    ///
    /// - Parameters:
    ///   - ssrc: the source described.
    ///   - cname: the canonical name, at most 255 UTF-8 bytes (longer names are cut).
    ///   - buffer: where the packet is appended.
    public static func writeSourceDescription(ssrc: UInt32, cname: String, into buffer: inout ByteBuffer) {
        let utf8 = cname.utf8
        let length = min(utf8.count, 255)
        // SSRC, type, length, text, then at least one null octet, padded to a 32-bit boundary.
        let chunkBytes = 4 + 2 + length + 1
        let paddedBytes = (chunkBytes + 3) & ~3
        Self.writeHeader(count: 1, type: .sourceDescription, words: paddedBytes / 4, into: &buffer)
        buffer.writeInteger(ssrc)
        buffer.writeInteger(RTCPPacketView.cnameItemType)
        buffer.writeInteger(UInt8(length))
        buffer.writeBytes(utf8.prefix(length))
        buffer.writeRepeatingByte(0, count: paddedBytes - (chunkBytes - 1))
    }

    /// Appends a BYE packet for `ssrc` with an optional reason (RFC 3550 §6.6).
    ///
    /// - Parameters:
    ///   - ssrc: the source leaving.
    ///   - reason: text of at most 255 UTF-8 bytes (longer is cut), or `nil`.
    ///   - buffer: where the packet is appended.
    public static func writeBye(ssrc: UInt32, reason: String? = nil, into buffer: inout ByteBuffer) {
        var words = 1
        var reasonLength = 0
        if let reason {
            reasonLength = min(reason.utf8.count, 255)
            words += (1 + reasonLength + 3) / 4
        }
        Self.writeHeader(count: 1, type: .bye, words: words, into: &buffer)
        buffer.writeInteger(ssrc)
        if let reason {
            buffer.writeInteger(UInt8(reasonLength))
            buffer.writeBytes(reason.utf8.prefix(reasonLength))
            // Pad the reason with null octets to the 32-bit boundary.
            buffer.writeRepeatingByte(0, count: (words - 1) * 4 - 1 - reasonLength)
        }
    }

    /// Writes the common header: V=2, P=0, the count, the type, and the length in 32-bit words minus one.
    ///
    /// - Parameters:
    ///   - count: the report count or source count field.
    ///   - type: the packet type.
    ///   - words: the 32-bit words after the header.
    ///   - buffer: where the header is appended.
    private static func writeHeader(count: Int, type: RTCPPacketType, words: Int, into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(0x80 | (count & 0x1F)))
        buffer.writeInteger(type.rawValue)
        buffer.writeInteger(UInt16(truncatingIfNeeded: words))
    }
}
