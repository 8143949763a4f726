/// Why a stream transport refused or lost a connection; a struct with a code so new codes break no switch.
public struct SIPTransportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong; a struct rather than an enum so a new code breaks no switch.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: Sendable, Hashable {
            case connectionLimit
            case connectionLimitPerAddress
            case noRemoteAddress
            case notConnected
            case badTLSConfiguration
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The total connection cap is reached (AST-2016-005: unbounded TCP/TLS connections exhaust a server).
        public static let connectionLimit = Code(.connectionLimit)
        /// The per-source-address connection cap is reached.
        public static let connectionLimitPerAddress = Code(.connectionLimitPerAddress)
        /// The socket has no peer address to key it by.
        public static let noRemoteAddress = Code(.noRemoteAddress)
        /// No connection to the peer could be made or it closed.
        public static let notConnected = Code(.notConnected)
        /// The certificate or key could not be loaded.
        public static let badTLSConfiguration = Code(.badTLSConfiguration)

        public var description: String { "\(self.value)" }
    }

    /// What went wrong.
    public let code: Code
    /// A short note for logs.
    public let reason: String

    /// Makes an error.
    public init(_ code: Code, reason: String = "") {
        self.code = code
        self.reason = reason
    }

    /// Errors compare by code only, so a test matches on a code.
    public static func == (lhs: SIPTransportError, rhs: SIPTransportError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(self.code) }

    public var description: String { self.reason.isEmpty ? "\(self.code)" : "\(self.code): \(self.reason)" }
}
