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

    /// Makes a limiter at unity gain; `ceiling` must be in 1...32767.
    public init(ceiling: Int32 = 29205, releaseDivisor: Int32 = 8) {
        precondition(ceiling > 0 && ceiling <= Int32(Int16.max) && releaseDivisor > 0)
        self.ceiling = ceiling
        self.releaseDivisor = releaseDivisor
    }

    /// Limits a frame in place.
    public mutating func process(_ samples: UnsafeMutableBufferPointer<Int16>) {
        guard !samples.isEmpty else { return }
        var peak: Int32 = 0
        for sample in samples { peak = max(peak, Int32(sample.magnitude)) }
        let (start, target) = self.nextGain(peak: Int64(peak))
        if start == Self.unity && target == Self.unity && peak <= self.ceiling { return }
        let ceiling = Int64(self.ceiling)
        var ramp = Ramp(from: start, to: target, count: samples.count)
        for index in samples.indices {
            let value = (Int64(samples[index]) * ramp.next()) >> 15
            samples[index] = Int16(truncatingIfNeeded: min(max(value, -ceiling), ceiling))
        }
    }

    /// Limits a wide (unsaturated) mix into Int16 output; `min(input.count, output.count)` samples.
    public mutating func process(_ input: UnsafeBufferPointer<Int32>, into output: UnsafeMutableBufferPointer<Int16>) {
        let count = min(input.count, output.count)
        guard count > 0 else { return }
        // Track the extremes in Int32 (vectorisable) rather than magnitudes in Int64 (|Int32.min| does not fit).
        var highest = Int32.min
        var lowest = Int32.max
        for index in 0..<count {
            highest = max(highest, input[index])
            lowest = min(lowest, input[index])
        }
        let peak = max(Int64(highest), -Int64(lowest), 0)
        let (start, target) = self.nextGain(peak: peak)
        if start == Self.unity && target == Self.unity && peak <= Int64(self.ceiling) {
            // The common case: nothing to limit, and at unity gain every sample already fits; a plain narrowing copy.
            for index in 0..<count { output[index] = Int16(truncatingIfNeeded: input[index]) }
            return
        }
        let ceiling = Int64(self.ceiling)
        if start == target {
            let gain = Int64(start)
            for index in 0..<count {
                let value = (Int64(input[index]) * gain) >> 15
                output[index] = Int16(truncatingIfNeeded: min(max(value, -ceiling), ceiling))
            }
            return
        }
        var ramp = Ramp(from: start, to: target, count: count)
        for index in 0..<count {
            let value = (Int64(input[index]) * ramp.next()) >> 15
            output[index] = Int16(truncatingIfNeeded: min(max(value, -ceiling), ceiling))
        }
    }

    /// A linear gain ramp across one frame in Q32 steps: no division per sample (one costs tens of cycles, and a
    /// 960-sample frame would pay it 960 times).
    private struct Ramp {
        private let start: Int64
        private let step: Int64
        private var position: Int64 = 0

        /// Ramps from `start` (excluded) to `target` (reached at the last sample, within one Q15 unit).
        init(from start: Int32, to target: Int32, count: Int) {
            self.start = Int64(start)
            // |target − start| ≤ 2^16, so the Q32 step and its running total stay below 2^49.
            self.step = ((Int64(target) - Int64(start)) << 32) / Int64(max(count, 1))
        }

        /// The Q15 gain of the next sample.
        @inline(__always)
        mutating func next() -> Int64 {
            self.position += self.step
            return self.start + (self.position >> 32)
        }
    }

    /// Returns the gain at the frame start and the gain to reach by its end, and stores the latter.
    private mutating func nextGain(peak: Int64) -> (Int32, Int32) {
        let start = self.gain
        // Round the release step up so the gain reaches unity exactly instead of stalling a few units below it
        // (which would scale every later frame by 0.9998 and cost a multiply per sample forever).
        var target = start + (Self.unity - start + self.releaseDivisor - 1) / self.releaseDivisor
        if peak > 0 {
            let limit = Int64(self.ceiling) * Int64(Self.unity) / peak
            if limit < Int64(target) { target = Int32(max(limit, 0)) }
        }
        self.gain = target
        return (start, target)
    }
}
