/// The offer/answer model for one audio stream (RFC 3264).
public enum SDPOfferAnswer {
    /// The dynamic payload type offered for `telephone-event` (RFC 4733).
    public static let telephoneEventPayloadType = 101

    /// Answers `offer` as a UAS (RFC 3264 §6).
    ///
    /// The first audio `m=` line on an RTP/AVP profile (or RTP/SAVP, when `sdes` is given and one of its
    /// `a=crypto` lines is usable) with a nonzero port and a codec in `supported` is accepted with the most preferred common codec (our order, `supported` first to last) and, when
    /// `telephoneEvent` is set and offered, `telephone-event` with the offer's payload type. Every other `m=`
    /// line is refused with port 0 and its formats copied (§6: one answer line per offer line). The answer's
    /// direction mirrors the offer's (§6.1) and its times copy the offer's (§6).
    /// - Parameters:
    ///   - supported: codecs in server preference order, e.g. `[.pcmu, .pcma]`.
    ///   - offer: the caller's session description.
    ///   - telephoneEvent: whether to accept RFC 4733 events when the offer has them.
    ///   - localAddress: where we receive RTP, IPv4 or IPv6 (no brackets).
    ///   - localPort: the RTP port the answer announces.
    ///   - sessionID: the `o=` session id and version.
    ///   - sdes: our suites and key for SRTP (RFC 4568 §7.1.2), or nil to refuse `RTP/SAVP` streams (for
    ///     signalling that is not private: SDES keys travel in the SDP, RFC 4568 §8.3).
    ///   - rtcpMux: whether to accept `a=rtcp-mux` when offered (RFC 5761 §5.1.1): the answer then carries it too
    ///     and both sides send RTCP to the RTP port. Refused when a chosen payload type lies in 64–95, which
    ///     would clash with RTCP packet types (RFC 5761 §4).
    /// - Throws: ``SDPError`` ``SDPError/Code/noCommonCodec`` when no audio stream can be accepted (answer 488).
    public static func answer(
        offer: SessionDescription,
        supported: [SupportedCodec],
        telephoneEvent: Bool,
        localAddress: String,
        localPort: Int,
        sessionID: UInt64,
        sdes: SDESKeying? = nil,
        rtcpMux: Bool = false
    ) throws(SDPError) -> (answer: SessionDescription, negotiated: NegotiatedAudio) {
        let localConnection = SDPConnection(address: localAddress)
        var answer = SessionDescription(
            origin: SDPOrigin(
                sessionID: String(sessionID),
                sessionVersion: String(sessionID),
                addressType: localConnection.addressType,
                address: localAddress
            ),
            connection: localConnection,
            times: offer.times
        )
        var negotiated: NegotiatedAudio? = nil
        for (index, offered) in offer.media.enumerated() {
            if negotiated == nil,
                let accepted = Self.accept(
                    offered,
                    in: offer,
                    supported: supported,
                    telephoneEvent: telephoneEvent,
                    localPort: localPort,
                    sdes: sdes,
                    rtcpMux: rtcpMux
                )
            {
                var result = accepted.negotiated
                result.mediaIndex = index
                negotiated = result
                answer.media.append(accepted.media)
            } else {
                // Refuse the stream: same media, proto and formats with port 0 (RFC 3264 §6).
                var refused = MediaDescription(
                    media: offered.media,
                    port: 0,
                    proto: offered.proto,
                    formats: offered.formats
                )
                refused.otherFormats = offered.otherFormats
                answer.media.append(refused)
            }
        }
        guard let negotiated else { throw SDPError(.noCommonCodec, detail: "no audio stream with a common codec") }
        return (answer, negotiated)
    }

