import SIPCore
import Testing

@Suite("RFC 3261 §17.1.1 INVITE client transaction")
struct ClientInviteTransactionTests {
    typealias M = TransactionTestMessages

    func makeStarted(reliable: Bool = false) -> ClientInviteTransaction {
        var transaction = ClientInviteTransaction(request: M.request(), reliableTransport: reliable)
        _ = transaction.start()
        return transaction
    }

    @Test("§17.1.1.2: start sends the INVITE with Timer A = T1 and Timer B = 64·T1")
    func start() {
        var transaction = ClientInviteTransaction(request: M.request(), reliableTransport: false)
        #expect(transaction.state == .idle)
        #expect(
            transaction.start().steps == [
                .sendRequest(.invite), .schedule(.A, .milliseconds(500)), .schedule(.B, .seconds(32)),
            ]
        )
        #expect(transaction.state == .calling)
        #expect(transaction.start().steps == [])
    }

    @Test("§17.1.1.2: Timer A retransmits and doubles without a T2 cap until Timer B times out")
    func timerASequence() {
        var transaction = self.makeStarted()
        // Virtual time: A fires at 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s; B at 32 s.
        let intervals: [Duration] = [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(16), .seconds(32)]
        for interval in intervals {
            #expect(transaction.timerFired(.A).steps == [.sendRequest(.invite), .schedule(.A, interval)])
        }
        #expect(transaction.timerFired(.B).steps == [.timedOut, .terminate])
        #expect(transaction.state == .terminated)
        #expect(transaction.timerFired(.A).steps == [])
    }

    @Test("§17.1.1.2: no Timer A on a reliable transport")
    func reliableStart() {
        var transaction = ClientInviteTransaction(request: M.request(), reliableTransport: true)
        #expect(transaction.start().steps == [.sendRequest(.invite), .schedule(.B, .seconds(32))])
        #expect(transaction.timerFired(.A).steps == [])
    }

    @Test("§17.1.1.2: a 1xx stops retransmission and is delivered; Timer B no longer applies")
    func provisional() {
        var transaction = self.makeStarted()
        #expect(transaction.receivedResponse(M.response(100)).steps == [.cancel(.A), .cancel(.B), .deliverToTU(100)])
        #expect(transaction.state == .proceeding)
        #expect(transaction.receivedResponse(M.response(180)).steps == [.deliverToTU(180)])
        #expect(transaction.timerFired(.A).steps == [])
        #expect(transaction.timerFired(.B).steps == [])
        #expect(transaction.state == .proceeding)
    }

    @Test("RFC 6026 §7.2: a 2xx is delivered and enters Accepted with Timer M; further 2xx are delivered too")
    func accepted() {
        var transaction = self.makeStarted()
        _ = transaction.receivedResponse(M.response(180))
        #expect(
            transaction.receivedResponse(M.response(200)).steps == [.deliverToTU(200), .schedule(.M, .seconds(32))]
        )
        #expect(transaction.state == .accepted)
        #expect(transaction.receivedResponse(M.response(200)).steps == [.deliverToTU(200)])
        #expect(transaction.receivedResponse(M.response(183)).steps == [])
        #expect(transaction.receivedResponse(M.response(486)).steps == [])
        #expect(transaction.timerFired(.M).steps == [.terminate])
        #expect(transaction.state == .terminated)
        #expect(transaction.receivedResponse(M.response(200)).steps == [])
    }

    @Test("RFC 6026 §7.2: a 2xx in Calling stops Timers A and B")
    func twoHundredInCalling() {
        var transaction = self.makeStarted()
        #expect(
            transaction.receivedResponse(M.response(200)).steps == [
                .cancel(.A), .cancel(.B), .deliverToTU(200), .schedule(.M, .seconds(32)),
            ]
        )
    }

    @Test("§17.1.1.2: a 300-699 is acknowledged, delivered once, and Timer D (32 s) starts")
    func nonSuccessFinal() {
        var transaction = self.makeStarted()
        #expect(
            transaction.receivedResponse(M.response(486)).steps == [
                .cancel(.A), .cancel(.B), .sendRequest(.ack), .deliverToTU(486), .schedule(.D, .seconds(32)),
            ]
        )
        #expect(transaction.state == .completed)
        // Retransmitted finals re-send the ACK and are not delivered again.
        #expect(transaction.receivedResponse(M.response(486)).steps == [.sendRequest(.ack)])
        #expect(transaction.receivedResponse(M.response(180)).steps == [])
        #expect(transaction.timerFired(.D).steps == [.terminate])
        #expect(transaction.state == .terminated)
    }

    @Test("§17.1.1.2: Timer D is zero on a reliable transport")
    func reliableNonSuccessFinal() {
        var transaction = self.makeStarted(reliable: true)
        #expect(
            transaction.receivedResponse(M.response(603)).steps == [
                .sendRequest(.ack), .deliverToTU(603), .terminate,
            ]
        )
        #expect(transaction.state == .terminated)
    }

    @Test("§17.1.1.3: the ACK copies Request-URI, Call-ID, From, top Via and Route; To from the response")
    func ackConstruction() throws {
        var transaction = self.makeStarted()
        _ = transaction.receivedResponse(M.response(180))
        let actions = transaction.receivedResponse(M.response(404))
        let ack = try #require(actions.sentRequests.first)
        #expect(ack.method == .ack)
        #expect(ack.uri == M.bobURI)
        #expect(ack.headers.fieldValues(.via) == [M.topVia])
        #expect(ack.headers[.callID] == "a84b4c76e66710@pc33.atlanta.example.com")
        #expect(ack.headers[.from] == "Alice <sip:alice@atlanta.example.com>;tag=1928301774")
        #expect(ack.headers[.to] == "Bob <sip:bob@biloxi.example.com>;tag=a6c85cf")
        #expect(ack.headers[.cseq] == "314159 ACK")
        #expect(ack.headers.fieldValues(.route) == ["<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>"])
        #expect(ack.headers[.maxForwards] == "70")
        #expect(ack.headers[.contact] == nil)
        #expect(ack.body.isEmpty)
        // The retransmission answer is the very same ACK.
        let again = transaction.receivedResponse(M.response(404)).sentRequests
        #expect(again.count == 1)
        #expect(again.first?.headers.fields == ack.headers.fields)
    }

    @Test("§17.1.1.2: a transport error informs the TU and terminates")
    func transportError() {
        var transaction = self.makeStarted()
        #expect(transaction.transportFailed().steps == [.transportError, .terminate])
        #expect(transaction.state == .terminated)
        #expect(transaction.receivedResponse(M.response(200)).steps == [])
    }
}

