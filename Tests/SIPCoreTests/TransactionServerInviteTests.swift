import SIPCore
import Testing

@Suite("RFC 3261 §17.2.1 INVITE server transaction")
struct ServerInviteTransactionTests {
    typealias M = TransactionTestMessages
    let timers = SIPTimerSettings()

    func makeTransaction(reliable: Bool = false) -> ServerInviteTransaction {
        ServerInviteTransaction(request: M.request(), reliableTransport: reliable, timers: self.timers)
    }

    @Test("§17.2.1: starts in Proceeding and absorbs retransmissions before any response")
    func startsInProceeding() {
        var transaction = self.makeTransaction()
        #expect(transaction.state == .proceeding)
        #expect(transaction.receivedRetransmission().steps == [])
    }

    @Test("§17.2.1: a retransmitted INVITE in Proceeding resends the latest provisional response")
    func resendsLatestProvisional() {
        var transaction = self.makeTransaction()
        #expect(transaction.sentResponse(M.response(100)).steps == [.sendResponse(100)])
        #expect(transaction.sentResponse(M.response(180)).steps == [.sendResponse(180)])
        #expect(transaction.state == .proceeding)
        #expect(transaction.receivedRetransmission().steps == [.sendResponse(180)])
        #expect(transaction.receivedRequest(M.request()).steps == [.sendResponse(180)])
    }

    @Test("§17.2.1: resends the final response on Timer G until ACK, doubling up to T2")
    func timerGDoublesUpToT2() {
        var transaction = self.makeTransaction()
        #expect(
            transaction.sentResponse(M.response(486)).steps == [
                .sendResponse(486), .schedule(.G, .milliseconds(500)), .schedule(.H, .seconds(32)),
            ]
        )
        #expect(transaction.state == .completed)
        // Virtual time: G fires at 0.5, 1.5, 3.5, 7.5, 11.5 s: intervals 1, 2, 4, 4 s after the first.
        let expectedIntervals: [Duration] = [.seconds(1), .seconds(2), .seconds(4), .seconds(4), .seconds(4)]
        for interval in expectedIntervals {
            #expect(transaction.timerFired(.G).steps == [.sendResponse(486), .schedule(.G, interval)])
        }
        #expect(transaction.receivedACK(M.ack()).steps == [.cancel(.G), .cancel(.H), .schedule(.I, .seconds(5))])
        #expect(transaction.state == .confirmed)
        #expect(transaction.timerFired(.G).steps == [])
    }

    @Test("§17.2.1: a retransmitted INVITE in Completed resends the final response")
    func retransmissionInCompletedResendsFinal() {
        var transaction = self.makeTransaction()
        _ = transaction.sentResponse(M.response(180))
        _ = transaction.sentResponse(M.response(603))
        #expect(transaction.receivedRetransmission().steps == [.sendResponse(603)])
    }

    @Test("§17.2.1: Timer H without ACK times out and terminates")
    func timerHTimesOut() {
        var transaction = self.makeTransaction()
        _ = transaction.sentResponse(M.response(404))
        #expect(transaction.timerFired(.H).steps == [.timedOut, .terminate])
        #expect(transaction.state == .terminated)
        #expect(transaction.receivedACK(M.ack()).steps == [])
        #expect(transaction.timerFired(.G).steps == [])
    }

    @Test("§17.2.1: Confirmed absorbs ACK and INVITE retransmissions until Timer I")
    func confirmedAbsorbs() {
        var transaction = self.makeTransaction()
        _ = transaction.sentResponse(M.response(480))
        _ = transaction.receivedACK(M.ack())
        #expect(transaction.receivedACK(M.ack()).steps == [])
        #expect(transaction.receivedRetransmission().steps == [])
        #expect(transaction.timerFired(.H).steps == [])
        #expect(transaction.timerFired(.I).steps == [.terminate])
        #expect(transaction.state == .terminated)
    }

    @Test("§17.2.1: on a reliable transport there is no Timer G and Timer I is zero")
    func reliableTransport() {
        var transaction = self.makeTransaction(reliable: true)
        #expect(transaction.sentResponse(M.response(486)).steps == [.sendResponse(486), .schedule(.H, .seconds(32))])
        #expect(transaction.timerFired(.G).steps == [])
        #expect(transaction.receivedACK(M.ack()).steps == [.terminate])
        #expect(transaction.state == .terminated)
    }

    @Test("RFC 6026 §7.1: a 2xx enters Accepted with Timer L and is sent once")
    func twoHundredEntersAccepted() {
        var transaction = self.makeTransaction()
        #expect(transaction.sentResponse(M.response(200)).steps == [.sendResponse(200), .schedule(.L, .seconds(32))])
        #expect(transaction.state == .accepted)
        // No Timer G in Accepted: the transaction never retransmits the 2xx on its own.
        #expect(transaction.timerFired(.G).steps == [])
    }

    @Test("RFC 6026 §7.1: Accepted absorbs INVITE retransmissions and passes ACKs to the TU")
    func acceptedAbsorbsInviteAndPassesACK() {
        var transaction = self.makeTransaction()
        _ = transaction.sentResponse(M.response(200))
        #expect(transaction.receivedRetransmission().steps == [])
        #expect(transaction.receivedACK(M.ack()).steps == [.passToTU(.ack)])
        #expect(transaction.receivedRequest(M.ack()).steps == [.passToTU(.ack)])
        #expect(transaction.state == .accepted)
    }

    @Test("RFC 6026 §7.1: 2xx retransmissions from the TU are sent in Accepted; other responses are dropped")
    func acceptedSendsTURetransmissions() {
        var transaction = self.makeTransaction()
        _ = transaction.sentResponse(M.response(200))
        #expect(transaction.sentResponse(M.response(200)).steps == [.sendResponse(200)])
        #expect(transaction.sentResponse(M.response(500)).steps == [])
        #expect(transaction.sentResponse(M.response(180)).steps == [])
    }

    @Test("RFC 6026 §7.1: Timer L terminates the Accepted transaction")
    func timerLTerminates() {
        var transaction = self.makeTransaction()
        _ = transaction.sentResponse(M.response(200))
        #expect(transaction.timerFired(.H).steps == [])
        #expect(transaction.timerFired(.L).steps == [.terminate])
        #expect(transaction.state == .terminated)
        #expect(transaction.receivedACK(M.ack()).steps == [])
    }

    @Test("§17.2.1: a stray ACK in Proceeding is absorbed")
    func strayACKInProceeding() {
        var transaction = self.makeTransaction()
        #expect(transaction.receivedACK(M.ack()).steps == [])
        #expect(transaction.state == .proceeding)
    }

    @Test("§17.2.1: a response after the final one is dropped")
    func responseAfterFinalDropped() {
        var transaction = self.makeTransaction()
        _ = transaction.sentResponse(M.response(486))
        #expect(transaction.sentResponse(M.response(200)).steps == [])
        #expect(transaction.sentResponse(M.response(180)).steps == [])
        #expect(transaction.state == .completed)
    }

    @Test("§17.2.1: a transport error in Proceeding or Completed informs the TU and terminates")
    func transportErrors() {
        var proceeding = self.makeTransaction()
        _ = proceeding.sentResponse(M.response(180))
        #expect(proceeding.transportFailed().steps == [.transportError, .terminate])
        #expect(proceeding.state == .terminated)

        var completed = self.makeTransaction()
        _ = completed.sentResponse(M.response(486))
        #expect(completed.transportFailed().steps == [.transportError, .terminate])

        var accepted = self.makeTransaction()
        _ = accepted.sentResponse(M.response(200))
        #expect(accepted.transportFailed().steps == [.transportError])
        #expect(accepted.state == .accepted)
    }

    @Test("§17.2.1: Timer G honours raised T1 and T2")
    func customTimers() {
        var transaction = ServerInviteTransaction(
            request: M.request(),
            reliableTransport: false,
            timers: SIPTimerSettings(T1: .seconds(1), T2: .seconds(3), T4: .seconds(5))
        )
        #expect(
            transaction.sentResponse(M.response(500)).steps == [
                .sendResponse(500), .schedule(.G, .seconds(1)), .schedule(.H, .seconds(64)),
            ]
        )
        #expect(transaction.timerFired(.G).steps == [.sendResponse(500), .schedule(.G, .seconds(2))])
        #expect(transaction.timerFired(.G).steps == [.sendResponse(500), .schedule(.G, .seconds(3))])
        #expect(transaction.timerFired(.G).steps == [.sendResponse(500), .schedule(.G, .seconds(3))])
    }
}

