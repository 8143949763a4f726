import ArgumentParser

/// The `parley` executable: serve the bridge, or manage rooms in a data directory.
@main
struct ParleyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parley",
        abstract: "Parley audio conference bridge: callers dial an extension, enter a PIN and talk.",
        subcommands: [ServeCommand.self, RoomsCommand.self]
    )
}
