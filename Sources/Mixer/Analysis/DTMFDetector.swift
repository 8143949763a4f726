/// In-band DTMF detection at 8000 Hz: eight Goertzel filters over 205-sample blocks (ITU-T Q.23 tone pairs).
///
/// Per block (25.6 ms, ~39 Hz resolution), the strongest row tone (697, 770, 852, 941 Hz) and column tone
/// (1209, 1336, 1477, 1633 Hz) must:
/// - each exceed ``Configuration-swift.struct/minimumTonePower`` (about −35 dBm0 per tone by default);
/// - be within the twist limits: column no more than 8 dB above the row (forward twist), row no more than
///   4 dB above the column (reverse twist), as Q.24 allows;
/// - each be at least 8 dB above every other tone of its group (relative peak);
/// - together hold most of the block's energy (no speech or music disguised as a digit).
///
/// A digit is reported once, when it has been found in two consecutive blocks (≥ 40 ms of tone, 51 ms
/// of blocks); another report needs a block without it first. A tone just 40 ms long may straddle two
/// blocks and be missed; Q.24 lets a receiver reject tones shorter than 40 ms, and phones send 70–100 ms.
///
/// Feed it any frame size; it carries partial blocks between calls and allocates nothing.
public struct DTMFDetector: Sendable {
    /// Detection thresholds.
    public struct Configuration: Hashable, Sendable {
        /// Least Goertzel power per tone: `(A·N/2)²` for amplitude A. Default A = 500 (about −36 dBm0).
        public var minimumTonePower: Double
        /// Greatest forward twist (column over row), as a power ratio (8 dB ≈ 6.31).
        public var maximumForwardTwist: Double
        /// Greatest reverse twist (row over column), as a power ratio (4 dB ≈ 2.51).
        public var maximumReverseTwist: Double
        /// How much stronger the peak tone must be than the others in its group (8 dB ≈ 6.31).
        public var relativePeak: Double
        /// Least share of the block energy in the two tones (1 = pure pair).
        public var minimumToneShare: Double
        /// Consecutive blocks the same digit must be found in before it is reported.
        public var confirmationBlocks: Int

        /// Thresholds for 8 kHz blocks of 205 samples; the defaults follow the usual DTMF receiver limits.
        public init(
            minimumTonePower: Double = (500.0 * 205 / 2) * (500.0 * 205 / 2),
            maximumForwardTwist: Double = 6.31,
            maximumReverseTwist: Double = 2.51,
            relativePeak: Double = 6.31,
            minimumToneShare: Double = 0.6,
            confirmationBlocks: Int = 2
        ) {
            self.minimumTonePower = minimumTonePower
            self.maximumForwardTwist = maximumForwardTwist
            self.maximumReverseTwist = maximumReverseTwist
            self.relativePeak = relativePeak
            self.minimumToneShare = minimumToneShare
            self.confirmationBlocks = confirmationBlocks
        }
    }

    /// Samples per analysis block at 8000 Hz.
    public static let blockSize = 205
    /// Row (low-group) frequencies in Hz.
    public static let rowFrequencies: [Double] = [697, 770, 852, 941]
    /// Column (high-group) frequencies in Hz.
    public static let columnFrequencies: [Double] = [1209, 1336, 1477, 1633]
    /// Keypad layout by row then column.
    static let keypad: [[Character]] = [
        ["1", "2", "3", "A"], ["4", "5", "6", "B"], ["7", "8", "9", "C"], ["*", "0", "#", "D"],
    ]

    /// The thresholds.
    public let configuration: Configuration

    private var rows: (Goertzel.Filter, Goertzel.Filter, Goertzel.Filter, Goertzel.Filter)
    private var columns: (Goertzel.Filter, Goertzel.Filter, Goertzel.Filter, Goertzel.Filter)
    private var energy: Double = 0
    private var samplesInBlock = 0
    private var candidate: Character?
    private var candidateBlocks = 0
    private var reported = false

