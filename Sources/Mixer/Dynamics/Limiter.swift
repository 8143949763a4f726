/// A frame-rate peak limiter: keeps a mix under a ceiling with smooth gain changes instead of hard clipping.
///
/// Per frame it finds the peak, computes the gain that would bring the peak to ``ceiling``, and ramps the gain
/// linearly across the frame from its previous value to that target (attack within one frame); when the
/// peak is lower, the gain recovers towards unity by 1/``releaseDivisor`` of the remaining distance per frame
/// (the release). Samples are finally clamped to ±``ceiling``, so the output never exceeds it even while the
/// gain is still ramping down. Gains are Q15 integers; allocation-free.
///
/// Feed it the unsaturated Int32 mix (the Int32 overload of ``MixMinus`` `mixMinus(own:into:)`)
/// to limit before saturating, or Int16 frames in place.
public struct Limiter: Hashable, Sendable {
    /// Unity gain in Q15.
    public static let unity: Int32 = 32768
    /// Largest output magnitude (default 29205, about −1 dBFS).
    public var ceiling: Int32
    /// Release speed: the gain closes 1/`releaseDivisor` of its distance to unity per frame (8 ≈ 160 ms at 20 ms).
    public var releaseDivisor: Int32
    /// The gain at the end of the last frame, Q15.
    public private(set) var gain: Int32 = Limiter.unity

    public init(ceiling: Int32 = 29205, releaseDivisor: Int32 = 8) {
        precondition(ceiling > 0 && ceiling <= Int32(Int16.max) && releaseDivisor > 0)
        self.ceiling = ceiling
        self.releaseDivisor = releaseDivisor
    }

    /// Limits a frame in place.
    public mutating func process(_ samples: UnsafeMutableBufferPointer<Int16>) {
        var peak: Int32 = 0
        for sample in samples { peak = max(peak, Int32(sample.magnitude)) }
        let (start, target) = self.nextGain(peak: Int64(peak))
        let count = Int64(samples.count)
        let ceiling = Int64(self.ceiling)
        for index in samples.indices {
            let gain = Int64(start) + (Int64(target) - Int64(start)) * Int64(index + 1) / count
            let value = (Int64(samples[index]) * gain) >> 15
            samples[index] = Int16(truncatingIfNeeded: min(max(value, -ceiling), ceiling))
        }
    }

    /// Limits a wide (unsaturated) mix into Int16 output; `min(input.count, output.count)` samples.
    public mutating func process(_ input: UnsafeBufferPointer<Int32>, into output: UnsafeMutableBufferPointer<Int16>) {
        let count = min(input.count, output.count)
        guard count > 0 else { return }
        var peak: Int64 = 0
        for index in 0..<count { peak = max(peak, Int64(input[index].magnitude)) }
        let (start, target) = self.nextGain(peak: peak)
        let ceiling = Int64(self.ceiling)
        for index in 0..<count {
            let gain = Int64(start) + (Int64(target) - Int64(start)) * Int64(index + 1) / Int64(count)
            let value = (Int64(input[index]) * gain) >> 15
            output[index] = Int16(truncatingIfNeeded: min(max(value, -ceiling), ceiling))
        }
    }

    /// Returns the gain at the frame start and the gain to reach by its end, and stores the latter.
    private mutating func nextGain(peak: Int64) -> (Int32, Int32) {
        let start = self.gain
        var target = start + (Self.unity - start) / self.releaseDivisor
        if peak > 0 {
            let limit = Int64(self.ceiling) * Int64(Self.unity) / peak
            if limit < Int64(target) { target = Int32(max(limit, 0)) }
        }
        self.gain = target
        return (start, target)
    }
}
