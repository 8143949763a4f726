import ArgumentParser

/// The `parley` executable: serve the bridge, or manage rooms in a data directory.
@main
struct ParleyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parley",
        abstract: "Parley audio conference bridge: callers dial an extension, enter a PIN and talk.",
        discussion: """
            Start with `parley serve --demo-room` and call sip:1000@127.0.0.1 from a SIP phone; the PIN is \
            printed at start. `parley help COMMAND` explains each command.
            """,
        version: VersionCommand.version,
        subcommands: [ServeCommand.self, RoomsCommand.self, CheckConfigCommand.self, VersionCommand.self]
    )
}
