import Conference
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOPosix
import Testing

@testable import ConfServer

/// `POST /rooms/{ext}/dial-out` against a real bridge on 127.0.0.1, with sipp answering as the callee.
@Suite("Admin API: dial-out", .serialized, .timeLimit(.minutes(2)))
struct DialOutAPITests {
    @Test("a bad target is refused naming it; sipp answers and is seated; no answer is cancelled after ring_timeout")
    func dialOut() async throws {
        let live = try await LiveBridgeFixture.start(
            room: RoomDefinition(name: "Dial", extensionNumber: "7200", pin: "2468")
        )
        let (bridge, environment) = (live.bridge, live.environment)
        let port = Int.random(in: 36000..<37000)
        let sipp = Process()
        sipp.executableURL = URL(fileURLWithPath: "/usr/bin/sipp")
        sipp.currentDirectoryURL = URL(fileURLWithPath: NSTemporaryDirectory())
        sipp.arguments = [
            "-sn", "uas", "-i", "127.0.0.1", "-p", String(port), "-mp", String(port + 2), "-m", "1",
            "-timeout", "40s", "-timeout_error", "-nostdin",
        ]
        sipp.standardOutput = FileHandle.nullDevice
        sipp.standardError = FileHandle.nullDevice
        try sipp.run()
        defer { sipp.terminate() }
        try await Task.sleep(for: .milliseconds(500))

        let application = Application(router: AdminRouter.build(environment))
        try await application.test(.router) { client in
            func dial(_ body: String) async throws -> TestResponse {
                try await client.execute(
                    uri: "/api/v1/rooms/7200/dial-out",
                    method: .post,
                    headers: [.authorization: "Bearer \(AdminFixture.token)", .contentType: "application/json"],
                    body: AdminFixture.json(body)
                )
            }
            let named = try await dial(#"{"target": "sip:alice@example.com"}"#)
            #expect(named.status == .unprocessableContent)
            #expect(try AdminFixture.problem(named).detail.contains("IP address"))
            let long = try await dial(#"{"target": "sip:alice@127.0.0.1", "ring_timeout": 600}"#)
            #expect(try AdminFixture.problem(long).detail.contains("ring_timeout"))

            let answered = try await dial(#"{"target": "sip:callee@127.0.0.1:\#(port)", "display_name": "Callee"}"#)
            #expect(answered.status == .ok)
            let view = try AdminFixture.decode(LiveRoomView.self, answered)
            #expect(view.live && view.participants.count == 1)
            #expect(view.participants.first?.name == "Callee")

            // Nobody answers at this port: the call is cancelled after one second, and the API says so.
            let started = ContinuousClock.now
            let silent = try await dial(#"{"target": "sip:nobody@127.0.0.1:\#(port + 10)", "ring_timeout": 1}"#)
            #expect(silent.status == .gatewayTimeout)
            #expect(ContinuousClock.now - started < .seconds(5))
        }
        let seated = try #require(try await bridge.participants(room: "7200")?.members.first?.id)
        #expect(try await bridge.kick(participant: seated, room: "7200"))
        sipp.waitUntilExit()
        #expect(sipp.terminationStatus == 0, "sipp's call ended with Parley's BYE")
        try await live.stop()
    }
}
