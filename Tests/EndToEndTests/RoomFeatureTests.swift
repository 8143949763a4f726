import Conference
import Foundation
import NIOCore
import NIOPosix
import ParleyCaller
import SIPCore
import Testing

/// ConfBridge-style room features, each exercised by real callers over UDP on 127.0.0.1.
@Suite("End to end: room features", .serialized, .timeLimit(.minutes(3)))
struct RoomFeatureTests {
    /// A bridge, a caller agent, and helpers to get callers into a room.
    struct Fixture {
        let server: TestBridge
        let group: MultiThreadedEventLoopGroup
        let agent: CallerAgent
        let room: String

        static func start(
            _ options: [String],
            pin: String = "1234",
            room: String = "7000",
            menu: RoomMenu = .standard,
            trunkAddresses: [String] = []
        ) async throws -> Fixture {
            var roomOptions = RoomOptions()
            try roomOptions.apply(options)
            let server = try await TestBridge.start(
                rooms: [
                    RoomDefinition(name: "Features", extensionNumber: room, pin: pin, options: roomOptions, menu: menu)
                ],
                trunkAddresses: trunkAddresses
            )
            let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            let agent = try await CallerAgent.start(on: group.next())
            return Fixture(server: server, group: group, agent: agent, room: room)
        }

        /// Calls the room, enters `pin`, and waits until the bridge counts `expectMembers` joined callers.
        func join(
            pin: String,
            tone: Double?,
            expectJoined: Int?,
            codecs: [String] = ["PCMU", "PCMA"],
            widebandAudio: Bool = false
        ) async throws -> OutboundCall {
            let source: AudioSource = tone.map { .tone(frequency: $0) } ?? .silence
            let call = try await self.agent.call(
                user: self.room,
                server: try self.server.sipAddress,
                source: source,
                codecs: codecs,
                widebandAudio: widebandAudio
            )
            try await call.sendDigits(pin + "#")
            if let expectJoined {
                #expect(try await self.server.waitFor(self.room) { $0?.joinedCount == expectJoined })
            }
            return call
        }

        func snapshot() async throws -> RoomSnapshot? { try await self.server.snapshot(self.room) }

        func stop() async throws {
            try await self.agent.shutdown()
            try await self.group.shutdownGracefully()
            try await self.server.stop()
        }
    }

    /// The share of `tone` in what `call` hears over the next `seconds`.
    static func share(
        of tone: Double,
        heardBy call: OutboundCall,
        seconds: Double = 1.5,
        sampleRate: Double = 8000
    ) async throws -> Double {
        try await call.clearRecording()
        try await Task.sleep(for: .seconds(seconds))
        return ToneAnalysis.share(of: tone, in: try await call.recordedSamples(), sampleRate: sampleRate)
    }

    /// Listens in half-second windows until `call` hears `tone` (its share above `threshold`) or `timeout` passes;
    /// returns the last window's share. Waits only as long as the prompts before it take.
    static func waitToHear(
        _ tone: Double,
        by call: OutboundCall,
        above threshold: Double = 0.2,
        timeout: Duration = .seconds(8),
        sampleRate: Double = 8000
    ) async throws -> Double {
        let deadline = ContinuousClock.now + timeout
        var share = 0.0
        repeat {
            share = try await Self.share(of: tone, heardBy: call, seconds: 0.5, sampleRate: sampleRate)
        } while share <= threshold && ContinuousClock.now < deadline
        return share
    }

    /// Polls `call`'s whole recording since it was last cleared until `tone`'s share in it passes `threshold`
    /// (a recorded name played once), or `timeout` passes; returns the share.
    static func waitForShare(
        of tone: Double,
        in call: OutboundCall,
        above threshold: Double,
        timeout: Duration = .seconds(8)
    ) async throws -> Double {
        let deadline = ContinuousClock.now + timeout
        var share = 0.0
        repeat {
            try await Task.sleep(for: .milliseconds(250))
            share = ToneAnalysis.share(of: tone, in: try await call.recordedSamples())
        } while share <= threshold && ContinuousClock.now < deadline
        return share
    }

