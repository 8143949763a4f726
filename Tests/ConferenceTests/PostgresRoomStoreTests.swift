import Conference
import Foundation
import PostgresRoomStore
import Testing

@Suite("PostgreSQL room store")
struct PostgresRoomStoreTests {
    /// Polls `condition` every 20 ms for up to `seconds`; the other node learns of a change through NOTIFY.
    func eventually(within seconds: Double = 1, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        repeat {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.02)
        } while Date() < deadline
        return try condition()
    }

    @Test(
        "Two stores on one database see each other's rooms within a second",
        .enabled(if: PostgresTestServer.isInstalled)
    )
    func twoNodes() throws {
        let url = try PostgresTestServer.shared.get().newDatabase()
        let first = try PostgresRoomStore(url: url)
        defer { first.close() }
        let second = try PostgresRoomStore(url: url)
        defer { second.close() }

        try first.insert(RoomDefinition(name: "Sales", extensionNumber: "100", pin: "1234", dids: ["4930100"]))
        #expect(try self.eventually { try second.room(extensionNumber: "4930100")?.name == "Sales" })

        var changed = try #require(try second.room(extensionNumber: "100"))
        changed.pin = "999999"
        try second.update(changed)
        #expect(try self.eventually { try first.room(extensionNumber: "100")?.pin == "999999" })

        // The duplicate check holds across nodes: the second node refuses what the first one holds.
        #expect(throws: ConferenceError(.duplicateExtension, "")) {
            try second.insert(RoomDefinition(name: "Other", extensionNumber: "4930100", pin: "1"))
        }

        try second.insert(RoomDefinition(name: "Support", extensionNumber: "200", pin: "2"))
        #expect(try first.remove(extensionNumber: "100"))
        #expect(try self.eventually { try second.allRooms().map(\.extensionNumber) == ["200"] })
        #expect(try first.allRooms().map(\.extensionNumber) == ["200"])
        #expect(first.version == second.version, "both copies are of the same change")
    }

    @Test("A third node started later loads every room", .enabled(if: PostgresTestServer.isInstalled))
    func lateJoiner() throws {
        let url = try PostgresTestServer.shared.get().newDatabase()
        let first = try PostgresRoomStore(url: url)
        defer { first.close() }
        for number in 1...20 {
            try first.insert(RoomDefinition(name: "R\(number)", extensionNumber: "\(number)", pin: "1"))
        }
        let late = try PostgresRoomStore(url: url)
        defer { late.close() }
        #expect(try late.allRooms().count == 20)
        #expect(late.version == 20)
    }

    @Test("An unreachable database fails with a store failure naming it")
    func unreachable() throws {
        #expect(throws: ConferenceError(.storeFailure, "")) {
            try PostgresRoomStore(url: "postgres://parley@127.0.0.1:1/rooms")
        }
    }

    @Test("Store URLs: TCP, Unix socket, defaults and the password kept out of the description")
    func urls() throws {
        let tcp = try PostgresStoreURL("postgres://parley:s%40cret@db.example:6543/conf")
        #expect(tcp.host == "db.example" && tcp.port == 6543 && tcp.database == "conf")
        #expect(tcp.username == "parley" && tcp.password == "s@cret")
        #expect(!tcp.description.contains("cret"))
        let socket = try PostgresStoreURL("postgresql://parley@/conf?host=/run/postgresql")
        #expect(socket.socketDirectory == "/run/postgresql" && socket.database == "conf")
        let bare = try PostgresStoreURL("postgres://localhost")
        #expect(bare.username == "postgres" && bare.database == "postgres" && bare.port == 5432 && !bare.requireTLS)
        #expect(try PostgresStoreURL("postgres://h/d?sslmode=require").requireTLS)
        #expect(throws: ConferenceError(.storeFailure, "")) { try PostgresStoreURL("mysql://h/d") }
        #expect(throws: ConferenceError(.storeFailure, "")) { try PostgresStoreURL("postgres://h/d?sslmode=maybe") }
    }
}
