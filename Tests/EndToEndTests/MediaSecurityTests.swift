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

/// SRTP (RFC 3711) with SDES keys (RFC 4568), end to end through a running bridge with the project's caller.
@Suite("End to end: SRTP over SIP over TLS", .serialized, .timeLimit(.minutes(2)))
struct SecureMediaTests {
    @Test("SRTP over TLS: two-way audio with both suites; replayed and tampered packets are never heard")
    func srtpCall() async throws {
        let tls = try TestBridge.makeCertificate()
        let server = try await TestBridge.start(
            rooms: [RoomDefinition(name: "Secure", extensionNumber: "7100", pin: "1234")],
            tls: tls
        )
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let agent = try await CallerAgent.start(on: group.next(), tls: tls)
        let address = try #require(try await server.tlsAddress)
        let a = try await agent.call(
            user: "7100",
            server: address,
            source: .tone(frequency: 1500),
            transport: .tls,
            srtp: [.aesCM128HMACSHA1_80]
        )
        try await a.sendDigits("1234#")
        #expect(try await server.waitFor("7100") { $0?.joinedCount == 1 })
        let b = try await agent.call(
            user: "7100",
            server: address,
            source: .tone(frequency: 500),
            transport: .tls,
            srtp: [.aesCM128HMACSHA1_32, .aesCM128HMACSHA1_80]
        )
        try await b.sendDigits("1234#")
        #expect(try await server.waitFor("7100") { $0?.joinedCount == 2 })
        #expect(try await a.srtpProfile == .aesCM128HMACSHA1_80)
        #expect(try await b.srtpProfile == .aesCM128HMACSHA1_32, "the bridge takes the offerer's first usable suite")
        try await Task.sleep(for: .seconds(2))
        // Two-way audio, both directions encrypted; A's 1500 Hz packets are kept for the replay.
        try await a.setKeepingSentPackets(true)
        #expect(try await RoomFeatureTests.share(of: 1500, heardBy: b, seconds: 2) > 0.2, "B hears A over SRTP")
        #expect(try await RoomFeatureTests.share(of: 500, heardBy: a) > 0.2, "A hears B over SRTP")
        let droppedBefore = try await server.snapshot("7100")?.members.first?.packetsDropped ?? 0

        // Replay: A now sends 900 Hz, and two seconds of its old 1500 Hz packets arrive again from its own address.
        try await a.setSource(.tone(frequency: 900))
        try await Task.sleep(for: .milliseconds(500))
        try await b.clearRecording()
        let replayed = try await a.replayKeptPackets()
        let duringReplay = try await b.recordedSamples()
        #expect(replayed > 50)
        #expect(ToneAnalysis.share(of: 1500, in: duringReplay) < 0.01, "replayed audio must not be heard")
        #expect(ToneAnalysis.share(of: 900, in: duringReplay) > 0.2, "A's live audio still is")

        // Tampering: 2000 Hz packets in A's own stream under A's key, one bit flipped after protection.
        try await b.clearRecording()
        try await a.sendTampered(tone: 2000, count: 100)
        let duringTampering = try await b.recordedSamples()
        #expect(ToneAnalysis.share(of: 2000, in: duringTampering) < 0.01, "tampered audio must not be heard")
        #expect(ToneAnalysis.share(of: 900, in: duringTampering) > 0.2)

        let droppedAfter = try await server.snapshot("7100")?.members.first?.packetsDropped ?? 0
        #expect(droppedAfter - droppedBefore >= replayed + 90, "every replayed and tampered packet was dropped")
        #expect(try await a.srtpDropped == 0, "everything the bridge sent authenticated")
        #expect(try await b.srtpDropped == 0)
        // RTCP runs as SRTCP both ways (RFC 3711 §3.4): reports arrived and authenticated on both sides.
        #expect((try await a.rtcpPeerReport?.senderReports ?? 0) >= 1, "A got Parley's SRTCP reports")
        let secureMembers = try await server.snapshot("7100")?.members ?? []
        #expect(secureMembers.allSatisfy { $0.rtcp.reportsReceived >= 1 }, "Parley got the callers' SRTCP reports")
        try await agent.shutdown()
        try await group.shutdownGracefully()
        try await server.stop()
    }

