#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Small signal helpers for codec tests: tones, Goertzel power, delay-aligned SNR.
enum AudioTestSignals {
    /// A sine tone of `frequency` Hz at `sampleRate`, `count` samples, peak `amplitude`.
    static func tone(frequency: Double, sampleRate: Double, count: Int, amplitude: Double = 10000) -> [Int16] {
        (0..<count).map { index in
            Int16(amplitude * sin(2 * Double.pi * frequency * Double(index) / sampleRate))
        }
    }

    /// Goertzel power of `frequency` in `samples`, normalised by length.
    static func power(of frequency: Double, in samples: ArraySlice<Int16>, sampleRate: Double) -> Double {
        let coefficient = 2 * cos(2 * Double.pi * frequency / sampleRate)
        var previous = 0.0
        var beforePrevious = 0.0
        for sample in samples {
            let current = Double(sample) + coefficient * previous - beforePrevious
            beforePrevious = previous
            previous = current
        }
        let power = previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious
        return power / Double(samples.count * samples.count)
    }

    /// The frequency among `candidates` with the most Goertzel power.
    static func dominantFrequency(in samples: ArraySlice<Int16>, sampleRate: Double, candidates: [Double]) -> Double {
        candidates.max {
            power(of: $0, in: samples, sampleRate: sampleRate) < power(of: $1, in: samples, sampleRate: sampleRate)
        } ?? 0
    }

    /// SNR in dB of `output` against `reference`, after finding the codec delay (0..<maximumDelay) that fits best.
    static func signalToNoise(
        reference: [Int16],
        output: [Int16],
        skip: Int,
        maximumDelay: Int = 200
    ) -> (snr: Double, delay: Int) {
        var best = (snr: -Double.infinity, delay: 0)
        for delay in 0..<maximumDelay {
            var signal = 0.0
            var noise = 0.0
            var index = skip
            while index + delay < output.count && index < reference.count {
                let wanted = Double(reference[index])
                let error = Double(output[index + delay]) - wanted
                signal += wanted * wanted
                noise += error * error
                index += 1
            }
            let snr = 10 * log10(signal / max(noise, 1e-9))
            if snr > best.snr { best = (snr, delay) }
        }
        return best
    }

    /// Root-mean-square level.
    static func rms(_ samples: ArraySlice<Int16>) -> Double {
        guard !samples.isEmpty else { return 0 }
        return (samples.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(samples.count)).squareRoot()
    }
}
