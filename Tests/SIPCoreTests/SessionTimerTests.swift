import SIPCore
import Testing

@Suite("RFC 4028 session timers: UAS negotiation (§9) and the timer (§7.4, §10)")
struct SessionTimerTests {
    static func request(_ headers: [(HeaderName, String)]) -> SIPRequest {
        var request = TransactionTestMessages.request(.invite)
        for (name, value) in headers { request.headers.add(name, value) }
        return request
    }

    static let policy = SessionTimerNegotiation.Policy(minimumSeconds: 90, preferredSeconds: 1800)

    @Test("§9: a Session-Expires below our minimum is refused with 422 and Min-SE")
    func tooSmall() {
        let decision = SessionTimerNegotiation.decide(
            for: Self.request([(.supported, "timer"), (.sessionExpires, "60")]),
            policy: Self.policy
        )
        #expect(decision == .reject(minimumSeconds: 90))
    }

    @Test("§9: the refresher the caller named is kept; otherwise the caller refreshes when it supports timer")
    func refresherChoice() {
        let named = SessionTimerNegotiation.decide(
            for: Self.request([(.supported, "timer"), (.sessionExpires, "120;refresher=uas")]),
            policy: Self.policy
        )
        #expect(named == .accept(header: SessionExpiresHeader(seconds: 120, refresher: .uas), requireTimer: true))
        let open = SessionTimerNegotiation.decide(
            for: Self.request([(.supported, "timer"), (.sessionExpires, "120")]),
            policy: Self.policy
        )
        #expect(open == .accept(header: SessionExpiresHeader(seconds: 120, refresher: .uac), requireTimer: true))
    }

    @Test("§9: a caller without timer support (a proxy asked) leaves the refreshing to us, with no Require")
    func callerWithoutSupport() {
        let decision = SessionTimerNegotiation.decide(
            for: Self.request([(.sessionExpires, "300;refresher=uac")]),
            policy: Self.policy
        )
        #expect(decision == .accept(header: SessionExpiresHeader(seconds: 300, refresher: .uas), requireTimer: false))
        if case .accept(let header, _) = decision {
            #expect(SessionTimerNegotiation.uasRole(for: header) == .refresher)
        }
    }

    @Test("§9: a caller that supports timer but proposed none gets our interval, at least its Min-SE")
    func proposedByUs() {
        let plain = SessionTimerNegotiation.decide(for: Self.request([(.supported, "timer")]), policy: Self.policy)
        #expect(plain == .accept(header: SessionExpiresHeader(seconds: 1800, refresher: .uac), requireTimer: true))
        let raised = SessionTimerNegotiation.decide(
            for: Self.request([(.supported, "timer"), (.minSE, "3600")]),
            policy: Self.policy
        )
        #expect(raised == .accept(header: SessionExpiresHeader(seconds: 3600, refresher: .uac), requireTimer: true))
        #expect(SessionTimerNegotiation.decide(for: Self.request([]), policy: Self.policy) == .none)
        let off = SessionTimerNegotiation.Policy(enabled: false)
        #expect(SessionTimerNegotiation.decide(for: Self.request([(.sessionExpires, "10")]), policy: off) == .none)
    }

    /// Runs `timer` in virtual time; `refreshAt` lists when a refresh succeeds (before a timer due then).
    static func run(
        _ timer: inout SessionTimer,
        refreshAt: [Duration] = [],
        until end: Duration = .seconds(3600)
    ) -> [(Duration, SessionTimer.Action)] {
        var deadlines: [SessionTimer.Timer: Duration] = [:]
        var now: Duration = .zero
        var log: [(Duration, SessionTimer.Action)] = []
        var refreshes = refreshAt
        func apply(_ actions: [SessionTimer.Action]) {
            for action in actions {
                switch action {
                case .schedule(let name, let delay): deadlines[name] = now + delay
                case .cancel(let name): deadlines[name] = nil
                case .sendRefresh, .expired: log.append((now, action))
                }
            }
        }
        apply(timer.start())
        while now < end {
            let due = deadlines.min { $0.value < $1.value }
            if let refresh = refreshes.first, due.map({ refresh <= $0.value }) ?? true {
                refreshes.removeFirst()
                now = refresh
                apply(timer.refreshed(interval: timer.interval, role: timer.role))
            } else if let (name, deadline) = due {
                now = deadline
                deadlines[name] = nil
                apply(timer.timerFired(name))
            } else {
                break
            }
        }
        return log
    }

    @Test("§10: without a refresh the watcher ends the session at interval - min(32 s, interval/3)")
    func watcherExpiry() {
        var long = SessionTimer(interval: .seconds(1800), role: .watcher)
        let log = Self.run(&long)
        #expect(log.map { $0.0 } == [.seconds(1768)])
        #expect(log.map { $0.1 } == [.expired])
        var short = SessionTimer(interval: .seconds(90), role: .watcher)
        #expect(Self.run(&short).map { $0.0 } == [.seconds(60)])
        #expect(!short.isRunning)
    }

    @Test("§10: each refresh restarts the expiry; the session lives on while refreshes come")
    func watcherRefreshed() {
        var timer = SessionTimer(interval: .seconds(90), role: .watcher)
        let log = Self.run(&timer, refreshAt: [.seconds(45), .seconds(90), .seconds(135)])
        #expect(log.map { $0.0 } == [.seconds(195)])
        #expect(log.map { $0.1 } == [.expired])
    }

    @Test("§7.4: as refresher we refresh at half the interval, and expire at interval - 32 s if no refresh succeeds")
    func refresher() {
        var timer = SessionTimer(interval: .seconds(120), role: .refresher)
        let log = Self.run(&timer)
        #expect(log.map { $0.0 } == [.seconds(60), .seconds(88)])
        #expect(log.map { $0.1 } == [.sendRefresh, .expired])
    }

    @Test("Stopping the timer cancels both timers")
    func stop() {
        var timer = SessionTimer(interval: .seconds(120), role: .refresher)
        _ = timer.start()
        #expect(timer.stop() == [.cancel(.refresh), .cancel(.expiry)])
        #expect(timer.timerFired(.expiry) == [])
    }
}
