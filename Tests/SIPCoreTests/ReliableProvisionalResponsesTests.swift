import SIPCore
import Testing

@Suite("RFC 3262 §3 reliable provisional responses (UAS)")
struct ReliableProvisionalResponsesTests {
    typealias M = TransactionTestMessages

    /// A compact view of the machine's actions for comparison.
    enum Step: Equatable {
        case send(Int, rseq: UInt32?)
        case schedule(ReliableProvisionalResponses.Timer, Duration)
        case cancel(ReliableProvisionalResponses.Timer)
        case timedOut
    }

    static func steps(_ actions: [ReliableProvisionalResponses.Action]) -> [Step] {
        actions.map { action in
            switch action {
            case .send(let response): .send(response.statusCode, rseq: response.headers.rseq)
            case .schedule(let timer, let delay): .schedule(timer, delay)
            case .cancel(let timer): .cancel(timer)
            case .timedOut: .timedOut
            }
        }
    }

    static func machine() -> ReliableProvisionalResponses {
        ReliableProvisionalResponses(inviteSequence: 314_159, initialResponseSequence: 7)
    }

    static func rack(_ rseq: UInt32, cseq: UInt32 = 314_159) -> RAckHeader {
        RAckHeader(responseSequence: rseq, sequence: cseq, method: .invite)
    }

    @Test("§3: the 180 gets Require: 100rel and an RSeq, and is resent at T1, 2·T1, 4·T1… until 64·T1")
    func retransmitsWithoutT2Cap() {
        var machine = Self.machine()
        var clock = TimerVirtualClock<ReliableProvisionalResponses.Timer>()
        var sends: [Duration] = []
        var timedOutAt: Duration?
        var pending = machine.sendProvisional(M.response(180))
        if case .send(let first) = pending.first {
            #expect(first.headers.rseq == 7)
            #expect(SIPOptionTag.lists("100rel", in: .require, of: first.headers))
        } else {
            Issue.record("the first action sends the 180")
        }
        while true {
            for action in pending {
                switch action {
                case .send(let response):
                    #expect(response.headers.rseq == 7, "a retransmission keeps its RSeq")
                    sends.append(clock.now)
                case .schedule(let timer, let delay): clock.schedule(timer, after: delay)
                case .cancel(let timer): clock.cancel(timer)
                case .timedOut: timedOutAt = clock.now
                }
            }
            guard let timer = clock.advanceToNextTimer() else { break }
            pending = machine.timerFired(timer)
        }
        let expected: [Duration] = ([0, 500, 1500, 3500, 7500, 15500, 31500] as [Int64]).map {
            Duration.milliseconds($0)
        }
        #expect(sends == expected)
        #expect(timedOutAt == .seconds(32))
        #expect(machine.isFinished)
    }

    @Test("§3: a matching PRACK stops retransmission; a repeated one is accepted; others get 481")
    func prackMatching() {
        var machine = Self.machine()
        _ = machine.sendProvisional(M.response(183))
        #expect(machine.receivedPRACK(Self.rack(8)).0 == .reject, "wrong RSeq")
        #expect(machine.receivedPRACK(Self.rack(7, cseq: 1)).0 == .reject, "wrong CSeq")
        let (verdict, actions) = machine.receivedPRACK(Self.rack(7))
        #expect(verdict == .accept)
        #expect(Self.steps(actions) == [.cancel(.retransmission), .cancel(.timeout)])
        #expect(machine.awaitingResponseSequence == nil)
        #expect(Self.steps(machine.timerFired(.retransmission)) == [])
        #expect(machine.receivedPRACK(Self.rack(7)).0 == .accept)
    }

    @Test("§3: a 2xx waits for the PRACK of the unacknowledged 180 and goes out with it")
    func finalHeldUntilPRACK() {
        var machine = Self.machine()
        _ = machine.sendProvisional(M.response(180))
        #expect(Self.steps(machine.sendFinal(M.response(200))) == [])
        #expect(!machine.isFinished)
        let (_, actions) = machine.receivedPRACK(Self.rack(7))
        #expect(Self.steps(actions) == [.cancel(.retransmission), .cancel(.timeout), .send(200, rseq: nil)])
        #expect(machine.isFinished)
    }

    @Test("§3: an error response goes at once and stops the retransmissions")
    func errorNotHeld() {
        var machine = Self.machine()
        _ = machine.sendProvisional(M.response(180))
        #expect(
            Self.steps(machine.sendFinal(M.response(486)))
                == [.cancel(.retransmission), .cancel(.timeout), .send(486, rseq: nil)]
        )
        #expect(Self.steps(machine.sendProvisional(M.response(180))) == [])
    }

    @Test("§3: a second reliable 1xx waits for the first's PRACK and takes the next RSeq")
    func secondProvisionalQueued() {
        var machine = Self.machine()
        _ = machine.sendProvisional(M.response(180))
        #expect(Self.steps(machine.sendProvisional(M.response(183))) == [])
        let (_, actions) = machine.receivedPRACK(Self.rack(7))
        #expect(
            Self.steps(actions) == [
                .cancel(.retransmission), .cancel(.timeout), .send(183, rseq: 8),
                .schedule(.retransmission, .milliseconds(500)), .schedule(.timeout, .seconds(32)),
            ]
        )
        #expect(machine.awaitingResponseSequence == 8)
    }

    @Test("§3: 100 Trying is never sent reliably")
    func tryingIgnored() {
        var machine = Self.machine()
        #expect(Self.steps(machine.sendProvisional(M.response(100))) == [])
    }

    @Test("§3: after 64·T1 without PRACK a held 2xx is dropped and the application is told")
    func timeoutDropsHeldFinal() {
        var machine = Self.machine()
        _ = machine.sendProvisional(M.response(180))
        _ = machine.sendFinal(M.response(200))
        #expect(Self.steps(machine.timerFired(.timeout)) == [.cancel(.retransmission), .timedOut])
        #expect(Self.steps(machine.sendFinal(M.response(500))) == [.send(500, rseq: nil)])
    }
}
