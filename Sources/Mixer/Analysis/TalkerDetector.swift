/// Decides per frame whether a participant is talking, with Asterisk ConfBridge's threshold semantics.
///
/// - `talkingThreshold` (ConfBridge `dsp_talking_threshold`, default 160): a frame whose average absolute
///   sample value exceeds it is sound; otherwise it is silence.
/// - `silenceMilliseconds` (ConfBridge `dsp_silence_threshold`, default 2500): talking stops only after this
///   much consecutive silence (the hangover), so pauses between words do not flap the state.
/// - `onsetMilliseconds` (default one frame): consecutive sound needed to start talking, so a click does not.
///
/// A value type: frames in, ``Event`` out. Allocation-free.
public struct TalkerDetector: Hashable, Sendable {
    /// A change of talking state.
    public enum Event: Hashable, Sendable {
        /// The participant began talking.
        case startedTalking
        /// The participant stopped talking (after the silence hangover).
        case stoppedTalking
    }

    /// Thresholds.
    public struct Configuration: Hashable, Sendable {
        /// Average magnitude above which a frame counts as sound (`dsp_talking_threshold`).
        public var talkingThreshold: Int
        /// Consecutive silence that ends talking (`dsp_silence_threshold`), in milliseconds.
        public var silenceMilliseconds: Int
        /// Consecutive sound that starts talking, in milliseconds.
        public var onsetMilliseconds: Int
        /// Duration of one frame.
        public var frameMilliseconds: Int

        /// Thresholds in ConfBridge's units; the defaults are ConfBridge's.
        public init(
            talkingThreshold: Int = 160,
            silenceMilliseconds: Int = 2500,
            onsetMilliseconds: Int = 20,
            frameMilliseconds: Int = 20
        ) {
            self.talkingThreshold = talkingThreshold
            self.silenceMilliseconds = silenceMilliseconds
            self.onsetMilliseconds = onsetMilliseconds
            self.frameMilliseconds = frameMilliseconds
        }
    }

    /// The thresholds.
    public let configuration: Configuration
    /// Whether the participant is currently talking.
    public private(set) var isTalking = false
    /// Average absolute sample value of the last frame (a loudness for choosing the K loudest talkers).
    public private(set) var lastAverageMagnitude = 0
    private var soundMilliseconds = 0
    private var silentMilliseconds = 0

    /// Makes a detector that starts silent.
    public init(configuration: Configuration = Configuration()) {
        precondition(configuration.frameMilliseconds > 0)
        self.configuration = configuration
    }

    /// Average absolute sample value of `samples` (0 for an empty frame).
    public static func averageMagnitude(of samples: UnsafeBufferPointer<Int16>) -> Int {
        guard let base = samples.baseAddress, !samples.isEmpty else { return 0 }
        return MixKernel.sumOfMagnitudes(base, count: samples.count) / samples.count
    }

    /// Processes one frame.
    ///
    /// - Returns: `.startedTalking` or `.stoppedTalking` when the state changes, else `nil`.
    public mutating func processFrame(_ samples: UnsafeBufferPointer<Int16>) -> Event? {
        let magnitude = Self.averageMagnitude(of: samples)
        return self.processFrame(averageMagnitude: magnitude)
    }

    /// Processes one frame whose average magnitude is already known.
    public mutating func processFrame(averageMagnitude: Int) -> Event? {
        self.lastAverageMagnitude = averageMagnitude
        let frame = self.configuration.frameMilliseconds
        if averageMagnitude > self.configuration.talkingThreshold {
            self.silentMilliseconds = 0
            self.soundMilliseconds += frame
            if !self.isTalking && self.soundMilliseconds >= self.configuration.onsetMilliseconds {
                self.isTalking = true
                return .startedTalking
            }
        } else {
            self.soundMilliseconds = 0
            self.silentMilliseconds += frame
            if self.isTalking && self.silentMilliseconds >= self.configuration.silenceMilliseconds {
                self.isTalking = false
                return .stoppedTalking
            }
        }
        return nil
    }
}
