import Conference
import Foundation
import NIOCore
import NIOPosix
import ParleyCaller
import RTP
import SIPCore
import Testing

/// RTCP on live legs (RFC 3550 §6, RFC 5761), with the project's caller as the far end: one caller on separate
/// RTCP ports, one with rtcp-mux, in one room, with a reduced report interval so the call stays short.
@Suite("End to end: RTCP", .serialized, .timeLimit(.minutes(2)))
struct RTCPTests {
    @Test("SRs with plausible counts, loss that matches injected drops, RTT > 0 both ways, rtcp-mux, BYE on kick")
    func reportsOnLiveLegs() async throws {
        let server = try await TestBridge.start(
            rooms: [RoomDefinition(name: "RTCP", extensionNumber: "7300", pin: "1")],
            rtcpInterval: .seconds(1)
        )
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let agent = try await CallerAgent.start(on: group.next())
        let address = try server.sipAddress
        let plain = try await agent.call(
            user: "7300",
            server: address,
            source: .tone(frequency: 440),
            rtcpInterval: .seconds(1)
        )
        let muxed = try await agent.call(
            user: "7300",
            server: address,
            source: .tone(frequency: 700),
            rtcpMux: true,
            rtcpInterval: .seconds(1)
        )
        #expect(try await !plain.rtcpMultiplexed)
        #expect(try await muxed.rtcpMultiplexed, "an offered rtcp-mux is answered")
        try await plain.sendDigits("1#")
        try await muxed.sendDigits("1#")
        #expect(try await server.waitFor("7300") { $0?.joinedCount == 2 })

        // Loss injected at the caller's sender: Parley must report exactly these as lost. Every round-trip time
        // must be above zero; a loopback one below 200 ms must show within a few reports (a single report can be
        // late when the machine is starved, so the bound is checked on the readings where everything holds).
        try await plain.dropSentPackets(12)
        var roundTrips: [Double] = []
        var members: [RoomSnapshot.Member] = []
        var callerReports: [RTCPSession.PeerReport] = []
        let reported = try await Self.poll(seconds: 8) {
            callerReports = [try await plain.rtcpPeerReport, try await muxed.rtcpPeerReport].compactMap { $0 }
            members = try await server.snapshot("7300")?.members ?? []
            let parley = members.compactMap(\.rtcp.roundTripMilliseconds)
            let callers = callerReports.compactMap { $0.roundTripTime.map { Double($0.nanoseconds) / 1e6 } }
            roundTrips = parley + callers
            return callerReports.first?.cumulativeLost == 12 && members.count == 2 && roundTrips.count == 4
                && roundTrips.allSatisfy { $0 < 200 }
        }
        #expect(reported, "the injected loss reported, and RTTs under 200 ms both ways: \(roundTrips) ms")
        #expect(roundTrips.allSatisfy { $0 > 0 }, "RTT over loopback is small but above zero: \(roundTrips) ms")

        for (call, report) in zip([plain, muxed], callerReports) {
            let info = try #require(report.lastSenderInfo, "Parley sends SRs")
            let received = call.packetsReceived
            // Parley's SR counts what it sent up to the report; the caller has received about as many by now.
            #expect(
                info.packetCount >= 25 && Int(info.packetCount) <= received + 5,
                "SR \(info.packetCount), heard \(received)"
            )
            #expect(info.octetCount == info.packetCount * 160, "G.711: 160 octets per 20 ms packet")
            #expect(report.senderReports >= 2)
        }
        #expect(callerReports.count == 2)
        #expect(callerReports.last?.cumulativeLost == 0)
        for member in members {
            #expect(member.rtcp.reportsReceived >= 2)
            #expect(member.rtcp.remoteCumulativeLost == 0, "nothing Parley sends gets lost on loopback")
        }
        let plainMember = try #require(members.first { $0.rtcp.cumulativeLost == 12 }, "Parley's own loss figure")
        #expect((plainMember.rtcp.jitterMilliseconds ?? -1) >= 0)

        // Parley hangs up the muxed caller: its last RTCP packet carries a BYE.
        let muxedID = try #require(members.first { $0.id != plainMember.id }?.id)
        #expect(try await server.bridge.kick(participant: muxedID, room: "7300"))
        #expect(try await muxed.waitForRemoteHangUp(timeout: .seconds(10)))
        // The RTCP BYE leaves before the SIP BYE, but on another socket of the caller's: it may be read just after.
        var byeReason = try await muxed.rtcpByeReceived
        for _ in 0..<20 where byeReason == nil {
            try await Task.sleep(for: .milliseconds(100))
            byeReason = try await muxed.rtcpByeReceived
        }
        #expect(byeReason == "left the conference")

        try await agent.shutdown()
        try await group.shutdownGracefully()
        try await server.stop()
    }

    /// Polls `condition` every 100 ms until it holds or `seconds` pass.
    static func poll(seconds: Double, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }
}
