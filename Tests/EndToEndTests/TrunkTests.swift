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
    @Test("Parley registers with a trunk (sipp registrar, digest), and the trunk's call on a DID reaches the room")
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
        try await bridge.shutdown().get()
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
