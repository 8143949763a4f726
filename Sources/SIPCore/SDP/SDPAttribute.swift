/// An `a=` line: a property flag (`a=sendonly`) or `name:value` (RFC 8866 §5.13).
public struct SDPAttribute: Sendable, Equatable, CustomStringConvertible {
    /// The attribute name, before any colon.
    public var name: String
    /// The text after the colon, or nil for a property attribute.
    public var value: String?

    /// Makes `a=name` or, with a value, `a=name:value`.
    public init(_ name: String, _ value: String? = nil) {
        self.name = name
        self.value = value
    }

    public var description: String {
        guard let value else { return self.name }
        return self.name + ":" + value
    }
}
