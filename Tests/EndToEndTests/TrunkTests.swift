import Conference
import Foundation
import NIOCore
import NIOPosix
import ParleyCaller
import SIPCore
import Testing

/// The trunk path and the stream transports, with sipp as the trunk: it is the registrar that challenges
/// Parley's REGISTER with digest authentication, and then the caller that reaches a room on its DID.
@Suite("End to end: trunk and TCP", .serialized, .timeLimit(.minutes(2)))
struct TrunkTests {
    @Test(
        "Parley registers with a trunk (sipp registrar, digest), its DID call reaches the room, a dial-out answers 407"
    )
    func trunkRegistrationAndDID() async throws {
        let registrarPort = Int.random(in: 32000..<32500)
        let registrar = Process()
        registrar.executableURL = URL(fileURLWithPath: "/usr/bin/sipp")
        registrar.currentDirectoryURL = URL(fileURLWithPath: NSTemporaryDirectory())
        registrar.arguments = [
            "-sf", SippTests.scenarioDirectory + "/uas-register.xml", "-i", "127.0.0.1", "-p", String(registrarPort),
            "-m", "1", "-timeout", "30s", "-timeout_error", "-nostdin",
        ]
        registrar.standardOutput = FileHandle.nullDevice
        registrar.standardError = FileHandle.nullDevice
        try registrar.run()
        defer { registrar.terminate() }
        try await Task.sleep(for: .milliseconds(500))

        let directory = NSTemporaryDirectory() + "parley-trunk-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try SQLiteRoomStore(directory: directory)
        try store.insert(RoomDefinition(name: "Sales", extensionNumber: "1000", pin: "1234", dids: ["4930555"]))
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let bridge = ConferenceBridge(
            configuration: ConferenceConfiguration(
                sipHost: "127.0.0.1",
                sipPort: 0,
                rtpPorts: 23000...23099,
                trunk: .init(
                    registrarHost: "127.0.0.1",
                    registrarPort: registrarPort,
                    username: "alice",
                    password: "secret"
                )
            ),
            store: store,
            prompts: TestBridge.prompts,
            group: group
        )
        try await bridge.start().get()
        var registered = false
        for _ in 0..<100 {
            if case .registered = try await bridge.trunkRegistration() {
                registered = true
                break
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let state = try await bridge.trunkRegistration()
        #expect(registered, "the trunk accepted Parley's digest (\(String(describing: state)))")
        registrar.waitUntilExit()
        #expect(registrar.terminationStatus == 0, "sipp verified the digest and granted the registration")

        // Now the trunk calls the DID: from the registrar's address, so it is trusted.
        let outcome = try SippTests.runSipp("uac-call.xml", service: "4930555", port: bridge.sipPort)
        #expect(outcome.exitCode == 0, "\(outcome.output)")
        #expect(outcome.successful == 1)

        // Dial-out through the trunk: sipp, on the trunk's address, challenges the INVITE with 407; Parley ACKs
        // it and resends with Proxy-Authorization, CSeq 2, same Call-ID; the 200 puts the callee in the room.
        let trunk = Process()
        trunk.executableURL = URL(fileURLWithPath: "/usr/bin/sipp")
        trunk.currentDirectoryURL = URL(fileURLWithPath: NSTemporaryDirectory())
        trunk.arguments = [
            "-sf", SippTests.scenarioDirectory + "/uas-invite-auth.xml", "-i", "127.0.0.1", "-p",
            String(registrarPort), "-mp", String(Int.random(in: 300..<400) * 100), "-m", "1", "-timeout", "30s",
            "-timeout_error", "-nostdin",
        ]
        trunk.standardOutput = FileHandle.nullDevice
        trunk.standardError = FileHandle.nullDevice
        try trunk.run()
        defer { trunk.terminate() }
        try await Task.sleep(for: .milliseconds(300))
        let trunkAddress = try SocketAddress(ipAddress: "127.0.0.1", port: registrarPort)
        let dialled = try await bridge.dialOut(
            SIPURI(scheme: "sip", user: "4930777", host: "127.0.0.1", port: registrarPort),
            into: "1000",
            via: trunkAddress,
            ringTimeout: .seconds(10)
        ).get()
        let room = try await bridge.snapshot(extensionNumber: "1000").get()
        #expect(room?.members.contains { $0.id == dialled } == true, "the answered callee is in the room")
        // Shutting down hangs up: the trunk scenario ends on Parley's BYE.
        try await bridge.shutdown().get()
        trunk.waitUntilExit()
        #expect(trunk.terminationStatus == 0, "sipp saw the 407 acknowledged and a valid digest on CSeq 2")
        try await group.shutdownGracefully()
    }

    @Test("sipp over TCP calls a room: INVITE, ACK, BYE on one connection")
    func tcpCall() async throws {
        let directory = NSTemporaryDirectory() + "parley-tcp-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try SQLiteRoomStore(directory: directory)
        try store.insert(RoomDefinition(name: "TCP", extensionNumber: "1000", pin: "1234"))
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let bridge = ConferenceBridge(
            configuration: ConferenceConfiguration(
                sipHost: "127.0.0.1",
                sipPort: 0,
                rtpPorts: 23100...23199,
                tcp: true
            ),
            store: store,
            prompts: TestBridge.prompts,
            group: group
        )
        try await bridge.start().get()
        let outcome = try SippTests.runSipp("uac-call.xml", service: "1000", port: bridge.sipPort, transport: "t1")
        #expect(outcome.exitCode == 0, "\(outcome.output)")
        #expect(outcome.successful == 1)
        try await bridge.shutdown().get()
        try await group.shutdownGracefully()
    }
}
