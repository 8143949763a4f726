import NIOCore
import Testing

@testable import RTP

/// The RTCP session state machine in virtual time: two ends exchange RTP and reports through a simulated
/// network with a fixed one-way delay; nothing reads a clock or opens a socket.
@Suite("RTCP session (reports, round-trip time, loss, jitter, BYE)")
struct RTCPSessionTests {
    static let configuration = RTCPSession.Configuration(clockRate: 8000, cname: "test@example.net")
    /// Both ends' wall clocks, anchored at the same instant (as if their NTP clocks agreed).
    static let clock = NTPClock(unixNanoseconds: 1_700_000_000_000_000_000, now: .uptimeNanoseconds(0))

    static func at(_ milliseconds: Int64) -> NIODeadline { .uptimeNanoseconds(UInt64(milliseconds) * 1_000_000) }

    /// Writes `from`'s report at `milliseconds` and delivers it to `to` after `delay` ms.
    @discardableResult
    static func exchange(
        from: inout RTCPSession,
        to: inout RTCPSession,
        at milliseconds: Int64,
        delay: Int64 = 5
    ) -> RTCPSession.Received? {
        var buffer = ByteBuffer()
        let sent = at(milliseconds)
        let written = from.reportIfDue(now: sent, wallClock: clock.timestamp(at: sent), random: 0.5, into: &buffer)
        guard written else { return nil }
        let arrival = at(milliseconds + delay)
        return to.receivedCompound(buffer, now: arrival, wallClock: clock.timestamp(at: arrival))
    }

    @Test("SR counts, RR loss across a sequence wrap, and RTT = A − LSR − DLSR")
    func reportsAndRoundTrip() throws {
        var bridge = RTCPSession(ssrc: 0xB0, configuration: Self.configuration, now: Self.at(0), random: 0.5)
        var caller = RTCPSession(ssrc: 0xCA, configuration: Self.configuration, now: Self.at(0), random: 0.5)
        // 200 packets each way at 20 ms; the caller's sequence wraps at 65535, and 10 of its packets are lost.
        for index in 0..<200 {
            let time = Int64(index) * 20
            bridge.sentPacket(payloadOctets: 160, timestamp: UInt32(index * 160), now: Self.at(time))
            caller.receivedPacket(
                ssrc: 0xB0,
                sequenceNumber: UInt16(index),
                timestamp: UInt32(index * 160),
                arrival: UInt64(time + 5) * 1_000_000
            )
            let sequence = UInt16(truncatingIfNeeded: 65_500 + index)
            caller.sentPacket(payloadOctets: 160, timestamp: UInt32(index * 160), now: Self.at(time))
            guard !(100..<110).contains(index) else { continue }
            bridge.receivedPacket(
                ssrc: 0xCA,
                sequenceNumber: sequence,
                timestamp: UInt32(index * 160),
                arrival: UInt64(time + 5) * 1_000_000
            )
        }
        // The bridge's SR at 4 s reaches the caller at 4.005 s.
        #expect(Self.exchange(from: &bridge, to: &caller, at: 4000) == .reports)
        let info = try #require(caller.peer.lastSenderInfo)
        #expect(info.packetCount == 200)
        #expect(info.octetCount == 200 * 160)
        // The bridge's block about the caller: 10 lost, highest sequence extended past the wrap.
        let block = try #require(bridge.lastSentBlock)
        #expect(block.ssrc == 0xCA)
        #expect(block.cumulativeLost == 10)
        #expect(block.extendedHighestSequenceNumber == (1 << 16) + UInt32((65_500 + 199) & 0xFFFF))
        #expect(block.fractionLost == UInt8(10 * 256 / 199))
        // The caller reports 300 ms after the SR arrived; the bridge gets it 5 ms later: RTT 10 ms.
        #expect(Self.exchange(from: &caller, to: &bridge, at: 4305) == .reports)
        let roundTrip = try #require(bridge.peer.roundTripTime)
        #expect(abs(roundTrip.nanoseconds - 10_000_000) < 100_000, "RTT \(roundTrip.nanoseconds) ns")
        #expect(bridge.peer.cumulativeLost == 0)
        #expect(bridge.peer.reportBlocks == 1)
        // And the other way: the caller's SR, echoed in the bridge's next report.
        let next = bridge.nextReport
        Self.exchange(from: &bridge, to: &caller, at: Int64(next.uptimeNanoseconds / 1_000_000) + 1)
        let callerRoundTrip = try #require(caller.peer.roundTripTime)
        #expect(abs(callerRoundTrip.nanoseconds - 10_000_000) < 100_000)
        #expect(caller.peer.cumulativeLost == 10)
    }

