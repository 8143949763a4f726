import Conference
import Foundation
import NIOCore
import NIOPosix
import ParleyCaller
import SIPCore
import Testing

#if canImport(Glibc)
import Glibc
#endif

// A real phone over SIP over TLS (RFC 3261 §26.2, RFC 5630): baresip 1.0.0 from Debian, whose libre is built
// with OpenSSL (sipp from Debian is not, so the sipp scenarios stop at UDP and TCP). Parley's TLS listener runs
// on a throwaway self-signed certificate for 127.0.0.1; baresip trusts it through `sip_cafile`, and Parley trusts
// baresip's (the same certificate) through its trust roots. Audio is SRTP with SDES keys (RFC 4568), which Parley
// offers and accepts only over TLS. The phone plays 600 Hz and records what it hears; the project's test caller
// sends 1000 Hz into the same room over UDP. The phone is the baresip of Tests/interop/baresip/ with its TLS settings.

@Suite("TLS peer: baresip over SIP over TLS with SRTP, both ways", .serialized, .timeLimit(.minutes(3)))
struct TLSPeerTests {
    static let room = "1000"

    /// A bridge with its TLS listener on a fresh certificate, the test caller in the room with 1000 Hz, and the
    /// listener's port.
    struct Fixture {
        let server: TestBridge
        let group: MultiThreadedEventLoopGroup
        let agent: CallerAgent
        let tls: SIPTLSConfiguration
        let tlsPort: Int

        static func start() async throws -> Fixture {
            let tls = try TestBridge.makeCertificate()
            let server = try await TestBridge.start(
                rooms: [RoomDefinition(name: "TLS", extensionNumber: TLSPeerTests.room, pin: Interop.pin)],
                tls: tls
            )
            let port = try #require(try await server.tlsAddress?.port, "the bridge's TLS listener")
            let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            let agent = try await CallerAgent.start(on: group.next())
            return Fixture(server: server, group: group, agent: agent, tls: tls, tlsPort: port)
        }

        /// The TLS listener's connection counts: accepted (the phone called in) and opened (Parley called out).
        func tlsStatistics() async throws -> SIPStreamTransport.Statistics? {
            let bridge = self.server.bridge
            return try await bridge.sipLoop.submit { bridge.userAgent.streamTransport(.tls)?.statistics }.get()
        }

        func stop() async throws {
            try await self.agent.shutdown()
            try await self.group.shutdownGracefully()
            try await self.server.stop()
        }
    }

    /// Three seconds of the room with the phone in it: the phone hears the caller's 1000 Hz and not its own
    /// 600 Hz, the caller hears the phone's 600 Hz.
    static func checkTwoWayAudio(_ phone: BaresipPhone, call: OutboundCall) async throws -> String {
        try await Task.sleep(for: .seconds(3))
        let path = try #require(phone.recordingPath, "\(phone.name) should be recording what it hears")
        let mark = Interop.wavDataBytes(path)
        try await call.clearRecording()
        try await Task.sleep(for: .seconds(2))
        let heard = Interop.wavSamples(path, fromDataByte: mark)
        let rate = Interop.wavRate(path)
        let phoneHearsCaller = ToneAnalysis.share(of: Interop.callerTone, in: heard, sampleRate: rate)
        let phoneHearsItself = ToneAnalysis.share(of: Interop.phoneTone, in: heard, sampleRate: rate)
        let callerHearsPhone = ToneAnalysis.share(of: Interop.phoneTone, in: try await call.recordedSamples())
        let findings =
            "\(phone.name): phone hears 1000 Hz share \(phoneHearsCaller), its own 600 Hz \(phoneHearsItself); "
            + "caller hears 600 Hz share \(callerHearsPhone)"
        #expect(Double(heard.count) >= rate * 1.5, "\(phone.name) should record what it heard (\(heard.count) samples)")
        #expect(phoneHearsCaller > 0.2, "\(findings)")
        #expect(phoneHearsItself < 0.02, "\(findings)")
        #expect(callerHearsPhone > 0.2, "\(findings)")
        return findings
    }

    /// The project's caller joins the room over UDP with 1000 Hz.
    static func joinCaller(_ fixture: Fixture, expectJoined: Int) async throws -> OutboundCall {
        let call = try await fixture.agent.call(
            user: Self.room,
            server: try fixture.server.sipAddress,
            source: .tone(frequency: Interop.callerTone)
        )
        try await call.sendDigits(Interop.pin + "#")
        #expect(try await fixture.server.waitFor(Self.room) { $0?.joinedCount == expectJoined }, "the caller joins")
        return call
    }

