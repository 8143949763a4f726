import Mixer

/// How strongly each test tone is present in a recording: Goertzel power at the tone over total power.
enum ToneAnalysis {
    /// The share of the signal's energy at `frequency` (0...1), measured over 20 ms blocks and averaged.
    static func share(of frequency: Double, in samples: [Int16], sampleRate: Double = 8000) -> Double {
        guard samples.count >= 160 else { return 0 }
        return samples.withUnsafeBufferPointer { buffer in
            Goertzel.relativePower(of: frequency, sampleRate: sampleRate, samples: buffer)
        }
    }

    /// Root mean square level of the samples.
    static func rms(_ samples: [Int16]) -> Double {
        guard !samples.isEmpty else { return 0 }
        var sum = 0.0
        for sample in samples { sum += Double(sample) * Double(sample) }
        return (sum / Double(samples.count)).squareRoot()
    }
}
