/// A `t=` line (RFC 8866 §5.9); `0 0` means unbounded.
public struct SDPTiming: Sendable, Equatable, CustomStringConvertible {
    public var start: String
    public var stop: String

    public init(start: String = "0", stop: String = "0") {
        self.start = start
        self.stop = stop
    }

    public var description: String { "\(self.start) \(self.stop)" }
}
