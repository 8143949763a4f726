/// The audio stream both sides agreed on, with what the media layer needs to run it.
public struct NegotiatedAudio: Sendable, Equatable {
    /// The codec's encoding name as the offer wrote it.
    public var codecName: String
    /// The RTP payload type of the codec on this stream.
    public var payloadType: Int
    /// The RTP clock rate from rtpmap (8000 for G.722, RFC 3551 §4.5.2).
    public var clockRate: Int
    /// Audio channels from rtpmap.
    public var channels: Int
    /// The payload type of RFC 4733 `telephone-event`, when both sides use it.
    public var telephoneEventPayloadType: Int?
    /// Where to send RTP: the media-level `c=` address, else the session-level one (no brackets for IPv6).
    public var remoteAddress: String
    /// The peer's RTP port, from its `m=` line.
    public var remotePort: Int
    /// The packet time the peer asked for, in milliseconds (`a=ptime`).
    public var ptime: Int?
    /// Our direction for this stream (the answer's, as seen by its sender).
    public var direction: SDPDirection
    /// The index of the audio section among the description's `m=` lines.
    public var mediaIndex: Int
    /// The SDES keys when the stream is SRTP (`RTP/SAVP`, RFC 4568); nil for plain RTP.
    public var crypto: NegotiatedCrypto?
    /// Whether RTP and RTCP share the RTP port (RFC 5761 rtcp-mux, offered and answered).
    public var rtcpMux: Bool = false
    /// Where the peer receives RTCP when not multiplexed: its `a=rtcp` port (RFC 3605), else RTP port + 1.
    public var remoteRTCPPort: Int = 0

    /// Makes the result of a negotiation; ``SDPOfferAnswer`` fills it in.
    public init(
        codecName: String,
        payloadType: Int,
        clockRate: Int,
        channels: Int = 1,
        telephoneEventPayloadType: Int?,
        remoteAddress: String,
        remotePort: Int,
        ptime: Int?,
        direction: SDPDirection,
        mediaIndex: Int = 0,
        crypto: NegotiatedCrypto? = nil
    ) {
        self.codecName = codecName
        self.payloadType = payloadType
        self.clockRate = clockRate
        self.channels = channels
        self.telephoneEventPayloadType = telephoneEventPayloadType
        self.remoteAddress = remoteAddress
        self.remotePort = remotePort
        self.ptime = ptime
        self.direction = direction
        self.mediaIndex = mediaIndex
        self.crypto = crypto
        self.remoteRTCPPort = remotePort + 1
    }
}
