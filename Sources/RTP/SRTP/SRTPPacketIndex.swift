/// Packet-index arithmetic shared by the SRTP sender and receiver (RFC 3711 §3.3.1, Appendix A).
///
/// SRTP encrypts and authenticates under a 48-bit packet index, `ROC * 2^16 + SEQ`, of which only the 16-bit
/// sequence number travels; both ends keep the 32-bit rollover counter (ROC) and the highest index seen so far.
enum SRTPPacketIndex {
    /// The index a packet with `sequence` most probably has, given the highest index seen (RFC 3711 Appendix A):
    /// the candidate among ROC-1, ROC and ROC+1 whose index lies closest to the highest. Nil when that would
    /// be before index 0 (a late packet from before the first one seen).
    static func estimate(sequence: UInt16, highest: UInt64?) -> UInt64? {
        guard let highest else { return UInt64(sequence) }
        let rolloverCounter = highest >> 16
        let last = Int(highest & 0xFFFF)
        let current = Int(sequence)
        var guess = rolloverCounter
        if last < 32768 {
            if current - last > 32768 {
                guard rolloverCounter > 0 else { return nil }
                guess = rolloverCounter - 1
            }
        } else if last - 32768 > current {
            guess = rolloverCounter + 1
        }
        return (guess << 16 | UInt64(sequence)) & 0xFFFF_FFFF_FFFF
    }

    /// Length of the RTP header (fixed part, CSRCs and extension) of `packet`, or nil if it is not a version 2
    /// header that fits (RFC 3550 §5.1, §5.3.1). SRTP encrypts everything after it.
    static func rtpHeaderLength(_ packet: UnsafeRawBufferPointer) -> Int? {
        guard packet.count >= 12, packet[0] >> 6 == 2 else { return nil }
        var length = 12 + 4 * Int(packet[0] & 0x0F)
        if packet[0] & 0x10 != 0 {
            guard length + 4 <= packet.count else { return nil }
            let words = Int(packet[length + 2]) << 8 | Int(packet[length + 3])
            length += 4 + 4 * words
        }
        return length <= packet.count ? length : nil
    }

    static func readUInt32(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8
            | UInt32(bytes[offset + 3])
    }

    static func writeUInt32(_ value: UInt32, to bytes: UnsafeMutableRawBufferPointer, at offset: Int) {
        bytes[offset] = UInt8(truncatingIfNeeded: value >> 24)
        bytes[offset + 1] = UInt8(truncatingIfNeeded: value >> 16)
        bytes[offset + 2] = UInt8(truncatingIfNeeded: value >> 8)
        bytes[offset + 3] = UInt8(truncatingIfNeeded: value)
    }
}
