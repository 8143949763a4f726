import ArgumentParser

/// `parley version`: prints the version, for bug reports and deployment checks.
struct VersionCommand: ParsableCommand {
    /// Parley's version; kept in step with the newest heading of CHANGELOG.md.
    static let version = "0.1.0-dev"

    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Print Parley's version."
    )

    func run() {
        print("parley \(Self.version)")
    }
}
