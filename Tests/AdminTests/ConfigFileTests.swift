import Foundation
import Testing

@testable import ConfServer

/// The config file reader (`parley serve --config`), and the fuzzer's committed inputs replayed through it.
@Suite("Config file reader")
struct ConfigFileTests {
    @Test("Sections prefix keys; quotes keep #; CRLF line ends are read like LF")
    func reads() throws {
        let file = try ConfigFile(
            parsing: "# c\r\nsip = \"127.0.0.1:5070\"\r\n[trunk]\r\npassword = \"a#b\" # note\r\nexpires=600\r\n"
        )
        #expect(
            file.entries == [
                .init(key: "sip", value: "127.0.0.1:5070", line: 2),
                .init(key: "trunk.password", value: "a#b", line: 4),
                .init(key: "trunk.expires", value: "600", line: 5),
            ]
        )
    }

    @Test("Malformed lines are refused with their line number")
    func refuses() {
        for (text, code, line) in [
            ("a = 1\n[oops\n", ConfigFileError.Code.malformedSectionHeader, 2),
            ("just words\n", .expectedKeyValue, 1),
            ("\n\n= 3\n", .expectedKeyValue, 3),
            ("a = \"open\n", .unterminatedString, 1),
            ("[\n", .malformedSectionHeader, 1),
        ] {
            #expect(throws: ConfigFileError(code, line: line)) { try ConfigFile(parsing: text) }
        }
    }

    @Test("The fuzzer's seeds and regressions parse or fail on a line that exists")
    func fuzzCorpus() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        var count = 0
        for folder in ["Fuzz/Corpus/ConfigFileFuzzer", "Fuzz/Regressions/ConfigFileFuzzer"] {
            let directory = root.appendingPathComponent(folder)
            for name in (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [] {
                let data = try #require(FileManager.default.contents(atPath: directory.appendingPathComponent(name).path))
                let text = String(decoding: data, as: UTF8.self)
                let lines = ConfigFile.lines(of: text).count
                do {
                    let file = try ConfigFile(parsing: text)
                    #expect(file.entries.allSatisfy { !$0.key.isEmpty && (1...lines).contains($0.line) }, "\(name)")
                } catch {
                    #expect((1...lines).contains(error.line), "\(name)")
                }
                count += 1
            }
        }
        #expect(count > 0)
    }
}
