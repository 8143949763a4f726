import Foundation

/// Finds and reads the shared RFC 4475 / RFC 5118 corpus at `../shared/sip-torture` next to the package root.
enum TortureCorpus {
    struct Case: Sendable {
        var file: String
        var section: String
        var kind: String
        var expect: String
        var note: String
        var testDescription: String { "\(self.section) \(self.file) -> \(self.expect)" }
    }

    /// The corpus folder: walk up from this file to the directory holding Package.swift, then `../shared/...`.
    static let directory: String = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
                return url.deletingLastPathComponent().appendingPathComponent("shared/sip-torture").path
            }
            url = url.deletingLastPathComponent()
        }
        return "/work/shared/sip-torture"
    }()

    /// Every row of `expected.tsv`, comment lines skipped.
    static let cases: [Case] = {
        guard let data = FileManager.default.contents(atPath: directory + "/expected.tsv") else { return [] }
        let text = String(decoding: data, as: UTF8.self)
        return text.split(separator: "\n").compactMap { line in
            if line.hasPrefix("#") || line.trimmingCharacters(in: .whitespaces).isEmpty { return nil }
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard columns.count >= 4 else { return nil }
            return Case(
                file: columns[0],
                section: columns[1],
                kind: columns[2],
                expect: columns[3],
                note: columns.count > 4 ? columns[4] : ""
            )
        }
    }()

    /// The raw bytes of one message file, never decoded or newline-converted.
    static func bytes(_ file: String) -> [UInt8]? {
        guard let data = FileManager.default.contents(atPath: directory + "/" + file) else { return nil }
        return [UInt8](data)
    }
}