    @Test("The interval: half the minimum first, randomised over [0.5, 1.5] and divided by e − 3/2")
    func interval() {
        let first = RTCPSession(ssrc: 1, configuration: Self.configuration, now: Self.at(0), random: 0)
        // Tmin/2 = 2.5 s, × 0.5 / 1.21828.
        #expect(abs(first.nextReport.uptimeNanoseconds.distance(to: 1_025_988_000)) < 1_000_000)
        var session = RTCPSession(ssrc: 1, configuration: Self.configuration, now: Self.at(0), random: 0.999_999)
        #expect(!session.isReportDue(now: Self.at(3000)))
        var buffer = ByteBuffer()
        #expect(
            !session.reportIfDue(
                now: Self.at(3000),
                wallClock: Self.clock.timestamp(at: Self.at(3000)),
                random: 0,
                into: &buffer
            )
        )
        #expect(
            session.reportIfDue(
                now: Self.at(3100),
                wallClock: Self.clock.timestamp(at: Self.at(3100)),
                random: 0,
                into: &buffer
            )
        )
        // Then 5 s × 0.5 / 1.21828 ≈ 2.052 s.
        #expect(abs(Int64(session.nextReport.uptimeNanoseconds) - 3_100_000_000 - 2_051_975_000) < 1_000_000)
        // A reduced minimum shortens it, down to what the RTCP bandwidth allows: 5 % of 10 000 octets/s shared by
        // two members sending 128-octet reports is 0.512 s, more than half of 1 s.
        let reduced = RTCPSession(
            ssrc: 1,
            configuration: RTCPSession.Configuration(cname: "x", minimumInterval: .seconds(1)),
            now: Self.at(0),
            random: 0
        )
        #expect(abs(Int64(reduced.nextReport.uptimeNanoseconds) - 210_132_000) < 1_000_000)
    }

    @Test("Compound packets: RR when we sent nothing, SR when we did, SDES CNAME always; BYE with a reason")
    func compoundAndBye() throws {
        var quiet = RTCPSession(ssrc: 7, configuration: Self.configuration, now: Self.at(0), random: 0)
        var peer = RTCPSession(ssrc: 8, configuration: Self.configuration, now: Self.at(0), random: 0)
        var buffer = ByteBuffer()
        _ = quiet.reportIfDue(
            now: Self.at(2000),
            wallClock: Self.clock.timestamp(at: Self.at(2000)),
            random: 0,
            into: &buffer
        )
        var types: [RTCPPacketType] = []
        var cname = ""
        try RTCPCompoundPacket.forEachPacket(in: buffer) { packet, bytes in
            types.append(packet.packetType)
            if let name = packet.cname(in: bytes) { cname = String(decoding: name.value, as: UTF8.self) }
        }
        #expect(types == [.receiverReport, .sourceDescription])
        #expect(cname == "test@example.net")
        #expect(
            peer.receivedCompound(buffer, now: Self.at(2001), wallClock: Self.clock.timestamp(at: Self.at(2001)))
                == .reports
        )
        #expect(peer.peer.receiverReports == 1)
        #expect(peer.peer.ssrc == 7)

        quiet.sentPacket(payloadOctets: 160, timestamp: 1000, now: Self.at(2100))
        var bye = ByteBuffer()
        quiet.writeBye(
            reason: "left the conference",
            now: Self.at(2120),
            wallClock: Self.clock.timestamp(at: Self.at(2120)),
            into: &bye
        )
        types = []
        var senderInfo: RTCPSenderInfo?
        try RTCPCompoundPacket.forEachPacket(in: bye) { packet, bytes in
            types.append(packet.packetType)
            if let info = packet.senderInfo(in: bytes) { senderInfo = info }
        }
        #expect(types == [.senderReport, .sourceDescription, .bye])
        // The SR's RTP timestamp is the last packet's advanced by 20 ms at 8 kHz.
        #expect(senderInfo?.rtpTimestamp == 1160)
        let received = peer.receivedCompound(
            bye,
            now: Self.at(2121),
            wallClock: Self.clock.timestamp(at: Self.at(2121))
        )
        #expect(received == .bye(reason: "left the conference"))
        #expect(peer.peer.saidBye)
    }

    @Test("Garbage and truncated packets are refused and counted, not read")
    func invalid() {
        var session = RTCPSession(ssrc: 7, configuration: Self.configuration, now: Self.at(0), random: 0)
        for bytes: [UInt8] in [[], [0x80], [0x80, 0xC8, 0x00, 0x06, 1, 2, 3], [0x40, 0xC9, 0, 1, 0, 0, 0, 0]] {
            let result = session.receivedCompound(
                ByteBuffer(bytes: bytes),
                now: Self.at(1),
                wallClock: NTPTimestamp(rawValue: 0)
            )
            guard case .invalid = result else {
                Issue.record("accepted \(bytes)")
                continue
            }
        }
        #expect(session.invalidReceived == 4)
        #expect(session.reportsReceived == 0)
    }

    @Test("Jitter (A.8): constant transit gives 0; transit alternating by 10 ms converges on 80 units at 8 kHz")
    func jitter() {
        var steady = RTCPSession(ssrc: 1, configuration: Self.configuration, now: Self.at(0), random: 0)
        var shaky = RTCPSession(ssrc: 1, configuration: Self.configuration, now: Self.at(0), random: 0)
        for index in 0..<300 {
            let sent = UInt64(index) * 20_000_000
            steady.receivedPacket(
                ssrc: 2,
                sequenceNumber: UInt16(index),
                timestamp: UInt32(index * 160),
                arrival: sent + 7_000_000
            )
            let wobble: UInt64 = index % 2 == 0 ? 0 : 10_000_000
            shaky.receivedPacket(
                ssrc: 2,
                sequenceNumber: UInt16(index),
                timestamp: UInt32(index * 160),
                arrival: sent + wobble
            )
        }
        #expect(steady.reception?.interarrivalJitter == 0)
        let jitter = shaky.reception?.interarrivalJitter ?? 0
        #expect((75...80).contains(jitter), "jitter \(jitter)")
        #expect(abs(shaky.receptionJitterSeconds - 0.01) < 0.001)
    }

    @Test("A codec change to another clock (8 → 48 kHz): jitter keeps its seconds, counts carry on, timestamps jump")
    func clockRateChange() {
        var session = RTCPSession(ssrc: 1, configuration: Self.configuration, now: Self.at(0), random: 0)
        func feed(_ range: Range<Int>, step: Int, base: Int) {
            for index in range {
                let wobble: UInt64 = index % 2 == 0 ? 0 : 10_000_000
                session.receivedPacket(
                    ssrc: 2,
                    sequenceNumber: UInt16(index),
                    timestamp: UInt32(base + (index - range.lowerBound) * step),
                    arrival: UInt64(index) * 20_000_000 + wobble
                )
            }
        }
        feed(0..<300, step: 160, base: 0)
        let before = session.receptionJitterSeconds
        let received = session.reception?.received ?? 0
        session.changeClockRate(48000)
        #expect(session.configuration.clockRate == 48000)
        #expect(session.reception?.clockRate == 48000)
        #expect(abs(session.receptionJitterSeconds - before) < 0.0005, "the estimate is rescaled, not reset")
        // The stream goes on at 48 kHz from an unrelated timestamp: one jump, not a jitter spike of seconds.
        feed(300..<600, step: 960, base: 123_456_789)
        #expect(abs(session.receptionJitterSeconds - 0.01) < 0.001, "jitter \(session.receptionJitterSeconds)")
        #expect(session.reception?.received == received + 300, "the counts carry on across the change")
        session.changeClockRate(48000)
        #expect(session.configuration.clockRate == 48000, "the same rate again changes nothing")
    }

    @Test("NTP clock: monotonic time after the anchor, 32.32 fixed point since 1900")
    func ntpClock() {
        let clock = NTPClock(unixNanoseconds: 0, now: .uptimeNanoseconds(5_000_000_000))
        let later = clock.timestamp(at: .uptimeNanoseconds(6_500_000_000))
        #expect(later.seconds == UInt32(NTPClock.unixEpochOffset + 1))
        #expect(later.fraction == 1 << 31)
        #expect(
            clock.timestamp(at: .uptimeNanoseconds(5_000_000_000)).middle32
                == UInt32(truncatingIfNeeded: NTPClock.unixEpochOffset << 16)
        )
    }
}
