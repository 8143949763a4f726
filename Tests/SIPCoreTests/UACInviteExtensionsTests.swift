import SIPCore
import Testing

@Suite("The caller's side of RFC 3262 (PRACK) and RFC 4028 (session timers)")
struct UACInviteExtensionsTests {
    static let policy = SessionTimerNegotiation.Policy(minimumSeconds: 90, preferredSeconds: 1800)

    static func invite() -> SIPRequest {
        var invite = TransactionTestMessages.request(.invite, cseq: 1)
        invite.headers.remove(.via)
        return invite
    }

    static func provisional(
        _ status: Int = 183,
        rseq: UInt32?,
        reliable: Bool = true,
        tag: String = "a6c85cf",
        cseq: UInt32 = 1
    ) -> SIPResponse {
        var response = TransactionTestMessages.response(status, cseq: cseq)
        response.headers.set(.to, "Bob <sip:bob@biloxi.example.com>;tag=\(tag)")
        response.headers.add(.contact, "<sip:bob@192.0.2.4:5062>")
        response.headers.add(.recordRoute, "<sip:p2.example.com;lr>")
        response.headers.add(.recordRoute, "<sip:p1.example.com;lr>")
        if reliable { response.headers.add(.require, "100rel") }
        if let rseq { response.headers.rseq = rseq }
        return response
    }

    @Test("The INVITE offers 100rel and timer and asks for our interval with our Min-SE (RFC 4028 §7.1)")
    func prepare() throws {
        var invite = Self.invite()
        UACInviteExtensions(sessionTimers: Self.policy).prepare(&invite)
        #expect(SIPOptionTag.lists("100rel", in: .supported, of: invite.headers))
        #expect(SIPOptionTag.lists("timer", in: .supported, of: invite.headers))
        #expect(invite.headers.sessionExpires == SessionExpiresHeader(seconds: 1800))
        #expect(invite.headers.minSE == 90)
        var plain = Self.invite()
        UACInviteExtensions(sessionTimers: .init(enabled: false)).prepare(&plain)
        #expect(plain.headers.sessionExpires == nil)
        #expect(SIPOptionTag.lists("timer", in: .supported, of: plain.headers))
    }

    @Test("RFC 3262 §4: each reliable provisional is PRACKed once, in RSeq order; others are ignored")
    func reliableOrder() {
        var extensions = UACInviteExtensions(sessionTimers: Self.policy)
        func verdict(_ response: SIPResponse) -> UACInviteExtensions.ProvisionalVerdict {
            extensions.receivedProvisional(response)
        }
        let rack: (UInt32) -> UACInviteExtensions.ProvisionalVerdict = {
            .acknowledge(RAckHeader(responseSequence: $0, sequence: 1, method: .invite))
        }
        #expect(verdict(Self.provisional(180, rseq: nil, reliable: false)) == .process)
        #expect(verdict(Self.provisional(rseq: 776_656)) == rack(776_656))
        // A retransmission (same RSeq) and one out of order (a gap) are not acknowledged.
        #expect(verdict(Self.provisional(rseq: 776_656)) == .ignore)
        #expect(verdict(Self.provisional(rseq: 776_658)) == .ignore)
        #expect(verdict(Self.provisional(180, rseq: 776_657)) == rack(776_657))
        // Another early dialog (a fork) counts its own RSeq.
        #expect(verdict(Self.provisional(rseq: 5, tag: "fork2")) == rack(5))
        // Require: 100rel without a usable RSeq cannot be acknowledged.
        #expect(verdict(Self.provisional(rseq: nil, tag: "other")) == .ignore)
    }

    @Test("RFC 3262 §7.2: the PRACK goes to the Contact in the early dialog, with the RAck and the next CSeq")
    func prack() {
        let invite = Self.invite()
        let response = Self.provisional(rseq: 1)
        let rack = RAckHeader(responseSequence: 1, sequence: 1, method: .invite)
        let prack = UACInviteExtensions.prack(acknowledging: response, rack: rack, invite: invite, sequence: 2)
        #expect(prack.method == .prack)
        #expect(prack.uri.host == "192.0.2.4")
        #expect(prack.headers.to?.tag == "a6c85cf")
        #expect(prack.headers.from?.tag == invite.headers.from?.tag)
        #expect(prack.headers.callID == invite.headers.callID)
        #expect(prack.headers.cseq == CSeqHeader(sequence: 2, method: .prack))
        #expect(prack.headers.rack == rack)
        #expect(prack.headers.values(.route) == ["<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>"])
        // RFC 3261 §12.1.2: the early dialog's route set is the 1xx's Record-Route reversed; the PRACK goes to
        // its first entry (the proxy nearest us), not to the callee's Contact.
        let route = UACInviteExtensions.earlyDialogRoute(of: response, invite: invite)
        #expect(route.nextHop.host == "p1.example.com")
        #expect(route.requestURI.host == "192.0.2.4")
    }

