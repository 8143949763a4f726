/// A RIFF/WAVE file of 16-bit PCM (or G.711) audio, read into memory as 16-bit mono samples.
///
/// Prompts and music are loaded once at start-up and shared by every listener, so this reader favours clear
/// errors over speed. Stereo files are down-mixed; 8-bit and 24-bit PCM are rejected with a named error.
public struct WAVFile: Sendable {
    /// Samples per second.
    public var sampleRate: Int
    /// Mono 16-bit samples.
    public var samples: [Int16]

    /// Wraps samples already in memory, to write them out with ``bytes()``.
    public init(sampleRate: Int, samples: [Int16]) {
        self.sampleRate = sampleRate
        self.samples = samples
    }

    /// Parses the bytes of a WAV file.
    public init(bytes: [UInt8]) throws(ConferenceError) {
        func u32(_ at: Int) -> UInt32? {
            guard at >= 0, at + 4 <= bytes.count else { return nil }
            return UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16
                | UInt32(bytes[at + 3]) << 24
        }
        func u16(_ at: Int) -> UInt16? {
            guard at >= 0, at + 2 <= bytes.count else { return nil }
            return UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8
        }
        func tag(_ at: Int) -> String {
            guard at + 4 <= bytes.count else { return "" }
            return String(decoding: bytes[at..<at + 4], as: UTF8.self)
        }
        guard tag(0) == "RIFF", tag(8) == "WAVE" else {
            throw ConferenceError(.invalidAudioFile, "not a RIFF/WAVE file")
        }
        var offset = 12
        var channels = 0
        var rate = 0
        var bits = 0
        var format = 0
        var data: Range<Int>?
        while offset + 8 <= bytes.count {
            let id = tag(offset)
            guard let size32 = u32(offset + 4) else { break }
            let size = Int(size32)
            let body = offset + 8
            let end = min(bytes.count, body + size)
            if id == "fmt " {
                guard let f = u16(body), let c = u16(body + 2), let r = u32(body + 4), let b = u16(body + 14) else {
                    throw ConferenceError(.invalidAudioFile, "truncated fmt chunk")
                }
                format = Int(f)
                channels = Int(c)
                rate = Int(r)
                bits = Int(b)
            } else if id == "data" {
                data = body..<end
            }
            offset = body + size + (size & 1)
        }
        guard let data, channels > 0, rate > 0 else {
            throw ConferenceError(.invalidAudioFile, "missing fmt or data chunk")
        }
        var mono: [Int16] = []
        switch (format, bits) {
        case (1, 16), (0xFFFE, 16):
            let frameBytes = 2 * channels
            let frames = data.count / frameBytes
            if channels == 1 {
                // The common case (Debian's prompts and music): little-endian samples, read in one pass.
                mono = [Int16](unsafeUninitializedCapacity: frames) { out, initialized in
                    bytes.withUnsafeBytes { raw in
                        for frame in 0..<frames {
                            out[frame] = Int16(
                                littleEndian: raw.loadUnaligned(
                                    fromByteOffset: data.lowerBound + frame * 2,
                                    as: Int16.self
                                )
                            )
                        }
                    }
                    initialized = frames
                }
                self.sampleRate = rate
                self.samples = mono
                return
            }
            mono.reserveCapacity(frames)
            for frame in 0..<frames {
                var sum = 0
                for channel in 0..<channels {
                    let at = data.lowerBound + frame * frameBytes + channel * 2
                    sum += Int(Int16(bitPattern: UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8))
                }
                mono.append(Int16(sum / channels))
            }
        default:
            throw ConferenceError(
                .invalidAudioFile,
                "unsupported WAV encoding (format \(format), \(bits) bits); 16-bit PCM is required"
            )
        }
        self.sampleRate = rate
        self.samples = mono
    }

    /// The audio at `targetRate`, by linear interpolation (prompts are speech; this runs once at load).
    public func resampled(to targetRate: Int) -> [Int16] {
        guard targetRate != self.sampleRate, !self.samples.isEmpty else { return self.samples }
        let count = self.samples.count * targetRate / self.sampleRate
        var out = [Int16](repeating: 0, count: count)
        let step = Double(self.sampleRate) / Double(targetRate)
        for i in 0..<count {
            let position = Double(i) * step
            let index = Int(position)
            let fraction = position - Double(index)
            let a = Double(self.samples[min(index, self.samples.count - 1)])
            let b = Double(self.samples[min(index + 1, self.samples.count - 1)])
            out[i] = Int16(clamping: Int((a + (b - a) * fraction).rounded()))
        }
        return out
    }

    /// Serializes 16-bit mono PCM as a WAV file (used for recordings and test captures).
    public func bytes() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(44 + self.samples.count * 2)
        func put32(_ v: UInt32) {
            out += [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)]
        }
        func put16(_ v: UInt16) { out += [UInt8(v & 0xFF), UInt8(v >> 8)] }
        let dataBytes = UInt32(self.samples.count * 2)
        out += Array("RIFF".utf8)
        put32(36 + dataBytes)
        out += Array("WAVEfmt ".utf8)
        put32(16)
        put16(1)
        put16(1)
        put32(UInt32(self.sampleRate))
        put32(UInt32(self.sampleRate * 2))
        put16(2)
        put16(16)
        out += Array("data".utf8)
        put32(dataBytes)
        for sample in self.samples { put16(UInt16(bitPattern: sample)) }
        return out
    }
}
