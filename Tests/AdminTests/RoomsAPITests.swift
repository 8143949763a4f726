import Conference
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import ConfServer

@Suite("Admin API: rooms")
struct RoomsAPITests {
    @Test("POST /rooms generates a 6-digit PIN when absent, answers 201 and stores the room")
    func createGeneratesPIN() async throws {
        let fixture = try AdminFixture()
        defer { fixture.remove() }
        let room = try await fixture.test { client in
            try await client.execute(
                uri: "/api/v1/rooms",
                method: .post,
                body: AdminFixture.json(#"{"name":"Sales","extension":"1000","options":{"startmuted":true}}"#)
            ) { response throws in
                #expect(response.status == .created)
                return try AdminFixture.decode(RoomResource.self, response)
            }
        }
        #expect(room.pin.count == 6 && room.pin.allSatisfy(\.isNumber))
        #expect(room.options["startmuted"] == "true")
        let stored = try #require(try fixture.store.room(extensionNumber: "1000"))
        #expect(stored.pin == room.pin)
        #expect(stored.options.startMuted)
    }

    @Test("GET hides the PIN and admin PIN as ****** unless show_pin=true")
    func hidesPIN() async throws {
        let fixture = try AdminFixture()
        defer { fixture.remove() }
        var options = RoomOptions()
        options.adminPIN = "9999"
        try fixture.store.insert(RoomDefinition(name: "Ops", extensionNumber: "2000", pin: "4321", options: options))
        try await fixture.test { client in
            try await client.execute(uri: "/api/v1/rooms/2000", method: .get) { response throws in
                let room = try AdminFixture.decode(RoomResource.self, response)
                #expect(room.pin == "******")
                #expect(room.options["admin_pin"] == "******")
            }
            try await client.execute(uri: "/api/v1/rooms/2000?show_pin=true", method: .get) { response throws in
                let room = try AdminFixture.decode(RoomResource.self, response)
                #expect(room.pin == "4321")
                #expect(room.options["admin_pin"] == "9999")
            }
            try await client.execute(uri: "/api/v1/rooms", method: .get) { response throws in
                let list = try AdminFixture.decode(RoomList.self, response)
                #expect(list.rooms.map(\.pin) == ["******"])
            }
            try await client.execute(uri: "/api/v1/rooms?show_pin=maybe", method: .get) { response throws in
                #expect(response.status == .badRequest)
                #expect(try AdminFixture.problem(response).type == "/api/v1/problems/malformed-request")
            }
        }
    }

    @Test(
        "invalid input is refused with a problem document that names the fault, and nothing is stored",
        arguments: [
            (#"{"name":"Bad","extension":"1000","pin":"12a4"}"#, 422, "invalid-pin", "PIN must be"),
            (#"{"name":"Bad","extension":"10x0"}"#, 422, "invalid-room", "extension"),
            (#"{"name":"Bad","extension":"1000","options":{"loudness":"11"}}"#, 422, "invalid-room", "unknown room option"),
            (#"{"name":"Bad","extension":"1000","options":{"startmuted":"perhaps"}}"#, 422, "invalid-room", "startmuted"),
            (#"{"extension":"1000"}"#, 422, "invalid-room", "'name' is required"),
            (#"{"name":"Bad","extension":"1000","pin_length":2}"#, 422, "invalid-pin", "pin_length"),
            (#"{"name": 12"#, 400, "malformed-request", ""),
        ]
    )
    func invalidInput(body: String, status: Int, code: String, detail: String) async throws {
        let fixture = try AdminFixture()
        defer { fixture.remove() }
        try await fixture.test { client in
            try await client.execute(uri: "/api/v1/rooms", method: .post, body: AdminFixture.json(body)) { response throws in
                #expect(Int(response.status.code) == status)
                let problem = try AdminFixture.problem(response)
                #expect(problem.type == "/api/v1/problems/\(code)")
                #expect(!problem.title.isEmpty)
                #expect(detail.isEmpty || problem.detail.contains(detail), "\(problem.detail)")
            }
        }
        #expect(try fixture.store.allRooms().isEmpty)
    }

    @Test("a duplicate extension is refused with 409")
    func duplicateExtension() async throws {
        let fixture = try AdminFixture()
        defer { fixture.remove() }
        try fixture.store.insert(RoomDefinition(name: "A", extensionNumber: "1000", pin: "1111"))
        try await fixture.test { client in
            try await client.execute(
                uri: "/api/v1/rooms",
                method: .post,
                body: AdminFixture.json(#"{"name":"B","extension":"1000"}"#)
            ) { response throws in
                #expect(response.status == .conflict)
                #expect(try AdminFixture.problem(response).type == "/api/v1/problems/duplicate-extension")
            }
        }
        #expect(try fixture.store.room(extensionNumber: "1000")?.name == "A")
    }

    @Test("PATCH with one bad field changes nothing (never half-applied)")
    func patchIsAtomic() async throws {
        let fixture = try AdminFixture()
        defer { fixture.remove() }
        let original = RoomDefinition(name: "Ops", extensionNumber: "3000", pin: "5555")
        try fixture.store.insert(original)
        try await fixture.test { client in
            try await client.execute(
                uri: "/api/v1/rooms/3000",
                method: .patch,
                body: AdminFixture.json(#"{"name":"Renamed","options":{"denoise":"yes","bogus":"1"}}"#)
            ) { response throws in
                #expect(response.status == .unprocessableContent)
            }
            try await client.execute(
                uri: "/api/v1/rooms/3000",
                method: .patch,
                body: AdminFixture.json(#"{"name":"Renamed","pin":"12ab"}"#)
            ) { response throws in
                #expect(response.status == .unprocessableContent)
            }
        }
        #expect(try fixture.store.room(extensionNumber: "3000") == original)
        #expect(fixture.live.reloaded.isEmpty)
    }

    @Test("PATCH changes the given fields, merges options and tells the live room")
    func patchMerges() async throws {
        let fixture = try AdminFixture()
        defer { fixture.remove() }
        var options = RoomOptions()
        options.maxMembers = 5
        try fixture.store.insert(RoomDefinition(name: "Ops", extensionNumber: "3000", pin: "5555", options: options))
        try await fixture.test { client in
            try await client.execute(
                uri: "/api/v1/rooms/3000",
                method: .patch,
                body: AdminFixture.json(#"{"name":"Renamed","options":{"denoise":true}}"#)
            ) { response throws in
                #expect(response.status == .ok)
                let room = try AdminFixture.decode(RoomResource.self, response)
                #expect(room.name == "Renamed")
                #expect(room.pin == "******")
            }
        }
        let stored = try #require(try fixture.store.room(extensionNumber: "3000"))
        #expect(stored.name == "Renamed" && stored.pin == "5555")
        #expect(stored.options.denoise && stored.options.maxMembers == 5)
        #expect(fixture.live.reloaded == ["3000"])
    }

    @Test("PUT replaces the room, keeps an absent PIN, and refuses a different extension")
    func putReplaces() async throws {
        let fixture = try AdminFixture()
        defer { fixture.remove() }
        var options = RoomOptions()
        options.denoise = true
        try fixture.store.insert(
            RoomDefinition(name: "Ops", extensionNumber: "3000", pin: "5555", dids: ["+15551234"], options: options)
        )
        try await fixture.test { client in
            try await client.execute(
                uri: "/api/v1/rooms/3000",
                method: .put,
                body: AdminFixture.json(#"{"name":"New","extension":"3001"}"#)
            ) { response throws in
                #expect(response.status == .unprocessableContent)
            }
            try await client.execute(
                uri: "/api/v1/rooms/3000",
                method: .put,
                body: AdminFixture.json(#"{"name":"New","options":{"max_members":3}}"#)
            ) { response throws in
                #expect(response.status == .ok)
            }
        }
        let stored = try #require(try fixture.store.room(extensionNumber: "3000"))
        #expect(stored.name == "New" && stored.pin == "5555" && stored.dids.isEmpty)
        #expect(!stored.options.denoise && stored.options.maxMembers == 3)
    }

    @Test("DELETE answers 204, then 404 for the same room")
    func delete() async throws {
        let fixture = try AdminFixture()
        defer { fixture.remove() }
        try fixture.store.insert(RoomDefinition(name: "Ops", extensionNumber: "3000", pin: "5555"))
        try await fixture.test { client in
            try await client.execute(uri: "/api/v1/rooms/3000", method: .delete) { response throws in
                #expect(response.status == .noContent)
            }
            try await client.execute(uri: "/api/v1/rooms/3000", method: .delete) { response throws in
                #expect(response.status == .notFound)
                #expect(try AdminFixture.problem(response).type == "/api/v1/problems/room-not-found")
            }
            try await client.execute(uri: "/api/v1/rooms/3000", method: .get) { response throws in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test("POST /rooms/{ext}/pin/regenerate stores and shows a new PIN of at least 6 digits")
    func regeneratePIN() async throws {
        let fixture = try AdminFixture()
        defer { fixture.remove() }
        try fixture.store.insert(RoomDefinition(name: "Ops", extensionNumber: "3000", pin: "5555"))
        let room = try await fixture.test { client in
            try await client.execute(uri: "/api/v1/rooms/3000/pin/regenerate", method: .post) { response throws in
                #expect(response.status == .ok)
                return try AdminFixture.decode(RoomResource.self, response)
            }
        }
        #expect(room.pin.count == 6 && room.pin != "5555")
        #expect(try fixture.store.room(extensionNumber: "3000")?.pin == room.pin)
    }
}
