import COpus

/// An Opus encoder (RFC 6716) through libopus: mono, 20 ms frames, voice tuned, optional in-band FEC.
///
/// It takes audio at 48 kHz, or at 8, 12, 16 or 24 kHz, which libopus codes natively (its bandwidth then stops at
/// that rate's Nyquist frequency, so no bits go to a band that is empty, and no resampler runs in front of it).
/// RTP (RFC 7587 §4.1): the RTP clock rate is always 48000 whatever the audio bandwidth, so a 20 ms frame
/// advances the timestamp by 960 at any input rate. With in-band FEC on (RFC 7587 §3.4, `useinbandfec=1`), each
/// packet carries a low-rate copy of the previous frame that a receiver decodes when that frame was lost; the
/// encoder spends bits on it in proportion to ``setPacketLossPercent(_:)``.
///
/// A final class because it owns the C state (`OpusEncoder*`), freed in `deinit`. Encoding writes into the
/// caller's buffer and allocates nothing. Not `Sendable`: confine it to the leg's event loop.
public final class OpusEncoderWrapper {
    /// The RTP clock rate (RFC 7587 §4.1), and the default input rate.
    public static let sampleRate = 48000
    /// Samples in a 20 ms frame at 48 kHz.
    public static let frameSamples = 960
    /// The input rates libopus accepts.
    public static let supportedSampleRates: Set<Int> = [8000, 12000, 16000, 24000, 48000]
    /// The rate of the audio this encoder takes.
    public let inputRate: Int
    /// A safe payload buffer size for one frame (RFC 6716 §3.4 allows up to 1275 octets per frame).
    public static let maximumPayloadBytes = 1275

    /// Encoder settings.
    public struct Configuration: Hashable, Sendable {
        /// Target bitrate in bits per second (6000...510000).
        public var bitrate: Int
        /// Carry FEC for the previous frame in each packet.
        public var inbandFEC: Bool
        /// Expected packet loss, 0...100, which sizes the FEC.
        public var packetLossPercent: Int
        /// Discontinuous transmission in silence.
        public var dtx: Bool
        /// Encoder complexity 0...10 (CPU against quality).
        public var complexity: Int

        /// Makes settings; the defaults suit speech over a lossy network (32 kbit/s, in-band FEC for 10 % loss).
        public init(
            bitrate: Int = 32000,
            inbandFEC: Bool = true,
            packetLossPercent: Int = 10,
            dtx: Bool = false,
            complexity: Int = 5
        ) {
            self.bitrate = bitrate
            self.inbandFEC = inbandFEC
            self.packetLossPercent = packetLossPercent
            self.dtx = dtx
            self.complexity = complexity
        }

        /// The settings for speech at `audioRate`: 32 kbit/s for narrowband audio (8 kHz), 48 kbit/s for wider (16 or
        /// 48 kHz), in-band FEC sized for 10 % loss, complexity 5. The FEC takes its bits from the frame's own, so a
        /// wideband frame needs the higher rate: over two hops (caller to bridge with 5 % loss and 40 ms jitter, then
        /// bridge to caller) 16 kHz speech scored wideband PESQ 3.86 with this second hop at 48 kbit/s against 3.56
        /// at 32 (means of four seeds, `Benchmarks/scripts/loss-pesq`, BENCHMARKS.md).
        public static func speech(audioRate: Int) -> Configuration {
            Configuration(bitrate: audioRate <= 8000 ? 32000 : 48000)
        }
    }

    private let encoder: OpaquePointer
    /// The settings in force.
    public private(set) var configuration: Configuration

