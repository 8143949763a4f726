import Foundation
import GRDB
import PostgresRoomStore
import Testing

@testable import Conference

/// Where a store under test keeps its rooms; both stores pass the same cases.
enum RoomStoreBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    /// The backends this machine can run: PostgreSQL needs Debian's postgresql (`make deps` installs it).
    static var available: [RoomStoreBackend] { PostgresTestServer.isInstalled ? allCases : [.sqlite] }

    var testDescription: String { self == .sqlite ? "SQLite" : "PostgreSQL" }

    /// A new, empty place for rooms: a directory, or a database on the test server.
    func newLocation() throws -> String {
        switch self {
        case .sqlite: return NSTemporaryDirectory() + "parley-store-\(UUID().uuidString)"
        case .postgres: return try PostgresTestServer.shared.get().newDatabase()
        }
    }

    func open(_ location: String) throws -> any RoomStore {
        switch self {
        case .sqlite: return try SQLiteRoomStore(directory: location)
        case .postgres: return try PostgresRoomStore(url: location)
        }
    }

    func close(_ store: any RoomStore) {
        (store as? PostgresRoomStore)?.close()
    }

    func discard(_ location: String) {
        if self == .sqlite { try? FileManager.default.removeItem(atPath: location) }
    }
}

@Suite("Room stores")
struct RoomStoreTests {
    func temporaryDirectory() -> String {
        NSTemporaryDirectory() + "parley-store-\(UUID().uuidString)"
    }

    @Test("Rooms survive reopening the store", arguments: RoomStoreBackend.available)
    func durable(backend: RoomStoreBackend) throws {
        let location = try backend.newLocation()
        defer { backend.discard(location) }
        let menu = try RoomMenu(parsing: "#1=toggle_mute,#9=leave_conference")
        var options = RoomOptions()
        options.maxMembers = 12
        do {
            let store = try backend.open(location)
            defer { backend.close(store) }
            try store.insert(RoomDefinition(name: "A", extensionNumber: "100", pin: "1", dids: ["+4930123"]))
            try store.insert(
                RoomDefinition(name: "B", extensionNumber: "200", pin: "22", options: options, menu: menu)
            )
        }
        let reopened = try backend.open(location)
        defer { backend.close(reopened) }
        let rooms = try reopened.allRooms()
        #expect(rooms.map(\.extensionNumber) == ["100", "200"])
        #expect(try reopened.room(extensionNumber: "+4930123")?.name == "A", "a DID reaches its room")
        #expect(try reopened.room(extensionNumber: "200")?.menu == menu)
        #expect(try reopened.room(extensionNumber: "200")?.options.maxMembers == 12)
        #expect(try reopened.room(extensionNumber: "300") == nil)
    }

    @Test("A room's menu is stored; rooms from before menus existed get the default menu")
    func menus() throws {
        let directory = self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        do {
            // A store written by the first schema, before the menu column.
            let queue = try DatabaseQueue(path: directory + "/rooms.sqlite")
            try SQLiteRoomStore.migrator.migrate(queue, upTo: "v1: rooms")
            try queue.write { db in
                try db.execute(sql: "INSERT INTO room (extension, name, pin) VALUES ('100', 'Old', '1')")
            }
        }
        let store = try SQLiteRoomStore(directory: directory)
        #expect(try store.room(extensionNumber: "100")?.menu == .standard)
        let menu = try RoomMenu(parsing: "#1=toggle_mute,#9=leave_conference")
        try store.insert(RoomDefinition(name: "New", extensionNumber: "200", pin: "2", menu: menu))
        #expect(try SQLiteRoomStore(directory: directory).room(extensionNumber: "200")?.menu == menu)
        let memory = try InMemoryRoomStore([RoomDefinition(name: "M", extensionNumber: "300", pin: "3", menu: menu)])
        #expect(try memory.room(extensionNumber: "300")?.menu == menu)
    }

