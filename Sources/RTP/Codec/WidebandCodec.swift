/// G.722 or Opus seen from the audio rate of a mix: decode (and resample to that rate); (resample and) encode.
///
/// For a conference room mixing at 8, 16 or 48 kHz, or a test caller. When the audio rate is the codec's own
/// (G.722 in a 16 kHz room) nothing is resampled and the wideband audio passes whole. Opus is never resampled:
/// libopus codes and decodes 8, 12, 16, 24 and 48 kHz natively, and at a lower rate its encoder spends every bit
/// within that rate's band (resampling 8 kHz audio to 48 kHz, as this type once did, made each Opus hop cost
/// about 0.7 PESQ on narrowband speech, and the bridge's path has two hops; see BENCHMARKS.md).
/// Both codecs keep state, so every leg needs its own. Buffers are made once; a frame allocates nothing.
public final class WidebandCodec {
    /// Which wideband codec a leg speaks.
    public enum Kind: Sendable, Equatable {
        /// 16 kHz audio, 8000 Hz RTP clock (RFC 3551), 160 octets per 20 ms.
        case g722
        /// 48 kHz audio and RTP clock (RFC 7587), a variable-size packet per 20 ms.
        case opus
    }

    /// The codec this instance encodes and decodes.
    public let kind: Kind
    private var g722Encoder = G722Encoder()
    private var g722Decoder = G722Decoder()
    private let opusEncoder: OpusEncoderWrapper?
    private let opusDecoder: OpusDecoderWrapper?
    /// Codec-rate to audio-rate conversions; nil when the rates are the same.
    private let up: Resampler?
    private let down: Resampler?
    private var wide: [Int16]
    /// The rate of the audio this codec takes and gives.
    public let audioRate: Int
    /// Samples per frame at ``audioRate``.
    public let frameSize: Int

    /// - Parameters:
    ///   - kind: the wire codec, G.722 or Opus.
    ///   - frameSize: samples per frame at `audioRate` (160 for 20 ms at 8 kHz).
    ///   - audioRate: the rate of the audio on this side of the codec (8000, 16000 or 48000).
    ///   - opus: the Opus encoder's settings (bitrate, in-band FEC and the loss it is sized for); by default
    ///     ``OpusEncoderWrapper/Configuration/speech(audioRate:)``. Ignored for G.722.
    public init(
        _ kind: Kind,
        frameSize: Int,
        audioRate: Int = 8000,
        opus: OpusEncoderWrapper.Configuration? = nil
    ) throws(CodecError) {
        self.kind = kind
        self.audioRate = audioRate
        self.frameSize = frameSize
        let nativeOpus = kind == .opus && OpusEncoderWrapper.supportedSampleRates.contains(audioRate)
        let rate =
            kind == .g722 ? G722Encoder.sampleRate : nativeOpus ? audioRate : OpusEncoderWrapper.sampleRate
        if rate == audioRate {
            self.up = nil
            self.down = nil
        } else {
            self.up = try Resampler(inputRate: audioRate, outputRate: rate)
            self.down = try Resampler(inputRate: rate, outputRate: audioRate)
        }
        self.wide = [Int16](repeating: 0, count: frameSize * rate / audioRate)
        if kind == .opus {
            self.opusEncoder = try OpusEncoderWrapper(
                configuration: opus ?? .speech(audioRate: audioRate),
                inputRate: rate
            )
            self.opusDecoder = try OpusDecoderWrapper(outputRate: rate)
        } else {
            self.opusEncoder = nil
            self.opusDecoder = nil
        }
    }

    /// RTP timestamp units per frame (160 for G.722 and 960 for Opus at 20 ms: both clocks count the codec's
    /// rate in milliseconds times 8 or 48).
    public var timestampIncrement: UInt32 {
        UInt32(self.kind == .g722 ? 8 * self.milliseconds : 48 * self.milliseconds)
    }

    /// The largest payload for one frame: G.722 codes 8 bits per 16 kHz sample pair, Opus stays under 400 octets
    /// per 20 ms at our bit rates.
    public var maximumPayloadBytes: Int { self.kind == .g722 ? 8 * self.milliseconds : 20 * self.milliseconds }

    /// The frame's duration.
    public var milliseconds: Int { self.frameSize * 1000 / self.audioRate }

    /// Decodes one payload into `frame` (at the audio rate); returns the samples written.
    public func decode(_ payload: UnsafeRawBufferPointer, into frame: UnsafeMutableBufferPointer<Int16>) -> Int {
        guard let down = self.down else {
            switch self.kind {
            case .g722: return self.g722Decoder.decode(payload, into: frame)
            case .opus: return (try? self.opusDecoder?.decode(payload, into: frame)) ?? 0
            }
        }
        return self.wide.withUnsafeMutableBufferPointer { wide in
            let decoded: Int
            switch self.kind {
            case .g722: decoded = self.g722Decoder.decode(payload, into: wide)
            case .opus: decoded = (try? self.opusDecoder?.decode(payload, into: wide)) ?? 0
            }
            return down.process(UnsafeBufferPointer(rebasing: wide[0..<decoded]), into: frame).produced
        }
    }

    /// Whether the codec conceals lost frames itself (Opus: in-band FEC and its own PLC); G.722 has no means of
    /// its own, so its legs use ``PacketLossConcealer``.
    public var concealsLosses: Bool { self.kind == .opus }

    /// Fills one lost frame (at the audio rate) with the codec's own means; returns the samples written, or nil
    /// when the codec has none (G.722).
    ///
    /// With the packet that followed the lost one (`nextPayload`, still to be decoded normally afterwards) Opus
    /// rebuilds the frame from the in-band FEC it carries (RFC 7587 §3.4; libopus conceals instead when the packet
    /// has none); without it, libopus extrapolates from its state (PLC). Either way the decoder's state follows
    /// the stream, so the next good packet joins smoothly.
    public func conceal(
        nextPayload: UnsafeRawBufferPointer?,
        into frame: UnsafeMutableBufferPointer<Int16>
    ) -> Int? {
        guard let decoder = self.opusDecoder else { return nil }
        func run(_ wide: UnsafeMutableBufferPointer<Int16>) -> Int {
            if let nextPayload, let recovered = try? decoder.decodeFEC(from: nextPayload, into: wide) {
                return recovered
            }
            return (try? decoder.conceal(into: wide)) ?? 0
        }
        guard let down = self.down else { return run(frame) }
        return self.wide.withUnsafeMutableBufferPointer { wide in
            let decoded = run(wide)
            return down.process(UnsafeBufferPointer(rebasing: wide[0..<decoded]), into: frame).produced
        }
    }

    /// Encodes one frame (at the audio rate); returns the octets written.
    public func encode(_ frame: UnsafeBufferPointer<Int16>, into payload: UnsafeMutableRawBufferPointer) -> Int {
        guard let up = self.up else {
            switch self.kind {
            case .g722: return self.g722Encoder.encode(frame, into: payload)
            case .opus: return (try? self.opusEncoder?.encode(frame, into: payload)) ?? 0
            }
        }
        return self.wide.withUnsafeMutableBufferPointer { wide in
            let produced = up.process(frame, into: wide).produced
            // The resampler's start-up delay may leave the frame short once: pad, keep the timing.
            for index in produced..<wide.count { wide[index] = 0 }
            switch self.kind {
            case .g722: return self.g722Encoder.encode(UnsafeBufferPointer(wide), into: payload)
            case .opus: return (try? self.opusEncoder?.encode(UnsafeBufferPointer(wide), into: payload)) ?? 0
            }
        }
    }
}
