import Benchmark
import NIOCore
import SIPCore

/// SIP transaction layer: one whole server INVITE transaction per iteration, as Parley's UAS runs it for every
/// call: 100 (Trying), 200 (OK) with a To tag, the 2xx retransmitter started, the ACK passed through, Timer L.
func registerTransactionBenchmarks() {
    guard case .request(let invite)? = try? SIPMessageParser().parseDatagram(SIPFixtures.invite),
        case .request(let ack)? = try? SIPMessageParser().parseDatagram(SIPFixtures.ack)
    else { preconditionFailure("the fixtures are requests") }

    // The state machines alone, with the two responses built beforehand.
    Benchmark(
        "Transaction: server INVITE 100+200+ACK, state machines only",
        configuration: .init(thresholds: BenchmarkMetrics.sipAllocations)
    ) { benchmark in
        let trying = SIPResponse(replyingTo: invite, statusCode: 100)
        let ok = SIPResponse(replyingTo: invite, statusCode: 200, toTag: "a6c85cf")
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            var transaction = ServerInviteTransaction(request: invite, reliableTransport: false)
            blackHole(transaction.sentResponse(trying))
            blackHole(transaction.sentResponse(ok))
            var retransmitter = UASInviteResponseRetransmitter(response: ok)
            blackHole(retransmitter.start())
            blackHole(transaction.receivedRequest(ack))
            blackHole(retransmitter.receivedACK())
            blackHole(transaction.timerFired(.L))
            precondition(transaction.state == .terminated && retransmitter.state == .acknowledged)
        }
    }

    // What the UAS does per call beyond the machines: build both responses from the INVITE and write each
    // `.send` to the wire, so the figure is the transaction's whole cost (parsing the INVITE and ACK excluded).
    Benchmark(
        "Transaction: server INVITE 100+200+ACK, with responses built and serialized",
        configuration: .init(thresholds: BenchmarkMetrics.sipAllocations)
    ) { benchmark in
        var wire = ByteBufferAllocator().buffer(capacity: 4096)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            wire.clear()
            var transaction = ServerInviteTransaction(request: invite, reliableTransport: false)
            let trying = SIPResponse(replyingTo: invite, statusCode: 100)
            for action in transaction.sentResponse(trying) {
                if case .send(let response) = action { response.serialize(into: &wire) }
            }
            let ok = SIPResponse(replyingTo: invite, statusCode: 200, toTag: "a6c85cf")
            for action in transaction.sentResponse(ok) {
                if case .send(let response) = action { response.serialize(into: &wire) }
            }
            var retransmitter = UASInviteResponseRetransmitter(response: ok)
            blackHole(retransmitter.start())
            blackHole(transaction.receivedRequest(ack))
            blackHole(retransmitter.receivedACK())
            blackHole(transaction.timerFired(.L))
            blackHole(wire.readableBytes)
        }
    }
}