@Suite("RFC 3261 §17.2.1 INVITE server transaction: response classes")
struct TransactionServerInviteResponseClassTests {
    typealias M = TransactionTestMessages

    @Test(
        "§17.2.1: every 300-699 final response enters Completed",
        arguments: [300, 302, 404, 486, 487, 500, 603, 699]
    )
    func nonSuccessEntersCompleted(statusCode: Int) {
        var transaction = ServerInviteTransaction(request: M.request(), reliableTransport: false)
        #expect(
            transaction.sentResponse(M.response(statusCode)).steps == [
                .sendResponse(statusCode), .schedule(.G, .milliseconds(500)), .schedule(.H, .seconds(32)),
            ]
        )
        #expect(transaction.state == .completed)
    }

    @Test("§17.2.1: every 2xx enters Accepted", arguments: [200, 202, 299])
    func successEntersAccepted(statusCode: Int) {
        var transaction = ServerInviteTransaction(request: M.request(), reliableTransport: true)
        #expect(
            transaction.sentResponse(M.response(statusCode)).steps == [
                .sendResponse(statusCode), .schedule(.L, .seconds(32)),
            ]
        )
        #expect(transaction.state == .accepted)
    }

    @Test("§7.2: a status code outside 100-699 from the TU is dropped", arguments: [0, 99, 700, 999])
    func invalidStatusDropped(statusCode: Int) {
        var transaction = ServerInviteTransaction(request: M.request(), reliableTransport: false)
        #expect(transaction.sentResponse(M.response(statusCode)).steps == [])
        #expect(transaction.state == .proceeding)
    }
}

@Suite("RFC 3261 §17.2.3 INVITE server transaction: RFC 2543 ACK matching")
struct TransactionServerInviteRFC2543ACKTests {
    typealias M = TransactionTestMessages

    @Test("§17.2.3: an RFC 2543 ACK must carry the To tag of the final response sent")
    func ackToTag() {
        var transaction = ServerInviteTransaction(request: M.request(), reliableTransport: false)
        #expect(!transaction.finalResponseMatchesACK(toTag: "a6c85cf"))
        _ = transaction.sentResponse(M.response(486))
        #expect(transaction.finalResponseMatchesACK(toTag: "a6c85cf"))
        #expect(!transaction.finalResponseMatchesACK(toTag: "other"))
        #expect(!transaction.finalResponseMatchesACK(toTag: nil))
    }
}
