import ArgumentParser
import Conference

/// `parley rooms add|list|remove`: edits the room store in a data directory.
struct RoomsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rooms",
        abstract: "Add, list and remove conference rooms.",
        subcommands: [Add.self, List.self, Remove.self]
    )

    struct DataOption: ParsableArguments {
        @Option(name: .long, help: "Data directory holding rooms.sqlite.")
        var data: String = "./data"
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a room; prints it with its PIN.")
        @OptionGroup var data: DataOption
        @Option(help: "Room name.") var name: String
        @Option(name: .customLong("extension"), help: "The number callers dial (digits).") var extensionNumber: String
        @Option(help: "PIN (digits); generated when omitted.") var pin: String?
        @Option(help: "PIN length when generated.") var pinLength: Int = 6
        @Option(help: "A trunk number (DID) that reaches the room; repeatable.") var did: [String] = []
        @Option(help: "Music-on-hold class.") var musicOnHold: String = "default"
        @Option(help: "Maximum members (ConfBridge max_members).") var maxMembers: Int?

        func run() throws {
            let store = try openStore(self.data.data)
            let room = RoomDefinition(
                name: self.name,
                extensionNumber: self.extensionNumber,
                pin: self.pin ?? PINGenerator.generate(length: self.pinLength),
                dids: self.did,
                musicOnHoldClass: self.musicOnHold,
                maxMembers: self.maxMembers
            )
            try fail { () throws(ConferenceError) in try store.insert(room) }
            print(describe(room))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List rooms.")
        @OptionGroup var data: DataOption
        func run() throws {
            let store = try openStore(self.data.data)
            let rooms = try fail { () throws(ConferenceError) in try store.allRooms() }
            for room in rooms { print(describe(room)) }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove the room with this extension.")
        @OptionGroup var data: DataOption
        @Argument(help: "The room's extension.") var extensionNumber: String
        func run() throws {
            let store = try openStore(self.data.data)
            let removed = try fail { () throws(ConferenceError) in try store.remove(extensionNumber: self.extensionNumber) }
            guard removed else { throw ValidationError("no room with extension \(self.extensionNumber)") }
            print("removed room \(self.extensionNumber)")
        }
    }
}

/// One line per room, the same in `add` and `list`.
func describe(_ room: RoomDefinition) -> String {
    var line = "room \"\(room.name)\" extension \(room.extensionNumber) pin \(room.pin)"
    if !room.dids.isEmpty { line += " dids \(room.dids.joined(separator: ","))" }
    line += " moh \(room.musicOnHoldClass)"
    if let max = room.maxMembers { line += " max_members \(max)" }
    return line
}

func openStore(_ directory: String) throws -> SQLiteRoomStore {
    try fail { () throws(ConferenceError) in try SQLiteRoomStore(directory: directory) }
}

/// Turns a conference error into a one-line error and a non-zero exit.
func fail<T>(_ body: () throws(ConferenceError) -> T) throws -> T {
    do {
        return try body()
    } catch {
        throw CLIError(message: error.reason)
    }
}

/// An error printed as one line ("Error: ...") with exit code 1, never a stack trace.
struct CLIError: Error, CustomStringConvertible {
    var message: String
    var description: String { self.message }
}