    @Test("RFC 3261 §12.1.2, §12.2.1.1: a PRACK through a strict router carries it as Request-URI, the Contact last")
    func prackStrictRoute() {
        let invite = Self.invite()
        var response = Self.provisional(rseq: 1)
        response.headers.remove(.recordRoute)
        response.headers.add(.recordRoute, "<sip:p2.example.com;lr>")
        response.headers.add(.recordRoute, "<sip:192.0.2.9:5070>")
        let rack = RAckHeader(responseSequence: 1, sequence: 1, method: .invite)
        let prack = UACInviteExtensions.prack(acknowledging: response, rack: rack, invite: invite, sequence: 2)
        #expect(prack.uri.host == "192.0.2.9")
        #expect(prack.uri.port == 5070)
        #expect(prack.headers.values(.route) == ["<sip:p2.example.com;lr>", "<sip:bob@192.0.2.4:5062>"])
        let hop = UACInviteExtensions.earlyDialogRoute(of: response, invite: invite).nextHop
        #expect(hop.host == "192.0.2.9" && hop.port == 5070)
        // Without Record-Route the PRACK goes straight to the Contact, with no Route header.
        response.headers.remove(.recordRoute)
        let direct = UACInviteExtensions.prack(acknowledging: response, rack: rack, invite: invite, sequence: 2)
        #expect(direct.uri.host == "192.0.2.4" && direct.headers.values(.route).isEmpty)
        #expect(UACInviteExtensions.earlyDialogRoute(of: response, invite: invite).nextHop.host == "192.0.2.4")
    }

    @Test("RFC 4028 §7.3: a 422 is retried with a larger Min-SE and Session-Expires, a new CSeq and no Via")
    func retryAfter422() throws {
        var extensions = UACInviteExtensions(sessionTimers: .init(minimumSeconds: 90, preferredSeconds: 90))
        var invite = Self.invite()
        extensions.prepare(&invite)
        invite.headers.add(.via, "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKold")
        var tooSmall = TransactionTestMessages.response(422, cseq: 1)
        tooSmall.headers.minSE = 300
        let first = extensions.retry(after: tooSmall, invite: invite, sequence: 2)
        let retry = try #require(first)
        #expect(retry.headers.sessionExpires?.seconds == 300)
        #expect(retry.headers.minSE == 300)
        #expect(retry.headers.cseq == CSeqHeader(sequence: 2, method: .invite))
        #expect(!retry.headers.contains(.via))
        #expect(retry.headers.callID == invite.headers.callID)
        #expect(retry.body == invite.body)
        // The same minimum again is no reason to retry: the call fails with the 422.
        let again = extensions.retry(after: tooSmall, invite: retry, sequence: 3)
        #expect(again == nil)
        // Neither is a 422 without Min-SE, nor any other failure.
        let bare = extensions.retry(after: TransactionTestMessages.response(422), invite: retry, sequence: 3)
        let busy = extensions.retry(after: TransactionTestMessages.response(486), invite: retry, sequence: 3)
        #expect(bare == nil && busy == nil)
    }

    @Test("RFC 4028 §7.3: a peer that keeps raising its minimum is given up on after three retries")
    func retryLimit() {
        var extensions = UACInviteExtensions(sessionTimers: Self.policy)
        var invite = Self.invite()
        extensions.prepare(&invite)
        var retried = 0
        for minimum in [2000, 3000, 4000, 5000] as [UInt32] {
            var tooSmall = TransactionTestMessages.response(422)
            tooSmall.headers.minSE = minimum
            if let next = extensions.retry(after: tooSmall, invite: invite, sequence: UInt32(retried + 2)) {
                invite = next
                retried += 1
            }
        }
        #expect(retried == UACInviteExtensions.maximumRetries)
        #expect(invite.headers.sessionExpires?.seconds == 4000)
    }

    @Test("RFC 4028 §7.2: the 2xx's refresher decides our role; no Session-Expires means no session timer")
    func roleFromAnswer() {
        var ok = TransactionTestMessages.response(200)
        #expect(UACInviteExtensions.sessionTimer(for: ok) == nil)
        ok.headers.sessionExpires = SessionExpiresHeader(seconds: 120, refresher: .uac)
        #expect(UACInviteExtensions.sessionTimer(for: ok)?.role == .refresher)
        ok.headers.sessionExpires = SessionExpiresHeader(seconds: 120, refresher: .uas)
        #expect(UACInviteExtensions.sessionTimer(for: ok)?.role == .watcher)
        #expect(UACInviteExtensions.sessionTimer(for: ok)?.header.seconds == 120)
    }

