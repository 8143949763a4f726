// Compiles against the public API only (no @testable import): an accidental break of what embedders use
// fails this build. Each test uses a library the way an embedding application would.
import Conference
import Logging
import Mixer
import NIOCore
import NIOPosix
import RTP
import SIPCore
import ServiceLifecycle
import Testing

@Suite("Public API, as an embedder sees it")
struct PublicAPITests {
    @Test("SIPCore: parse a request, answer it, serialize the answer")
    func sipCore() throws {
        let text =
            "OPTIONS sip:1000@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1\r\n"
            + "From: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:1000@127.0.0.1>\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\n"
            + "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
        guard case .request(let request) = try SIPMessageParser().parseDatagram(Array(text.utf8)) else {
            Issue.record("expected a request")
            return
        }
        #expect(request.method == .options)
        let response = SIPResponse(replyingTo: request, statusCode: 200, toTag: SIPToken.random(length: 8))
        var buffer = ByteBufferAllocator().buffer(capacity: 256)
        response.serialize(into: &buffer)
        #expect(buffer.readableBytes > 100)
        var machine = ServerNonInviteTransaction(request: request, reliableTransport: false)
        #expect(!machine.sentResponse(response).isEmpty)
    }

    @Test("RTP and Mixer on plain buffers")
    func mediaOnBuffers() {
        let frame = [Int16](repeating: 1000, count: 160)
        var encoded = [UInt8](repeating: 0, count: 160)
        _ = frame.withUnsafeBufferPointer { samples in
            encoded.withUnsafeMutableBytes { G711.encode(samples, law: .muLaw, into: $0) }
        }
        var mixer = MixMinus(frameSize: 160)
        mixer.beginTick()
        frame.withUnsafeBufferPointer { mixer.add($0) }
        frame.withUnsafeBufferPointer { mixer.add($0) }
        var heard = [Int16](repeating: 0, count: 160)
        frame.withUnsafeBufferPointer { own in
            heard.withUnsafeMutableBufferPointer { mixer.mixMinus(own: own, into: $0) }
        }
        #expect(heard[0] == 1000)
        #expect(TelephoneEvent(digit: "5", duration: 160)?.event == 5)
    }

    @Test("Conference: rooms defined in code, options by name")
    func conference() throws {
        var options = RoomOptions()
        try options.apply(["max_members=5", "admin_pin=99"])
        let store = try InMemoryRoomStore([
            RoomDefinition(name: "Ops", extensionNumber: "700", pin: "42", options: options)
        ])
        #expect(try store.room(extensionNumber: "700")?.options.maxMembers == 5)
        #expect(PINGenerator.generate().count == 6)
        _ = ConferenceConfiguration(sipHost: "127.0.0.1", sipPort: 0)
    }

    @Test("Conference: an embedded bridge runs in the application's ServiceGroup and stops on graceful shutdown")
    func bridgeUnderServiceLifecycle() async throws {
        let store = try InMemoryRoomStore([RoomDefinition(name: "Ops", extensionNumber: "700", pin: "42")])
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let bridge = ConferenceBridge(
            configuration: ConferenceConfiguration(sipHost: "127.0.0.1", sipPort: 0, rtpPorts: 30000...30099),
            store: store,
            prompts: PromptLibrary(sampleRate: 8000, prompts: [:], classes: [:]),
            group: group
        )
        try await bridge.start().get()
        #expect(bridge.sipPort > 0)
        let logger = Logger(label: "public-api-test")
        let service = ConferenceBridgeService(
            bridge: bridge,
            drainTimeout: { .seconds(1) },
            clock: ContinuousClock(),
            logger: logger
        )
        let services = ServiceGroup(configuration: .init(services: [service], logger: logger))
        async let running: Void = services.run()
        try await Task.sleep(for: .milliseconds(200))
        await services.triggerGracefulShutdown()
        try await running
        // Drained and shut down: the bridge refuses further work.
        #expect(try await bridge.isDraining())
        try await group.shutdownGracefully()
    }
}
