import Testing

@testable import RTP

@Suite("Noise suppression (libspeexdsp preprocessor)")
struct NoiseSuppressorTests {
    /// Uniform white noise in ±`amplitude`.
    static func whiteNoise(frames: Int, frameSize: Int, amplitude: Int16, seed: UInt64) -> [[Int16]] {
        var generator = SplitMix64(seed: seed)
        return (0..<frames).map { _ in
            (0..<frameSize).map { _ in Int16.random(in: -amplitude...amplitude, using: &generator) }
        }
    }

    /// Mean square of all samples of `frames`.
    static func power(_ frames: ArraySlice<[Int16]>) -> Double {
        var total = 0.0
        var count = 0
        for frame in frames {
            for sample in frame { total += Double(sample) * Double(sample) }
            count += frame.count
        }
        return count == 0 ? 0 : total / Double(count)
    }

    /// Power of the component at `frequency` (a correlation with sine and cosine), so noise barely counts.
    static func tonePower(_ frames: ArraySlice<[Int16]>, frequency: Double, sampleRate: Double) -> Double {
        var sine = 0.0
        var cosine = 0.0
        var index = 0
        for frame in frames {
            for sample in frame {
                let phase = 2 * Double.pi * frequency * Double(index) / sampleRate
                sine += Double(sample) * Self.sin(phase)
                cosine += Double(sample) * Self.cos(phase)
                index += 1
            }
        }
        let amplitude = 2 * (sine * sine + cosine * cosine).squareRoot() / Double(max(index, 1))
        return amplitude * amplitude / 2
    }

    /// Sine without Foundation: reduce to ±π, then a Taylor series good to ~1e-9.
    static func sin(_ x: Double) -> Double {
        var y = x.truncatingRemainder(dividingBy: 2 * Double.pi)
        if y > Double.pi { y -= 2 * Double.pi }
        if y < -Double.pi { y += 2 * Double.pi }
        var term = y
        var total = y
        for n in 1..<14 {
            term *= -y * y / Double((2 * n) * (2 * n + 1))
            total += term
        }
        return total
    }

    static func cos(_ x: Double) -> Double { Self.sin(x + Double.pi / 2) }

    static func decibels(_ ratio: Double) -> Double {
        // 10·log10 via the natural log series is overkill; log2 from the exponent and a short series suffices.
        10 * Self.log10(ratio)
    }

    static func log10(_ x: Double) -> Double {
        guard x > 0 else { return -.infinity }
        let exponent = Double(x.exponent)
        let mantissa = x.significand  // in [1, 2)
        // ln(m) = 2·atanh((m − 1)/(m + 1))
        let z = (mantissa - 1) / (mantissa + 1)
        var term = z
        var series = 0.0
        var n = 1.0
        while n < 40 {
            series += term / n
            term *= z * z
            n += 2
        }
        let naturalLog = 2 * series + exponent * 0.693_147_180_559_945_3
        return naturalLog / 2.302_585_092_994_045_7
    }

    static func run(_ suppressor: NoiseSuppressor, _ frames: [[Int16]]) -> [[Int16]] {
        frames.map { frame in
            var copy = frame
            copy.withUnsafeMutableBufferPointer { suppressor.process($0) }
            return copy
        }
    }

    @Test(
        "white noise is attenuated by at least 6 dB after a warm-up",
        arguments: [(160, 8000), (320, 16000), (960, 48000)]
    )
    func attenuatesNoise(frameSize: Int, sampleRate: Int) throws {
        let suppressor = try NoiseSuppressor(frameSize: frameSize, sampleRate: sampleRate)
        let input = Self.whiteNoise(frames: 150, frameSize: frameSize, amplitude: 2000, seed: 1)
        let output = Self.run(suppressor, input)
        let reduction = Self.decibels(Self.power(input[100...]) / Self.power(output[100...]))
        #expect(reduction >= 6, "noise reduced by only \(reduction) dB")
    }

    @Test("a tone that starts over steady noise survives within 3 dB")
    func toneSurvives() throws {
        let frameSize = 320
        let sampleRate = 16000.0
        let suppressor = try NoiseSuppressor(frameSize: frameSize, sampleRate: Int(sampleRate))
        let noise = Self.whiteNoise(frames: 150, frameSize: frameSize, amplitude: 1000, seed: 2)
        var input = noise
        for frameIndex in 100..<150 {
            for index in 0..<frameSize {
                let phase = 2 * Double.pi * 1000 * Double(frameIndex * frameSize + index) / sampleRate
                input[frameIndex][index] = Int16(clamping: Int(input[frameIndex][index]) + Int(8000 * Self.sin(phase)))
            }
        }
        let output = Self.run(suppressor, input)
        let before = Self.tonePower(input[110...], frequency: 1000, sampleRate: sampleRate)
        let after = Self.tonePower(output[110...], frequency: 1000, sampleRate: sampleRate)
        #expect(before > 8000 * 8000 / 2 * 0.9)
        let loss = Self.decibels(before / after)
        #expect(abs(loss) <= 3, "tone changed by \(loss) dB")
    }

    @Test("invalid sizes are refused with a code")
    func invalidSizes() {
        #expect(throws: NoiseSuppressor.SetupError(.invalidFrameSize)) {
            try NoiseSuppressor(frameSize: 0, sampleRate: 8000)
        }
        #expect(throws: NoiseSuppressor.SetupError(.invalidSampleRate)) {
            try NoiseSuppressor(frameSize: 160, sampleRate: 0)
        }
    }
}
