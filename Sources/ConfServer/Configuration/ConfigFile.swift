/// The lines of a `parley serve` config file: a small TOML subset read without Foundation, so the fuzzer can
/// build it alone (Fuzz/Harnesses/ConfigFileFuzzer.swift).
///
/// `key = value` lines, `# comments` (outside double quotes), values in double quotes or bare, blank lines,
/// and `[section]` headers that prefix the keys after them as `section.key`. CRLF line ends are accepted.
/// What the keys mean is ``ServerSettings``' business; this only splits the text.
struct ConfigFile {
    /// One `key = value` line, with its key already prefixed by its section.
    struct Entry: Equatable {
        var key: String
        var value: String
        /// 1-based, for error messages.
        var line: Int
    }

    var entries: [Entry] = []

    /// Parses `text`; the error names the first line that is not a blank line, a comment, a section header or
    /// a `key = value` line.
    init(parsing text: String) throws(ConfigFileError) {
        var section = ""
        var number = 0
        for rawLine in Self.lines(of: text) {
            number += 1
            let line = Self.trimmed(Self.strippingComment(rawLine))
            if line.isEmpty { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]"), line.count >= 2 else {
                    throw ConfigFileError(.malformedSectionHeader, line: number)
                }
                section = String(Self.trimmed(line.dropFirst().dropLast()))
                continue
            }
            guard let equals = line.firstIndex(of: "=") else {
                throw ConfigFileError(.expectedKeyValue, line: number)
            }
            let key = String(Self.trimmed(line[..<equals]))
            guard !key.isEmpty else { throw ConfigFileError(.expectedKeyValue, line: number) }
            var value = Self.trimmed(line[line.index(after: equals)...])
            if value.hasPrefix("\"") {
                guard value.count >= 2, value.hasSuffix("\"") else {
                    throw ConfigFileError(.unterminatedString, line: number)
                }
                value = value.dropFirst().dropLast()
            }
            self.entries.append(Entry(key: section.isEmpty ? key : "\(section).\(key)", value: String(value), line: number))
        }
    }

    /// The lines of `text`, split at LF and CRLF. (Swift keeps CRLF as one Character, so splitting at "\n"
    /// alone would leave a CRLF file as a single line.)
    static func lines(of text: String) -> [Substring] {
        text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
    }

    /// The line up to a `#` that is not inside double quotes.
    static func strippingComment(_ line: Substring) -> Substring {
        var inString = false
        var index = line.startIndex
        while index < line.endIndex {
            let character = line[index]
            if character == "\"" { inString.toggle() }
            if character == "#", !inString { return line[..<index] }
            index = line.index(after: index)
        }
        return line
    }

    /// Without leading and trailing spaces, tabs and carriage returns.
    static func trimmed(_ text: Substring) -> Substring {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let first = text.firstIndex(where: { !isBlank($0) }), let last = text.lastIndex(where: { !isBlank($0) })
        else { return "" }
        return text[first...last]
    }
}
