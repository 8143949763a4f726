import ArgumentParser
import Conference
import Logging
import PostgresRoomStore

/// `parley rooms add|list|remove`: edits the room store in a data directory.
struct RoomsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rooms",
        abstract: "Add, list and remove conference rooms.",
        subcommands: [Add.self, List.self, Show.self, Set.self, Remove.self]
    )

    struct DataOption: ParsableArguments {
        @Option(name: .long, help: "Data directory holding rooms.sqlite.")
        var data: String = "./data"
        @Option(name: .long, help: "A PostgreSQL room store, postgres://user@host:port/database, instead of --data.")
        var storeURL: String?

        /// The store these options name; PostgreSQL when --store-url is given.
        func open() throws -> any RoomStore {
            try openStore(directory: self.data, url: self.storeURL, logger: Logger(label: "parley.store"))
        }
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
        @Option(name: .customLong("option"), help: "A ConfBridge-style option name=value; repeatable.")
        var options: [String] = []
        @Option(help: "The in-call DTMF menu: keys=action pairs, e.g. '*1=toggle_mute,*#=leave_conference', or default.")
        var menu: String?

        func run() throws {
            let store = try self.data.open()
            var options = RoomOptions()
            let menu = try fail { () throws(ConferenceError) in try self.menu.map(RoomMenu.init(parsing:)) }
            try fail { () throws(ConferenceError) in try options.apply(self.options) }
            let room = RoomDefinition(
                name: self.name,
                extensionNumber: self.extensionNumber,
                pin: self.pin ?? PINGenerator.generate(length: self.pinLength),
                dids: self.did,
                musicOnHoldClass: self.musicOnHold,
                options: options,
                menu: menu ?? .standard
            )
            try fail { () throws(ConferenceError) in try store.insert(room) }
            print(describe(room))
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one room with all its options.")
        @OptionGroup var data: DataOption
        @Argument(help: "The room's extension.") var extensionNumber: String
        func run() throws {
            let store = try self.data.open()
            guard let room = try fail({ () throws(ConferenceError) in try store.room(extensionNumber: self.extensionNumber) })
            else { throw CLIError(message: "no room with extension \(self.extensionNumber)") }
            print(describe(room))
            for assignment in room.options.assignments { print("  \(assignment)") }
            print("  menu=\(room.menu)")
        }
    }

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Change a room: its name, PIN (or a new generated one), music class, options or menu."
        )
        @OptionGroup var data: DataOption
        @Argument(help: "The room's extension.") var extensionNumber: String
        @Option(help: "New name.") var name: String?
        @Option(help: "New PIN (digits).") var pin: String?
        @Flag(help: "Generate a new PIN.") var regeneratePin = false
        @Option(help: "Music-on-hold class.") var musicOnHold: String?
        @Option(name: .customLong("option"), help: "A ConfBridge-style option name=value; repeatable.")
        var options: [String] = []
        @Option(help: "The in-call DTMF menu: keys=action pairs, e.g. '*1=toggle_mute,*#=leave_conference', or default.")
        var menu: String?

        func run() throws {
            let store = try self.data.open()
            guard var room = try fail({ () throws(ConferenceError) in try store.room(extensionNumber: self.extensionNumber) })
            else { throw CLIError(message: "no room with extension \(self.extensionNumber)") }
            if let name = self.name { room.name = name }
            if let pin = self.pin { room.pin = pin }
            if self.regeneratePin { room.pin = PINGenerator.generate(length: max(6, room.pin.count)) }
            if let music = self.musicOnHold { room.musicOnHoldClass = music }
            try fail { () throws(ConferenceError) in try room.options.apply(self.options) }
            if let text = self.menu { room.menu = try fail { () throws(ConferenceError) in try RoomMenu(parsing: text) } }
            let changed = room
            try fail { () throws(ConferenceError) in try store.update(changed) }
            print(describe(changed))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List rooms.")
        @OptionGroup var data: DataOption
        func run() throws {
            let store = try self.data.open()
            let rooms = try fail { () throws(ConferenceError) in try store.allRooms() }
            for room in rooms { print(describe(room)) }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove the room with this extension.")
        @OptionGroup var data: DataOption
        @Argument(help: "The room's extension.") var extensionNumber: String
        func run() throws {
            let store = try self.data.open()
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
    if let max = room.options.maxMembers { line += " max_members \(max)" }
    return line
}

/// The room store of the settings: PostgreSQL when a store URL is given, else SQLite in `directory`.
func openStore(directory: String, url: String?, logger: Logger) throws -> any RoomStore {
    try fail { () throws(ConferenceError) -> any RoomStore in
        if let url { return try PostgresRoomStore(url: url, logger: logger) }
        return try SQLiteRoomStore(directory: directory)
    }
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
