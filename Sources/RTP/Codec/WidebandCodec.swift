/// G.722 or Opus seen from 8 kHz: decode and resample down; resample up and encode.
///
/// For an 8 kHz mix (a conference room, a test caller). Both codecs keep state, so every leg needs its own
/// (unlike G.711, whose encoding a room can share among listeners). Buffers are made once; a frame
/// allocates nothing.
public final class WidebandCodec {
    public enum Kind: Sendable, Equatable {
        /// 16 kHz audio, 8000 Hz RTP clock (RFC 3551), 160 octets per 20 ms.
        case g722
        /// 48 kHz audio and RTP clock (RFC 7587), a variable-size packet per 20 ms.
        case opus
    }

    public let kind: Kind
    private var g722Encoder = G722Encoder()
    private var g722Decoder = G722Decoder()
    private let opusEncoder: OpusEncoderWrapper?
    private let opusDecoder: OpusDecoderWrapper?
    private let up: Resampler
    private let down: Resampler
    private var wide: [Int16]

    /// - Parameters:
    ///   - kind: the wire codec, G.722 or Opus.
    ///   - frameSize: 8 kHz samples per frame (160 for 20 ms).
    public init(_ kind: Kind, frameSize: Int) throws(CodecError) {
        self.kind = kind
        let rate = kind == .g722 ? G722Encoder.sampleRate : OpusEncoderWrapper.sampleRate
        self.up = try Resampler(inputRate: 8000, outputRate: rate)
        self.down = try Resampler(inputRate: rate, outputRate: 8000)
        self.wide = [Int16](repeating: 0, count: frameSize * rate / 8000)
        if kind == .opus {
            self.opusEncoder = try OpusEncoderWrapper()
            self.opusDecoder = try OpusDecoderWrapper()
        } else {
            self.opusEncoder = nil
            self.opusDecoder = nil
        }
    }

    /// RTP timestamp units per 20 ms frame.
    public var timestampIncrement: UInt32 { self.kind == .g722 ? 160 : 960 }

    /// The largest payload for one frame.
    public var maximumPayloadBytes: Int { self.kind == .g722 ? 160 : 400 }

    /// Decodes one payload into `frame` (8 kHz); returns the samples written.
    public func decode(_ payload: UnsafeRawBufferPointer, into frame: UnsafeMutableBufferPointer<Int16>) -> Int {
        self.wide.withUnsafeMutableBufferPointer { wide in
            let decoded: Int
            switch self.kind {
            case .g722: decoded = self.g722Decoder.decode(payload, into: wide)
            case .opus: decoded = (try? self.opusDecoder?.decode(payload, into: wide)) ?? 0
            }
            return self.down.process(UnsafeBufferPointer(rebasing: wide[0..<decoded]), into: frame).produced
        }
    }

    /// Encodes one 8 kHz frame; returns the octets written.
    public func encode(_ frame: UnsafeBufferPointer<Int16>, into payload: UnsafeMutableRawBufferPointer) -> Int {
        self.wide.withUnsafeMutableBufferPointer { wide in
            let produced = self.up.process(frame, into: wide).produced
            // The resampler's start-up delay may leave the frame short once: pad, keep the timing.
            for index in produced..<wide.count { wide[index] = 0 }
            switch self.kind {
            case .g722: return self.g722Encoder.encode(UnsafeBufferPointer(wide), into: payload)
            case .opus: return (try? self.opusEncoder?.encode(UnsafeBufferPointer(wide), into: payload)) ?? 0
            }
        }
    }
}
