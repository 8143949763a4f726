import SIPCore
import Testing

@Suite("RFC 3261 §13.3.1.4 UAS 2xx retransmission")
struct DialogResponseRetransmitterTests {
    typealias M = TransactionTestMessages

    @Test("§13.3.1.4: the 2xx is retransmitted from T1, doubling up to T2, until the ACK arrives")
    func retransmitsUntilACK() {
        var retransmitter = UASInviteResponseRetransmitter(response: M.response(200))
        #expect(retransmitter.state == .idle)
        #expect(
            retransmitter.start().steps == [
                .scheduleRetransmitter(.retransmission, .milliseconds(500)),
                .scheduleRetransmitter(.ackTimeout, .seconds(32)),
            ]
        )
        let intervals: [Duration] = [.seconds(1), .seconds(2), .seconds(4), .seconds(4)]
        for interval in intervals {
            #expect(
                retransmitter.timerFired(.retransmission).steps == [
                    .sendResponse(200), .scheduleRetransmitter(.retransmission, interval),
                ]
            )
        }
        #expect(retransmitter.receivedACK().steps == [.terminate])
        #expect(retransmitter.state == .acknowledged)
        #expect(retransmitter.receivedACK().steps == [])
        #expect(retransmitter.timerFired(.retransmission).steps == [])
        #expect(retransmitter.timerFired(.ackTimeout).steps == [])
    }

    @Test("§13.3.1.4: without an ACK after 64·T1 the core is told to end the session")
    func ackTimeout() {
        var retransmitter = UASInviteResponseRetransmitter(response: M.response(200))
        _ = retransmitter.start()
        #expect(retransmitter.timerFired(.ackTimeout).steps == [.ackTimedOut, .terminate])
        #expect(retransmitter.state == .timedOut)
        #expect(retransmitter.receivedACK().steps == [])
    }

    @Test("§13.3.1.4: events before start are ignored and start runs once")
    func beforeStart() {
        var retransmitter = UASInviteResponseRetransmitter(response: M.response(200))
        #expect(retransmitter.timerFired(.retransmission).steps == [])
        #expect(retransmitter.receivedACK().steps == [])
        _ = retransmitter.start()
        #expect(retransmitter.start().steps == [])
    }
}