    /// Creates the encoder.
    ///
    /// - Parameters:
    ///   - configuration: bitrate, FEC, complexity.
    ///   - inputRate: the rate of the audio to code, one of ``supportedSampleRates``.
    /// - Throws: ``CodecError`` `.creationFailed` or `.invalidArgument` if libopus refuses a setting or the rate.
    public init(configuration: Configuration = Configuration(), inputRate: Int = sampleRate) throws(CodecError) {
        guard Self.supportedSampleRates.contains(inputRate) else { throw CodecError(.invalidArgument) }
        var error: Int32 = 0
        guard let encoder = opus_encoder_create(Int32(inputRate), 1, OPUS_APPLICATION_VOIP, &error),
            error == OPUS_OK
        else { throw CodecError(.creationFailed, libraryCode: error) }
        self.encoder = encoder
        self.inputRate = inputRate
        self.configuration = configuration
        do {
            try Self.check(parley_opus_encoder_set_signal_voice(encoder))
            try Self.check(parley_opus_encoder_set_bitrate(encoder, Int32(clamping: configuration.bitrate)))
            try Self.check(parley_opus_encoder_set_complexity(encoder, Int32(clamping: configuration.complexity)))
            try Self.check(parley_opus_encoder_set_inband_fec(encoder, configuration.inbandFEC ? 1 : 0))
            try Self.check(
                parley_opus_encoder_set_packet_loss_percent(encoder, Int32(clamping: configuration.packetLossPercent))
            )
            try Self.check(parley_opus_encoder_set_dtx(encoder, configuration.dtx ? 1 : 0))
        } catch {
            opus_encoder_destroy(encoder)
            throw error
        }
    }

    deinit { opus_encoder_destroy(self.encoder) }

    /// Encodes one frame of mono samples at ``inputRate``.
    ///
    /// - Parameters:
    ///   - samples: exactly one frame of 2.5, 5, 10, 20, 40 or 60 ms (960 samples for 20 ms at 48 kHz).
    ///   - payload: receives the Opus packet; ``maximumPayloadBytes`` always suffices.
    /// - Returns: the packet's length; 1 or 2 octets mean DTX silence that need not be sent.
    /// - Throws: ``CodecError`` if the frame size is invalid or the buffer too small.
    public func encode(
        _ samples: UnsafeBufferPointer<Int16>,
        into payload: UnsafeMutableRawBufferPointer
    ) throws(CodecError) -> Int {
        guard let input = samples.baseAddress, let output = payload.baseAddress else {
            throw CodecError(.invalidArgument)
        }
        let result = opus_encode(
            self.encoder,
            input,
            Int32(samples.count),
            output.assumingMemoryBound(to: UInt8.self),
            Int32(clamping: payload.count)
        )
        try Self.check(result)
        return Int(result)
    }

    /// Changes the target bitrate (bits per second).
    public func setBitrate(_ bitsPerSecond: Int) throws(CodecError) {
        try Self.check(parley_opus_encoder_set_bitrate(self.encoder, Int32(clamping: bitsPerSecond)))
        self.configuration.bitrate = bitsPerSecond
    }

    /// Tells the encoder the loss the receiver reports (RTCP fraction lost), to size the in-band FEC.
    public func setPacketLossPercent(_ percent: Int) throws(CodecError) {
        try Self.check(
            parley_opus_encoder_set_packet_loss_percent(self.encoder, Int32(clamping: min(max(percent, 0), 100)))
        )
        self.configuration.packetLossPercent = percent
    }

    /// Returns to the initial state, keeping the settings.
    public func reset() { _ = parley_opus_encoder_reset(self.encoder) }

    static func check(_ result: Int32) throws(CodecError) {
        guard result < 0 else { return }
        switch result {
        case OPUS_BAD_ARG: throw CodecError(.invalidArgument, libraryCode: result)
        case OPUS_BUFFER_TOO_SMALL: throw CodecError(.bufferTooSmall, libraryCode: result)
        case OPUS_INVALID_PACKET: throw CodecError(.invalidPacket, libraryCode: result)
        default: throw CodecError(.internalError, libraryCode: result)
        }
    }
}

@available(*, unavailable)
extension OpusEncoderWrapper: Sendable {}
