/// Tells RTP from RTCP (and from anything else) on one port (RFC 5761 §4, rtcp-mux).
///
/// RFC 5761 §4: when RTP and RTCP share a port, the second octet tells them apart. RTCP packet types 192–223
/// (SR 200, RR 201, SDES 202, BYE 203, APP 204, and the feedback and XR types) occupy the values that an RTP
/// header would have with the marker bit set and payload type 64–95; so those payload types must not be used
/// for RTP in a multiplexed session, and a packet whose second octet is in 192...223 is RTCP. Anything whose first
/// octet does not carry version 2 is neither (STUN, DTLS per RFC 7983) and goes elsewhere.
public enum RTCPMultiplexing {
    /// What a datagram on a multiplexed port is.
    public enum Kind: Hashable, Sendable {
        /// An RTP data packet.
        case rtp
        /// An RTCP (compound) packet.
        case rtcp
        /// Neither: too short, or not version 2.
        case other
    }

    /// The RTCP packet type values that clash with RTP payload types 64–95 with the marker bit (RFC 5761 §4).
    public static let rtcpPacketTypes: ClosedRange<UInt8> = 192...223

    /// Whether payload type `payloadType` can be used for RTP in an rtcp-mux session (not 64–95).
    public static func isUsableWithMultiplexing(payloadType: UInt8) -> Bool {
        !(64...95).contains(payloadType & 0x7F)
    }

    /// Classifies a datagram received on a port shared by RTP and RTCP.
    public static func classify(_ bytes: UnsafeRawBufferPointer) -> Kind {
        guard bytes.count >= 2, bytes[0] >> 6 == 2 else { return .other }
        return Self.rtcpPacketTypes.contains(bytes[1]) ? .rtcp : .rtp
    }
}
