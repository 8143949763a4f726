/// An error from the conference layer: a code to match on, and a reason for people.
public struct ConferenceError: Error, Sendable, CustomStringConvertible, Equatable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case invalidAudioFile, missingPrompt, invalidRoom, duplicateExtension, roomNotFound, storeFailure
            case invalidPIN, invalidConfiguration, portRangeExhausted
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        public static let invalidAudioFile = Code(.invalidAudioFile)
        public static let missingPrompt = Code(.missingPrompt)
        public static let invalidRoom = Code(.invalidRoom)
        public static let duplicateExtension = Code(.duplicateExtension)
        public static let roomNotFound = Code(.roomNotFound)
        public static let storeFailure = Code(.storeFailure)
        public static let invalidPIN = Code(.invalidPIN)
        public static let invalidConfiguration = Code(.invalidConfiguration)
        public static let portRangeExhausted = Code(.portRangeExhausted)

        public var description: String { String(describing: self.value) }
    }

    public var code: Code
    public var reason: String
    public var file: String
    public var line: Int

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
