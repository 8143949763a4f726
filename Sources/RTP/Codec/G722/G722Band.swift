/// The adaptive part of one G.722 sub-band: pole-zero predictor and logarithmic scale factor (ITU-T G.722
/// blocks 3L/3H and 4L/4H, and their decoder twins; names as in the standard).
///
/// Encoder and decoder run the same recursions on the same quantised values, so they stay in step without
/// side information. All arithmetic is the standard's 16-bit fixed point, held in `Int32` and saturated where
/// the standard limits. Storage is inline (SIMD lanes), so copying a codec state never allocates.
struct G722Band: Sendable {
    // MARK: Tables (from ITU-T G.722)

    /// Decision levels of the 6-bit lower-band quantiser, in units of scale/4096.
    static let lowerDecisionLevels: [Int32] = [
        0, 35, 72, 110, 150, 190, 233, 276, 323, 370, 422, 473, 530, 587, 650, 714,
        786, 858, 940, 1023, 1121, 1219, 1339, 1458, 1612, 1765, 1980, 2195, 2557, 2919,
    ]
    /// 6-bit codes of the negative intervals 1...30 (index 0 unused).
    static let lowerNegativeCodes: [Int32] = [
        0, 63, 62, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19,
        18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4,
    ]
    /// 6-bit codes of the positive intervals 1...30 (index 0 unused).
    static let lowerPositiveCodes: [Int32] = [
        0, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47,
        46, 45, 44, 43, 42, 41, 40, 39, 38, 37, 36, 35, 34, 33, 32,
    ]
    /// 6-bit inverse quantiser output levels by code, in units of scale/32768 (64 kbit/s mode).
    static let lowerInverse6: [Int32] = [
        -136, -136, -136, -136, -24808, -21904, -19008, -16704, -14984, -13512, -12280, -11192, -10232, -9360, -8576,
        -7856, -7192, -6576, -6000, -5456, -4944, -4464, -4008, -3576, -3168, -2776, -2400, -2032, -1688, -1360, -1040,
        -728, 24808, 21904, 19008, 16704, 14984, 13512, 12280, 11192, 10232, 9360, 8576, 7856, 7192, 6576, 6000, 5456,
        4944, 4464, 4008, 3576, 3168, 2776, 2400, 2032, 1688, 1360, 1040, 728, 432, 136, -432, -136,
    ]
    /// 4-bit inverse quantiser levels (the embedded core that drives adaptation), by the code's top 4 bits.
    static let lowerInverse4: [Int32] = [
        0, -20456, -12896, -8968, -6288, -4240, -2584, -1200, 20456, 12896, 8968, 6288, 4240, 2584, 1200, 0,
    ]
    /// Magnitude class of a 4-bit code, indexing ``lowerLogScaleSteps``.
    static let lowerMagnitudeClass: [Int32] = [0, 7, 6, 5, 4, 3, 2, 1, 7, 6, 5, 4, 3, 2, 1, 0]
    /// Log scale factor increments of the lower band.
    static let lowerLogScaleSteps: [Int32] = [-60, -30, 58, 172, 334, 538, 1198, 3042]
    /// 2-bit inverse quantiser levels of the higher band, by code.
    static let higherInverse2: [Int32] = [-7408, -1616, 7408, 1616]
    /// Magnitude class of a 2-bit code, indexing ``higherLogScaleSteps``.
    static let higherMagnitudeClass: [Int32] = [2, 1, 2, 1]
    /// Log scale factor increments of the higher band (index 0 unused).
    static let higherLogScaleSteps: [Int32] = [0, -214, 798]
    /// Mantissas of the inverse log2 used to turn the log scale factor into a linear one.
    static let inverseLog2: [Int32] = [
        2048, 2093, 2139, 2186, 2233, 2282, 2332, 2383, 2435, 2489, 2543, 2599, 2656, 2714, 2774, 2834,
        2896, 2960, 3025, 3091, 3158, 3228, 3298, 3371, 3444, 3520, 3597, 3676, 3756, 3838, 3922, 4008,
    ]

    // MARK: State

    /// SL/SH: the signal estimate (prediction) for the next sample.
    private(set) var estimate: Int32 = 0
    /// SZL/SZH: the zero section's part of the estimate.
    private(set) var zeroSection: Int32 = 0
    /// Reconstructed signal of the last two samples (lanes 1, 2).
    private var reconstructed = SIMD4<Int32>()
    /// Partially reconstructed signal (difference + zero section) of the last two samples (lanes 1, 2).
    private var partial = SIMD4<Int32>()
    /// Pole coefficients a1, a2 (lanes 1, 2).
    private var poles = SIMD4<Int32>()
    /// Zero coefficients b1...b6 (lanes 1...6).
    private var zeros = SIMD8<Int32>()
    /// Quantised differences of the last six samples (lanes 1...6).
    private var differences = SIMD8<Int32>()
    /// NBL/NBH: the logarithmic scale factor.
    private(set) var logScale: Int32 = 0
    /// DETL/DETH: the linear scale factor (quantiser step).
    private(set) var scale: Int32

