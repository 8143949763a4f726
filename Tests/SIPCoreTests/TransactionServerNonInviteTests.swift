import SIPCore
import Testing

@Suite("RFC 3261 §17.2.2 non-INVITE server transaction")
struct ServerNonInviteTransactionTests {
    typealias M = TransactionTestMessages

    func makeTransaction(reliable: Bool = false) -> ServerNonInviteTransaction {
        ServerNonInviteTransaction(request: M.request(.bye, cseq: 2), reliableTransport: reliable)
    }

    @Test("§17.2.2: retransmissions in Trying are absorbed")
    func tryingAbsorbs() {
        var transaction = self.makeTransaction()
        #expect(transaction.state == .trying)
        #expect(transaction.receivedRetransmission().steps == [])
    }

    @Test("§17.2.2: retransmissions in Proceeding resend the latest provisional response")
    func proceedingResendsProvisional() {
        var transaction = self.makeTransaction()
        #expect(transaction.sentResponse(M.response(100, method: .bye, cseq: 2)).steps == [.sendResponse(100)])
        #expect(transaction.state == .proceeding)
        #expect(transaction.receivedRetransmission().steps == [.sendResponse(100)])
    }

    @Test("§17.2.2: a final response enters Completed with Timer J = 64·T1; retransmissions resend it")
    func completedResendsFinal() {
        var transaction = self.makeTransaction()
        #expect(
            transaction.sentResponse(M.response(200, method: .bye, cseq: 2)).steps == [
                .sendResponse(200), .schedule(.J, .seconds(32)),
            ]
        )
        #expect(transaction.state == .completed)
        #expect(transaction.receivedRetransmission().steps == [.sendResponse(200)])
        #expect(transaction.receivedRetransmission().steps == [.sendResponse(200)])
        #expect(transaction.sentResponse(M.response(500, method: .bye, cseq: 2)).steps == [])
        #expect(transaction.timerFired(.J).steps == [.terminate])
        #expect(transaction.state == .terminated)
        #expect(transaction.receivedRetransmission().steps == [])
    }

    @Test("§17.2.2: Timer J is zero on a reliable transport")
    func reliableTerminatesAtOnce() {
        var transaction = self.makeTransaction(reliable: true)
        #expect(
            transaction.sentResponse(M.response(200, method: .bye, cseq: 2)).steps == [.sendResponse(200), .terminate]
        )
        #expect(transaction.state == .terminated)
    }

    @Test("§17.2.2: a transport error in Proceeding or Completed informs the TU and terminates")
    func transportError() {
        var transaction = self.makeTransaction()
        #expect(transaction.transportFailed().steps == [])
        _ = transaction.sentResponse(M.response(200, method: .bye, cseq: 2))
        #expect(transaction.transportFailed().steps == [.transportError, .terminate])
        #expect(transaction.timerFired(.J).steps == [])
    }

    @Test("§17.2.2: stale timers are ignored")
    func staleTimers() {
        var transaction = self.makeTransaction()
        #expect(transaction.timerFired(.J).steps == [])
        #expect(transaction.timerFired(.G).steps == [])
        #expect(transaction.state == .trying)
    }
}

@Suite("RFC 3261 §17.2.2 non-INVITE server transaction: response classes")
struct TransactionServerNonInviteResponseClassTests {
    typealias M = TransactionTestMessages

    @Test("§17.2.2: every 200-699 final response enters Completed", arguments: [200, 202, 404, 481, 500, 699])
    func finalEntersCompleted(statusCode: Int) {
        var transaction = ServerNonInviteTransaction(request: M.request(.options, cseq: 1), reliableTransport: false)
        #expect(
            transaction.sentResponse(M.response(statusCode, method: .options, cseq: 1)).steps == [
                .sendResponse(statusCode), .schedule(.J, .seconds(32)),
            ]
        )
        #expect(transaction.receivedRequest(M.request(.options, cseq: 1)).steps == [.sendResponse(statusCode)])
    }
}
