import Conference
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import ConfServer

@Suite("Admin API: live rooms")
struct LiveAPITests {
    /// A stored room 4000 with two callers, P1 and P2, in it.
    static func liveFixture() throws -> AdminFixture {
        let fixture = try AdminFixture()
        try fixture.store.insert(RoomDefinition(name: "Live", extensionNumber: "4000", pin: "1234"))
        fixture.live.put(
            LiveRoomView(
                room: "4000",
                live: true,
                locked: false,
                recording: nil,
                participants: [FakeLiveRooms.caller(1), FakeLiveRooms.caller(2)],
                lateTicks: 3
            )
        )
        return fixture
    }

    @Test("participants lists the callers; an empty stored room is not live; an unknown room is 404")
    func participants() async throws {
        let fixture = try Self.liveFixture()
        defer { fixture.remove() }
        try fixture.store.insert(RoomDefinition(name: "Quiet", extensionNumber: "4001", pin: "1234"))
        try await fixture.test { client in
            try await client.execute(uri: "/api/v1/rooms/4000/participants", method: .get) { response throws in
                let view = try AdminFixture.decode(LiveRoomView.self, response)
                #expect(view.live && view.participants.map(\.id) == ["P1", "P2"])
            }
            try await client.execute(uri: "/api/v1/rooms/4001/participants", method: .get) { response throws in
                let view = try AdminFixture.decode(LiveRoomView.self, response)
                #expect(!view.live && view.participants.isEmpty)
            }
            try await client.execute(uri: "/api/v1/rooms/4999/participants", method: .get) { response throws in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test("mute and unmute answer the caller's new state; an unknown caller is 404")
    func muteUnmute() async throws {
        let fixture = try Self.liveFixture()
        defer { fixture.remove() }
        try await fixture.test { client in
            try await client.execute(uri: "/api/v1/rooms/4000/participants/P2/mute", method: .post) { response throws in
                #expect(try AdminFixture.decode(LiveRoomView.Participant.self, response).muted)
            }
            try await client.execute(uri: "/api/v1/rooms/4000/participants/2/unmute", method: .post) { response throws in
                #expect(try !AdminFixture.decode(LiveRoomView.Participant.self, response).muted)
            }
            try await client.execute(uri: "/api/v1/rooms/4000/participants/P9/mute", method: .post) { response throws in
                #expect(response.status == .notFound)
                #expect(try AdminFixture.problem(response).type == "/api/v1/problems/participant-not-found")
            }
            try await client.execute(uri: "/api/v1/rooms/4000/participants/x%2E/mute", method: .post) { response throws in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test("kick removes a caller with 204")
    func kick() async throws {
        let fixture = try Self.liveFixture()
        defer { fixture.remove() }
        try await fixture.test { client in
            try await client.execute(uri: "/api/v1/rooms/4000/participants/P1", method: .delete) { response throws in
                #expect(response.status == .noContent)
            }
            try await client.execute(uri: "/api/v1/rooms/4000/participants/P1", method: .delete) { response throws in
                #expect(response.status == .notFound)
            }
        }
        #expect(try await fixture.live.participants(room: "4000")?.participants.map(\.id) == ["P2"])
    }

    @Test("lock and unlock a live room; an empty room answers 409")
    func lockUnlock() async throws {
        let fixture = try Self.liveFixture()
        defer { fixture.remove() }
        try fixture.store.insert(RoomDefinition(name: "Quiet", extensionNumber: "4001", pin: "1234"))
        try await fixture.test { client in
            try await client.execute(uri: "/api/v1/rooms/4000/lock", method: .post) { response throws in
                #expect(try AdminFixture.decode(LiveRoomView.self, response).locked)
            }
            try await client.execute(uri: "/api/v1/rooms/4000/unlock", method: .post) { response throws in
                #expect(try !AdminFixture.decode(LiveRoomView.self, response).locked)
            }
            try await client.execute(uri: "/api/v1/rooms/4001/lock", method: .post) { response throws in
                #expect(response.status == .conflict)
                #expect(try AdminFixture.problem(response).type == "/api/v1/problems/room-not-live")
            }
        }
    }

    @Test("recording start and stop; start on an empty room is 409; with recording off it is 409 too")
    func recording() async throws {
        let fixture = try Self.liveFixture()
        defer { fixture.remove() }
        try fixture.store.insert(RoomDefinition(name: "Quiet", extensionNumber: "4001", pin: "1234"))
        try await fixture.test { client in
            try await client.execute(uri: "/api/v1/rooms/4000/recording/start", method: .post) { response throws in
                #expect(try AdminFixture.decode(LiveRoomView.self, response).recording == "room-4000.wav")
            }
            try await client.execute(uri: "/api/v1/rooms/4000/recording/stop", method: .post) { response throws in
                #expect(try AdminFixture.decode(LiveRoomView.self, response).recording == nil)
            }
            try await client.execute(uri: "/api/v1/rooms/4001/recording/start", method: .post) { response throws in
                #expect(response.status == .conflict)
            }
        }
        let off = try AdminFixture(recordings: false)
        defer { off.remove() }
        try off.store.insert(RoomDefinition(name: "Live", extensionNumber: "4000", pin: "1234"))
        try await off.test { client in
            try await client.execute(uri: "/api/v1/rooms/4000/recording/start", method: .post) { response throws in
                #expect(try AdminFixture.problem(response).type == "/api/v1/problems/recording-unavailable")
            }
        }
    }

    @Test("dial-out checks its body before calling: no target 400, a number without a trunk 422, a host name 422")
    func dialOut() async throws {
        let fixture = try Self.liveFixture()
        defer { fixture.remove() }
        try await fixture.test { client in
            for (body, status, says) in [
                (#"{"number":"5551234"}"#, HTTPResponse.Status.badRequest, "target"),
                (#"{"target":"5551234"}"#, .unprocessableContent, "no trunk"),
                (#"{"target":"sip:bob@pbx.example.com"}"#, .unprocessableContent, "IP address"),
                (#"{"target":"tel:+15551234"}"#, .unprocessableContent, "sip: URI"),
                (#"{"target":"sip:bob@192.0.2.1","ring_timeout":0}"#, .unprocessableContent, "ring_timeout"),
                // The fake bridge cannot place calls: a good request reaches it and gets its 501.
                (#"{"target":"sip:bob@192.0.2.1:5070"}"#, .notImplemented, "cannot place calls"),
            ] {
                try await client.execute(
                    uri: "/api/v1/rooms/4000/dial-out",
                    method: .post,
                    body: AdminFixture.json(body)
                ) { response throws in
                    #expect(response.status == status, "\(body)")
                    #expect(try AdminFixture.problem(response).detail.contains(says), "\(body)")
                }
            }
        }
    }
}
