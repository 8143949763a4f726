import Foundation

/// Finds the line a dotted key is set on in a TOML text, for error messages.
///
/// TOMLKit keeps no positions for keys, so this reads the text line by line: `[table]` headers set the prefix,
/// and `key = value` (bare, quoted or dotted keys) names a full key. It only has to be right for files TOMLKit
/// already accepted, and answers nil when it cannot tell (a key inside an inline table, say).
struct ConfigKeyLocator {
    private var lines: [String: Int] = [:]

    init(text: String) {
        var prefix = ""
        var inMultilineString = false
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(raw).trimmed
            let delimiterCount =
                line.components(separatedBy: "\"\"\"").count - 1 + line.components(separatedBy: "'''").count - 1
            if inMultilineString {
                if delimiterCount % 2 == 1 { inMultilineString = false }
                continue
            }
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("[") {
                let name = line.drop(while: { $0 == "[" }).prefix(while: { $0 != "]" })
                prefix = Self.normalize(String(name))
                if self.lines[prefix] == nil { self.lines[prefix] = index + 1 }
                continue
            }
            guard let equals = line.firstIndex(of: "=") else { continue }
            let key = Self.normalize(String(line[..<equals]))
            let full = prefix.isEmpty ? key : "\(prefix).\(key)"
            if self.lines[full] == nil { self.lines[full] = index + 1 }
            if delimiterCount % 2 == 1 { inMultilineString = true }
        }
    }

    /// The 1-based line of `key`, or of the nearest enclosing table when the key itself was not found.
    func line(of key: String) -> Int? {
        var candidate = key
        while true {
            if let line = self.lines[candidate] { return line }
            guard let dot = candidate.lastIndex(of: ".") else { return nil }
            candidate = String(candidate[..<dot])
        }
    }

    /// `a . "b" . c` → `a.b.c`.
    private static func normalize(_ key: String) -> String {
        key.split(separator: ".").map { part in
            var text = String(part).trimmed
            if text.count >= 2, let first = text.first, first == "\"" || first == "'", text.last == first {
                text = String(text.dropFirst().dropLast())
            }
            return text
        }.joined(separator: ".")
    }
}
