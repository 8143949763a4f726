import NIOCore
import Testing

@testable import RTP

/// A transport address for tests: no sockets needed.
struct TestAddress: Hashable, Sendable {
    var host: String
    var port: Int
    static let caller = TestAddress(host: "198.51.100.7", port: 40000)
    static let natRebound = TestAddress(host: "198.51.100.7", port: 40002)
    static let stranger = TestAddress(host: "203.0.113.66", port: 5004)
}

extension NIODeadline {
    static func at(milliseconds: Int64) -> NIODeadline { .uptimeNanoseconds(UInt64(milliseconds) * 1_000_000 + 1) }
}

@Suite("Media session source checks (symmetric RTP, strict RTP, inactivity)")
struct MediaSessionTests {
    typealias Session = MediaSession<TestAddress>

    /// Sends packets `first..<first+count` from `address` every 20 ms starting at `start` ms.
    func send(
        _ session: inout Session,
        from address: TestAddress = .caller,
        ssrc: UInt32 = 0x1234,
        sequence first: UInt16,
        count: Int = 1,
        startMilliseconds start: Int64
    ) -> [Session.Action] {
        (0..<count).map { index in
            session.receivedPacket(
                from: address,
                ssrc: ssrc,
                sequenceNumber: first &+ UInt16(index),
                now: .at(milliseconds: start + Int64(index) * 20)
            )
        }
    }

    @Test("strict RTP: the source is learnt after N consecutive packets, then latched once")
    func strictProbation() {
        var session = Session(configuration: .init(probationPackets: 3), now: .at(milliseconds: 0))
        let actions = self.send(&session, sequence: 100, count: 5, startMilliseconds: 0)
        #expect(actions == [.drop(.probation), .drop(.probation), .latch(.caller), .accept, .accept])
        #expect(session.source?.address == .caller)
        #expect(session.counters.droppedInProbation == 2)
        #expect(session.counters.accepted == 3)
    }

