import Testing

@testable import RTP

@Suite("ITU-T G.722 SB-ADPCM, 64 kbit/s")
struct G722Tests {
    static let rate = 16000.0

    /// Encodes `input` in 20 ms frames (320 samples, 160 octets) and decodes it again.
    func roundTrip(_ input: [Int16]) -> (payload: [UInt8], output: [Int16]) {
        var encoder = G722Encoder()
        var decoder = G722Decoder()
        var payload: [UInt8] = []
        var output: [Int16] = []
        var octets = [UInt8](repeating: 0, count: 160)
        var frame = [Int16](repeating: 0, count: 320)
        var start = 0
        while start + 320 <= input.count {
            let written = input[start..<(start + 320)].withUnsafeBufferPointer { samples in
                octets.withUnsafeMutableBytes { encoder.encode(samples, into: $0) }
            }
            #expect(written == 160)
            payload += octets
            let decoded = octets.withUnsafeBytes { bytes in
                frame.withUnsafeMutableBufferPointer { decoder.decode(bytes, into: $0) }
            }
            #expect(decoded == 320)
            output += frame
            start += 320
        }
        return (payload, output)
    }

    @Test("RFC 3551 §4.5.2: 8000 Hz RTP clock for 16 kHz audio, payload type 9")
    func rtpQuirk() {
        #expect(G722Encoder.rtpClockRate == 8000)
        #expect(G722Encoder.sampleRate == 16000)
        #expect(G722Encoder.payloadType == 9)
    }

    @Test("a 1 kHz tone survives with SNR above 20 dB and keeps its frequency")
    func toneRoundTrip() {
        let input = AudioTestSignals.tone(frequency: 1000, sampleRate: Self.rate, count: 16000)
        let (_, output) = self.roundTrip(input)
        let (snr, delay) = AudioTestSignals.signalToNoise(reference: input, output: output, skip: 1600)
        #expect(snr > 20, "SNR \(snr) dB at delay \(delay)")
        let candidates = stride(from: 250.0, through: 7750, by: 250).map { $0 }
        #expect(
            AudioTestSignals.dominantFrequency(in: output[1600...], sampleRate: Self.rate, candidates: candidates)
                == 1000
        )
    }

    @Test("a 6 kHz tone goes through the higher band and keeps its frequency")
    func higherBandTone() {
        let input = AudioTestSignals.tone(frequency: 6000, sampleRate: Self.rate, count: 16000, amplitude: 8000)
        let (_, output) = self.roundTrip(input)
        let candidates = stride(from: 250.0, through: 7750, by: 250).map { $0 }
        #expect(
            AudioTestSignals.dominantFrequency(in: output[1600...], sampleRate: Self.rate, candidates: candidates)
                == 6000
        )
        let (snr, _) = AudioTestSignals.signalToNoise(reference: input, output: output, skip: 1600)
        #expect(snr > 8, "SNR \(snr) dB")
    }

    @Test("a sweep of tones across both bands keeps its level", arguments: [300.0, 2500, 3500, 4500, 7000])
    func levels(frequency: Double) {
        let input = AudioTestSignals.tone(frequency: frequency, sampleRate: Self.rate, count: 8000, amplitude: 6000)
        let (_, output) = self.roundTrip(input)
        let ratio = AudioTestSignals.rms(output[1600...]) / AudioTestSignals.rms(input[1600...])
        #expect(ratio > 0.7 && ratio < 1.3, "level ratio \(ratio)")
    }

    @Test("silence stays near silent")
    func silence() {
        let (_, output) = self.roundTrip([Int16](repeating: 0, count: 3200))
        #expect(output.allSatisfy { abs(Int($0)) <= 16 })
    }

    @Test("full-scale square wave neither traps nor wraps")
    func fullScale() {
        let input = (0..<3200).map { ($0 / 20) % 2 == 0 ? Int16.max : Int16.min }
        let (_, output) = self.roundTrip(input)
        #expect(output.count == 3200)
        #expect(AudioTestSignals.rms(output[400...]) > 10000)
    }

    @Test("encoding is deterministic and reset restores the initial state")
    func determinismAndReset() {
        let input = AudioTestSignals.tone(frequency: 440, sampleRate: Self.rate, count: 640)
        let first = self.roundTrip(input).payload
        #expect(first == self.roundTrip(input).payload)
        var encoder = G722Encoder()
        var octets = [UInt8](repeating: 0, count: 320)
        _ = input.withUnsafeBufferPointer { samples in
            octets.withUnsafeMutableBytes { encoder.encode(samples, into: $0) }
        }
        encoder.reset()
        _ = input.withUnsafeBufferPointer { samples in
            octets.withUnsafeMutableBytes { encoder.encode(samples, into: $0) }
        }
        #expect(octets == first)
        var decoder = G722Decoder()
        var samples = [Int16](repeating: 0, count: 640)
        _ = octets.withUnsafeBytes { bytes in samples.withUnsafeMutableBufferPointer { decoder.decode(bytes, into: $0) }
        }
        let once = samples
        decoder.reset()
        _ = octets.withUnsafeBytes { bytes in samples.withUnsafeMutableBufferPointer { decoder.decode(bytes, into: $0) }
        }
        #expect(samples == once)
    }

    @Test("short buffers: writes no more than fits")
    func shortBuffers() {
        var encoder = G722Encoder()
        let input = [Int16](repeating: 100, count: 321)
        var octets = [UInt8](repeating: 0, count: 100)
        let written = input.withUnsafeBufferPointer { samples in
            octets.withUnsafeMutableBytes { encoder.encode(samples, into: $0) }
        }
        #expect(written == 100)
        var decoder = G722Decoder()
        var samples = [Int16](repeating: 0, count: 7)
        let decoded = octets.withUnsafeBytes { bytes in
            samples.withUnsafeMutableBufferPointer { decoder.decode(bytes, into: $0) }
        }
        #expect(decoded == 6)
    }
}

@Suite("G.722 robustness")
struct G722RobustnessTests {
    @Test("any octets decode without trapping and stay in range")
    func randomOctets() {
        var generator = SplitMix64(seed: 722)
        var decoder = G722Decoder()
        var samples = [Int16](repeating: 0, count: 320)
        for _ in 0..<500 {
            let octets = (0..<160).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            let count = octets.withUnsafeBytes { bytes in
                samples.withUnsafeMutableBufferPointer { decoder.decode(bytes, into: $0) }
            }
            #expect(count == 320)
        }
    }

    @Test("any samples encode without trapping")
    func randomSamples() {
        var generator = SplitMix64(seed: 16000)
        var encoder = G722Encoder()
        var octets = [UInt8](repeating: 0, count: 160)
        for _ in 0..<500 {
            let samples = (0..<320).map { _ in Int16(truncatingIfNeeded: generator.next()) }
            let count = samples.withUnsafeBufferPointer { input in
                octets.withUnsafeMutableBytes { encoder.encode(input, into: $0) }
            }
            #expect(count == 160)
        }
    }
}
