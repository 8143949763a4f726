// Keeps the embedder's API documented: a public declaration without a doc comment fails the unit tests, so the
// DocC catalogs never show a bare symbol. Reads the library sources as text, like a reviewer would.
import Foundation
import Testing

@Suite("Every public declaration of the libraries has a doc comment")
struct DocumentationCoverageTests {
    /// The package root, from this file's path (Tests/PublicAPITests/ → the root).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Declarations whose documentation comes from the protocol they satisfy, or that are not API at all.
    static func isExempt(_ line: Substring) -> Bool {
        line.hasPrefix("public extension") || line.hasPrefix("public import") || line.hasPrefix("open =")
            || line.hasPrefix("public init(from decoder") || line.contains("func hash(into")
            || line.contains("static func ==") || line.hasPrefix("public var description")
            || line.contains("func encode(to encoder")
    }

    /// Whether a trimmed line declares something public (after any attributes such as `@inlinable`).
    static func isPublicDeclaration(_ line: Substring) -> Bool {
        var rest = line
        while rest.hasPrefix("@") {
            guard let space = rest.firstIndex(of: " ") else { return false }
            if let open = rest.firstIndex(of: "("), open < space {
                guard let close = rest.firstIndex(of: ")") else { return false }
                rest = rest[rest.index(after: close)...].drop { $0 == " " }
            } else {
                rest = rest[rest.index(after: space)...]
            }
        }
        return rest.hasPrefix("public ") || rest.hasPrefix("open ")
    }

    /// `file:line: declaration` for each public declaration of `target` that has no `///` comment above it.
    static func undocumented(in target: String) throws -> [String] {
        let directory = root.appendingPathComponent("Sources").appendingPathComponent(target)
        guard let files = FileManager.default.enumerator(atPath: directory.path) else { return ["\(target): no sources"] }
        var missing: [String] = []
        for case let path as String in files where path.hasSuffix(".swift") {
            let text = try String(contentsOf: directory.appendingPathComponent(path), encoding: .utf8)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0.drop { $0 == " " } }
            for (index, line) in lines.enumerated() where self.isPublicDeclaration(line) && !self.isExempt(line) {
                var above = index - 1
                while above >= 0, lines[above].hasPrefix("@") { above -= 1 }
                let documented = above >= 0 && (lines[above].hasPrefix("///") || lines[above].hasSuffix("*/"))
                if !documented { missing.append("\(target)/\(path):\(index + 1): \(line)") }
            }
        }
        return missing
    }

    @Test("public declarations are documented", arguments: ["SIPCore", "RTP", "Mixer", "Conference"])
    func documented(target: String) throws {
        let missing = try Self.undocumented(in: target)
        #expect(missing.isEmpty, "undocumented public API:\n\(missing.joined(separator: "\n"))")
    }
}
