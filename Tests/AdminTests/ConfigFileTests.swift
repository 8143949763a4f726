import Foundation
import Logging
import SIPCore
import Testing

@testable import ConfServer

@Suite("Config file (TOMLKit)")
struct ConfigFileTests {
    @Test("sections, dotted keys and the older flat names all set the same settings")
    func sectionsAndAliases() throws {
        let text = """
            log_level = "debug"
            drain_seconds = 2.5
            [sip]
            listen = "127.0.0.1:5070"
            tcp = true
            [rtp]
            ports = "30000-30099"
            [trunk]
            addresses = ["192.0.2.1", "192.0.2.2"]
            [flood]
            invites_per_second = 0
            max_transactions = 500000
            """
        var settings = ServerSettings()
        try ConfigFile(path: "t.toml", text: text).apply(to: &settings)
        #expect(settings.logLevel == .debug && settings.drainSeconds == 2.5)
        #expect(settings.sipPort == 5070 && settings.sipTCP && settings.rtpPorts == 30000...30099)
        #expect(settings.trunkAddresses == ["192.0.2.1", "192.0.2.2"])
        #expect(settings.overload.invitesPerSecond == nil && settings.overload.maxServerTransactions == 500_000)

        var flat = ServerSettings()
        try ConfigFile(path: "t.toml", text: "sip = \"127.0.0.1:5070\"\nsip_tcp = true\nadmin = \"off\"\n").apply(
            to: &flat
        )
        #expect(flat.sipPort == 5070 && flat.sipTCP && flat.adminHost == nil)
    }

    @Test("every bad key is named with its line, and nothing is applied")
    func everyProblemWithItsLine() throws {
        let text = """
            # a comment
            log_level = "loud"
            drain_seconds = "30"

            [sip]
            listen = "nonsense"
            tcp = "yes"
            [admin]
            tokn = "0123456789abcdef"
            """
        var settings = ServerSettings()
        let error = #expect(throws: ConfigFile.Invalid.self) {
            try ConfigFile(path: "t.toml", text: text).apply(to: &settings)
        }
        let issues = error?.issues ?? []
        #expect(issues.map(\.line) == [2, 3, 6, 7, 9])
        #expect(issues.map(\.key) == ["log_level", "drain_seconds", "sip.listen", "sip.tcp", "admin.tokn"])
        #expect(issues[1].message.contains("number"))
        #expect(issues[4].message.contains("unknown setting 'admin.tokn'"))
        #expect(settings.logLevel == .info && settings.sipPort == 5060)
    }

    @Test("a TOML syntax error gives TOMLKit's line")
    func syntaxError() {
        let error = #expect(throws: ConfigFile.Invalid.self) {
            var settings = ServerSettings()
            try ConfigFile(path: "t.toml", text: "log_level = \"info\"\n\nsip = [unclosed\n").apply(to: &settings)
        }
        #expect(error?.issues.first?.line == 3)
        #expect(error?.description.hasPrefix("t.toml: line 3: not valid TOML") == true)
    }

    @Test("the example config in the repository is valid and holds the defaults")
    func exampleFile() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let path = root.appendingPathComponent("config/parley.example.toml").path
        var settings = ServerSettings()
        try ConfigFile(path: path).apply(to: &settings)
        let defaults = ServerSettings()
        #expect(settings.restartOnlyDifferences(from: defaults).isEmpty)
        #expect(settings.logLevel == defaults.logLevel && settings.drainSeconds == defaults.drainSeconds)
        #expect(settings.demoRoom == defaults.demoRoom && settings.trunkExpires == defaults.trunkExpires)
        // Every key the settings take appears in the example, set or commented out.
        let text = try String(contentsOfFile: path, encoding: .utf8)
        for key in ServerSettings.keys.map(\.canonical) {
            let name = key.split(separator: ".").last.map(String.init) ?? key
            #expect(text.contains("\(name) = "), "\(key) is missing from the example config")
        }
    }
}
