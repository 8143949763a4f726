import CSpeexDSP

// Why a class: it owns a C object (libspeexdsp's preprocessor state) that must be destroyed exactly once, so it needs
// identity and a deinit. It is not `Sendable`: one leg uses it, on that leg's event loop.

/// Noise suppression for one leg's decoded audio, through libspeexdsp's preprocessor (ConfBridge's `denoise`).
///
/// The preprocessor estimates the noise spectrum from the quiet parts of the signal and subtracts it, which takes a
/// few hundred milliseconds to converge after creation. Keep one instance per leg, in the leg's decoded rate, and run
/// every frame through it (silence included) so the estimate stays current. Automatic gain control is off by
/// default: the mixer's own gains and limiter own the level.
///
/// Allocation-free per frame; libspeexdsp allocates its state once, in `init`.
public final class NoiseSuppressor {
    /// Why a noise suppressor could not be made.
    public struct SetupError: Error, Hashable, Sendable {
        /// What was wrong. A struct around a private enum, so adding a code breaks no `switch`.
        public struct Code: Hashable, Sendable, CustomStringConvertible {
            private enum Backing: UInt8, Hashable, Sendable {
                case invalidFrameSize
                case invalidSampleRate
                case stateUnavailable
            }

            private let backing: Backing
            private init(_ backing: Backing) { self.backing = backing }

            /// The frame size was not positive.
            public static let invalidFrameSize = Code(.invalidFrameSize)
            /// The sample rate was not positive.
            public static let invalidSampleRate = Code(.invalidSampleRate)
            /// libspeexdsp returned no state (out of memory or an unsupported size).
            public static let stateUnavailable = Code(.stateUnavailable)

            public var description: String {
                switch self.backing {
                case .invalidFrameSize: "invalidFrameSize"
                case .invalidSampleRate: "invalidSampleRate"
                case .stateUnavailable: "stateUnavailable"
                }
            }
        }

        /// What was wrong.
        public let code: Code
        /// Where the error was raised.
        public let file: String
        /// The line where the error was raised.
        public let line: Int

        /// Creates an error at the caller's location.
        public init(_ code: Code, file: String = #fileID, line: Int = #line) {
            self.code = code
            self.file = file
            self.line = line
        }

        public static func == (lhs: SetupError, rhs: SetupError) -> Bool { lhs.code == rhs.code }
        public func hash(into hasher: inout Hasher) { hasher.combine(self.code) }
    }

    /// Samples per frame; every frame given to ``process(_:)`` must have exactly this many.
    public let frameSize: Int
    /// The leg's sample rate in hertz.
    public let sampleRate: Int
    /// Largest attenuation of noise, in dB (a negative number; libspeexdsp's default is −15).
    public let noiseSuppressDecibels: Int

    private let state: OpaquePointer

    /// Creates a suppressor for frames of `frameSize` samples at `sampleRate` Hz (10–20 ms frames work best).
    ///
    /// - Parameters:
    ///   - frameSize: samples per frame, e.g. 160 for 20 ms at 8 kHz.
    ///   - sampleRate: e.g. 8000, 16000 or 48000.
    ///   - noiseSuppressDecibels: the most the noise is attenuated, in dB (negative; default −15).
    ///   - automaticGainControl: whether libspeexdsp also levels the voice (off by default).
    /// - Throws: ``SetupError`` when a size is not positive or libspeexdsp cannot create its state.
    public init(
        frameSize: Int,
        sampleRate: Int,
        noiseSuppressDecibels: Int = -15,
        automaticGainControl: Bool = false
    ) throws(SetupError) {
        guard frameSize > 0, frameSize <= Int(Int32.max) else { throw SetupError(.invalidFrameSize) }
        guard sampleRate > 0, sampleRate <= Int(Int32.max) else { throw SetupError(.invalidSampleRate) }
        guard let state = speex_preprocess_state_init(Int32(frameSize), Int32(sampleRate)) else {
            throw SetupError(.stateUnavailable)
        }
        self.frameSize = frameSize
        self.sampleRate = sampleRate
        self.noiseSuppressDecibels = noiseSuppressDecibels
        self.state = state
        _ = parley_speex_preprocess_set_denoise(state, 1)
        _ = parley_speex_preprocess_set_noise_suppress(state, Int32(clamping: noiseSuppressDecibels))
        _ = parley_speex_preprocess_set_agc(state, automaticGainControl ? 1 : 0)
    }

    deinit {
        speex_preprocess_state_destroy(self.state)
    }

    /// Suppresses noise in one frame, in place.
    ///
    /// - Parameter frame: exactly ``frameSize`` samples (the room's own frames always are; any other size is a
    ///   programming error).
    public func process(_ frame: UnsafeMutableBufferPointer<Int16>) {
        precondition(frame.count == self.frameSize, "frame must hold exactly frameSize samples")
        guard let base = frame.baseAddress else { return }
        _ = speex_preprocess_run(self.state, base)
    }
}

@available(*, unavailable)
extension NoiseSuppressor: Sendable {}
