/// Why a digest challenge could not be parsed or answered (RFC 3261 §22, RFC 8760).
public struct DigestError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong; a struct rather than an enum so a new code breaks no switch.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: Sendable, Hashable {
            case notDigest
            case malformed
            case missingParameter
            case unsupportedAlgorithm
            case unsupportedQOP
            case noChallenge
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The challenge's scheme is not `Digest`.
        public static let notDigest = Code(.notDigest)
        /// The auth-param list does not follow RFC 3261 §25.1 (`challenge`).
        public static let malformed = Code(.malformed)
        /// `realm` or `nonce` is missing (RFC 7616 §3.3: both are required).
        public static let missingParameter = Code(.missingParameter)
        /// The algorithm is not one of ``DigestAlgorithm``.
        public static let unsupportedAlgorithm = Code(.unsupportedAlgorithm)
        /// `qop` offers neither `auth` nor nothing (we do not do `auth-int`).
        public static let unsupportedQOP = Code(.unsupportedQOP)
        /// A 401 or 407 carried no challenge we can answer.
        public static let noChallenge = Code(.noChallenge)

        public var description: String { "\(self.value)" }
    }

    /// What went wrong.
    public let code: Code
    /// A short note for logs.
    public let reason: String
    /// The source file that raised the error, for logs.
    public let file: String
    /// The source line that raised the error, for logs.
    public let line: Int

    /// Makes an error; `file` and `line` default to the caller's position.
    public init(_ code: Code, reason: String = "", file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    /// Errors compare by code only, so a test matches on a code.
    public static func == (lhs: DigestError, rhs: DigestError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(self.code) }

    public var description: String { self.reason.isEmpty ? "\(self.code)" : "\(self.code): \(self.reason)" }
}
