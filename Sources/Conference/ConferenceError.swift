/// An error from the conference layer: a code to match on, and a reason for people.
public struct ConferenceError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What went wrong, as a value to match on; new codes can be added without breaking a `switch`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case invalidAudioFile, missingPrompt, invalidRoom, duplicateExtension, roomNotFound, storeFailure
            case invalidPIN, invalidConfiguration, portRangeExhausted
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// A WAV file could not be read: not RIFF/WAVE, not 16-bit PCM, or cut short.
        public static let invalidAudioFile = Code(.invalidAudioFile)
        /// A prompt the caller flow needs is not in the prompt library.
        public static let missingPrompt = Code(.missingPrompt)
        /// A room definition breaks a rule: empty name, non-digit extension or PIN, a bad option.
        public static let invalidRoom = Code(.invalidRoom)
        /// Another room already has this extension or DID.
        public static let duplicateExtension = Code(.duplicateExtension)
        /// No room has this extension.
        public static let roomNotFound = Code(.roomNotFound)
        /// The room store could not read or write (disk, database, connection).
        public static let storeFailure = Code(.storeFailure)
        /// A PIN that is not digits only, or empty.
        public static let invalidPIN = Code(.invalidPIN)
        /// A configuration value out of range or inconsistent with another.
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// Every RTP port in the configured range is in use.
        public static let portRangeExhausted = Code(.portRangeExhausted)

        public var description: String { String(describing: self.value) }
    }

    /// What went wrong, to match on.
    public var code: Code
    /// What went wrong, for people: it names the value that was refused.
    public var reason: String
    /// The source file that raised the error, for the log.
    public var file: String
    /// The line that raised the error, for the log.
    public var line: Int

    /// Makes an error; `file` and `line` default to the caller's.
    public init(_ code: Code, _ reason: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    public var description: String { self.reason }

    /// Errors compare by code only, so tests can match on what went wrong.
    public static func == (lhs: ConferenceError, rhs: ConferenceError) -> Bool { lhs.code == rhs.code }
}
