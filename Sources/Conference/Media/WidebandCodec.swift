import RTP

/// G.722 for a leg of an 8 kHz room: decode to 16 kHz and resample down; resample up and encode.
///
/// The encoder and decoder keep ADPCM state, so every G.722 leg has its own (unlike G.711, whose encoding
/// the room shares among listeners). Buffers are made once; a frame allocates nothing.
final class WidebandCodec {
    private var encoder = G722Encoder()
    private var decoder = G722Decoder()
    private let up: Resampler
    private let down: Resampler
    private var wide: [Int16]

    init(frameSize: Int) throws(CodecError) {
        self.up = try Resampler(inputRate: 8000, outputRate: G722Encoder.sampleRate)
        self.down = try Resampler(inputRate: G722Encoder.sampleRate, outputRate: 8000)
        self.wide = [Int16](repeating: 0, count: frameSize * 2)
    }

    /// Decodes one payload into `frame` (8 kHz); returns the samples written.
    func decode(_ payload: UnsafeRawBufferPointer, into frame: UnsafeMutableBufferPointer<Int16>) -> Int {
        self.wide.withUnsafeMutableBufferPointer { wide in
            let decoded = self.decoder.decode(payload, into: wide)
            return self.down.process(UnsafeBufferPointer(rebasing: wide[0..<decoded]), into: frame).produced
        }
    }

    /// Encodes one 8 kHz frame; returns the octets written.
    func encode(_ frame: UnsafeBufferPointer<Int16>, into payload: UnsafeMutableRawBufferPointer) -> Int {
        self.wide.withUnsafeMutableBufferPointer { wide in
            let produced = self.up.process(frame, into: wide).produced
            // The resampler's start-up delay may leave the frame short once: pad, keep the timing.
            for index in produced..<wide.count { wide[index] = 0 }
            return self.encoder.encode(UnsafeBufferPointer(wide), into: payload)
        }
    }
}
