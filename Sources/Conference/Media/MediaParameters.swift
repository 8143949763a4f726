import NIOCore
import RTP
import SIPCore

/// What offer/answer settled for one leg, in the terms the media layer needs.
struct MediaParameters: Sendable {
    /// G.711's law; for G.722 legs the law of nothing (unused).
    var law: G711.Law
    /// G.722 or Opus, when the leg speaks one of them (nil: G.711).
    var wideband: WidebandCodec.Kind?
    var payloadType: UInt8
    var telephoneEventPayloadType: UInt8?
    var remote: SocketAddress?
    var ptimeMilliseconds: Int
}

extension MediaParameters {
    /// Parameters for what SDP negotiation chose.
    init(negotiated: NegotiatedAudio, remote: SocketAddress?) {
        let name = negotiated.codecName.uppercased()
        self.init(
            law: name == "PCMA" ? .aLaw : .muLaw,
            wideband: name == "G722" ? .g722 : name == "OPUS" ? .opus : nil,
            payloadType: UInt8(truncatingIfNeeded: negotiated.payloadType),
            telephoneEventPayloadType: negotiated.telephoneEventPayloadType.map { UInt8(truncatingIfNeeded: $0) },
            remote: remote,
            ptimeMilliseconds: negotiated.ptime ?? 20
        )
    }
}
