import SIPCore

/// Feeds one input to the SDP reader (RFC 8866) and, when it parses, to offer/answer (RFC 3264) the way an
/// incoming INVITE's offer meets it: answered with every codec Parley serves, read back as an answer, and
/// serialized and parsed again.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSDP(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let offer = try? SessionDescription(parsing: bytes) else { return 0 }
    for media in offer.media {
        _ = offer.connection(for: media)
        _ = offer.direction(of: media)
        _ = media.rtpmaps
    }
    _ = try? SessionDescription(parsing: offer.bytes)
    _ = try? SDPOfferAnswer.answer(
        offer: offer,
        supported: [.pcmu, .pcma, .g722, .opus],
        telephoneEvent: true,
        localAddress: "192.0.2.1",
        localPort: 20000,
        sessionID: 1
    )
    _ = try? SDPOfferAnswer.negotiated(answer: offer, offer: nil)
    return 0
}
