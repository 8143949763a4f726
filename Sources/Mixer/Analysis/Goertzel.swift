/// Single-frequency DFT power by the Goertzel algorithm, for tone checks (DTMF, test tones, "what does this
/// caller hear").
///
/// For `N` samples and target frequency `f` at rate `fs`, with `c = 2·cos(2π·f/fs)`:
/// `s[n] = x[n] + c·s[n−1] − s[n−2]`, and the power is `s[N−1]² + s[N−2]² − c·s[N−1]·s[N−2]`, the squared
/// magnitude of the DFT at `f` (f need not fall on a bin). A sinusoid of amplitude `A` at `f` yields about
/// `(A·N/2)²`.
public enum Goertzel: Sendable {
    /// One Goertzel resonator; feed samples, read the power, reset. No allocation.
    public struct Filter: Hashable, Sendable {
        /// `2·cos(2π·f/fs)`.
        public let coefficient: Double
        private var s1: Double = 0
        private var s2: Double = 0

        /// Makes a filter tuned to `frequency` Hz for samples at `sampleRate`.
        public init(frequency: Double, sampleRate: Double) {
            self.coefficient = 2 * cosine(2 * Double.pi * frequency / sampleRate)
        }

        /// Feeds one sample.
        @inline(__always)
        public mutating func process(_ sample: Double) {
            let s0 = sample + self.coefficient * self.s1 - self.s2
            self.s2 = self.s1
            self.s1 = s0
        }

        /// Squared DFT magnitude at the filter's frequency over the samples fed since the last reset.
        public var power: Double {
            self.s1 * self.s1 + self.s2 * self.s2 - self.coefficient * self.s1 * self.s2
        }

        /// Forgets the samples fed so far.
        public mutating func reset() {
            self.s1 = 0
            self.s2 = 0
        }
    }

    /// Squared DFT magnitude of `samples` at `frequency`.
    public static func power(of frequency: Double, sampleRate: Double, samples: UnsafeBufferPointer<Int16>) -> Double {
        var filter = Filter(frequency: frequency, sampleRate: sampleRate)
        for sample in samples { filter.process(Double(sample)) }
        return filter.power
    }

    /// Signal energy `Σ x²` of `samples`.
    public static func energy(of samples: UnsafeBufferPointer<Int16>) -> Double {
        var total = 0.0
        for sample in samples { total += Double(sample) * Double(sample) }
        return total
    }

    /// The share of the block's energy found at `frequency`: about 1 for a pure tone at `frequency`, about
    /// 0 for silence or for tones elsewhere (more than a couple of `fs/N` away), and for two equal tones about
    /// 0.5 each.
    ///
    /// Computed as `power / (energy · N / 2)`; returns 0 for silence.
    public static func relativePower(
        of frequency: Double,
        sampleRate: Double,
        samples: UnsafeBufferPointer<Int16>
    ) -> Double {
        let energy = Self.energy(of: samples)
        guard energy > 0, samples.count > 0 else { return 0 }
        return Self.power(of: frequency, sampleRate: sampleRate, samples: samples)
            / (energy * Double(samples.count) / 2)
    }
}

/// Cosine without Foundation: the stdlib has no `cos`, so use a range-reduced Taylor series (|error| < 1e-15
/// after reduction to [−π/4, π/4]). Called once per filter construction, never per sample.
private func cosine(_ x: Double) -> Double {
    // Reduce to [−π, π].
    let twoPi = 2 * Double.pi
    var r = x - (x / twoPi).rounded() * twoPi
    // cos is even; fold into [0, π].
    r = abs(r)
    // cos(π − r) = −cos(r): fold into [0, π/2].
    var sign = 1.0
    if r > Double.pi / 2 {
        r = Double.pi - r
        sign = -1
    }
    // For r in (π/4, π/2] use sin(π/2 − r) for accuracy.
    if r > Double.pi / 4 {
        return sign * sineSeries(Double.pi / 2 - r)
    }
    return sign * cosineSeries(r)
}

private func cosineSeries(_ r: Double) -> Double {
    let r2 = r * r
    var term = 1.0
    var sum = 1.0
    for n in stride(from: 2, through: 20, by: 2) {
        term *= -r2 / Double(n * (n - 1))
        sum += term
    }
    return sum
}

private func sineSeries(_ r: Double) -> Double {
    let r2 = r * r
    var term = r
    var sum = r
    for n in stride(from: 3, through: 21, by: 2) {
        term *= -r2 / Double(n * (n - 1))
        sum += term
    }
    return sum
}