    /// The level of `tone` in what `call` hears over the next `seconds`, in dB: the tone's own power (its share of
    /// the energy times the energy), so a prompt or music playing at the same time does not move it.
    static func level(
        of tone: Double,
        heardBy call: OutboundCall,
        seconds: Double = 0.6
    ) async throws -> Double {
        try await call.clearRecording()
        try await Task.sleep(for: .seconds(seconds))
        let heard = try await call.recordedSamples()
        let rms = ToneAnalysis.rms(heard)
        return 10 * log10(max(ToneAnalysis.share(of: tone, in: heard) * rms * rms, 1e-3))
    }

    @Test(
        "One call: the joiner hears the user count; talking events; *7/*9 talk and *4/*6 listen volume in 3 dB steps, *0/*5 reset; jitterbuffer=no"
    )
    func countTalkingAndVolumeKeys() async throws {
        let fixture = try await Fixture.start([
            "announce_user_count=yes", "talk_detection_events=yes", "dsp_silence_threshold=400", "jitterbuffer=no",
            "announce_join_leave=no", "music_on_hold_when_empty=no",
        ])
        // The talker talks (a 500 Hz tone) from the start: talk_detection_events reports it.
        let talker = try await fixture.join(pin: "1234", tone: nil, expectJoined: 1)
        let talkerID = try #require(try await fixture.snapshot()?.members.first?.id)
        try await talker.setSource(.tone(frequency: 500, amplitude: 4000))
        // announce_user_count: the second caller hears "there is one other participant", which takes the place of
        // the mix while it plays: audio that is not the talker's tone.
        let listener = try await fixture.join(pin: "1234", tone: nil, expectJoined: 2)
        try await listener.clearRecording()
        try await Task.sleep(for: .seconds(0.6))
        let prompt = try await listener.recordedSamples()
        let count = ToneAnalysis.rms(prompt)
        let talk = ToneAnalysis.share(of: 500, in: prompt)
        #expect(count > 300 && talk < 0.2, "the joiner hears the count prompt (rms \(count), talker's share \(talk))")
        #expect(
            try await fixture.server.waitForEvent { $0.kind == .startedTalking && $0.participant == talkerID },
            "a tone is reported as talking"
        )
        // Once the count has been said, the listener hears the talker.
        var heard = 0.0
        for _ in 0..<16 where heard < 0.5 { heard = try await Self.share(of: 500, heardBy: listener, seconds: 0.4) }
        #expect(heard >= 0.5, "after the count the listener hears the talker (share \(heard))")

        // Volume keys, 3 dB a step, measured on the talker's tone in what the listener hears.
        let base = try await Self.level(of: 500, heardBy: listener)
        try await talker.sendDigits("*7*7")
        let quieter = try await Self.level(of: 500, heardBy: listener)
        try await talker.sendDigits("*9*9*9")
        let louder = try await Self.level(of: 500, heardBy: listener)
        #expect(abs(quieter - base + 6) < 1.5, "*7 twice: others hear the talker 6 dB down (\(quieter - base) dB)")
        #expect(abs(louder - base - 3) < 1.5, "then *9 three times: 3 dB up (\(louder - base) dB)")
        try await listener.sendDigits("*4*4")
        let softer = try await Self.level(of: 500, heardBy: listener)
        try await listener.sendDigits("*6*6*6*6")
        let raised = try await Self.level(of: 500, heardBy: listener)
        #expect(abs(softer - louder + 6) < 1.5, "*4 twice: the listener hears 6 dB less (\(softer - louder) dB)")
        #expect(abs(raised - louder - 6) < 1.5, "then *6 four times: 6 dB more (\(raised - louder) dB)")
        try await listener.sendDigits("*5")
        let listenReset = try await Self.level(of: 500, heardBy: listener)
        try await talker.sendDigits("*0")
        let talkReset = try await Self.level(of: 500, heardBy: listener)
        #expect(abs(listenReset - louder) < 1.5, "*5 resets the listening volume (\(listenReset - louder) dB)")
        #expect(abs(talkReset - base) < 1.5, "*0 resets the talking volume (\(talkReset - base) dB)")

