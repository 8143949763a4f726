import Testing

@testable import Mixer

@Suite("Goertzel single-frequency power")
struct GoertzelTests {
    @Test("coefficient is 2·cos(2πf/fs) at known angles")
    func coefficients() {
        let cases: [(Double, Double)] = [(0, 2), (2000, 0), (4000, -2), (1000, 2.squareRoot()), (8000 / 3, -1)]
        for (frequency, expected) in cases {
            let filter = Goertzel.Filter(frequency: frequency, sampleRate: 8000)
            #expect(abs(filter.coefficient - expected) < 1e-12, "f = \(frequency)")
        }
    }

    @Test("a pure tone has relative power near 1 at its frequency and near 0 elsewhere")
    func pureTone() {
        let samples = ToneGenerator.tones([1000], amplitudes: [10000], count: 400)
        samples.withUnsafeBufferPointer { buffer in
            #expect(Goertzel.relativePower(of: 1000, sampleRate: 8000, samples: buffer) > 0.95)
            #expect(Goertzel.relativePower(of: 1200, sampleRate: 8000, samples: buffer) < 0.01)
            #expect(Goertzel.relativePower(of: 400, sampleRate: 8000, samples: buffer) < 0.01)
            let expected = (10000.0 * 400 / 2) * (10000.0 * 400 / 2)
            let power = Goertzel.power(of: 1000, sampleRate: 8000, samples: buffer)
            #expect(abs(power / expected - 1) < 0.02)
        }
    }

    @Test("two equal tones share the energy")
    func twoTones() {
        let samples = ToneGenerator.tones([440, 1800], amplitudes: [5000, 5000], count: 800)
        samples.withUnsafeBufferPointer { buffer in
            let low = Goertzel.relativePower(of: 440, sampleRate: 8000, samples: buffer)
            let high = Goertzel.relativePower(of: 1800, sampleRate: 8000, samples: buffer)
            #expect(abs(low - 0.5) < 0.05)
            #expect(abs(high - 0.5) < 0.05)
        }
    }

    @Test("silence has zero relative power")
    func silence() {
        let samples = [Int16](repeating: 0, count: 160)
        samples.withUnsafeBufferPointer { buffer in
            #expect(Goertzel.relativePower(of: 1000, sampleRate: 8000, samples: buffer) == 0)
            #expect(Goertzel.energy(of: buffer) == 0)
        }
        #expect([Int16]().withUnsafeBufferPointer { Goertzel.relativePower(of: 1, sampleRate: 8000, samples: $0) } == 0)
    }
}