    @Test("strict RTP: a gap in the sequence restarts the probation")
    func probationNeedsConsecutiveSequence() {
        var session = Session(configuration: .init(probationPackets: 3), now: .at(milliseconds: 0))
        var actions = self.send(&session, sequence: 10, count: 2, startMilliseconds: 0)
        actions += self.send(&session, sequence: 13, count: 3, startMilliseconds: 40)
        #expect(
            actions == [.drop(.probation), .drop(.probation), .drop(.probation), .drop(.probation), .latch(.caller)]
        )
    }

    @Test("strict RTP: packets alternating between two sources never pass probation")
    func probationNeedsOneSource() {
        var session = Session(configuration: .init(probationPackets: 2), now: .at(milliseconds: 0))
        var actions: [Session.Action] = []
        for index in 0..<6 {
            let address: TestAddress = index.isMultiple(of: 2) ? .caller : .stranger
            actions += self.send(&session, from: address, sequence: UInt16(index), startMilliseconds: Int64(index))
        }
        #expect(actions.allSatisfy { $0 == .drop(.probation) })
        #expect(session.source == nil)
    }

    @Test("strict RTP: after learning, packets from another address are dropped (no RTP bleed)")
    func noBleed() {
        var session = Session(configuration: .init(probationPackets: 2), now: .at(milliseconds: 0))
        _ = self.send(&session, sequence: 1, count: 2, startMilliseconds: 0)
        let foreign = self.send(&session, from: .stranger, ssrc: 0x1234, sequence: 3, count: 3, startMilliseconds: 40)
        #expect(foreign == [.drop(.unexpectedAddress), .drop(.unexpectedAddress), .drop(.unexpectedAddress)])
        // The same host on another port is another address too.
        #expect(
            self.send(&session, from: .natRebound, sequence: 3, startMilliseconds: 100) == [.drop(.unexpectedAddress)]
        )
        #expect(self.send(&session, sequence: 3, startMilliseconds: 120) == [.accept])
        #expect(session.counters.droppedUnexpectedAddress == 4)
    }

    @Test("strict RTP: a new SSRC from the learnt address after a pause is taken over at once")
    func ssrcChangeAfterPause() {
        var session = Session(configuration: .init(probationPackets: 2), now: .at(milliseconds: 0))
        _ = self.send(&session, sequence: 1, count: 2, startMilliseconds: 0)
        let actions = self.send(&session, ssrc: 0xBEEF, sequence: 9000, count: 2, startMilliseconds: 1020)
        #expect(actions == [.restartStream(ssrc: 0xBEEF), .accept])
        #expect(session.source?.ssrc == 0xBEEF)
        #expect(session.counters.ssrcChanges == 1)
    }

    @Test("strict RTP: a new SSRC without a pause is dropped until its own probation passes")
    func ssrcChangeWithoutPause() {
        var session = Session(configuration: .init(probationPackets: 3), now: .at(milliseconds: 0))
        _ = self.send(&session, sequence: 1, count: 3, startMilliseconds: 0)
        var actions: [Session.Action] = []
        for index in 0..<3 {
            let time = 60 + Int64(index) * 20
            actions += self.send(&session, ssrc: 0xBEEF, sequence: 500 + UInt16(index), startMilliseconds: time)
            actions += self.send(&session, sequence: 4 + UInt16(index), startMilliseconds: time + 1)
        }
        #expect(
            actions == [
                .drop(.unexpectedSSRC), .accept, .drop(.unexpectedSSRC), .accept, .restartStream(ssrc: 0xBEEF),
                .drop(.unexpectedSSRC),
            ]
        )
        #expect(session.counters.droppedUnexpectedSSRC == 3)
    }

    @Test("symmetric RTP without strict RTP latches to the first packet and accepts everything")
    func symmetricOnly() {
        var session = Session(configuration: .init(strictRTP: false), now: .at(milliseconds: 0))
        #expect(self.send(&session, sequence: 7, startMilliseconds: 0) == [.latch(.caller)])
        #expect(self.send(&session, sequence: 8, startMilliseconds: 20) == [.accept])
        #expect(self.send(&session, from: .natRebound, sequence: 9, startMilliseconds: 40) == [.accept])
        #expect(session.counters.droppedInProbation == 0)
    }

    @Test("strict RTP without symmetric RTP learns but never latches")
    func strictOnly() {
        var session = Session(configuration: .init(symmetricRTP: false, probationPackets: 2), now: .at(milliseconds: 0))
        #expect(
            self.send(&session, sequence: 1, count: 3, startMilliseconds: 0) == [.drop(.probation), .accept, .accept]
        )
    }

    @Test("a re-INVITE makes the session learn (and latch) again")
    func renegotiation() {
        var session = Session(configuration: .init(probationPackets: 2), now: .at(milliseconds: 0))
        _ = self.send(&session, sequence: 1, count: 2, startMilliseconds: 0)
        session.renegotiated()
        let actions = self.send(&session, from: .natRebound, ssrc: 9, sequence: 40, count: 2, startMilliseconds: 60)
        #expect(actions == [.drop(.probation), .latch(.natRebound)])
        #expect(session.counters.sourcesLearnt == 2)
    }

    @Test("inactivity: the call ends after the timeout without media")
    func inactivityTimeout() {
        var session = Session(configuration: .init(inactivityTimeout: .seconds(10)), now: .at(milliseconds: 0))
        #expect(session.checkInactivity(now: .at(milliseconds: 5000)) == .schedule(.at(milliseconds: 10000)))
        _ = self.send(&session, sequence: 1, count: 4, startMilliseconds: 6000)
        #expect(session.timerFired(now: .at(milliseconds: 10000)) == .schedule(.at(milliseconds: 16060)))
        #expect(session.timerFired(now: .at(milliseconds: 16060)) == .endCall)
        #expect(session.counters.inactivityTimeouts == 1)
    }

    @Test("inactivity: dropped packets do not keep the call alive")
    func droppedPacketsAreNotActivity() {
        var session = Session(
            configuration: .init(probationPackets: 2, inactivityTimeout: .seconds(5)),
            now: .at(milliseconds: 0)
        )
        _ = self.send(&session, sequence: 1, count: 2, startMilliseconds: 0)
        _ = self.send(&session, from: .stranger, sequence: 3, count: 300, startMilliseconds: 100)
        #expect(session.checkInactivity(now: .at(milliseconds: 5020)) == .endCall)
    }

    @Test("inactivity: paused while on hold, restarted on resume")
    func holdPausesTimeout() {
        var session = Session(configuration: .init(inactivityTimeout: .seconds(10)), now: .at(milliseconds: 0))
        #expect(session.holdStarted(now: .at(milliseconds: 1000)) == .cancel)
        #expect(session.isOnHold)
        #expect(session.checkInactivity(now: .at(milliseconds: 600_000)) == .cancel)
        #expect(session.holdEnded(now: .at(milliseconds: 600_000)) == .schedule(.at(milliseconds: 610_000)))
        #expect(session.checkInactivity(now: .at(milliseconds: 609_999)) == .schedule(.at(milliseconds: 610_000)))
        #expect(session.checkInactivity(now: .at(milliseconds: 610_000)) == .endCall)
    }

    @Test("inactivity: an optional hold timeout bounds a hold")
    func holdTimeout() {
        let configuration = Session.Configuration(inactivityTimeout: .seconds(10), holdTimeout: .seconds(3600))
        var session = Session(configuration: configuration, now: .at(milliseconds: 0))
        #expect(session.holdStarted(now: .at(milliseconds: 1000)) == .schedule(.at(milliseconds: 3_601_000)))
        #expect(session.checkInactivity(now: .at(milliseconds: 3_601_000)) == .endCall)
    }

    @Test("inactivity disabled: no check is ever due")
    func noTimeout() {
        var session = Session(configuration: .init(inactivityTimeout: nil), now: .at(milliseconds: 0))
        #expect(session.checkInactivity(now: .at(milliseconds: 86_400_000)) == .cancel)
    }
}