@Suite("RFC 3261 §17.1.1 INVITE client transaction: response classes")
struct TransactionClientInviteResponseClassTests {
    typealias M = TransactionTestMessages

    @Test("§17.1.1.2: every 300-699 final response is acknowledged", arguments: [300, 404, 486, 487, 503, 699])
    func nonSuccessIsAcknowledged(statusCode: Int) {
        var transaction = ClientInviteTransaction(request: M.request(), reliableTransport: false)
        _ = transaction.start()
        #expect(
            transaction.receivedResponse(M.response(statusCode)).steps == [
                .cancel(.A), .cancel(.B), .sendRequest(.ack), .deliverToTU(statusCode), .schedule(.D, .seconds(32)),
            ]
        )
    }

    @Test("§7.2: a status code outside 100-699 is dropped", arguments: [0, 99, 700])
    func invalidStatusDropped(statusCode: Int) {
        var transaction = ClientInviteTransaction(request: M.request(), reliableTransport: false)
        _ = transaction.start()
        #expect(transaction.receivedResponse(M.response(statusCode)).steps == [])
        #expect(transaction.state == .calling)
    }

    @Test("§17.1.1.2: responses before start are dropped")
    func beforeStart() {
        var transaction = ClientInviteTransaction(request: M.request(), reliableTransport: false)
        #expect(transaction.receivedResponse(M.response(200)).steps == [])
        #expect(transaction.timerFired(.B).steps == [])
        #expect(transaction.transportFailed().steps == [])
        #expect(transaction.state == .idle)
    }
}