    @Test("baresip calls a room over TLS with SRTP: PIN, two-way audio, its BYE, then Parley's BYE")
    func phoneCallsOverTLS() async throws {
        let fixture = try await Fixture.start()
        let phone = try await BaresipPhone.start(
            name: "baresip-tls-uac",
            codecModules: ["g711"],
            accountCodecs: nil,
            tls: fixture.tls
        )
        do {
            let uri = "sip:\(Self.room)@127.0.0.1:\(fixture.tlsPort);transport=tls"
            let dialled = try await phone.dial(uri)
            #expect(dialled, "baresip's TLS call should be answered\n\(phone.log().suffix(4000))")
            if dialled {
                try await Task.sleep(for: .milliseconds(800))
                try await phone.sendDigits(Interop.pin + "#")
                let joined = try await fixture.server.waitFor(Self.room, timeout: .seconds(15)) { $0?.joinedCount == 1 }
                #expect(joined, "the PIN keyed over SRTP lets baresip in\n\(phone.log().suffix(4000))")
                let member = try await fixture.server.snapshot(Self.room)?.members.first
                let accepted = try await fixture.tlsStatistics()?.accepted ?? 0
                #expect(accepted >= 1, "baresip's call came in over a TLS connection (\(accepted) accepted)")
                // SRTP is accepted only when the SDP came over TLS: a suite here proves both.
                #expect(member?.srtpSuite != nil, "the call's audio is SRTP (suite \(member?.srtpSuite ?? "none"))")
                let call = try await Self.joinCaller(fixture, expectJoined: 2)
                print(
                    "TLS peer (baresip calls, suite \(member?.srtpSuite ?? "none")): \(try await Self.checkTwoWayAudio(phone, call: call))"
                )

                try await phone.hangUp()
                #expect(await phone.waitForCallEnd(timeout: .seconds(10)), "baresip's call should end")
                #expect(
                    try await fixture.server.waitFor(Self.room, timeout: .seconds(10)) { $0?.members.count == 1 },
                    "Parley lets baresip go on its BYE over TLS"
                )

                // A second call that Parley ends: its BYE goes to baresip over TLS.
                let callerID = try #require(try await fixture.server.snapshot(Self.room)?.members.first?.id)
                try await Task.sleep(for: .milliseconds(500))
                #expect(try await phone.dial(uri), "the second TLS call is answered")
                try await Task.sleep(for: .milliseconds(800))
                try await phone.sendDigits(Interop.pin + "#")
                #expect(try await fixture.server.waitFor(Self.room, timeout: .seconds(15)) { $0?.joinedCount == 2 })
                let second = try await fixture.server.snapshot(Self.room)?.members.first { $0.id != callerID }?.id
                let secondID = try #require(second)
                #expect(try await fixture.server.bridge.kick(participant: secondID, room: Self.room))
                #expect(await phone.waitForCallEnd(timeout: .seconds(15)), "baresip gets Parley's BYE over TLS")
                #expect(try await call.hangUp() == 200)
            }
        } catch {
            Issue.record("\(error)\n\(phone.log().suffix(6000))")
        }
        await phone.stop()
        try await fixture.stop()
    }

    @Test("Parley dials baresip over TLS (sips:) with SRTP; baresip answers, two-way audio, BYE")
    func parleyDialsOverTLS() async throws {
        let fixture = try await Fixture.start()
        let phone = try await BaresipPhone.start(
            name: "baresip-tls-uas",
            codecModules: ["g711"],
            accountCodecs: nil,
            answerMode: "auto",
            tls: fixture.tls
        )
        do {
            let call = try await Self.joinCaller(fixture, expectJoined: 1)
            let incoming = phone.markCallStart()
            let target = try SIPURI(parsing: "sips:phone@127.0.0.1:\(phone.tlsPort)")
            let id = try await fixture.server.bridge.dialOut(target, into: Self.room).get()
            #expect(await phone.waitForEstablished(after: incoming, timeout: .seconds(10)), "baresip answers Parley's TLS call")
            let opened = try await fixture.tlsStatistics()?.opened ?? 0
            #expect(opened >= 1, "Parley called out over a TLS connection (\(opened) opened)")
            let member = try await fixture.server.snapshot(Self.room)?.members.first { $0.id == id }
            #expect(member?.srtpSuite != nil, "the dialled call's audio is SRTP (suite \(member?.srtpSuite ?? "none"))")
            #expect(
                try await fixture.server.waitFor(Self.room) { $0?.joinedCount == 2 },
                "the dialled phone joins the room"
            )
            print(
                "TLS peer (Parley dials, suite \(member?.srtpSuite ?? "none")): \(try await Self.checkTwoWayAudio(phone, call: call))"
            )
            try await phone.hangUp()
            #expect(await phone.waitForCallEnd(timeout: .seconds(10)), "baresip's call should end")
            #expect(
                try await fixture.server.waitFor(Self.room, timeout: .seconds(10)) { $0?.members.count == 1 },
                "Parley lets the dialled phone go on its BYE over TLS"
            )
            #expect(try await call.hangUp() == 200)
        } catch {
            Issue.record("\(error)\n\(phone.log().suffix(6000))")
        }
        await phone.stop()
        try await fixture.stop()
    }
}
