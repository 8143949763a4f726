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
    /// SRTP keys when the leg is secure (RTP/SAVP by SDES); nil for plain RTP.
    var secure: SecureMedia?
    /// RTP and RTCP share the RTP port (RFC 5761), as offer and answer agreed.
    var rtcpMux = false
    /// Where the caller receives RTCP: the RTP address with rtcp-mux, else its `a=rtcp` port or RTP port + 1.
    var remoteRTCP: SocketAddress?
    /// The RTP clock rate of the codec (8000, or 48 000 for Opus), for RTCP's timestamps and jitter.
    var clockRate: Int { self.wideband == .opus ? 48000 : 8000 }
}

/// The SRTP suite and the two master keys of a secure leg (RFC 3711 by SDES, RFC 4568).
struct SecureMedia: Sendable, Equatable {
    var profile: SRTPProfile
    /// Ours: protects what the bridge sends.
    var local: SRTPMasterKey
    /// The caller's: checks and decrypts what the bridge receives.
    var remote: SRTPMasterKey

    /// The suite and keys SDP negotiation settled on, or nil if they are not ones the RTP layer can use.
    init?(_ crypto: NegotiatedCrypto) {
        guard let profile = SRTPProfile(name: crypto.suite),
            let local = SRTPMasterKey(concatenated: crypto.localKeyMaterial),
            let remote = SRTPMasterKey(concatenated: crypto.remoteKeyMaterial)
        else { return nil }
        self.profile = profile
        self.local = local
        self.remote = remote
    }
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
            ptimeMilliseconds: negotiated.ptime ?? 20,
            secure: negotiated.crypto.flatMap(SecureMedia.init)
        )
        self.rtcpMux = negotiated.rtcpMux
        self.remoteRTCP =
            remote == nil
            ? nil : try? SocketAddress(ipAddress: negotiated.remoteAddress, port: negotiated.remoteRTCPPort)
    }
}
