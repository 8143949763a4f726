/// One setting's value as the config file or a command-line flag gave it, read by the type its key expects.
///
/// Values from the file keep their TOML type, so `drain_seconds = "30"` is refused with a message that says a
/// number was expected; values from flags are text and are read leniently as whatever the key takes.
enum SettingValue: Equatable {
    case string(String)
    case integer(Int)
    case float(Double)
    case boolean(Bool)
    case strings([String])
    /// Text from a command-line flag.
    case flag(String)
    /// A TOML value no setting takes (a date, a table, an array of non-strings); the name of its type.
    case unsupported(String)

    /// What the value is, for error messages.
    var typeName: String {
        switch self {
        case .string, .flag: "a string"
        case .integer: "an integer"
        case .float: "a float"
        case .boolean: "a boolean"
        case .strings: "an array"
        case .unsupported(let name): name
        }
    }

    func text() throws(SettingProblem) -> String {
        switch self {
        case .string(let text), .flag(let text): return text
        default: throw SettingProblem("must be a string in double quotes, got \(self.typeName)")
        }
    }

    func integer() throws(SettingProblem) -> Int {
        switch self {
        case .integer(let value): return value
        case .flag(let text):
            guard let value = Int(text) else { throw SettingProblem("must be a whole number, got '\(text)'") }
            return value
        default: throw SettingProblem("must be a whole number, got \(self.typeName)")
        }
    }

    func number() throws(SettingProblem) -> Double {
        switch self {
        case .integer(let value): return Double(value)
        case .float(let value): return value
        case .flag(let text):
            guard let value = Double(text) else { throw SettingProblem("must be a number, got '\(text)'") }
            return value
        default: throw SettingProblem("must be a number, got \(self.typeName)")
        }
    }

    func boolean() throws(SettingProblem) -> Bool {
        switch self {
        case .boolean(let value): return value
        case .flag(let text):
            switch text.lowercased() {
            case "true", "yes", "on", "1": return true
            case "false", "no", "off", "0": return false
            default: throw SettingProblem("must be true or false, got '\(text)'")
            }
        default: throw SettingProblem("must be true or false (no quotes), got \(self.typeName)")
        }
    }

    /// An array of strings; a single string is split at commas.
    func list() throws(SettingProblem) -> [String] {
        switch self {
        case .strings(let values): return values
        case .string(let text), .flag(let text):
            return text.split(separator: ",").map { String($0).trimmed }.filter { !$0.isEmpty }
        default: throw SettingProblem("must be an array of strings, got \(self.typeName)")
        }
    }
}

/// Why one setting's value was refused; the caller adds where it came from (file and line, or flag).
struct SettingProblem: Error, Equatable {
    var message: String

    init(_ message: String) { self.message = message }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    var trimmed: String {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return String(text)
    }
}