@Suite("Media session with NIO socket addresses")
struct MediaSessionSocketAddressTests {
    @Test("SocketAddress works as the source key (no socket is opened)")
    func socketAddresses() throws {
        let caller = try SocketAddress(ipAddress: "198.51.100.7", port: 40000)
        let stranger = try SocketAddress(ipAddress: "203.0.113.66", port: 40000)
        var session = MediaSession<SocketAddress>(configuration: .init(probationPackets: 2), now: .uptimeNanoseconds(1))
        #expect(
            session.receivedPacket(from: caller, ssrc: 1, sequenceNumber: 1, now: .uptimeNanoseconds(2))
                == .drop(.probation)
        )
        #expect(
            session.receivedPacket(from: caller, ssrc: 1, sequenceNumber: 2, now: .uptimeNanoseconds(3))
                == .latch(caller)
        )
        #expect(
            session.receivedPacket(from: stranger, ssrc: 1, sequenceNumber: 3, now: .uptimeNanoseconds(4))
                == .drop(.unexpectedAddress)
        )
    }
}

@Suite("Media session: relearning after the source falls silent")
struct MediaSessionRelearnTests {
    typealias Session = MediaSession<TestAddress>

    func packet(
        _ session: inout Session,
        _ address: TestAddress,
        _ sequence: UInt16,
        at milliseconds: Int64
    ) -> Session.Action {
        session.receivedPacket(from: address, ssrc: 77, sequenceNumber: sequence, now: .at(milliseconds: milliseconds))
    }

    @Test("by default a new address is never learnt, however long the silence")
    func disabled() {
        var session = Session(
            configuration: .init(probationPackets: 2, inactivityTimeout: nil),
            now: .at(milliseconds: 0)
        )
        _ = self.packet(&session, .caller, 1, at: 0)
        _ = self.packet(&session, .caller, 2, at: 20)
        let actions = (0..<5).map { self.packet(&session, .natRebound, 3 + UInt16($0), at: 60_000 + Int64($0) * 20) }
        #expect(actions.allSatisfy { $0 == .drop(.unexpectedAddress) })
    }

    @Test("after the configured silence a new address passes probation and is latched")
    func relearns() {
        let configuration = Session.Configuration(probationPackets: 3, relearnAfterSilence: .seconds(2))
        var session = Session(configuration: configuration, now: .at(milliseconds: 0))
        _ = (0..<3).map { self.packet(&session, .caller, UInt16($0), at: Int64($0) * 20) }
        // Still talking: the stranger is refused.
        #expect(self.packet(&session, .natRebound, 100, at: 1000) == .drop(.unexpectedAddress))
        // Silent for 2 s: the new address is learnt after its own probation.
        let actions = (0..<3).map { self.packet(&session, .natRebound, 101 + UInt16($0), at: 3000 + Int64($0) * 20) }
        #expect(actions == [.drop(.probation), .drop(.probation), .latch(.natRebound)])
        #expect(session.source?.address == .natRebound)
        // Now the old address is the stranger.
        #expect(self.packet(&session, .caller, 3, at: 3100) == .drop(.unexpectedAddress))
        #expect(session.counters.sourcesLearnt == 2)
    }

    @Test("without symmetric RTP the relearnt source restarts the stream instead of latching")
    func relearnWithoutLatching() {
        let configuration = Session.Configuration(
            symmetricRTP: false,
            probationPackets: 1,
            relearnAfterSilence: .seconds(1)
        )
        var session = Session(configuration: configuration, now: .at(milliseconds: 0))
        #expect(self.packet(&session, .caller, 1, at: 0) == .accept)
        #expect(self.packet(&session, .stranger, 50, at: 5000) == .restartStream(ssrc: 77))
    }
}
