/// An `a=rtpmap` entry: which codec a payload type number means (RFC 8866 §6.6, RFC 3551 §6).
public struct RTPMap: Sendable, Equatable, CustomStringConvertible {
    /// The payload type number the entry defines (96–127 for dynamic ones).
    public var payloadType: Int
    /// The codec's name as written ("PCMU", "opus", "telephone-event").
    public var encodingName: String
    /// The RTP clock rate in Hz.
    public var clockRate: Int
    /// Audio channels; 1 when not given.
    public var channels: Int

    /// Makes `a=rtpmap:<payloadType> <encodingName>/<clockRate>[/<channels>]`.
    public init(payloadType: Int, encodingName: String, clockRate: Int, channels: Int = 1) {
        self.payloadType = payloadType
        self.encodingName = encodingName
        self.clockRate = clockRate
        self.channels = channels
    }

    /// Parses `<pt> <name>/<rate>[/<channels>]`; nil when malformed (a broken rtpmap is ignored, see the
    /// sip-torture README on cut SDP bodies).
    public init?(parsing value: String) {
        let parts = value.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, let pt = Int(parts[0]), (0...127).contains(pt) else { return nil }
        let encoding = parts[1].split(separator: "/", omittingEmptySubsequences: false)
        guard encoding.count >= 2, !encoding[0].isEmpty, let rate = Int(encoding[1]), rate > 0 else { return nil }
        var channels = 1
        if encoding.count >= 3 {
            guard let count = Int(encoding[2]), count > 0 else { return nil }
            channels = count
        }
        self.init(payloadType: pt, encodingName: String(encoding[0]), clockRate: rate, channels: channels)
    }

    /// RFC 3551 §6 static audio payload types that need no rtpmap.
    public static func staticPayloadType(_ payloadType: Int) -> RTPMap? {
        switch payloadType {
        case 0: RTPMap(payloadType: 0, encodingName: "PCMU", clockRate: 8000)
        case 3: RTPMap(payloadType: 3, encodingName: "GSM", clockRate: 8000)
        case 4: RTPMap(payloadType: 4, encodingName: "G723", clockRate: 8000)
        case 8: RTPMap(payloadType: 8, encodingName: "PCMA", clockRate: 8000)
        // G.722's RTP clock is 8000 though it samples at 16 kHz (RFC 3551 §4.5.2).
        case 9: RTPMap(payloadType: 9, encodingName: "G722", clockRate: 8000)
        case 18: RTPMap(payloadType: 18, encodingName: "G729", clockRate: 8000)
        default: nil
        }
    }

    public var description: String {
        "\(self.payloadType) \(self.encodingName)/\(self.clockRate)\(self.channels == 1 ? "" : "/\(self.channels)")"
    }
}