    private static func accept(
        _ offered: MediaDescription,
        in offer: SessionDescription,
        supported: [SupportedCodec],
        telephoneEvent: Bool,
        localPort: Int,
        sdes: SDESKeying?,
        rtcpMux: Bool
    ) -> (media: MediaDescription, negotiated: NegotiatedAudio)? {
        guard offered.media == "audio", offered.port != 0, let connection = offer.connection(for: offered) else {
            return nil
        }
        // RFC 4568 §7.1.2: accept the first offered crypto line whose suite and parameters we support, and answer
        // it under the same tag with our own key. A secure stream without one (or without SDES) is refused.
        var crypto: NegotiatedCrypto? = nil
        switch offered.proto.uppercased() {
        case "RTP/AVP":
            break
        case "RTP/SAVP":
            guard let sdes,
                let line = offered.cryptoAttributes.first(where: {
                    sdes.suites.contains($0.suite) && $0.isUsable(keyLength: sdes.localKeyMaterial.count)
                }), let remoteKey = line.keyMaterial
            else { return nil }
            crypto = NegotiatedCrypto(
                suite: line.suite,
                tag: line.tag,
                localKeyMaterial: sdes.localKeyMaterial,
                remoteKeyMaterial: remoteKey
            )
        default:
            return nil
        }
        let maps = offered.rtpmaps
        var chosen: RTPMap? = nil
        search: for codec in supported {
            for format in offered.formats {
                if let map = maps[format], codec.matches(map) {
                    chosen = map
                    break search
                }
            }
        }
        guard let chosen else { return nil }
        var eventType: Int? = nil
        if telephoneEvent {
            // RFC 4733 §2.1 wants the events at the audio's clock rate. Some phones offer telephone-event/8000
            // only, even beside opus/48000 (baresip 1.0.0); without it in the answer they send no DTMF at all,
            // so one at another rate (8000 first) is taken when none matches. Events are told apart by their
            // timestamps, not timed by them, so the rate does not matter to what Parley reads.
            let events = offered.formats.filter { maps[$0]?.encodingName.lowercased() == "telephone-event" }
            eventType =
                events.first { maps[$0]?.clockRate == chosen.clockRate }
                ?? events.first { maps[$0]?.clockRate == 8000 } ?? events.first
        }
        let direction = offer.direction(of: offered).mirrored
        var media = MediaDescription(
            media: "audio",
            port: localPort,
            proto: offered.proto,
            formats: [chosen.payloadType]
        )
        media.attributes.append(SDPAttribute("rtpmap", chosen.description))
        if let fmtp = offered.fmtp(for: chosen.payloadType) {
            media.attributes.append(SDPAttribute("fmtp", "\(chosen.payloadType) \(fmtp)"))
        }
        if let eventType, let map = maps[eventType] {
            media.formats.append(eventType)
            media.attributes.append(SDPAttribute("rtpmap", map.description))
            media.attributes.append(SDPAttribute("fmtp", "\(eventType) \(offered.fmtp(for: eventType) ?? "0-16")"))
        }
        if let ptime = offered.ptime { media.attributes.append(SDPAttribute("ptime", String(ptime))) }
        if let crypto {
            let line = SDPCryptoAttribute(tag: crypto.tag, suite: crypto.suite, keyMaterial: crypto.localKeyMaterial)
            media.attributes.append(SDPAttribute("crypto", line.description))
        }
        // RFC 5761 §4: payload types 64–95 would read as RTCP packet types on a shared port.
        let muxed =
            rtcpMux && offered.rtcpMux
            && media.formats.allSatisfy { !(64...95).contains($0) }
        if muxed { media.attributes.append(SDPAttribute("rtcp-mux")) }
        media.attributes.append(SDPAttribute(direction.rawValue))
        var negotiated = NegotiatedAudio(
            codecName: chosen.encodingName,
            payloadType: chosen.payloadType,
            clockRate: chosen.clockRate,
            channels: chosen.channels,
            telephoneEventPayloadType: eventType,
            remoteAddress: connection.host,
            remotePort: offered.port,
            ptime: offered.ptime,
            direction: direction,
            crypto: crypto
        )
        negotiated.rtcpMux = muxed
        negotiated.remoteRTCPPort = muxed ? offered.port : offered.rtcpPort ?? offered.port + 1
        return (media, negotiated)
    }

