import Foundation
import TOMLKit

/// A `parley` config file: TOML, read with TOMLKit, then checked key by key against ``ServerSettings``.
///
/// Every problem is collected, not only the first, and each names its key and line, so `parley check-config`
/// can list everything to fix in one run. TOMLKit reports where a syntax error is; for keys, whose positions it
/// does not keep, ``ConfigKeyLocator`` finds the line in the text.
struct ConfigFile {
    /// One thing wrong with the file.
    struct Issue: Equatable, CustomStringConvertible {
        var line: Int?
        /// The full key (`admin.listen`), when the issue is about one.
        var key: String?
        var message: String

        var description: String {
            let place = self.line.map { "line \($0): " } ?? ""
            let subject = self.key.map { "\($0): " } ?? ""
            return place + subject + self.message
        }
    }

    /// The file's problems, with its path, as one error.
    struct Invalid: Error, CustomStringConvertible {
        var path: String
        var issues: [Issue]

        var description: String {
            let lines = self.issues.map { "\(self.path): \($0)" }
            return lines.count == 1
                ? lines[0] : "\(self.path) has \(lines.count) problems:\n" + lines.joined(separator: "\n")
        }
    }

    let path: String
    let text: String

    init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError(message: "cannot read config file \(path)")
        }
        self.path = path
        self.text = String(decoding: data, as: UTF8.self)
    }

    init(path: String, text: String) {
        self.path = path
        self.text = text
    }

    /// The file's settings as flat dotted keys with the line each is on, or the syntax error.
    func entries() throws(Invalid) -> [(key: String, line: Int?, value: SettingValue)] {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: self.text)
        } catch let error as TOMLParseError {
            throw Invalid(
                path: self.path,
                issues: [
                    Issue(line: error.source.begin.line, key: nil, message: "not valid TOML: \(error.description)")
                ]
            )
        } catch {
            throw Invalid(path: self.path, issues: [Issue(line: nil, key: nil, message: "not valid TOML: \(error)")])
        }
        var flat: [(key: String, value: SettingValue)] = []
        Self.flatten(table, prefix: "", into: &flat)
        let locator = ConfigKeyLocator(text: self.text)
        return flat.map { (key: $0.key, line: locator.line(of: $0.key), value: $0.value) }
            .sorted { ($0.line ?? Int.max, $0.key) < ($1.line ?? Int.max, $1.key) }
    }

    /// Applies every setting in the file to `settings`; throws all the problems found, none applied half-way
    /// (on error `settings` is left as it was).
    func apply(to settings: inout ServerSettings) throws(Invalid) {
        var updated = settings
        var issues: [Issue] = []
        for entry in try self.entries() {
            do {
                try updated.apply(key: entry.key, value: entry.value)
            } catch {
                issues.append(Issue(line: entry.line, key: entry.key, message: error.message))
            }
        }
        guard issues.isEmpty else { throw Invalid(path: self.path, issues: issues) }
        settings = updated
    }

    private static func flatten(
        _ table: TOMLTable,
        prefix: String,
        into flat: inout [(key: String, value: SettingValue)]
    ) {
        for key in table.keys {
            let full = prefix.isEmpty ? key : "\(prefix).\(key)"
            guard let value = table[key] else { continue }
            if let nested = value.table {
                if nested.isEmpty { flat.append((full, .unsupported("an empty table"))) }
                Self.flatten(nested, prefix: full, into: &flat)
                continue
            }
            flat.append((full, Self.settingValue(value)))
        }
    }

    private static func settingValue(_ value: any TOMLValueConvertible) -> SettingValue {
        switch value.type {
        case .string: return value.string.map(SettingValue.string) ?? .unsupported("a string")
        case .int: return value.int.map(SettingValue.integer) ?? .unsupported("an integer")
        case .double: return value.double.map(SettingValue.float) ?? .unsupported("a float")
        case .bool: return value.bool.map(SettingValue.boolean) ?? .unsupported("a boolean")
        case .array:
            guard let array = value.array else { return .unsupported("an array") }
            var strings: [String] = []
            for element in array {
                guard let string = element.string else { return .unsupported("an array of non-strings") }
                strings.append(string)
            }
            return .strings(strings)
        case .table: return .unsupported("a table")
        case .date, .time, .dateTime: return .unsupported("a date or time")
        }
    }
}
