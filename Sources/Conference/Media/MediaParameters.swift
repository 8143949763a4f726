import NIOCore
import RTP
import SIPCore

/// What offer/answer settled for one leg, in the terms the media layer needs.
struct MediaParameters: Sendable {
    /// G.711's law; for G.722 legs the law of nothing (unused).
    var law: G711.Law
    /// Whether the leg speaks G.722 (payload type 9, 16 kHz audio on an 8 kHz RTP clock).
    var wideband = false
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
            wideband: name == "G722",
            payloadType: UInt8(truncatingIfNeeded: negotiated.payloadType),
            telephoneEventPayloadType: negotiated.telephoneEventPayloadType.map { UInt8(truncatingIfNeeded: $0) },
            remote: remote,
            ptimeMilliseconds: negotiated.ptime ?? 20
        )
    }
}