    /// Builds an offer as a UAC (RFC 3264 §5): one audio `m=` line listing `codecs` in preference order (static
    /// payload types where RFC 3551 has one, dynamic ones from 96), plus `telephone-event/8000` as 101 with
    /// `0-16` when `telephoneEvent` is set. With `crypto` lines the stream is offered as SRTP: `RTP/SAVP` with
    /// one `a=crypto` per line (RFC 4568 §7.1.1). With `rtcpMux` the offer carries `a=rtcp-mux` (RFC 5761
    /// §5.1.1); the offerer must still listen for RTCP on port + 1 until the answer says yes.
    public static func offer(
        codecs: [SupportedCodec],
        telephoneEvent: Bool = true,
        localAddress: String,
        localPort: Int,
        sessionID: UInt64,
        ptime: Int? = 20,
        direction: SDPDirection = .sendrecv,
        crypto: [SDPCryptoAttribute] = [],
        rtcpMux: Bool = false
    ) -> SessionDescription {
        let connection = SDPConnection(address: localAddress)
        var media = MediaDescription(
            media: "audio",
            port: localPort,
            proto: crypto.isEmpty ? "RTP/AVP" : "RTP/SAVP",
            formats: []
        )
        var nextDynamic = 96
        for codec in codecs {
            let payloadType: Int
            if let fixed = codec.staticPayloadType {
                payloadType = fixed
            } else {
                if nextDynamic == Self.telephoneEventPayloadType { nextDynamic += 1 }
                payloadType = nextDynamic
                nextDynamic += 1
            }
            media.formats.append(payloadType)
            let map = RTPMap(
                payloadType: payloadType,
                encodingName: codec.name,
                clockRate: codec.clockRate,
                channels: codec.channels
            )
            media.attributes.append(SDPAttribute("rtpmap", map.description))
            if let fmtp = codec.formatParameters {
                media.attributes.append(SDPAttribute("fmtp", "\(payloadType) \(fmtp)"))
            }
        }
        if telephoneEvent {
            let payloadType = Self.telephoneEventPayloadType
            media.formats.append(payloadType)
            media.attributes.append(SDPAttribute("rtpmap", "\(payloadType) telephone-event/8000"))
            media.attributes.append(SDPAttribute("fmtp", "\(payloadType) 0-16"))
        }
        if let ptime { media.attributes.append(SDPAttribute("ptime", String(ptime))) }
        for line in crypto { media.attributes.append(SDPAttribute("crypto", line.description)) }
        if rtcpMux { media.attributes.append(SDPAttribute("rtcp-mux")) }
        media.attributes.append(SDPAttribute(direction.rawValue))
        return SessionDescription(
            origin: SDPOrigin(
                sessionID: String(sessionID),
                sessionVersion: String(sessionID),
                addressType: connection.addressType,
                address: localAddress
            ),
            connection: connection,
            media: [media]
        )
    }

    /// Reads what an answer chose, as the UAC that sent `offer` (RFC 3264 §7).
    ///
    /// Takes the first audio `m=` line with a nonzero port and its first payload type that names a codec
    /// (telephone-event is reported separately). Payload types are read from the answer's rtpmaps, falling back
    /// to the offer's and to RFC 3551 static types.
    /// - Returns: the codec, the peer's address and port, and our direction (the answer's mirrored).
    /// - Throws: ``SDPError`` ``SDPError/Code/noMedia`` when the answer refused every audio stream.
    public static func negotiated(
        answer: SessionDescription,
        offer: SessionDescription? = nil
    )
        throws(SDPError) -> NegotiatedAudio
    {
        for (index, media) in answer.media.enumerated() where media.media == "audio" && media.port != 0 {
            guard let connection = answer.connection(for: media) else { continue }
            var maps = media.rtpmaps
            if let offer, index < offer.media.count {
                for (payloadType, map) in offer.media[index].rtpmaps where maps[payloadType] == nil {
                    maps[payloadType] = map
                }
            }
            let eventType = media.formats.first { maps[$0]?.encodingName.lowercased() == "telephone-event" }
            guard
                let codecType = media.formats.first(where: { format in
                    guard let map = maps[format] else { return false }
                    return map.encodingName.lowercased() != "telephone-event" && map.encodingName.lowercased() != "cn"
                }), let map = maps[codecType]
            else { continue }
            // RFC 4568 §7.1.3: a secure answer names the offered line it accepted by tag and carries the
            // answerer's key; a secure offer answered without one is not usable.
            var crypto: NegotiatedCrypto? = nil
            let offered = offer.flatMap { index < $0.media.count ? $0.media[index] : nil }
            if media.isSecureRTP || offered?.isSecureRTP == true {
                guard let line = media.cryptoAttributes.first, let remoteKey = line.keyMaterial,
                    let ours = offered?.cryptoAttributes.first(where: { $0.tag == line.tag && $0.suite == line.suite }),
                    let localKey = ours.keyMaterial
                else { continue }
                crypto = NegotiatedCrypto(
                    suite: line.suite,
                    tag: line.tag,
                    localKeyMaterial: localKey,
                    remoteKeyMaterial: remoteKey
                )
            }
            var result = NegotiatedAudio(
                codecName: map.encodingName,
                payloadType: codecType,
                clockRate: map.clockRate,
                channels: map.channels,
                telephoneEventPayloadType: eventType,
                remoteAddress: connection.host,
                remotePort: media.port,
                ptime: media.ptime,
                direction: answer.direction(of: media).mirrored,
                mediaIndex: index,
                crypto: crypto
            )
            // RFC 5761 §5.1.1: multiplexed only when we offered it and the answer accepted it.
            let offeredMux = offered?.rtcpMux ?? true
            result.rtcpMux = media.rtcpMux && offeredMux
            result.remoteRTCPPort = result.rtcpMux ? media.port : media.rtcpPort ?? media.port + 1
            return result
        }
        throw SDPError(.noMedia, detail: "the answer accepts no audio stream")
    }
}