        try await talker.setSource(.silence)
        #expect(
            try await fixture.server.waitForEvent { $0.kind == .stoppedTalking && $0.participant == talkerID },
            "silence after the tone is reported as stopped talking"
        )
        try await fixture.stop()
    }

    @Test("mixing_interval=40: a G.711 and a G.722 caller on 20 ms packets hear each other, in 20 ms packets")
    func fortyMillisecondRoom() async throws {
        let fixture = try await Fixture.start(["mixing_interval=40", "announce_join_leave=no"])
        let narrow = try await fixture.join(pin: "1234", tone: 500, expectJoined: 1)
        let wide = try await fixture.join(
            pin: "1234",
            tone: 900,
            expectJoined: 2,
            codecs: ["G722"],
            widebandAudio: true
        )
        try await Task.sleep(for: .seconds(1))
        for call in [narrow, wide] { try await call.resetReception() }
        let start = ContinuousClock.now
        let heardByNarrow = try await Self.share(of: 900, heardBy: narrow, seconds: 1)
        let heardByWide = try await Self.share(of: 500, heardBy: wide, seconds: 1, sampleRate: Double(wide.audioRate))
        #expect(heardByNarrow > 0.2, "the G.711 caller hears the G.722 caller's 900 Hz (share \(heardByNarrow))")
        #expect(heardByWide > 0.2, "the G.722 caller hears the G.711 caller's 500 Hz (share \(heardByWide))")
        // The room ticks every 40 ms; each caller still gets the 20 ms packets they sent: 50 a second.
        let elapsed = ContinuousClock.now - start
        let expected = Double(elapsed.components.seconds) * 50 + Double(elapsed.components.attoseconds) / 2e16
        for call in [narrow, wide] {
            let packets = Double(try await call.receptionStatistics.packets)
            #expect(abs(packets / expected - 1) < 0.12, "\(packets) packets in \(elapsed): 20 ms each")
        }
        try await fixture.stop()
    }

    @Test("A room's own menu: #1 mutes, #5 locks (admin), #9 leaves; the default *1 does nothing there")
    func customMenu() async throws {
        let menu = try RoomMenu(
            parsing: "#1=toggle_mute,#5=admin_toggle_conference_lock,#9=leave_conference"
        )
        let fixture = try await Fixture.start(["admin_pin=9999"], menu: menu)
        let admin = try await fixture.join(pin: "9999", tone: nil, expectJoined: 1)
        let user = try await fixture.join(pin: "1234", tone: nil, expectJoined: 2)
        try await user.sendDigits("*1")
        try await Task.sleep(for: .milliseconds(400))
        #expect(try await fixture.snapshot()?.members.last?.muted == false, "*1 is not in this room's menu")
        try await user.sendDigits("#1")
        #expect(try await fixture.server.waitFor(fixture.room) { $0?.members.last?.muted == true }, "#1 mutes")
        try await user.sendDigits("#5")
        try await Task.sleep(for: .milliseconds(400))
        #expect(try await fixture.snapshot()?.locked == false, "a user's admin key is refused")
        try await admin.sendDigits("#5")
        #expect(try await fixture.server.waitFor(fixture.room) { $0?.locked == true }, "#5 locks for the admin")
        try? await user.sendDigits("#9")
        #expect(try await user.waitForRemoteHangUp(timeout: .seconds(10)), "#9 leaves")
        try await fixture.stop()
    }

    @Test("internal_sample_rate=16000: G.722 callers hear a 6 kHz tone from each other; a G.711 caller is resampled")
    func widebandRoom() async throws {
        let fixture = try await Fixture.start(["internal_sample_rate=16000", "announce_join_leave=no"])
        let talker = try await fixture.join(
            pin: "1234",
            tone: 6000,
            expectJoined: 1,
            codecs: ["G722"],
            widebandAudio: true
        )
        let listener = try await fixture.join(
            pin: "1234",
            tone: nil,
            expectJoined: 2,
            codecs: ["G722"],
            widebandAudio: true
        )
        #expect(listener.audioRate == 16000)
        // G.722 codes 4-8 kHz with 2 bits a sample, so the tone comes back noisy: well above the 8 kHz room's
        // near-zero below, not clean.
        let high = try await Self.waitToHear(6000, by: listener, above: 0.05, sampleRate: 16000)
        #expect(high > 0.05, "the G.722 listener hears the other's 6 kHz tone (share \(high))")
        // A G.711 caller in the same room: 8 kHz audio, resampled up for the wideband listener.
        _ = try await talker.hangUp()
        _ = try await fixture.join(pin: "1234", tone: 700, expectJoined: 2)
        let low = try await Self.waitToHear(700, by: listener, sampleRate: 16000)
        #expect(low > 0.2, "the G.722 listener hears the G.711 caller's 700 Hz (share \(low))")
        // A silent G.711 caller is never mixed, so its frames stay at 8 kHz: only the talker is resampled (issue 6).
        _ = try await fixture.join(pin: "1234", tone: nil, expectJoined: 3)
        try await Task.sleep(for: .seconds(0.5))
        let before = try #require(try await fixture.snapshot())
        try await Task.sleep(for: .seconds(1.5))
        let after = try #require(try await fixture.snapshot())
        let ticks = Int(after.ticks - before.ticks)
        let resampled = after.framesResampled - before.framesResampled
        let leftNarrow = after.framesLeftAtCodecRate - before.framesLeftAtCodecRate
        #expect(resampled > ticks / 2, "the G.711 talker's frames are resampled (\(resampled) in \(ticks) ticks)")
        #expect(resampled <= ticks + 2, "and nobody else's (\(resampled) in \(ticks) ticks)")
        #expect(leftNarrow > ticks / 2, "the silent G.711 caller's frames stay at 8 kHz (\(leftNarrow))")
        #expect(after.framesMeasuredByMixer == 0)
        try await fixture.stop()

        // The same callers in an 8 kHz room: 6 kHz is above what the mix can carry.
        let control = try await Fixture.start(["announce_join_leave=no"])
        _ = try await control.join(pin: "1234", tone: 6000, expectJoined: 1, codecs: ["G722"], widebandAudio: true)
        let narrowListener = try await control.join(
            pin: "1234",
            tone: nil,
            expectJoined: 2,
            codecs: ["G722"],
            widebandAudio: true
        )
        try await narrowListener.clearRecording()
        try await Task.sleep(for: .seconds(1.5))
        let heard = try await narrowListener.recordedSamples()
        let lost = ToneAnalysis.share(of: 6000, in: heard, sampleRate: 16000)
        #expect(heard.count > 8000, "the listener in the 8 kHz room receives audio")
        #expect(lost < 0.01, "an 8 kHz room cannot carry 6 kHz (share \(lost))")
        try await control.stop()
    }

    @Test("wait_marked: users wait with music until an admin (marked) user joins; then they hear each other")
    func waitMarked() async throws {
        let fixture = try await Fixture.start(["wait_marked=yes", "admin_pin=9999"])
        let user = try await fixture.join(pin: "1234", tone: 500, expectJoined: 1)
        #expect(try await fixture.server.waitFor(fixture.room) { $0?.members.first?.waitingForMarked == true })
        // After the prompts, music: poll the last half second heard until it is loud enough.
        var music = 0.0
        let deadline = ContinuousClock.now + .seconds(8)
        while music <= 200 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(500))
            music = ToneAnalysis.rms(Array(try await user.recordedSamples().suffix(4000)))
        }
        #expect(music > 200, "a waiting user hears music (rms \(music))")
        let admin = try await fixture.join(pin: "9999", tone: 900, expectJoined: 2)
        let members = try #require(try await fixture.snapshot()?.members)
        #expect(members.map(\.isAdmin) == [false, true])
        #expect(members.allSatisfy { !$0.waitingForMarked })
        #expect(try await Self.waitToHear(900, by: user) > 0.2, "the user hears the admin")
        #expect(try await Self.waitToHear(500, by: admin) > 0.2, "the admin hears the user")
        try await fixture.stop()
    }

    @Test("end_marked: when the last admin leaves, the others are told and hung up")
    func endMarked() async throws {
        let fixture = try await Fixture.start(["end_marked=yes", "admin_pin=9999"])
        let admin = try await fixture.join(pin: "9999", tone: nil, expectJoined: 1)
        let user = try await fixture.join(pin: "1234", tone: nil, expectJoined: 2)
        #expect(try await admin.hangUp() == 200)
        #expect(try await user.waitForRemoteHangUp(timeout: .seconds(15)), "the user is hung up after the leader left")
        try await fixture.stop()
    }

    @Test("startmuted: a user joins muted and *1 unmutes them")
    func startMutedAndMenuUnmute() async throws {
        let fixture = try await Fixture.start(["startmuted=yes", "admin_pin=9999"])
        let admin = try await fixture.join(pin: "9999", tone: 900, expectJoined: 1)
        let user = try await fixture.join(pin: "1234", tone: 500, expectJoined: 2)
        #expect(try await fixture.snapshot()?.members.last?.muted == true)
        try await Task.sleep(for: .seconds(3))
        #expect(try await Self.share(of: 500, heardBy: admin) < 0.02, "a muted user is not heard")
        try await user.sendDigits("*1")
        #expect(try await fixture.server.waitFor(fixture.room) { $0?.members.last?.muted == false })
        #expect(try await Self.waitToHear(500, by: admin) > 0.2, "after *1 the user is heard")
        try await fixture.stop()
    }

    @Test("max_members: a caller beyond the limit is told the room is full and hung up")
    func maxMembers() async throws {
        let fixture = try await Fixture.start(["max_members=1"])
        _ = try await fixture.join(pin: "1234", tone: nil, expectJoined: 1)
        let late = try await fixture.join(pin: "1234", tone: nil, expectJoined: nil)
        #expect(try await late.waitForRemoteHangUp(timeout: .seconds(15)))
        #expect(try await fixture.snapshot()?.joinedCount == 1)
        try await fixture.stop()
    }

    @Test("Admin menu: *2 locks the room (a new caller is turned away), *8 mutes everyone else, *3 kicks the last joined")
    func lockAndKick() async throws {
        let fixture = try await Fixture.start(["admin_pin=9999"])
        let admin = try await fixture.join(pin: "9999", tone: nil, expectJoined: 1)
        let user = try await fixture.join(pin: "1234", tone: nil, expectJoined: 2)
        try await admin.sendDigits("*2")
        #expect(try await fixture.server.waitFor(fixture.room) { $0?.locked == true })
        let turnedAway = try await fixture.join(pin: "1234", tone: nil, expectJoined: nil)
        #expect(try await turnedAway.waitForRemoteHangUp(timeout: .seconds(15)), "a locked room turns callers away")
        try await admin.sendDigits("*8")
        let othersMuted = try await fixture.server.waitFor(fixture.room) { snapshot in
            let members = snapshot?.members.filter(\.inConference) ?? []
            return members.count == 2 && members.allSatisfy { $0.muted != $0.isAdmin }
        }
        #expect(othersMuted, "*8 mutes the user and leaves the admin unmuted")
        try await admin.sendDigits("*3")
        #expect(try await user.waitForRemoteHangUp(timeout: .seconds(15)), "*3 removes the last joined user")
        try await admin.sendDigits("*2")
        #expect(try await fixture.server.waitFor(fixture.room) { $0?.locked == false })
        try await fixture.stop()
    }

    @Test("Menu: a user's admin keys are refused; *# leaves the conference")
    func userMenu() async throws {
        let fixture = try await Fixture.start(["admin_pin=9999"])
        let user = try await fixture.join(pin: "1234", tone: nil, expectJoined: 1)
        try await user.sendDigits("*2")
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await fixture.snapshot()?.locked == false)
        // The BYE may arrive before the last RFC 4733 end packet is out: that ends the send early, not the test.
        try? await user.sendDigits("*#")
        #expect(try await user.waitForRemoteHangUp(timeout: .seconds(10)))
        try await fixture.stop()
    }

    @Test("announce_names: the room hears a joiner's recorded name, and again when they leave")
    func announceNames() async throws {
        let fixture = try await Fixture.start(["announce_names=yes"])
        let first = try await fixture.agent.call(user: fixture.room, server: try fixture.server.sipAddress)
        // The first caller's "name" is silence; they join and wait.
        #expect(try await fixture.server.waitFor(fixture.room) { $0?.members.first?.stage == .enteringPIN })
        try await first.sendDigits("1234#")
        #expect(try await fixture.server.waitFor(fixture.room) { $0?.joinedCount == 1 })
        // The second caller says their "name" as a 1300 Hz tone, then goes quiet before joining.
        let second = try await fixture.agent.call(
            user: fixture.room,
            server: try fixture.server.sipAddress,
            source: .tone(frequency: 1300)
        )
        #expect(try await fixture.server.waitFor(fixture.room) { $0?.members.last?.stage == .enteringPIN })
        try await second.setSource(.silence)
        try await first.clearRecording()
        try await second.sendDigits("1234#")
        #expect(try await fixture.server.waitFor(fixture.room) { $0?.joinedCount == 2 })
        let joined = try await Self.waitForShare(of: 1300, in: first, above: 0.05)
        #expect(joined > 0.05, "the first caller hears the second's name (share \(joined))")
        try await first.clearRecording()
        try await second.hangUp()
        let left = try await Self.waitForShare(of: 1300, in: first, above: 0.05)
        #expect(left > 0.05, "the name is played again on leaving (share \(left))")
        try await fixture.stop()
    }

    @Test("Hold by re-INVITE: a held caller is mixed out and sent nothing, and comes back on resume (denoise=yes)")
    func holdAndResume() async throws {
        // With noise suppression on every talker: the callers' tones still get through it.
        let fixture = try await Fixture.start(["denoise=yes"])
        let a = try await fixture.join(pin: "1234", tone: 500, expectJoined: 1)
        let b = try await fixture.join(pin: "1234", tone: 900, expectJoined: 2)
        #expect(try await Self.waitToHear(500, by: b) > 0.2)
        #expect(try await a.reInvite(direction: .sendonly) == 200)
        #expect(try await fixture.server.waitFor(fixture.room) { $0?.members.first?.onHold == true })
        try await a.clearRecording()
        #expect(try await Self.share(of: 500, heardBy: b) < 0.02, "a held caller is not mixed")
        #expect(try await a.recordedSamples().count < 800, "a held caller is sent nothing")
        #expect(try await a.reInvite(direction: .sendrecv) == 200)
        #expect(try await fixture.server.waitFor(fixture.room) { $0?.members.first?.onHold == false })
        #expect(try await Self.waitToHear(500, by: b) > 0.2, "resumed, the caller is heard again")
        // Parley's stream to it resumes with the timestamp moved on by the pause and the marker bit set.
        #expect(try await Self.waitToHear(900, by: a) > 0.2, "resumed, the caller hears the room again")
        try await fixture.stop()
    }

    @Test("In-band DTMF: a phone without telephone-event enters the PIN as tones")
    func inbandPIN() async throws {
        let fixture = try await Fixture.start([], pin: "3579")
        let call = try await fixture.agent.call(
            user: fixture.room,
            server: try fixture.server.sipAddress,
            telephoneEvent: false
        )
        // Like a real phone, audio (silence) flows for a while before the first key: strict RTP learns the
        // source during its short probation, which would otherwise swallow the start of the first tone.
        try await Task.sleep(for: .seconds(1))
        try await call.setSource(.dtmf("3579#"))
        #expect(try await fixture.server.waitFor(fixture.room) { $0?.joinedCount == 1 })
        try await fixture.stop()
    }

    @Test("PIN guessing from one source is locked out across calls, while the right PIN from another works")
    func guessingLockout() async throws {
        let fixture = try await Fixture.start([])
        // Two calls of three wrong tries each reach the per-source limit (6).
        for _ in 0..<2 {
            let guesser = try await fixture.agent.call(user: fixture.room, server: try fixture.server.sipAddress)
            for guess in ["0000", "1111", "2222"] {
                try await guesser.sendDigits(guess + "#")
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(try await guesser.waitForRemoteHangUp(timeout: .seconds(15)))
        }
        #expect(fixture.server.bridge.pinGuard.counts.failures == 6)
        // The next call from the same source is refused even with the right PIN.
        let locked = try await fixture.agent.call(user: fixture.room, server: try fixture.server.sipAddress)
        try await locked.sendDigits("1234#")
        #expect(try await locked.waitForRemoteHangUp(timeout: .seconds(15)))
        #expect(fixture.server.bridge.pinGuard.counts.refused >= 1)
        // A caller from another address (127.0.0.2) with the right PIN still gets in.
        let other = try await CallerAgent.start(on: fixture.group.next(), host: "127.0.0.2")
        let rightful = try await other.call(user: fixture.room, server: try fixture.server.sipAddress)
        try await rightful.sendDigits("1234#")
        #expect(try await fixture.server.waitFor(fixture.room) { $0?.joinedCount == 1 })
        try await other.shutdown()
        try await fixture.stop()
    }
}
