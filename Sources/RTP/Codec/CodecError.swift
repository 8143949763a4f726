/// An error from a codec or resampler: creating one, or a frame it could not handle.
///
/// A struct with a code (STYLE §7); `==` compares codes only. ``libraryCode`` keeps libopus's or libspeexdsp's
/// own error number for logs.
public struct CodecError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong. A struct around a private enum, so adding a code breaks no `switch`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: UInt8, Hashable, Sendable {
            case invalidArgument
            case bufferTooSmall
            case invalidPacket
            case creationFailed
            case internalError
        }

        private let backing: Backing
        private init(_ backing: Backing) { self.backing = backing }

        /// A sample rate, frame size, bitrate or other setting the codec does not support.
        public static let invalidArgument = Code(.invalidArgument)
        /// The caller's output buffer cannot hold the frame.
        public static let bufferTooSmall = Code(.bufferTooSmall)
        /// A received payload the decoder cannot parse (a peer fault: count it and conceal).
        public static let invalidPacket = Code(.invalidPacket)
        /// The library could not create its state.
        public static let creationFailed = Code(.creationFailed)
        /// Any other library failure.
        public static let internalError = Code(.internalError)

        public var description: String {
            switch self.backing {
            case .invalidArgument: "invalidArgument"
            case .bufferTooSmall: "bufferTooSmall"
            case .invalidPacket: "invalidPacket"
            case .creationFailed: "creationFailed"
            case .internalError: "internalError"
            }
        }
    }

    /// What went wrong.
    public let code: Code
    /// The library's own error number, or 0.
    public let libraryCode: Int32

    /// Makes an error, with the C library's error number when it gave one.
    public init(_ code: Code, libraryCode: Int32 = 0) {
        self.code = code
        self.libraryCode = libraryCode
    }

    public var description: String { "\(self.code) (\(self.libraryCode))" }

    public static func == (lhs: CodecError, rhs: CodecError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(self.code) }
}