    /// Whether this is the higher band (2-bit codes) rather than the lower (6-bit).
    let isHigher: Bool

    init(higher: Bool) {
        self.isHigher = higher
        self.scale = higher ? 8 : 32
    }

    // MARK: Scale factor (blocks 3L/3H: LOGSCL, SCALEL; LOGSCH, SCALEH)

    /// Adapts the scale factor after a sample whose code has magnitude class `magnitudeClass`.
    mutating func adaptScale(magnitudeClass: Int32) {
        let steps = self.isHigher ? Self.higherLogScaleSteps : Self.lowerLogScaleSteps
        let ceiling: Int32 = self.isHigher ? 22528 : 18432
        // Leaky integration of the log scale: NB = NB·127/128 + W.
        var logScale = ((self.logScale * 127) >> 7) + steps[Int(magnitudeClass)]
        logScale = min(max(logScale, 0), ceiling)
        self.logScale = logScale
        // Inverse log2: a 5-bit mantissa from the table, then a shift by the exponent.
        let mantissa = Self.inverseLog2[Int((logScale >> 6) & 31)]
        let shift = (self.isHigher ? 10 : 8) - (logScale >> 11)
        let linear = shift < 0 ? mantissa << -shift : mantissa >> shift
        self.scale = linear << 2
    }

    // MARK: Predictor (blocks 4L/4H)

    /// Runs the predictor one sample on with quantised difference `difference` (DLT/DH).
    ///
    /// - Returns: the reconstructed signal (RLT/RH), estimate plus difference.
    @discardableResult
    mutating func adaptPredictor(difference: Int32) -> Int32 {
        // RECONS and PARREC.
        let reconstructed = Self.saturate(self.estimate + difference)
        let partial = Self.saturate(self.zeroSection + difference)
        let sign0 = partial >> 15
        let sign1 = self.partial[1] >> 15
        let sign2 = self.partial[2] >> 15

        // UPPOL2: second pole coefficient.
        let a1Times4 = Self.saturate(self.poles[1] << 2)
        let gradient = Self.saturate(sign0 == sign1 ? -a1Times4 : a1Times4) >> 7
        let correlation: Int32 = sign0 == sign2 ? 128 : -128
        var a2 = gradient + correlation + ((self.poles[2] * 32512) >> 15)
        a2 = min(max(a2, -12288), 12288)

        // UPPOL1: first pole coefficient, kept inside the stability triangle.
        var a1 = Self.saturate((sign0 == sign1 ? 192 : -192) + ((self.poles[1] * 32640) >> 15))
        let limit = 15360 - a2
        a1 = min(max(a1, -limit), limit)

        // UPZERO: sign-sign update of the six zero coefficients with leakage 255/256.
        let step: Int32 = difference == 0 ? 0 : 128
        let signD = difference >> 15
        var zeros = self.zeros
        for index in 1...6 {
            let sameSign = (self.differences[index] >> 15) == signD
            zeros[index] = Self.saturate((sameSign ? step : -step) + ((self.zeros[index] * 32640) >> 15))
        }

        // DELAYA: shift the delay lines.
        for index in stride(from: 6, through: 2, by: -1) { self.differences[index] = self.differences[index - 1] }
        self.differences[1] = difference
        self.zeros = zeros
        self.reconstructed[2] = self.reconstructed[1]
        self.reconstructed[1] = reconstructed
        self.partial[2] = self.partial[1]
        self.partial[1] = partial
        self.poles[1] = a1
        self.poles[2] = a2

        // FILTEP: pole section.
        let pole1 = (a1 * Self.saturate(self.reconstructed[1] &* 2)) >> 15
        let pole2 = (a2 * Self.saturate(self.reconstructed[2] &* 2)) >> 15
        let poleSection = Self.saturate(pole1 + pole2)

        // FILTEZ: zero section.
        var zeroSection: Int32 = 0
        for index in 1...6 {
            zeroSection += (self.zeros[index] * Self.saturate(self.differences[index] &* 2)) >> 15
        }
        self.zeroSection = Self.saturate(zeroSection)

        // PREDIC.
        self.estimate = Self.saturate(poleSection + self.zeroSection)
        return reconstructed
    }

    @inline(__always)
    static func saturate(_ value: Int32) -> Int32 { min(max(value, -32768), 32767) }
}