    @Test("Refresh method: UPDATE when Allow lists it or is absent; re-INVITE when Allow lacks it or after 405/501")
    func refreshMethod() {
        var method = SessionRefreshMethod()
        #expect(method.method == .update)
        method.learn(from: SIPHeaderFields([(.contact, "<sip:x@192.0.2.1>")]))
        #expect(method.method == .update)
        method.learn(from: SIPHeaderFields([(.allow, "INVITE, ACK, BYE"), (.allow, "CANCEL")]))
        #expect(method.method == .invite)
        method.learn(from: SIPHeaderFields([(.allow, "INVITE, ACK, BYE, update")]))
        #expect(method.method == .update)
        let notFound = method.refreshAnswered(.update, status: 481)
        #expect(!notFound && method.method == .update)
        let inviteRefused = method.refreshAnswered(.invite, status: 501)
        #expect(!inviteRefused)
        let updateRefused = method.refreshAnswered(.update, status: 501)
        #expect(updateRefused && method.method == .invite)
        var other = SessionRefreshMethod()
        let notAllowed = other.refreshAnswered(.update, status: 405)
        #expect(notAllowed && other.method == .invite)
    }

    /// Runs a caller's session in virtual time from the 2xx: the refresher sends a refresh at half the interval,
    /// the peer answers each with `answers` in turn (status codes), and a 405/501 to UPDATE is followed at once
    /// by a re-INVITE. Returns (time, method, status) of every refresh sent, and when the session expired.
    static func runRefreshes(
        interval: UInt32,
        allow: String?,
        answers: [Int],
        until end: Duration
    ) -> (refreshes: [(Duration, SIPMethod, Int)], expired: Duration?) {
        var ok = TransactionTestMessages.response(200)
        ok.headers.sessionExpires = SessionExpiresHeader(seconds: interval, refresher: .uac)
        if let allow { ok.headers.add(.allow, allow) }
        guard let negotiated = UACInviteExtensions.sessionTimer(for: ok) else { return ([], nil) }
        var method = SessionRefreshMethod()
        method.learn(from: ok.headers)
        var timer = SessionTimer(interval: negotiated.header.interval, role: negotiated.role)
        var clock = TimerVirtualClock<SessionTimer.Timer>()
        var sent: [(Duration, SIPMethod, Int)] = []
        var replies = answers
        var expiredAt: Duration?
        var pending = timer.start()
        while expiredAt == nil {
            var refreshNow = false
            for action in pending {
                switch action {
                case .schedule(let name, let delay): clock.schedule(name, after: delay)
                case .cancel(let name): clock.cancel(name)
                case .sendRefresh: refreshNow = true
                case .expired: expiredAt = clock.now
                }
            }
            pending = []
            while refreshNow {
                refreshNow = false
                let status = replies.isEmpty ? 200 : replies.removeFirst()
                let used = method.method
                sent.append((clock.now, used, status))
                if (200..<300).contains(status) {
                    pending = timer.refreshed(interval: timer.interval, role: timer.role)
                } else {
                    refreshNow = method.refreshAnswered(used, status: status)
                }
            }
            guard pending.isEmpty else { continue }
            guard expiredAt == nil, let next = clock.advanceToNextTimer(), clock.now <= end else { break }
            pending = timer.timerFired(next)
        }
        return (sent, expiredAt)
    }

    @Test("In virtual time: UPDATE refreshes every interval/2; after a 501 the refresh goes again as re-INVITE")
    func refreshesInVirtualTime() {
        let allow = "INVITE, ACK, BYE, UPDATE"
        let updates = Self.runRefreshes(interval: 90, allow: allow, answers: [], until: .seconds(200))
        #expect(updates.refreshes.map(\.0) == [.seconds(45), .seconds(90), .seconds(135), .seconds(180)])
        #expect(updates.refreshes.allSatisfy { $0.1 == .update })
        #expect(updates.expired == nil)

        let fallback = Self.runRefreshes(interval: 90, allow: nil, answers: [501], until: .seconds(100))
        #expect(fallback.refreshes.map(\.1) == [.update, .invite, .invite])
        #expect(fallback.refreshes.map(\.0) == [.seconds(45), .seconds(45), .seconds(90)])

        let noUpdate = Self.runRefreshes(interval: 90, allow: "INVITE, ACK, BYE", answers: [], until: .seconds(50))
        #expect(noUpdate.refreshes.map(\.1) == [.invite])

        // Refreshes that keep failing (not 405/501): the session ends at interval - 30 s (90/3).
        let failing = Self.runRefreshes(interval: 90, allow: nil, answers: [500, 500], until: .seconds(200))
        #expect(failing.refreshes.map(\.1) == [.update])
        #expect(failing.expired == .seconds(60))
    }
}
