/// Why a config file could not be read, and on which line.
struct ConfigFileError: Error, Equatable, CustomStringConvertible {
    enum Code: String {
        case malformedSectionHeader = "malformed section header"
        case expectedKeyValue = "expected key = value"
        case unterminatedString = "unterminated string"
    }

    var code: Code
    /// 1-based line number.
    var line: Int

    init(_ code: Code, line: Int) {
        self.code = code
        self.line = line
    }

    var description: String { self.code.rawValue }
}
