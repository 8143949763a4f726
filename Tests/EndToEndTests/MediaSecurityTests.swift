import Conference
import Foundation
import NIOCore
import NIOPosix
import ParleyCaller
import RTP
import SIPCore
import Testing

/// Media and trust rules, tested with real packets: strict RTP, the RTP timeout, DID calls from the trunk only.
@Suite("End to end: media and trust", .serialized, .timeLimit(.minutes(2)))
struct MediaSecurityTests {
    @Test("Strict RTP: packets injected from another address are dropped and never heard")
    func strictRTP() async throws {
        let fixture = try await RoomFeatureTests.Fixture.start([])
        let a = try await fixture.join(pin: "1234", tone: 500, expectJoined: 1)
        let b = try await fixture.join(pin: "1234", tone: 900, expectJoined: 2)
        try await Task.sleep(for: .seconds(3))
        let target = try #require(try await a.remoteMediaAddress)
        // An attacker on another port sends a loud 1500 Hz tone to A's media port at the bridge.
        let injector = try await DatagramBootstrap(group: fixture.group).bind(host: "127.0.0.1", port: 0).get()
        let injecting = Task {
            var sequence: UInt16 = 1
            var timestamp: UInt32 = 0
            var frame = [Int16](repeating: 0, count: 160)
            while !Task.isCancelled {
                for index in frame.indices {
                    frame[index] = Int16(12000 * sin(2 * Double.pi * 1500 * Double(Int(timestamp) + index) / 8000))
                }
                var buffer = injector.allocator.buffer(capacity: 172)
                RTPHeader(payloadType: 0, sequenceNumber: sequence, timestamp: timestamp, ssrc: 0xBAD).write(
                    into: &buffer
                )
                buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 160) { out in
                    frame.withUnsafeBufferPointer { G711.encode($0, law: .muLaw, into: out) }
                }
                try await injector.writeAndFlush(AddressedEnvelope(remoteAddress: target, data: buffer))
                sequence &+= 1
                timestamp &+= 160
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        let heard = try await RoomFeatureTests.share(of: 1500, heardBy: b, seconds: 2)
        injecting.cancel()
        _ = await injecting.result
        #expect(heard < 0.01, "injected audio must not be heard (share \(heard))")
        #expect(try await RoomFeatureTests.share(of: 500, heardBy: b) > 0.2, "the real caller is still heard")
        // At least some of the ~100 injected packets reached the bridge and were counted as dropped.
        #expect((try await fixture.snapshot()?.members.first?.packetsDropped ?? 0) > 10)
        try await injector.close()
        try await fixture.stop()
    }

    @Test("RTP timeout: a caller whose media stops is hung up")
    func rtpTimeout() async throws {
        let server = try await TestBridge.start(
            rooms: [RoomDefinition(name: "T", extensionNumber: "6000", pin: "1")],
            rtpTimeout: .seconds(2)
        )
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let agent = try await CallerAgent.start(on: group.next())
        let call = try await agent.call(user: "6000", server: try server.sipAddress)
        try await call.sendDigits("1#")
        #expect(try await server.waitFor("6000") { $0?.joinedCount == 1 })
        try await Task.sleep(for: .seconds(3))
        #expect(try await !call.hasEnded, "a caller who sends media stays")
        try await call.setSending(false)
        #expect(try await call.waitForRemoteHangUp(timeout: .seconds(8)), "silence past the RTP timeout ends the call")
        try await agent.shutdown()
        try await group.shutdownGracefully()
        try await server.stop()
    }

    @Test("A room's DID answers calls from the trunk's addresses only", arguments: [false, true])
    func didFromTrunkOnly(fromTrunk: Bool) async throws {
        let server = try await TestBridge.start(
            rooms: [RoomDefinition(name: "Trunk", extensionNumber: "8000", pin: "1", dids: ["4930123456"])],
            trunkAddresses: fromTrunk ? ["127.0.0.1"] : ["192.0.2.1"]
        )
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let agent = try await CallerAgent.start(on: group.next())
        if fromTrunk {
            let call = try await agent.call(user: "4930123456", server: try server.sipAddress)
            try await call.sendDigits("1#")
            #expect(try await server.waitFor("8000") { $0?.joinedCount == 1 })
        } else {
            await #expect(throws: CallerError(.rejected, statusCode: 403, "")) {
                _ = try await agent.call(user: "4930123456", server: try server.sipAddress)
            }
            // The extension itself stays open to everyone.
            let call = try await agent.call(user: "8000", server: try server.sipAddress)
            #expect(try await !call.hasEnded)
        }
        try await agent.shutdown()
        try await group.shutdownGracefully()
        try await server.stop()
    }
}
