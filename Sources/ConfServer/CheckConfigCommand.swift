import ArgumentParser
import Foundation

/// `parley check-config FILE`: validates a config file without starting anything.
///
/// Lists every problem, each with its line and key, and exits 1; prints the settings it would use and exits 0
/// when the file is good. Meant for deployment scripts and for `ExecStartPre=` in the systemd unit.
struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Check a config file: name each bad key and its line, or print the settings it gives.",
        discussion: """
            Exit status 0 when the file is valid, 1 when it is not (each problem is printed as \\
            FILE: line N: KEY: what is wrong). config/parley.example.toml lists every setting.
            """
    )

    @Argument(help: ArgumentHelp("The TOML config file to check.", valueName: "file")) var file: String

    func run() throws {
        var settings = ServerSettings()
        do {
            try ConfigFile(path: self.file).apply(to: &settings)
            try settings.checkAdmin()
        } catch let invalid as ConfigFile.Invalid {
            printError(invalid.description)
            throw ExitCode(1)
        } catch {
            printError("\(error)")
            throw ExitCode(1)
        }
        print("\(self.file): OK")
        print("  sip.listen = \(settings.sipHost):\(settings.sipPort), rtp.ports = \(settings.rtpPorts)")
        print(
            "  data = \(settings.dataDirectory), log_level = \(settings.logLevel), drain_seconds = \(settings.drainSeconds)"
        )
        print("  admin.listen = \(settings.adminHost.map { "\($0):\(settings.adminPort)" } ?? "off")")
    }
}

/// Writes a line to standard error.
func printError(_ line: String) {
    var standardError = StandardError()
    print(line, to: &standardError)
}

private struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandle.standardError.write(Data(string.utf8))
    }
}
