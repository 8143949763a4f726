import Conference
import Foundation
import NIOCore
import NIOPosix
import ParleyCaller
import Testing

/// Real calls over UDP on 127.0.0.1: the project's test caller (SIPCore + RTP as a UAC) against a bridge.
@Suite("End to end: callers in a room", .serialized, .timeLimit(.minutes(2)))
struct ConferenceCallTests {
    static let pin = "4321"

    @Test("Three callers each hear the other two tones and never their own")
    func threeCallersHearEachOther() async throws {
        let server = try await TestBridge.start(rooms: [
            RoomDefinition(name: "Tones", extensionNumber: "1000", pin: Self.pin)
        ])
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let agent = try await CallerAgent.start(on: group.next())
        let tones: [Double] = [400, 700, 1100]
        var calls: [OutboundCall] = []
        for tone in tones {
            let call = try await agent.call(user: "1000", server: try server.sipAddress, source: .tone(frequency: tone))
            try await call.sendDigits(Self.pin + "#")
            calls.append(call)
        }
        let joined = try await server.waitFor("1000") { $0?.joinedCount == 3 }
        #expect(joined, "all three callers should be in the conference")
        // Let the join announcements finish, then listen for three seconds.
        try await Task.sleep(for: .seconds(4))
        for call in calls { try await call.clearRecording() }
        try await Task.sleep(for: .seconds(3))
        for (index, call) in calls.enumerated() {
            let heard = try await call.recordedSamples()
            #expect(heard.count >= 8000 * 2, "caller \(index) should receive at least 2 s of audio")
            let own = ToneAnalysis.share(of: tones[index], in: heard)
            for (other, tone) in tones.enumerated() where other != index {
                let share = ToneAnalysis.share(of: tone, in: heard)
                #expect(share > 0.2, "caller \(index) should hear \(tone) Hz (share \(share))")
                #expect(share > 20 * own, "caller \(index): \(tone) Hz (\(share)) should dwarf its own tone (\(own))")
            }
            #expect(own < 0.01, "caller \(index) must not hear its own \(tones[index]) Hz tone (share \(own))")
        }
        // The room hands the mixer each frame's level from the caller's G.711 decoder (issue 6): the mixer never
        // measures a frame itself, and about 50 frames per caller per second came with their level.
        let levels = try await server.snapshot("1000")
        let withLevel = levels?.framesWithLevel ?? 0
        let measured = levels?.framesMeasuredByMixer ?? -1
        #expect(withLevel > 3 * 50 * 3, "frames with decoder levels: \(withLevel)")
        #expect(measured == 0, "frames the mixer measured: \(measured)")
        for call in calls { #expect(try await call.hangUp() == 200) }
        let emptied = try await server.waitFor("1000", timeout: .seconds(5)) { ($0?.members.count ?? 0) == 0 }
        #expect(emptied)
        try await agent.shutdown()
        try await group.shutdownGracefully()
        try await server.stop()
    }

    @Test("A caller alone in the room hears music on hold")
    func loneCallerHearsMusic() async throws {
        let fixture = try await RoomFeatureTests.Fixture.start([], pin: "77", room: "2000")
        let call = try await fixture.join(pin: "77", tone: nil, expectJoined: 1)
        // "You will now be placed..." then "you are the only person...", then music.
        try await Task.sleep(for: .seconds(5))
        try await call.clearRecording()
        try await Task.sleep(for: .seconds(2))
        let heard = try await call.recordedSamples()
        #expect(heard.count >= 8000)
        #expect(ToneAnalysis.rms(heard) > 200, "music on hold should be audible, rms \(ToneAnalysis.rms(heard))")
        try await call.hangUp()
        try await fixture.stop()
    }

    @Test("Three wrong PINs end the call with a goodbye and BYE")
    func wrongPINsHangUp() async throws {
        let fixture = try await RoomFeatureTests.Fixture.start([], pin: "2468", room: "3000")
        let call = try await fixture.join(pin: "1111", tone: nil, expectJoined: nil)
        for _ in 0..<2 {
            try await Task.sleep(for: .milliseconds(300))
            try await call.sendDigits("1111#")
        }
        #expect(try await call.waitForRemoteHangUp(timeout: .seconds(15)), "the bridge should hang up with BYE")
        #expect((try await fixture.snapshot()?.members.count ?? 0) == 0)
        try await fixture.stop()
    }

    @Test("The PIN can also come by SIP INFO")
    func pinBySIPInfo() async throws {
        let fixture = try await RoomFeatureTests.Fixture.start([], pin: "59", room: "4000")
        let call = try await fixture.agent.call(user: "4000", server: try fixture.server.sipAddress)
        for digit in "59#" { #expect(try await call.sendInfoDigit(digit) == 200) }
        #expect(try await fixture.server.waitFor("4000") { $0?.joinedCount == 1 })
        try await call.hangUp()
        try await fixture.stop()
    }

    @Test("The test caller as UAC: 422 retried with Min-SE, reliable 180 PRACKed, its UPDATE refreshes keep the call")
    func callerSessionTimerAndPRACK() async throws {
        // The bridge rings (a reliable 180: the caller supports 100rel) and wants at least 2 s; the caller asks 1 s,
        // so it must retry after 422. The 2xx names it refresher: without refreshes the bridge would hang up
        // after 2 - 2/3 s.
        let server = try await TestBridge.start(
            rooms: [RoomDefinition(name: "Timers", extensionNumber: "1000", pin: "1234")],
            ringDuration: .milliseconds(200),
            sessionTimers: .init(minimumSeconds: 2, preferredSeconds: 2)
        )
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let agent = try await CallerAgent.start(on: group.next())
        let call = try await agent.call(
            user: "1000",
            server: try server.sipAddress,
            sessionTimers: .init(minimumSeconds: 1, preferredSeconds: 1)
        )
        #expect(try await call.sessionInterval == 2, "the retry after 422 asked for the bridge's minimum")
        try await Task.sleep(for: .milliseconds(3500))
        #expect(!(try await call.hasEnded), "the session outlived three intervals: the caller refreshed it")
        #expect(try await server.waitFor("1000", timeout: .seconds(1)) { $0?.members.count == 1 })
        #expect(try await call.hangUp() == 200)
        try await agent.shutdown()
        try await group.shutdownGracefully()
        try await server.stop()
    }

    @Test("An unknown extension is refused with 404")
    func unknownExtension() async throws {
        let server = try await TestBridge.start(rooms: [])
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let agent = try await CallerAgent.start(on: group.next())
        await #expect(throws: CallerError(.rejected, statusCode: 404, "")) {
            _ = try await agent.call(user: "5555", server: try server.sipAddress)
        }
        try await agent.shutdown()
        try await group.shutdownGracefully()
        try await server.stop()
    }

    @Test("Callers on PCMU, PCMA, G.722 and Opus share one room and hear each other", .timeLimit(.minutes(1)))
    func mixedCodecs() async throws {
        let fixture = try await RoomFeatureTests.Fixture.start([], pin: "12", room: "5000")
        let codecs = ["PCMU", "PCMA", "G722", "OPUS"]
        let tones: [Double] = [450, 750, 1250, 1650]
        var calls: [OutboundCall] = []
        for (codec, tone) in zip(codecs, tones) {
            let call = try await fixture.agent.call(
                user: "5000",
                server: try fixture.server.sipAddress,
                source: .tone(frequency: tone),
                codecs: [codec]
            )
            #expect(call.codecName == codec, "negotiated \(call.codecName) for an offer of \(codec)")
            try await call.sendDigits("12#")
            calls.append(call)
        }
        #expect(try await fixture.server.waitFor("5000") { $0?.joinedCount == 4 })
        try await Task.sleep(for: .seconds(4))
        for call in calls { try await call.clearRecording() }
        try await Task.sleep(for: .seconds(2))
        for (index, call) in calls.enumerated() {
            let heard = try await call.recordedSamples()
            for (other, tone) in tones.enumerated() where other != index {
                let share = ToneAnalysis.share(of: tone, in: heard)
                #expect(share > 0.1, "\(codecs[index]) caller hears \(tone) Hz from \(codecs[other]) (\(share))")
            }
            let own = ToneAnalysis.share(of: tones[index], in: heard)
            #expect(own < 0.02, "\(codecs[index]) caller does not hear itself (\(own))")
        }
        try await fixture.stop()
    }
}