    @Test(
        "Duplicate extensions and DIDs are refused, and nothing is half-written",
        arguments: RoomStoreBackend.available
    )
    func duplicates(backend: RoomStoreBackend) throws {
        let location = try backend.newLocation()
        defer { backend.discard(location) }
        let store = try backend.open(location)
        defer { backend.close(store) }
        try store.insert(RoomDefinition(name: "A", extensionNumber: "100", pin: "1", dids: ["555"]))
        #expect(throws: ConferenceError(.duplicateExtension, "")) {
            try store.insert(RoomDefinition(name: "B", extensionNumber: "100", pin: "1"))
        }
        #expect(throws: ConferenceError(.duplicateExtension, "")) {
            try store.insert(RoomDefinition(name: "C", extensionNumber: "300", pin: "1", dids: ["555"]))
        }
        #expect(throws: ConferenceError(.duplicateExtension, "")) {
            try store.insert(RoomDefinition(name: "D", extensionNumber: "555", pin: "1"))
        }
        #expect(try store.room(extensionNumber: "300") == nil)
        #expect(try store.allRooms().map(\.name) == ["A"])
    }

    @Test(
        "Invalid rooms are refused with the field named",
        arguments: [
            RoomDefinition(name: "", extensionNumber: "1", pin: "1"),
            RoomDefinition(name: "A", extensionNumber: "12a", pin: "1"),
            RoomDefinition(name: "A", extensionNumber: "1", pin: ""),
            RoomDefinition(name: "A", extensionNumber: "1", pin: "12 3"),
            RoomDefinition(name: "A", extensionNumber: "1", pin: "1", musicOnHoldClass: "../etc"),
        ]
    )
    func invalid(room: RoomDefinition) throws {
        #expect(throws: ConferenceError.self) { try room.validate() }
    }

    @Test("Update and remove", arguments: RoomStoreBackend.available)
    func updateRemove(backend: RoomStoreBackend) throws {
        let location = try backend.newLocation()
        defer { backend.discard(location) }
        let store = try backend.open(location)
        defer { backend.close(store) }
        try store.insert(RoomDefinition(name: "A", extensionNumber: "100", pin: "1", dids: ["700"]))
        try store.insert(RoomDefinition(name: "B", extensionNumber: "200", pin: "2", dids: ["800"]))
        var changed = try #require(try store.room(extensionNumber: "100"))
        changed.pin = "987654"
        changed.dids = ["701"]
        try store.update(changed)
        #expect(try store.room(extensionNumber: "100")?.pin == "987654")
        #expect(try store.room(extensionNumber: "701")?.name == "A", "the new DID reaches the room")
        #expect(try store.room(extensionNumber: "700") == nil, "the old DID is gone")
        var taking = changed
        taking.dids = ["800"]
        #expect(throws: ConferenceError(.duplicateExtension, "")) { try store.update(taking) }
        #expect(try store.room(extensionNumber: "701")?.name == "A", "a refused update changes nothing")
        #expect(try store.remove(extensionNumber: "100"))
        #expect(try !store.remove(extensionNumber: "100"))
        #expect(throws: ConferenceError(.roomNotFound, "")) { try store.update(changed) }
        #expect(try store.allRooms().map(\.extensionNumber) == ["200"])
    }

    @Test("A data path that is a file is refused")
    func notADirectory() throws {
        let path = self.temporaryDirectory()
        _ = FileManager.default.createFile(atPath: path, contents: Data())
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: ConferenceError(.storeFailure, "")) { try SQLiteRoomStore(directory: path) }
    }
}

@Suite("PIN generation")
struct PINGeneratorTests {
    @Test("PINs are digits of the asked length and vary")
    func shape() {
        var seen = Set<String>()
        for _ in 0..<200 {
            let pin = PINGenerator.generate()
            #expect(pin.count == 6)
            #expect(pin.allSatisfy { $0.isNumber })
            seen.insert(pin)
        }
        #expect(seen.count > 190)
        #expect(PINGenerator.generate(length: 0).count == 1)
    }

    @Test("Every digit appears in every position")
    func uniform() {
        var counts = [[Int]](repeating: [Int](repeating: 0, count: 10), count: 6)
        for _ in 0..<3000 {
            for (position, digit) in PINGenerator.generate().enumerated() {
                counts[position][Int(String(digit)) ?? 0] += 1
            }
        }
        for position in counts { for count in position { #expect(count > 200 && count < 420) } }
    }
}