    /// Makes a detector with no digit in progress.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        func filter(_ frequency: Double) -> Goertzel.Filter { Goertzel.Filter(frequency: frequency, sampleRate: 8000) }
        self.rows = (filter(697), filter(770), filter(852), filter(941))
        self.columns = (filter(1209), filter(1336), filter(1477), filter(1633))
    }

    /// Feeds 8000 Hz samples.
    ///
    /// - Returns: a digit confirmed during this call, or `nil`. With frames no longer than 410 samples at
    ///   most one digit can be confirmed per call.
    public mutating func process(_ samples: UnsafeBufferPointer<Int16>) -> Character? {
        var detected: Character? = nil
        for sample in samples {
            let x = Double(sample)
            self.rows.0.process(x)
            self.rows.1.process(x)
            self.rows.2.process(x)
            self.rows.3.process(x)
            self.columns.0.process(x)
            self.columns.1.process(x)
            self.columns.2.process(x)
            self.columns.3.process(x)
            self.energy += x * x
            self.samplesInBlock += 1
            if self.samplesInBlock == Self.blockSize {
                if let digit = self.endBlock() { detected = digit }
            }
        }
        return detected
    }

    /// Forgets partial blocks and digit state.
    public mutating func reset() {
        self.resetFilters()
        self.candidate = nil
        self.candidateBlocks = 0
        self.reported = false
    }

    private mutating func resetFilters() {
        self.rows.0.reset()
        self.rows.1.reset()
        self.rows.2.reset()
        self.rows.3.reset()
        self.columns.0.reset()
        self.columns.1.reset()
        self.columns.2.reset()
        self.columns.3.reset()
        self.energy = 0
        self.samplesInBlock = 0
    }

    /// Classifies the finished block and runs the report-once logic.
    private mutating func endBlock() -> Character? {
        let digit = self.classifyBlock()
        self.resetFilters()
        guard let digit else {
            self.candidate = nil
            self.candidateBlocks = 0
            self.reported = false
            return nil
        }
        if digit == self.candidate {
            self.candidateBlocks += 1
        } else {
            self.candidate = digit
            self.candidateBlocks = 1
            self.reported = false
        }
        if !self.reported && self.candidateBlocks >= self.configuration.confirmationBlocks {
            self.reported = true
            return digit
        }
        return nil
    }

    private func classifyBlock() -> Character? {
        let rowPowers = (self.rows.0.power, self.rows.1.power, self.rows.2.power, self.rows.3.power)
        let columnPowers = (self.columns.0.power, self.columns.1.power, self.columns.2.power, self.columns.3.power)
        guard let (row, rowPower) = self.peak(rowPowers), let (column, columnPower) = self.peak(columnPowers)
        else { return nil }
        let configuration = self.configuration
        guard rowPower >= configuration.minimumTonePower, columnPower >= configuration.minimumTonePower else {
            return nil
        }
        guard columnPower <= rowPower * configuration.maximumForwardTwist,
            rowPower <= columnPower * configuration.maximumReverseTwist
        else { return nil }
        let share = (rowPower + columnPower) / (self.energy * Double(Self.blockSize) / 2)
        guard share >= configuration.minimumToneShare else { return nil }
        return Self.keypad[row][column]
    }

    /// The index and power of the strongest of four, if it beats the other three by the relative-peak ratio.
    private func peak(_ powers: (Double, Double, Double, Double)) -> (Int, Double)? {
        func value(_ index: Int) -> Double {
            switch index {
            case 0: powers.0
            case 1: powers.1
            case 2: powers.2
            default: powers.3
            }
        }
        var best = 0
        for index in 1..<4 where value(index) > value(best) { best = index }
        let bestPower = value(best)
        for index in 0..<4 where index != best {
            if value(index) * self.configuration.relativePeak > bestPower { return nil }
        }
        return (best, bestPower)
    }
}
