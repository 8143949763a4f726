import SIPCore
import Testing

@Suite("RFC 3261 §17 timer sequences in virtual time")
struct TimerSequenceTests {
    typealias M = TransactionTestMessages

    static func ms(_ milliseconds: Int64) -> Duration { .milliseconds(milliseconds) }

    @Test("§17.1.1.2: an unanswered INVITE is sent at 0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s and times out at 32 s")
    func inviteTimerAAndB() {
        var transaction = ClientInviteTransaction(request: M.request(), reliableTransport: false)
        let events = runInVirtualTime(start: transaction.start()) { transaction.timerFired($0) }
        let sends: [Int64] = [0, 500, 1500, 3500, 7500, 15_500, 31_500]
        #expect(
            events
                == sends.map { TimedEvent(at: Self.ms($0), step: .sendRequest(.invite)) } + [
                    TimedEvent(at: .seconds(32), step: .timedOut), TimedEvent(at: .seconds(32), step: .terminate),
                ]
        )
    }

    @Test("§17.1.2.2: an unanswered BYE is retransmitted at intervals capped at T2 and times out at 32 s")
    func nonInviteTimerEAndF() {
        var transaction = ClientNonInviteTransaction(request: M.request(.bye, cseq: 2), reliableTransport: false)
        let events = runInVirtualTime(start: transaction.start()) { transaction.timerFired($0) }
        let sends: [Int64] = [0, 500, 1500, 3500, 7500, 11_500, 15_500, 19_500, 23_500, 27_500, 31_500]
        #expect(
            events
                == sends.map { TimedEvent(at: Self.ms($0), step: .sendRequest(.bye)) } + [
                    TimedEvent(at: .seconds(32), step: .timedOut), TimedEvent(at: .seconds(32), step: .terminate),
                ]
        )
    }

    @Test("§17.1.2.2: over TCP a BYE is sent once and times out at 64·T1")
    func nonInviteReliable() {
        var transaction = ClientNonInviteTransaction(request: M.request(.bye, cseq: 2), reliableTransport: true)
        let events = runInVirtualTime(start: transaction.start()) { transaction.timerFired($0) }
        #expect(
            events == [
                TimedEvent(at: .zero, step: .sendRequest(.bye)),
                TimedEvent(at: .seconds(32), step: .timedOut),
                TimedEvent(at: .seconds(32), step: .terminate),
            ]
        )
    }

    @Test("§17.2.1: an unacknowledged 486 is resent at 0.5, 1.5, 3.5, 7.5, ... s until Timer H at 32 s")
    func serverTimerGAndH() {
        var transaction = ServerInviteTransaction(request: M.request(), reliableTransport: false)
        let events = runInVirtualTime(start: transaction.sentResponse(M.response(486))) {
            transaction.timerFired($0)
        }
        let sends: [Int64] = [0, 500, 1500, 3500, 7500, 11_500, 15_500, 19_500, 23_500, 27_500, 31_500]
        #expect(
            events
                == sends.map { TimedEvent(at: Self.ms($0), step: .sendResponse(486)) } + [
                    TimedEvent(at: .seconds(32), step: .timedOut), TimedEvent(at: .seconds(32), step: .terminate),
                ]
        )
    }

    @Test("RFC 6026 §7.1: an Accepted server transaction lives 64·T1 and never retransmits on its own")
    func serverTimerL() {
        var transaction = ServerInviteTransaction(request: M.request(), reliableTransport: false)
        let events = runInVirtualTime(start: transaction.sentResponse(M.response(200))) {
            transaction.timerFired($0)
        }
        #expect(
            events == [
                TimedEvent(at: .zero, step: .sendResponse(200)),
                TimedEvent(at: .seconds(32), step: .terminate),
            ]
        )
    }

    @Test("§13.3.1.4: an unacknowledged 2xx is resent at 0.5, 1.5, 3.5, 7.5, ... s; the core gives up at 32 s")
    func responseRetransmitter() {
        var retransmitter = UASInviteResponseRetransmitter(response: M.response(200))
        var clock = TimerVirtualClock<UASInviteResponseRetransmitter.Timer>()
        var events: [TimedEvent] = []
        var pending = retransmitter.start()
        var done = false
        while !done {
            for action in pending {
                switch action {
                case .schedule(let timer, let after): clock.schedule(timer, after: after)
                case .cancel(let timer): clock.cancel(timer)
                case .send, .ackTimedOut: events.append(TimedEvent(at: clock.now, step: [action].steps[0]))
                case .terminate:
                    clock.cancelAll()
                    done = true
                }
            }
            guard !done, let timer = clock.advanceToNextTimer() else { break }
            pending = retransmitter.timerFired(timer)
        }
        let sends: [Int64] = [500, 1500, 3500, 7500, 11_500, 15_500, 19_500, 23_500, 27_500, 31_500]
        #expect(
            events
                == sends.map { TimedEvent(at: Self.ms($0), step: .sendResponse(200)) } + [
                    TimedEvent(at: .seconds(32), step: .ackTimedOut)
                ]
        )
    }
}
