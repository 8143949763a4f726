import SIPCore
import Testing

@Suite("RFC 3261 §17.1.2 non-INVITE client transaction")
struct ClientNonInviteTransactionTests {
    typealias M = TransactionTestMessages

    func makeStarted(reliable: Bool = false) -> ClientNonInviteTransaction {
        var transaction = ClientNonInviteTransaction(request: M.request(.bye, cseq: 2), reliableTransport: reliable)
        _ = transaction.start()
        return transaction
    }

    @Test("§17.1.2.2: start sends the request with Timer E = T1 and Timer F = 64·T1")
    func start() {
        var transaction = ClientNonInviteTransaction(request: M.request(.options, cseq: 1), reliableTransport: false)
        #expect(
            transaction.start().steps == [
                .sendRequest(.options), .schedule(.E, .milliseconds(500)), .schedule(.F, .seconds(32)),
            ]
        )
        #expect(transaction.state == .trying)
        #expect(transaction.start().steps == [])
    }

    @Test("§17.1.2.2: Timer E doubles up to T2 in Trying, then Timer F times out")
    func timerESequence() {
        var transaction = self.makeStarted()
        // Virtual time: E fires at 0.5, 1.5, 3.5, 7.5, 11.5, ... s; F at 32 s.
        let intervals: [Duration] = [.seconds(1), .seconds(2), .seconds(4), .seconds(4), .seconds(4)]
        for interval in intervals {
            #expect(transaction.timerFired(.E).steps == [.sendRequest(.bye), .schedule(.E, interval)])
        }
        #expect(transaction.timerFired(.F).steps == [.timedOut, .terminate])
        #expect(transaction.state == .terminated)
        #expect(transaction.timerFired(.E).steps == [])
    }

    @Test("§17.1.2.2: in Proceeding Timer E fires at T2")
    func timerEInProceeding() {
        var transaction = self.makeStarted()
        #expect(transaction.timerFired(.E).steps == [.sendRequest(.bye), .schedule(.E, .seconds(1))])
        #expect(transaction.receivedResponse(M.response(100, method: .bye, cseq: 2)).steps == [.deliverToTU(100)])
        #expect(transaction.state == .proceeding)
        #expect(transaction.timerFired(.E).steps == [.sendRequest(.bye), .schedule(.E, .seconds(4))])
        #expect(transaction.timerFired(.E).steps == [.sendRequest(.bye), .schedule(.E, .seconds(4))])
        #expect(transaction.timerFired(.F).steps == [.timedOut, .terminate])
    }

    @Test("§17.1.2.2: a final response is delivered once and Timer K = T4 absorbs retransmissions")
    func completed() {
        var transaction = self.makeStarted()
        #expect(
            transaction.receivedResponse(M.response(200, method: .bye, cseq: 2)).steps == [
                .cancel(.E), .cancel(.F), .deliverToTU(200), .schedule(.K, .seconds(5)),
            ]
        )
        #expect(transaction.state == .completed)
        #expect(transaction.receivedResponse(M.response(200, method: .bye, cseq: 2)).steps == [])
        #expect(transaction.timerFired(.E).steps == [])
        #expect(transaction.timerFired(.F).steps == [])
        #expect(transaction.timerFired(.K).steps == [.terminate])
        #expect(transaction.state == .terminated)
    }

    @Test("§17.1.2.2: no Timer E and a zero Timer K on a reliable transport")
    func reliable() {
        var transaction = ClientNonInviteTransaction(request: M.request(.bye, cseq: 2), reliableTransport: true)
        #expect(transaction.start().steps == [.sendRequest(.bye), .schedule(.F, .seconds(32))])
        #expect(transaction.timerFired(.E).steps == [])
        #expect(
            transaction.receivedResponse(M.response(481, method: .bye, cseq: 2)).steps == [
                .deliverToTU(481), .terminate,
            ]
        )
        #expect(transaction.state == .terminated)
    }

    @Test("§17.1.2.2: a transport error informs the TU and terminates")
    func transportError() {
        var transaction = self.makeStarted()
        #expect(transaction.transportFailed().steps == [.transportError, .terminate])
        #expect(transaction.receivedResponse(M.response(200, method: .bye, cseq: 2)).steps == [])
    }
}
