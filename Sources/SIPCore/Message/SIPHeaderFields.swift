/// The header fields of a SIP message, in arrival order, with case-insensitive lookup.
///
/// Each stored field is one header line's value (after unfolding). A header that carries several
/// comma-separated values keeps them in one field; ``values(_:)`` splits them (RFC 3261 §7.3.1).
public struct SIPHeaderFields: Sendable, Sequence {
    public struct Field: Sendable, Equatable {
        public var name: HeaderName
        public var value: String
        public init(name: HeaderName, value: String) {
            self.name = name
            self.value = value
        }
    }

    public internal(set) var fields: [Field]

    public init() { self.fields = [] }
    public init(_ fields: [(HeaderName, String)]) { self.fields = fields.map { Field(name: $0.0, value: $0.1) } }

    public var count: Int { self.fields.count }
    public func makeIterator() -> IndexingIterator<[Field]> { self.fields.makeIterator() }

    /// The first field's value for `name`, if any.
    public subscript(name: HeaderName) -> String? { self.fields.first { $0.name == name }?.value }

    /// Every value of `name`: all fields, each split at top-level commas (outside quotes and angle brackets).
    public func values(_ name: HeaderName) -> [String] {
        var result: [String] = []
        for field in self.fields where field.name == name {
            result.append(contentsOf: SIPHeaderFields.splitCommaList(field.value))
        }
        return result
    }

    /// The raw field values of `name`, one per header line.
    public func fieldValues(_ name: HeaderName) -> [String] {
        self.fields.compactMap { $0.name == name ? $0.value : nil }
    }

    public func contains(_ name: HeaderName) -> Bool { self.fields.contains { $0.name == name } }

    /// Appends a field after all existing ones.
    public mutating func add(_ name: HeaderName, _ value: String) {
        self.fields.append(Field(name: name, value: value))
    }

    /// Inserts a field before all existing ones (used for a new top Via or Record-Route).
    public mutating func prepend(_ name: HeaderName, _ value: String) {
        self.fields.insert(Field(name: name, value: value), at: 0)
    }

    /// Replaces every field of `name` with one field holding `value`, at the position of the first.
    public mutating func set(_ name: HeaderName, _ value: String) {
        if let index = self.fields.firstIndex(where: { $0.name == name }) {
            self.fields[index].value = value
            var next = index + 1
            while next < self.fields.count {
                if self.fields[next].name == name { self.fields.remove(at: next) } else { next += 1 }
            }
        } else {
            self.add(name, value)
        }
    }

    public mutating func remove(_ name: HeaderName) { self.fields.removeAll { $0.name == name } }

    /// Splits a header value at commas that are not inside a quoted string, `<...>` or `(...)`.
    public static func splitCommaList(_ value: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var inQuotes = false
        var escaped = false
        var angle = 0
        var paren = 0
        for ch in value {
            if escaped {
                current.append(ch)
                escaped = false
                continue
            }
            switch ch {
            case "\\" where inQuotes:
                escaped = true
                current.append(ch)
            case "\"":
                inQuotes.toggle()
                current.append(ch)
            case "<" where !inQuotes:
                angle += 1
                current.append(ch)
            case ">" where !inQuotes:
                angle = Swift.max(0, angle - 1)
                current.append(ch)
            case "(" where !inQuotes:
                paren += 1
                current.append(ch)
            case ")" where !inQuotes:
                paren = Swift.max(0, paren - 1)
                current.append(ch)
            case "," where !inQuotes && angle == 0 && paren == 0:
                let trimmed = current.trimmingSIPWhitespace()
                if !trimmed.isEmpty { parts.append(trimmed) }
                current = ""
            default:
                current.append(ch)
            }
        }
        let trimmed = current.trimmingSIPWhitespace()
        if !trimmed.isEmpty { parts.append(trimmed) }
        return parts
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs, CR and LF.
    package func trimmingSIPWhitespace() -> String {
        let isWS: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0.isNewline }
        guard let first = self.firstIndex(where: { !isWS($0) }), let last = self.lastIndex(where: { !isWS($0) })
        else { return "" }
        return String(self[first...last])
    }
}
