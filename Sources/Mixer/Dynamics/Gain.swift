/// A fixed-point gain for talk and listen volume, in the spirit of ConfBridge's volume levels.
///
/// ConfBridge lets a caller turn their talk and listen volume up or down in steps from −4 to +4. Parley keeps the
/// steps but makes each one 3 dB (so −12 dB … +12 dB), a perceptually even ladder, and stores the factor as a
/// Q15 integer so applying it is an integer multiply and shift with saturation: no floating point on the media path.
public struct Gain: Hashable, Sendable {
    /// The factor in Q15: 32 768 is unity.
    public let q15: Int32

    /// Unity gain: samples pass unchanged.
    public static let unity = Gain(q15: 32768)

    /// The volume levels a caller can choose, as in ConfBridge.
    public static let levels: ClosedRange<Int> = -4...4

    /// Decibels per volume level.
    public static let decibelsPerLevel = 3

    /// Q15 factors for levels −4…+4, i.e. 10^(3·level/20) × 32 768, rounded.
    private static let levelTable: [Int32] = [8231, 11627, 16423, 23198, 32768, 46286, 65381, 92353, 130_452]

    /// Creates a gain from a Q15 factor (32 768 = unity); negative factors are treated as silence.
    public init(q15: Int32) {
        self.q15 = max(q15, 0)
    }

    /// Creates the gain of a ConfBridge-style volume level; levels outside −4…+4 are clamped to that range.
    public init(level: Int) {
        let clamped = min(max(level, Self.levels.lowerBound), Self.levels.upperBound)
        self.q15 = Self.levelTable[clamped - Self.levels.lowerBound]
    }

    /// Whether applying this gain changes nothing (so callers can skip the pass).
    public var isUnity: Bool { self.q15 == Self.unity.q15 }

    /// Scales `value` by this gain, rounding towards negative infinity like an arithmetic shift.
    @inline(__always)
    func scale(_ value: Int32) -> Int64 {
        (Int64(value) * Int64(self.q15)) >> 15
    }

    /// Scales an average magnitude (for ranking talkers by what they will contribute after their talk gain).
    public func scale(magnitude: Int) -> Int {
        (magnitude * Int(self.q15)) >> 15
    }

    /// Multiplies a frame in place, saturating to the Int16 range instead of wrapping.
    public func apply(to samples: UnsafeMutableBufferPointer<Int16>) {
        guard !self.isUnity else { return }
        let factor = self.q15
        for index in samples.indices {
            // |sample| ≤ 2^15 and factor < 2^18, so the product fits comfortably in Int64.
            samples[index] = Int16(clamping: (Int64(samples[index]) * Int64(factor)) >> 15)
        }
    }

    /// Multiplies a wide (Int32) frame in place, saturating to the Int32 range.
    public func apply(to samples: UnsafeMutableBufferPointer<Int32>) {
        guard !self.isUnity else { return }
        for index in samples.indices {
            samples[index] = Int32(clamping: self.scale(samples[index]))
        }
    }
}
