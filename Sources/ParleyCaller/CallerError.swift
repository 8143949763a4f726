/// Why an outbound call did not get where it was going.
public struct CallerError: Error, Sendable, CustomStringConvertible, Equatable {
    public struct Code: Hashable, Sendable {
        private enum Value: Hashable, Sendable { case rejected, timedOut, transport, badAnswer, notConnected }
        private let value: Value
        private init(_ value: Value) { self.value = value }
        public static let rejected = Code(.rejected)
        public static let timedOut = Code(.timedOut)
        public static let transport = Code(.transport)
        public static let badAnswer = Code(.badAnswer)
        public static let notConnected = Code(.notConnected)
    }

    public var code: Code
    /// The final status the server answered, for `.rejected`.
    public var statusCode: Int?
    public var reason: String

    public init(_ code: Code, statusCode: Int? = nil, _ reason: String) {
        self.code = code
        self.statusCode = statusCode
        self.reason = reason
    }

    public var description: String { self.reason }

    public static func == (lhs: CallerError, rhs: CallerError) -> Bool {
        lhs.code == rhs.code && lhs.statusCode == rhs.statusCode
    }
}
