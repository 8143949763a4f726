import Conference
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ParleyCaller
import SIPCore
import Testing

/// Getting into a room from elsewhere: blind and attended transfers, REFER from a participant, dial-out.
@Suite("End to end: transfers and dial-out", .serialized, .timeLimit(.minutes(2)))
struct TransferTests {
    typealias Fixture = RoomFeatureTests.Fixture

    /// The same call carries a Record-Route: Parley's BYE on a kick must go through that "proxy" (issue 11).
    @Test("Blind transfer: the transferred caller enters with the PIN; its Record-Route carries Parley's BYE")
    func blindTransfer() async throws {
        let fixture = try await Fixture.start([])
        // A UDP socket plays the record-routing proxy: Parley's in-dialog requests must arrive there.
        let proxy = try await FloodTests.UDPPeer.bind(host: "127.0.0.1", group: fixture.group)
        let route = "<sip:127.0.0.1:\(proxy.port);lr>"
        let call = try await fixture.agent.call(
            user: fixture.room,
            server: try fixture.server.sipAddress,
            extraHeaders: [(.referredBy, "<sip:reception@127.0.0.1>"), (.recordRoute, route)]
        )
        try await call.sendDigits("1234#")
        #expect(try await fixture.server.waitFor(fixture.room) { $0?.joinedCount == 1 })
        let id = try #require(try await fixture.snapshot()?.members.first?.id)
        #expect(try await fixture.server.bridge.kick(participant: id, room: fixture.room))
        let deadline = ContinuousClock.now + .seconds(10)
        var bye: String?
        while ContinuousClock.now < deadline, bye == nil {
            bye = proxy.received.withLockedValue { $0 }.first { $0.text.hasPrefix("BYE ") }?.text
            if bye == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        let text = try #require(bye, "the BYE reaches the proxy named in Record-Route")
        let lines = text.split(separator: "\r\n").map(String.init)
        #expect(lines.first == "BYE sip:caller@\(fixture.agent.userAgent.hostPort) SIP/2.0", "\(text)")
        #expect(lines.contains("Route: \(route)"), "\(text)")
        #expect(lines.contains { $0.hasPrefix("Call-ID: \(call.callID)") }, "\(text)")
        #expect(try await !call.hasEnded, "the BYE went to the proxy, not straight to the caller")
        await proxy.close()
        try await fixture.stop()
    }

    @Test("Attended transfer: an INVITE with Replaces takes over a participant's seat, without a PIN")
    func attendedTransfer() async throws {
        let fixture = try await Fixture.start(["admin_pin=9999"])
        let original = try await fixture.join(pin: "9999", tone: nil, expectJoined: 1)
        let replaces = try await original.replacesValue
        let successor = try await fixture.agent.call(
            user: fixture.room,
            server: try fixture.server.sipAddress,
            source: .tone(frequency: 700),
            extraHeaders: [(.replaces, replaces), (.require, "replaces")]
        )
        #expect(try await original.waitForRemoteHangUp(timeout: .seconds(10)), "the replaced call gets BYE")
        #expect(
            try await fixture.server.waitFor(fixture.room) { snapshot in
                snapshot?.members.count == 1 && snapshot?.members.first?.isAdmin == true
                    && snapshot?.members.first?.inConference == true
            },
            "the successor sits in the admin's seat without entering a PIN"
        )
        #expect(try await !successor.hasEnded)
        try await fixture.stop()
    }

    @Test("Replaces for an unknown dialog is refused with 481")
    func replacesUnknown() async throws {
        let fixture = try await Fixture.start([])
        await #expect(throws: CallerError(.rejected, statusCode: 481, "")) {
            _ = try await fixture.agent.call(
                user: fixture.room,
                server: try fixture.server.sipAddress,
                extraHeaders: [(.replaces, "nosuchcall@x;to-tag=a;from-tag=b")]
            )
        }
        try await fixture.stop()
    }

    @Test(
        "REFER from a participant: Parley calls the target (sipp as UAS), reports by NOTIFY, and seats them; never through the trunk"
    )
    func referBringsSomeoneIn() async throws {
        let fixture = try await Fixture.start([], trunkAddresses: ["127.0.0.9"])
        let host = try await fixture.join(pin: "1234", tone: nil, expectJoined: 1)
        // A number at the trunk's address would be a call on the operator's account: refused.
        #expect(try await host.refer(to: "sip:0900123456@127.0.0.9:5060") == 403)
        #expect(try await host.receivedNotifications().isEmpty, "nothing was tried")
        let port = Int.random(in: 20000..<20400)
        let sipp = try SippTests.startUAS(port: port)
        defer { sipp.terminate() }
        try await Task.sleep(for: .milliseconds(500))
        #expect(try await host.refer(to: "sip:guest@127.0.0.1:\(port)") == 202)
        #expect(try await fixture.server.waitFor(fixture.room) { $0?.joinedCount == 2 }, "the referred party joins")
        let notifications = try await host.receivedNotifications()
        #expect(notifications.contains { $0.hasPrefix("SIP/2.0 100") }, "\(notifications)")
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline,
            !(try await host.receivedNotifications()).contains(where: { $0.hasPrefix("SIP/2.0 200") })
        {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(try await host.receivedNotifications().contains { $0.hasPrefix("SIP/2.0 200") })
        // Kick the guest: Parley's BYE completes sipp's scenario.
        let guest = try #require(try await fixture.snapshot()?.members.last?.id)
        #expect(try await fixture.server.bridge.kick(participant: guest, room: fixture.room))
        sipp.waitUntilExit()
        #expect(sipp.terminationStatus == 0, "sipp's UAS scenario completed")
        try await fixture.stop()
    }

    @Test("Dial-out: Parley calls a number into a room (sipp as the callee)")
    func dialOut() async throws {
        let fixture = try await Fixture.start([])
        let port = Int.random(in: 20500..<20900)
        let sipp = try SippTests.startUAS(port: port)
        defer { sipp.terminate() }
        try await Task.sleep(for: .milliseconds(500))
        let target = try SIPURI(parsing: "sip:callee@127.0.0.1:\(port)")
        let id = try await fixture.server.bridge.dialOut(target, into: fixture.room).get()
        #expect(try await fixture.server.waitFor(fixture.room) { $0?.members.first?.id == id && $0?.joinedCount == 1 })
        #expect(try await fixture.server.bridge.kick(participant: id, room: fixture.room))
        sipp.waitUntilExit()
        #expect(sipp.terminationStatus == 0)
        await #expect(throws: (any Error).self) {
            _ = try await fixture.server.bridge.dialOut(target, into: "4040").get()
        }
        try await fixture.stop()
    }
}
