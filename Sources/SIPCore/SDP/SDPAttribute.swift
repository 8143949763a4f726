/// An `a=` line: a property flag (`a=sendonly`) or `name:value` (RFC 8866 §5.13).
public struct SDPAttribute: Sendable, Equatable, CustomStringConvertible {
    public var name: String
    public var value: String?

    public init(_ name: String, _ value: String? = nil) {
        self.name = name
        self.value = value
    }

    public var description: String {
        guard let value else { return self.name }
        return self.name + ":" + value
    }
}
