import Foundation
import GRDB
import Testing

@testable import Conference

@Suite("SQLite room store")
struct RoomStoreTests {
    func temporaryDirectory() -> String {
        NSTemporaryDirectory() + "parley-store-\(UUID().uuidString)"
    }

    @Test("Rooms survive reopening the store")
    func durable() throws {
        let directory = self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            let store = try SQLiteRoomStore(directory: directory)
            try store.insert(RoomDefinition(name: "A", extensionNumber: "100", pin: "1", dids: ["+4930123"]))
            try store.insert(RoomDefinition(name: "B", extensionNumber: "200", pin: "22"))
        }
        let reopened = try SQLiteRoomStore(directory: directory)
        let rooms = try reopened.allRooms()
        #expect(rooms.map(\.extensionNumber) == ["100", "200"])
        #expect(try reopened.room(extensionNumber: "+4930123")?.name == "A", "a DID reaches its room")
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

    @Test("Duplicate extensions and DIDs are refused, and nothing is half-written")
    func duplicates() throws {
        let directory = self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try SQLiteRoomStore(directory: directory)
        try store.insert(RoomDefinition(name: "A", extensionNumber: "100", pin: "1", dids: ["555"]))
        #expect(throws: ConferenceError(.duplicateExtension, "")) {
            try store.insert(RoomDefinition(name: "B", extensionNumber: "100", pin: "1"))
        }
        #expect(throws: ConferenceError(.duplicateExtension, "")) {
            try store.insert(RoomDefinition(name: "C", extensionNumber: "300", pin: "1", dids: ["555"]))
        }
        #expect(try store.room(extensionNumber: "300") == nil)
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

    @Test("Update and remove")
    func updateRemove() throws {
        let directory = self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try SQLiteRoomStore(directory: directory)
        try store.insert(RoomDefinition(name: "A", extensionNumber: "100", pin: "1"))
        var changed = try #require(try store.room(extensionNumber: "100"))
        changed.pin = "987654"
        try store.update(changed)
        #expect(try store.room(extensionNumber: "100")?.pin == "987654")
        #expect(try store.remove(extensionNumber: "100"))
        #expect(try !store.remove(extensionNumber: "100"))
        #expect(throws: ConferenceError(.roomNotFound, "")) { try store.update(changed) }
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
