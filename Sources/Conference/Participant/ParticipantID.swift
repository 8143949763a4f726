/// Identifies a participant within a bridge for its whole life.
public struct ParticipantID: Hashable, Sendable, CustomStringConvertible {
    /// The number, unique within the bridge's run.
    public let rawValue: UInt64
    /// Wraps a number.
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    public var description: String { "P\(self.rawValue)" }
}
