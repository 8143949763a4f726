/// A line this model has no field for (`i=`, `u=`, `e=`, `p=`, `b=`, `r=`, `z=`, `k=`, unknown), kept so the
/// description serializes back unchanged.
public struct SDPLine: Sendable, Equatable, CustomStringConvertible {
    /// The letter before `=`.
    public var type: Character
    /// Everything after `=`, as received.
    public var value: String

    /// Makes a `type=value` line.
    public init(type: Character, value: String) {
        self.type = type
        self.value = value
    }

    public var description: String { "\(self.type)=\(self.value)" }
}
