import Testing

@testable import RTP

@Suite("Resampling through libspeexdsp")
struct ResamplerTests {
    /// Converts `input` in 20 ms frames and returns the concatenated output.
    func convert(_ input: [Int16], from inputRate: Int, to outputRate: Int) throws -> [Int16] {
        let resampler = try Resampler(inputRate: inputRate, outputRate: outputRate)
        let inputFrame = inputRate / 50
        let outputFrame = resampler.outputCount(forInput: inputFrame)
        #expect(outputFrame == outputRate / 50)
        var output: [Int16] = []
        var frame = [Int16](repeating: 0, count: outputFrame)
        var start = 0
        while start + inputFrame <= input.count {
            let (consumed, produced) = input[start..<(start + inputFrame)].withUnsafeBufferPointer { samples in
                frame.withUnsafeMutableBufferPointer { resampler.process(samples, into: $0) }
            }
            #expect(consumed == inputFrame)
            output += frame[0..<produced]
            start += inputFrame
        }
        #expect(abs(output.count - input.count * outputRate / inputRate) <= outputFrame)
        return output
    }

    @Test("a 1 kHz tone keeps its frequency through 8k -> 48k -> 8k")
    func upAndDown() throws {
        let input = AudioTestSignals.tone(frequency: 1000, sampleRate: 8000, count: 8000)
        let up = try self.convert(input, from: 8000, to: 48000)
        #expect(
            AudioTestSignals.dominantFrequency(
                in: up[4800...],
                sampleRate: 48000,
                candidates: [500, 1000, 2000, 3000, 7000]
            ) == 1000
        )
        let down = try self.convert(up, from: 48000, to: 8000)
        let candidates = stride(from: 250.0, through: 3750, by: 250).map { $0 }
        #expect(AudioTestSignals.dominantFrequency(in: down[800...], sampleRate: 8000, candidates: candidates) == 1000)
        let ratio = AudioTestSignals.rms(down[800...]) / AudioTestSignals.rms(input[800...])
        #expect(ratio > 0.9 && ratio < 1.1, "level ratio \(ratio)")
        let (snr, _) = AudioTestSignals.signalToNoise(reference: input, output: down, skip: 800)
        #expect(snr > 30, "SNR \(snr) dB")
    }

    @Test(
        "8k <-> 16k <-> 48k keep a 1 kHz tone",
        arguments: [(8000, 16000), (16000, 8000), (16000, 48000), (48000, 16000)]
    )
    func pairs(inputRate: Int, outputRate: Int) throws {
        let input = AudioTestSignals.tone(frequency: 1000, sampleRate: Double(inputRate), count: inputRate)
        let output = try self.convert(input, from: inputRate, to: outputRate)
        let candidates = stride(from: 250.0, through: 3750, by: 250).map { $0 }
        let steady = output[(outputRate / 10)...]
        #expect(
            AudioTestSignals.dominantFrequency(in: steady, sampleRate: Double(outputRate), candidates: candidates)
                == 1000
        )
    }

    @Test("invalid rates are refused")
    func invalid() {
        #expect(throws: CodecError(.invalidArgument)) { try Resampler(inputRate: 0, outputRate: 8000) }
        #expect(throws: CodecError(.invalidArgument)) { try Resampler(inputRate: 8000, outputRate: 8000, quality: 11) }
    }
}
