/// The codec of one media leg, chosen once at negotiation: one case per concrete codec (STYLE §11, no `any`
/// on the hot path).
///
/// Each case carries its own state (G.722's ADPCM state inline; Opus's libopus objects), so ``encode(_:into:)``
/// and ``decode(_:into:)`` are a `switch` and a direct call, writing into caller buffers without allocating.
///
/// Rates (RFC 3551 §4.5, RFC 7587 §4.1): PCMU and PCMA sample and clock at 8000 Hz; G.722 samples at 16 kHz but
/// its RTP clock is 8000 Hz (RFC 3551 §4.5.2); Opus samples and clocks at 48 kHz. Frames are
/// ``samplesPerFrame(ptimeMilliseconds:)`` samples at ``sampleRate``, and each advances the RTP timestamp by
/// ``timestampIncrement(ptimeMilliseconds:)``.
public enum AudioCodec {
    /// G.711 μ-law, payload type 0.
    case pcmu
    /// G.711 A-law, payload type 8.
    case pcma
    /// G.722 at 64 kbit/s, payload type 9.
    case g722(G722Encoder, G722Decoder)
    /// Opus, 48 kHz mono, dynamic payload type.
    case opus(OpusEncoderWrapper, OpusDecoderWrapper)

    /// Which codec, without state: what negotiation picks.
    public enum Kind: Hashable, Sendable, CaseIterable {
        case pcmu
        case pcma
        case g722
        case opus
    }

    /// Creates the codec state for `kind`.
    ///
    /// - Parameters:
    ///   - kind: the negotiated codec.
    ///   - opus: encoder settings when `kind` is `.opus`.
    /// - Throws: ``CodecError`` if libopus cannot be set up.
    public init(_ kind: Kind, opus: OpusEncoderWrapper.Configuration = .init()) throws(CodecError) {
        switch kind {
        case .pcmu: self = .pcmu
        case .pcma: self = .pcma
        case .g722: self = .g722(G722Encoder(), G722Decoder())
        case .opus: self = .opus(try OpusEncoderWrapper(configuration: opus), try OpusDecoderWrapper())
        }
    }

    /// Which codec this is.
    public var kind: Kind {
        switch self {
        case .pcmu: .pcmu
        case .pcma: .pcma
        case .g722: .g722
        case .opus: .opus
        }
    }

    /// The static RTP payload type (RFC 3551 §6), or `nil` for Opus, whose type is dynamic (from the SDP).
    public var staticPayloadType: UInt8? {
        switch self {
        case .pcmu: 0
        case .pcma: 8
        case .g722: G722Encoder.payloadType
        case .opus: nil
        }
    }

    /// The RTP clock rate, as in the SDP rtpmap (8000 for G.722, RFC 3551 §4.5.2).
    public var clockRate: Int {
        switch self {
        case .pcmu, .pcma: 8000
        case .g722: G722Encoder.rtpClockRate
        case .opus: OpusEncoderWrapper.sampleRate
        }
    }

    /// The audio sample rate of the PCM going in and out.
    public var sampleRate: Int {
        switch self {
        case .pcmu, .pcma: 8000
        case .g722: G722Encoder.sampleRate
        case .opus: OpusEncoderWrapper.sampleRate
        }
    }

    /// PCM samples in one frame of `ptimeMilliseconds`.
    public func samplesPerFrame(ptimeMilliseconds: Int) -> Int { self.sampleRate * ptimeMilliseconds / 1000 }

    /// RTP timestamp units per frame of `ptimeMilliseconds`.
    public func timestampIncrement(ptimeMilliseconds: Int) -> Int { self.clockRate * ptimeMilliseconds / 1000 }

    /// The largest payload one frame can take: the jitter buffer's slot size.
    public func maximumPayloadBytes(ptimeMilliseconds: Int) -> Int {
        switch self {
        case .pcmu, .pcma: self.samplesPerFrame(ptimeMilliseconds: ptimeMilliseconds)
        case .g722: self.samplesPerFrame(ptimeMilliseconds: ptimeMilliseconds) / 2
        case .opus: OpusEncoderWrapper.maximumPayloadBytes
        }
    }

    /// Encodes one frame of PCM at ``sampleRate``.
    ///
    /// - Returns: payload octets written.
    /// - Throws: ``CodecError`` only for Opus (invalid frame size or buffer).
    public mutating func encode(
        _ samples: UnsafeBufferPointer<Int16>,
        into payload: UnsafeMutableRawBufferPointer
    ) throws(CodecError) -> Int {
        switch self {
        case .pcmu:
            return G711.encode(samples, law: .muLaw, into: payload)
        case .pcma:
            return G711.encode(samples, law: .aLaw, into: payload)
        case .g722(var encoder, let decoder):
            let written = encoder.encode(samples, into: payload)
            self = .g722(encoder, decoder)
            return written
        case .opus(let encoder, _):
            return try encoder.encode(samples, into: payload)
        }
    }

    /// Decodes one received payload into PCM at ``sampleRate``.
    ///
    /// - Returns: samples written.
    /// - Throws: ``CodecError`` `.invalidPacket` for a corrupt Opus payload (a peer fault: conceal instead).
    public mutating func decode(
        _ payload: UnsafeRawBufferPointer,
        into samples: UnsafeMutableBufferPointer<Int16>
    ) throws(CodecError) -> Int {
        switch self {
        case .pcmu:
            return G711.decode(payload, law: .muLaw, into: samples)
        case .pcma:
            return G711.decode(payload, law: .aLaw, into: samples)
        case .g722(let encoder, var decoder):
            let written = decoder.decode(payload, into: samples)
            self = .g722(encoder, decoder)
            return written
        case .opus(_, let decoder):
            return try decoder.decode(payload, into: samples)
        }
    }

    /// Conceals one lost frame with the codec's own means, if it has any.
    ///
    /// - Parameters:
    ///   - nextPayload: the packet after the lost one, if the jitter buffer holds it (Opus in-band FEC).
    ///   - samples: exactly one frame.
    /// - Returns: samples written, or `nil` when the codec has no concealment of its own (G.711, G.722): use
    ///   ``PacketLossConcealer``.
    public mutating func conceal(
        nextPayload: UnsafeRawBufferPointer?,
        into samples: UnsafeMutableBufferPointer<Int16>
    ) -> Int? {
        switch self {
        case .pcmu, .pcma, .g722:
            return nil
        case .opus(_, let decoder):
            if let nextPayload, let recovered = try? decoder.decodeFEC(from: nextPayload, into: samples) {
                return recovered
            }
            return try? decoder.conceal(into: samples)
        }
    }

    /// Returns the codec state to its start (a new stream, e.g. after an SSRC change).
    public mutating func reset() {
        switch self {
        case .pcmu, .pcma:
            break
        case .g722:
            self = .g722(G722Encoder(), G722Decoder())
        case .opus(let encoder, let decoder):
            encoder.reset()
            decoder.reset()
        }
    }
}
