/// Identifies a participant within a bridge for its whole life.
public struct ParticipantID: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt64
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    public var description: String { "P\(self.rawValue)" }
}
