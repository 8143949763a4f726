import COpus

/// An Opus decoder (RFC 6716) through libopus: mono at 48 kHz (or 8, 12, 16, 24 kHz, which libopus gives
/// natively from any packet), with in-band FEC recovery and packet loss concealment.
///
/// When the jitter buffer reports a frame lost (RFC 7587 §3.4):
/// - if the next packet is already held, ``decodeFEC(from:into:)`` rebuilds the lost frame from the FEC data
///   that packet carries (`decode_fec = 1`);
/// - otherwise ``conceal(into:)`` lets the decoder extrapolate (libopus PLC, a NULL packet).
///
/// A final class because it owns the C state (`OpusDecoder*`), freed in `deinit`. Decoding writes into the
/// caller's buffer and allocates nothing. Not `Sendable`: confine it to the leg's event loop.
public final class OpusDecoderWrapper {
    /// The default output sample rate (the RTP clock rate).
    public static let sampleRate = 48000
    /// The rate of the audio this decoder gives.
    public let outputRate: Int

    private let decoder: OpaquePointer

    /// Creates the decoder.
    ///
    /// - Parameter outputRate: the rate to decode to, one of ``OpusEncoderWrapper/supportedSampleRates``.
    /// - Throws: ``CodecError`` `.creationFailed` if libopus cannot create it, `.invalidArgument` for the rate.
    public init(outputRate: Int = sampleRate) throws(CodecError) {
        guard OpusEncoderWrapper.supportedSampleRates.contains(outputRate) else { throw CodecError(.invalidArgument) }
        var error: Int32 = 0
        guard let decoder = opus_decoder_create(Int32(outputRate), 1, &error), error == OPUS_OK else {
            throw CodecError(.creationFailed, libraryCode: error)
        }
        self.decoder = decoder
        self.outputRate = outputRate
    }

    deinit { opus_decoder_destroy(self.decoder) }

    /// Decodes one received packet.
    ///
    /// - Parameters:
    ///   - payload: the Opus packet (the RTP payload).
    ///   - samples: room for the packet's duration at ``outputRate`` (960 for 20 ms at 48 kHz; 120 ms holds any).
    /// - Returns: samples written.
    /// - Throws: ``CodecError`` `.invalidPacket` for a corrupt payload (a peer fault: conceal instead).
    public func decode(
        _ payload: UnsafeRawBufferPointer,
        into samples: UnsafeMutableBufferPointer<Int16>
    ) throws(CodecError) -> Int {
        guard let input = payload.baseAddress, payload.count > 0 else { throw CodecError(.invalidPacket) }
        return try self.run(
            input.assumingMemoryBound(to: UInt8.self),
            length: payload.count,
            samples: samples,
            fec: false
        )
    }

    /// Rebuilds a lost frame from the in-band FEC carried by the packet that followed it.
    ///
    /// - Parameters:
    ///   - nextPayload: the packet after the lost one (decode it normally afterwards).
    ///   - samples: exactly the lost frame's duration (960 for 20 ms at 48 kHz).
    /// - Returns: samples written; without FEC data in `nextPayload` libopus conceals instead.
    public func decodeFEC(
        from nextPayload: UnsafeRawBufferPointer,
        into samples: UnsafeMutableBufferPointer<Int16>
    ) throws(CodecError) -> Int {
        guard let input = nextPayload.baseAddress, nextPayload.count > 0 else { throw CodecError(.invalidPacket) }
        return try self.run(
            input.assumingMemoryBound(to: UInt8.self),
            length: nextPayload.count,
            samples: samples,
            fec: true
        )
    }

    /// Conceals one lost frame (libopus PLC).
    ///
    /// - Parameter samples: exactly the lost frame's duration (960 for 20 ms at 48 kHz).
    /// - Returns: samples written.
    public func conceal(into samples: UnsafeMutableBufferPointer<Int16>) throws(CodecError) -> Int {
        try self.run(nil, length: 0, samples: samples, fec: false)
    }

    /// Returns to the initial state (a new stream).
    public func reset() { _ = parley_opus_decoder_reset(self.decoder) }

    private func run(
        _ input: UnsafePointer<UInt8>?,
        length: Int,
        samples: UnsafeMutableBufferPointer<Int16>,
        fec: Bool
    ) throws(CodecError) -> Int {
        guard let output = samples.baseAddress else { throw CodecError(.bufferTooSmall) }
        let result = opus_decode(
            self.decoder,
            input,
            Int32(clamping: length),
            output,
            Int32(clamping: samples.count),
            fec ? 1 : 0
        )
        try OpusEncoderWrapper.check(result)
        return Int(result)
    }
}

@available(*, unavailable)
extension OpusDecoderWrapper: Sendable {}
