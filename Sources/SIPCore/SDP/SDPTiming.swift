/// A `t=` line (RFC 8866 §5.9); `0 0` means unbounded.
public struct SDPTiming: Sendable, Equatable, CustomStringConvertible {
    /// Start time as NTP seconds text; "0" means now.
    public var start: String
    /// Stop time as NTP seconds text; "0" means unbounded.
    public var stop: String

    /// Makes a `t=` line; the defaults give `t=0 0`.
    public init(start: String = "0", stop: String = "0") {
        self.start = start
        self.stop = stop
    }

    public var description: String { "\(self.start) \(self.stop)" }
}
