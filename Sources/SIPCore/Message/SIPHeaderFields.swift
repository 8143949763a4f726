/// The header fields of a SIP message, in arrival order, with case-insensitive lookup.
///
/// Each stored field is one header line's value (after unfolding). A header that carries several
/// comma-separated values keeps them in one field; ``values(_:)`` splits them (RFC 3261 §7.3.1).
public struct SIPHeaderFields: Sendable, Sequence {
    /// One header line: its name and its unfolded value.
    public struct Field: Sendable, Equatable {
        /// The field name.
        public var name: HeaderName
        /// The value as received, unfolded.
        public var value: String
        /// Makes a field.
        public init(name: HeaderName, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// Either a plain list, or the table of a received message read in place until the first mutation.
    enum Storage: Sendable {
        case list([Field])
        case wire(SIPWireHeaders)
    }

    var storage: Storage

    /// Every field, in order. On a received message this builds the list (one `String` per value); prefer the
    /// lookups below, which read the received bytes in place.
    public internal(set) var fields: [Field] {
        get {
            switch self.storage {
            case .list(let fields): fields
            case .wire(let wire): wire.materializedFields()
            }
        }
        set { self.storage = .list(newValue) }
    }

    /// An empty list.
    public init() { self.storage = .list([]) }
    /// A list of the given fields in order.
    public init(_ fields: [(HeaderName, String)]) {
        self.storage = .list(fields.map { Field(name: $0.0, value: $0.1) })
    }

    init(wire: SIPWireHeaders) { self.storage = .wire(wire) }

    /// Mutates the plain list, turning a received table into one first; keeps the list uniquely referenced.
    mutating func withList<Result>(_ body: (inout [Field]) -> Result) -> Result {
        var list: [Field]
        switch self.storage {
        case .list(let fields): list = fields
        case .wire(let wire): list = wire.materializedFields()
        }
        self.storage = .list([])
        defer { self.storage = .list(list) }
        return body(&list)
    }

    /// The number of fields (header lines, not comma-separated values).
    public var count: Int {
        switch self.storage {
        case .list(let fields): fields.count
        case .wire(let wire): wire.entries.count
        }
    }

    /// Iterates the fields in order.
    public func makeIterator() -> IndexingIterator<[Field]> { self.fields.makeIterator() }

    /// The first field's value for `name`, if any.
    public subscript(name: HeaderName) -> String? {
        switch self.storage {
        case .list(let fields):
            return fields.first { $0.name == name }?.value
        case .wire(let wire):
            for entry in wire.entries where wire.matches(entry, name) { return wire.value(of: entry) }
            return nil
        }
    }

    /// Every value of `name`: all fields, each split at top-level commas (outside quotes and angle brackets).
    public func values(_ name: HeaderName) -> [String] {
        var result: [String] = []
        for value in self.fieldValues(name) {
            result.append(contentsOf: SIPHeaderFields.splitCommaList(value))
        }
        return result
    }

    /// The raw field values of `name`, one per header line.
    public func fieldValues(_ name: HeaderName) -> [String] {
        switch self.storage {
        case .list(let fields):
            return fields.compactMap { $0.name == name ? $0.value : nil }
        case .wire(let wire):
            var result: [String] = []
            for entry in wire.entries where wire.matches(entry, name) { result.append(wire.value(of: entry)) }
            return result
        }
    }

    /// Whether any field is called `name`.
    public func contains(_ name: HeaderName) -> Bool {
        switch self.storage {
        case .list(let fields): fields.contains { $0.name == name }
        case .wire(let wire): wire.entries.contains { wire.matches($0, name) }
        }
    }

    /// How many fields (lines) are called `name`, without building any value.
    func fieldCount(_ name: HeaderName) -> Int {
        switch self.storage {
        case .list(let fields): fields.reduce(0) { $0 + ($1.name == name ? 1 : 0) }
        case .wire(let wire): wire.entries.reduce(0) { $0 + (wire.matches($1, name) ? 1 : 0) }
        }
    }

    /// Appends a field after all existing ones.
    public mutating func add(_ name: HeaderName, _ value: String) {
        self.withList { $0.append(Field(name: name, value: value)) }
    }

    /// Inserts a field before all existing ones (used for a new top Via or Record-Route).
    public mutating func prepend(_ name: HeaderName, _ value: String) {
        self.withList { $0.insert(Field(name: name, value: value), at: 0) }
    }

    /// Replaces every field of `name` with one field holding `value`, at the position of the first.
    public mutating func set(_ name: HeaderName, _ value: String) {
        self.withList { fields in
            if let index = fields.firstIndex(where: { $0.name == name }) {
                fields[index].value = value
                var next = index + 1
                while next < fields.count {
                    if fields[next].name == name { fields.remove(at: next) } else { next += 1 }
                }
            } else {
                fields.append(Field(name: name, value: value))
            }
        }
    }

    /// Removes every field called `name`.
    public mutating func remove(_ name: HeaderName) { self.withList { $0.removeAll { $0.name == name } } }

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
