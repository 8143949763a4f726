import Testing

@testable import SIPCore

@Suite("Flood and overload limits")
struct OverloadControlTests {
    static let second: UInt64 = 1_000_000_000

    @Test("A source above its rate is blocked, stays blocked while it floods, and is let back after the block")
    func perSourceBlock() {
        var control = OverloadControl(
            policy: OverloadPolicy(messagesPerSourceWindow: 10, sourceBlockDuration: .seconds(5), trustLoopback: false)
        )
        var now: UInt64 = 100 * Self.second
        for _ in 0..<10 {
            let verdict = control.receivedMessage(from: "192.0.2.7", now: now)
            #expect(verdict == .accept)
        }
        do {
            let verdict = control.receivedMessage(from: "192.0.2.7", now: now)
            #expect(verdict == .drop(newlyBlocked: true))
        }
        do {
            let verdict = control.receivedMessage(from: "198.51.100.1", now: now)
            #expect(verdict == .accept, "other sources are untouched")
        }
        // Flooding on for 10 s (100 messages per second): every message dropped, the block renewed.
        for _ in 0..<1000 {
            now += Self.second / 100
            do {
                let verdict = control.receivedMessage(from: "192.0.2.7", now: now)
                #expect(verdict == .drop(newlyBlocked: false))
            }
        }
        #expect(control.statistics.sourcesBlocked == 1)
        #expect(control.statistics.droppedFromBlockedSources == 1001)
        now += 4 * Self.second
        do {
            let verdict = control.receivedMessage(from: "192.0.2.7", now: now)
            #expect(verdict == .drop(newlyBlocked: false))
        }
        now += 6 * Self.second
        do {
            let verdict = control.receivedMessage(from: "192.0.2.7", now: now)
            #expect(verdict == .accept, "quiet for the block time: let back")
        }
    }

    @Test("A source at a steady rate just under the limit is never blocked (the window slides)")
    func steadyRate() {
        var control = OverloadControl(policy: OverloadPolicy(messagesPerSourceWindow: 20, trustLoopback: false))
        var now: UInt64 = 7 * Self.second
        // 9 messages per second is 18 per 2 s window.
        for _ in 0..<900 {
            do {
                let verdict = control.receivedMessage(from: "192.0.2.8", now: now)
                #expect(verdict == .accept)
            }
            now += Self.second / 9
        }
    }

    @Test("Trusted and (by default) loopback sources are never blocked")
    func trusted() {
        var control = OverloadControl(
            policy: OverloadPolicy(messagesPerSourceWindow: 1, trustedSources: ["203.0.113.5"])
        )
        for _ in 0..<100 {
            do {
                let verdict = control.receivedMessage(from: "203.0.113.5", now: Self.second)
                #expect(verdict == .accept)
            }
            do {
                let verdict = control.receivedMessage(from: "127.0.0.1", now: Self.second)
                #expect(verdict == .accept)
            }
            do {
                let verdict = control.receivedMessage(from: "::1", now: Self.second)
                #expect(verdict == .accept)
            }
        }
        #expect(control.trackedSources == 0)
    }

    @Test("New INVITEs beyond the global rate are refused, and admitted again in the next second")
    func globalInviteRate() {
        var control = OverloadControl(policy: OverloadPolicy(invitesPerSecond: 50))
        var now: UInt64 = 10 * Self.second
        let admitted = (0..<80).filter { _ in control.admitNewInvite(now: now) }.count
        #expect(admitted == 50)
        #expect(control.statistics.invitesRefused == 30)
        now += 2 * Self.second
        do {
            let verdict = control.admitNewInvite(now: now)
            #expect(verdict)
        }
    }

    @Test("The source table stays bounded under a flood of distinct (spoofed) sources")
    func boundedTable() {
        var control = OverloadControl(
            policy: OverloadPolicy(messagesPerSourceWindow: 5, trustLoopback: false, maxTrackedSources: 1000)
        )
        var now: UInt64 = Self.second
        for index in 0..<50_000 {
            _ = control.receivedMessage(from: "10.\(index >> 16).\((index >> 8) & 255).\(index & 255)", now: now)
            now += Self.second / 10_000
        }
        #expect(control.trackedSources <= 1000)
    }

    @Test("The transaction table cap refuses the request that would exceed it")
    func transactionCap() {
        var control = OverloadControl(policy: OverloadPolicy(maxServerTransactions: 3))
        do {
            let verdict = control.admitTransaction(openCount: 2)
            #expect(verdict)
        }
        let refused = !control.admitTransaction(openCount: 3)
        #expect(refused)
        #expect(control.statistics.transactionsRefused == 1)
    }
}
