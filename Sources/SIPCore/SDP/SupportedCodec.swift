/// A codec this side can use, in preference order when given as a list.
public struct SupportedCodec: Sendable, Equatable {
    /// The rtpmap encoding name, compared case-insensitively ("PCMU", "PCMA", "G722", "opus").
    public var name: String
    /// The RTP clock rate (8000 for G.722, RFC 3551 §4.5.2; 48000 for Opus, RFC 7587).
    public var clockRate: Int
    /// Audio channels as rtpmap writes them (2 for Opus even when it carries mono, RFC 7587 §7).
    public var channels: Int
    /// `a=fmtp` parameters to offer, if any.
    public var formatParameters: String?

    /// Describes a codec to offer or accept.
    public init(name: String, clockRate: Int, channels: Int = 1, formatParameters: String? = nil) {
        self.name = name
        self.clockRate = clockRate
        self.channels = channels
        self.formatParameters = formatParameters
    }

    /// G.711 µ-law, static payload type 0 (RFC 3551 §4.5.14).
    public static let pcmu = SupportedCodec(name: "PCMU", clockRate: 8000)
    /// G.711 A-law, static payload type 8 (RFC 3551 §4.5.14).
    public static let pcma = SupportedCodec(name: "PCMA", clockRate: 8000)
    /// G.722, static payload type 9; its rtpmap rate is 8000 though it samples at 16 kHz (RFC 3551 §4.5.2).
    public static let g722 = SupportedCodec(name: "G722", clockRate: 8000)
    /// Opus, dynamic payload type, written `opus/48000/2` (RFC 7587 §7).
    public static let opus = SupportedCodec(name: "opus", clockRate: 48000, channels: 2)

    /// The RFC 3551 static payload type of this codec, if it has one.
    public var staticPayloadType: Int? {
        for payloadType in [0, 8, 9, 3, 4, 18] {
            if let map = RTPMap.staticPayloadType(payloadType), self.matches(map) { return payloadType }
        }
        return nil
    }

    /// True when `map` names this codec (name case-insensitive, same clock rate, §6.6 of RFC 8866).
    public func matches(_ map: RTPMap) -> Bool {
        map.encodingName.lowercased() == self.name.lowercased() && map.clockRate == self.clockRate
            && map.channels == self.channels
    }
}