    @Test("Dial-out to a sips: target goes over TLS with SRTP: the offer's keys and the answer's are applied")
    func srtpDialOut() async throws {
        let tls = try TestBridge.makeCertificate()
        // Bridge A places the call; bridge B, another Parley, is the callee: it answers the SRTP offer over TLS.
        let a = try await TestBridge.start(
            rooms: [RoomDefinition(name: "Caller side", extensionNumber: "7400", pin: "1")],
            tls: tls
        )
        let b = try await TestBridge.start(
            rooms: [RoomDefinition(name: "Callee side", extensionNumber: "7300", pin: "2")],
            tls: tls
        )
        let address = try #require(try await b.tlsAddress)
        let port = try #require(address.port)
        let id = try await a.bridge.dialOut(try SIPURI(parsing: "sips:7300@127.0.0.1:\(port)"), into: "7400").get()
        // A's room plays to B (alone in the room), B's plays its PIN prompt to A: both ways SRTP, each side
        // authenticating and decrypting with the other's key. A tag or key mismatch would drop every packet.
        #expect(
            try await a.waitFor("7400") { room in
                room?.members.contains { $0.id == id && $0.packetsReceived > 50 } == true
            }
        )
        #expect(try await b.waitFor("7300") { $0?.members.first.map { $0.packetsReceived > 50 } == true })
        let callerSide = try #require(try await a.snapshot("7400")?.members.first { $0.id == id })
        let calleeSide = try #require(try await b.snapshot("7300")?.members.first)
        #expect(callerSide.srtpSuite == "AES_CM_128_HMAC_SHA1_80", "B took the first suite offered")
        #expect(calleeSide.srtpSuite == "AES_CM_128_HMAC_SHA1_80")
        // A packet is counted received only once its SRTP tag checked; the few dropped are strict RTP's probation
        // (4 packets), while a key mismatch would drop every one.
        #expect(callerSide.packetsDropped <= 4, "every packet from B authenticated at A")
        #expect(calleeSide.packetsDropped <= 4, "every packet from A authenticated at B")
        // Without a TLS listener a sips: target is refused rather than called in clear.
        let plain = try await TestBridge.start(rooms: [RoomDefinition(name: "P", extensionNumber: "7500", pin: "1")])
        await #expect(throws: ConferenceBridge.DialOutError.self) {
            _ = try await plain.bridge.dialOut(try SIPURI(parsing: "sips:7300@127.0.0.1:\(port)"), into: "7500").get()
        }
        try await plain.stop()
        try await a.stop()
        try await b.stop()
    }

    @Test("RTP/SAVP offered over plain UDP is refused with 488 (SDES keys need TLS); plain RTP over TLS still works")
    func srtpNeedsTLS() async throws {
        let tls = try TestBridge.makeCertificate()
        let server = try await TestBridge.start(
            rooms: [RoomDefinition(name: "Secure", extensionNumber: "7200", pin: "1")],
            tls: tls
        )
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let agent = try await CallerAgent.start(on: group.next(), tls: tls)
        await #expect(throws: CallerError(.rejected, statusCode: 488, "")) {
            _ = try await agent.call(user: "7200", server: try server.sipAddress, srtp: [.aesCM128HMACSHA1_80])
        }
        let address = try #require(try await server.tlsAddress)
        let plain = try await agent.call(user: "7200", server: address, transport: .tls)
        #expect(try await plain.srtpProfile == nil)
        try await plain.sendDigits("1#")
        #expect(try await server.waitFor("7200") { $0?.joinedCount == 1 })
        try await agent.shutdown()
        try await group.shutdownGracefully()
        try await server.stop()
    }
}
