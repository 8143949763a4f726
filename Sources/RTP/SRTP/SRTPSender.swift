/// Protects what one media leg sends: SRTP for RTP, SRTCP for RTCP (RFC 3711 §3.3, §3.4), under our master key.
///
/// A plain value confined to the leg's event loop. It keeps the sending-side crypto context: the highest packet
/// index sent (hence the rollover counter, which steps up when the sequence number wraps) and the SRTCP index.
/// Protection works in place: the payload is encrypted where it lies and the tag is written after the packet,
/// so the caller's buffer needs `tag` spare bytes (14 for SRTCP: the E flag and index, then the tag).
public struct SRTPSender: Sendable {
    /// The crypto suite packets are protected with.
    public let profile: SRTPProfile
    private let rtpKeys: SRTPSessionKeys
    private let rtcpKeys: SRTPSessionKeys
    private var ssrc: UInt32?
    private var highestIndex: UInt64?
    /// The SRTCP index of the next RTCP packet, 31 bits (RFC 3711 §3.4: it starts at zero).
    public var nextRTCPIndex: UInt32 = 0

    /// A sender protecting with `profile` under `masterKey` (derives the six session keys once).
    public init(profile: SRTPProfile, masterKey: SRTPMasterKey) {
        self.profile = profile
        self.rtpKeys = SRTPSessionKeys(master: masterKey, rtcp: false)
        self.rtcpKeys = SRTPSessionKeys(master: masterKey, rtcp: true)
    }

    /// The rollover counter of the stream being sent (RFC 3711 §3.3.1).
    public var rolloverCounter: UInt32 { UInt32(truncatingIfNeeded: (self.highestIndex ?? 0) >> 16) }

    /// Bytes an SRTP packet adds after the RTP packet.
    public var rtpOverhead: Int { self.profile.rtpTagLength }
    /// Bytes an SRTCP packet adds after the RTCP packet: E flag and index, then the tag.
    public static let rtcpOverhead = 4 + SRTPProfile.rtcpTagLength

    /// Turns the RTP packet in the first `length` bytes of `buffer` into an SRTP packet (RFC 3711 §3.3):
    /// encrypts the payload in place and writes the tag after it.
    ///
    /// - Returns: the SRTP packet's length, `length` plus the tag.
    /// - Throws: ``SRTPError`` if the header is not RTP version 2, or `buffer` has no room for the tag.
    public mutating func protectRTP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) throws(SRTPError) -> Int {
        guard length <= buffer.count else { throw SRTPError(.truncated) }
        guard let headerLength = SRTPPacketIndex.rtpHeaderLength(UnsafeRawBufferPointer(rebasing: buffer[0..<length]))
        else { throw SRTPError(.invalidHeader) }
        let tagLength = self.profile.rtpTagLength
        guard length + tagLength <= buffer.count else { throw SRTPError(.noRoomForTag) }
        let readable = UnsafeRawBufferPointer(buffer)
        let ssrc = SRTPPacketIndex.readUInt32(readable, at: 8)
        let sequence = UInt16(readable[2]) << 8 | UInt16(readable[3])
        if ssrc != self.ssrc {
            // A new stream starts its own index at ROC 0.
            self.ssrc = ssrc
            self.highestIndex = nil
        }
        let index = SRTPPacketIndex.estimate(sequence: sequence, highest: self.highestIndex) ?? UInt64(sequence)
        if index > self.highestIndex ?? 0 || self.highestIndex == nil { self.highestIndex = index }
        self.rtpKeys.crypt(
            UnsafeMutableRawBufferPointer(rebasing: buffer[headerLength..<length]),
            ssrc: ssrc,
            index: index
        )
        self.rtpKeys.authenticator.computeTag(
            message: UnsafeRawBufferPointer(rebasing: buffer[0..<length]),
            rolloverCounter: UInt32(truncatingIfNeeded: index >> 16),
            into: UnsafeMutableRawBufferPointer(rebasing: buffer[length..<(length + tagLength)])
        )
        return length + tagLength
    }

    /// Turns the RTCP compound packet in the first `length` bytes of `buffer` into an SRTCP packet (RFC 3711
    /// §3.4): encrypts everything after the first header and SSRC, appends the E flag (set) with the SRTCP index,
    /// and the 80-bit tag over all of it.
    ///
    /// - Returns: the SRTCP packet's length, `length` plus ``rtcpOverhead``.
    public mutating func protectRTCP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) throws(SRTPError) -> Int {
        guard length >= 8, length <= buffer.count else { throw SRTPError(.truncated) }
        guard buffer[0] >> 6 == 2 else { throw SRTPError(.invalidHeader) }
        guard length + Self.rtcpOverhead <= buffer.count else { throw SRTPError(.noRoomForTag) }
        let index = self.nextRTCPIndex & 0x7FFF_FFFF
        self.nextRTCPIndex = (index &+ 1) & 0x7FFF_FFFF
        let ssrc = SRTPPacketIndex.readUInt32(UnsafeRawBufferPointer(buffer), at: 4)
        self.rtcpKeys.crypt(
            UnsafeMutableRawBufferPointer(rebasing: buffer[8..<length]),
            ssrc: ssrc,
            index: UInt64(index)
        )
        SRTPPacketIndex.writeUInt32(0x8000_0000 | index, to: buffer, at: length)
        let authenticated = length + 4
        self.rtcpKeys.authenticator.computeTag(
            message: UnsafeRawBufferPointer(rebasing: buffer[0..<authenticated]),
            rolloverCounter: nil,
            into: UnsafeMutableRawBufferPointer(
                rebasing: buffer[authenticated..<(authenticated + SRTPProfile.rtcpTagLength)]
            )
        )
        return authenticated + SRTPProfile.rtcpTagLength
    }
}
