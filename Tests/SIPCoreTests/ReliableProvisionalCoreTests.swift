import Foundation
import NIOCore
import NIOPosix
import SIPCore
import Testing

/// Rings reliably, then answers at once: the core must hold the 200 until the PRACK.
final class ReliableRingingUser: TransactionUser, @unchecked Sendable {
    func userAgent(_ userAgent: UserAgentCore, received transaction: ServerTransaction) {
        guard transaction.request.method == .invite else {
            transaction.respond(status: 200)
            return
        }
        let contact = (HeaderName.contact, "<sip:uas@\(userAgent.hostPort)>")
        transaction.respondReliably(status: 180, extraHeaders: [contact])
        transaction.respond(status: 200, extraHeaders: [contact])
    }
    func userAgent(_ userAgent: UserAgentCore, receivedACK ack: SIPRequest, from source: SocketAddress) {}
    func userAgent(_ userAgent: UserAgentCore, cancelled invite: ServerTransaction) {}
    func userAgent(_ userAgent: UserAgentCore, ackTimedOutFor invite: ServerTransaction) {}
}

@Suite("RFC 3262 over UDP: reliable 180, retransmission, PRACK, held 200", .serialized, .timeLimit(.minutes(1)))
struct ReliableProvisionalCoreTests {
    typealias Datagrams = NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>

    static func wire(_ method: String, cseq: Int, port: Int, extra: String = "", toTag: String = "") -> String {
        "\(method) sip:uas@127.0.0.1 SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP 127.0.0.1:\(port);branch=\(SIPToken.branch())\r\n"
            + "Max-Forwards: 70\r\nTo: <sip:uas@127.0.0.1>\(toTag.isEmpty ? "" : ";tag=\(toTag)")\r\n"
            + "From: <sip:peer@127.0.0.1>;tag=peer1\r\nCall-ID: prack-test\r\nCSeq: \(cseq) \(method)\r\n"
            + "Contact: <sip:peer@127.0.0.1:\(port)>\r\n" + extra + "Content-Length: 0\r\n\r\n"
    }

    @Test("§3: the 180 carries RSeq and is resent until PRACK; the PRACK gets 200, then the held 200 OK comes")
    func prackOverUDP() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let core = UserAgentCore(
            eventLoop: group.next(),
            advertisedHost: "127.0.0.1",
            advertisedPort: 0,
            timerSettings: SIPTimerSettings(T1: .milliseconds(40))
        )
        let user = ReliableRingingUser()
        try await core.eventLoop.submit { core.transactionUser = user }.get()
        let server = try await SIPUDPTransport.bind(core, host: "127.0.0.1", port: 0).get()
        let serverAddress = try #require(server.localAddress)
        let client = try await DatagramBootstrap(group: group).bind(host: "127.0.0.1", port: 0).flatMapThrowing {
            try Datagrams(wrappingChannelSynchronously: $0)
        }.get()
        let port = client.channel.localAddress?.port ?? 0
        try await client.executeThenClose { inbound, outbound in
            var datagrams = inbound.makeAsyncIterator()
            func send(_ text: String) async throws {
                try await outbound.write(
                    AddressedEnvelope(remoteAddress: serverAddress, data: ByteBuffer(sipText: text))
                )
            }
            func next() async throws -> SIPResponse {
                let envelope = try #require(try await datagrams.next())
                let bytes = Array(envelope.data.readableBytesView)
                guard case .response(let response) = try SIPMessageParser().parseDatagram(bytes) else {
                    throw SIPTransportError(.notConnected, reason: "expected a response")
                }
                return response
            }
            try await send(Self.wire("INVITE", cseq: 1, port: port, extra: "Require: 100rel\r\n"))
            var ringing: [SIPResponse] = []
            while ringing.count < 3 {
                let response = try await next()
                #expect(response.statusCode == 100 || response.statusCode == 180, "no 200 before the PRACK")
                if response.statusCode == 180 { ringing.append(response) }
            }
            let rseq = try #require(ringing.first?.headers.rseq)
            #expect(ringing.allSatisfy { $0.headers.rseq == rseq })
            #expect(SIPOptionTag.lists("100rel", in: .require, of: ringing[0].headers))
            let tag = try #require(ringing[0].headers.to?.tag)
            try await send(
                Self.wire("PRACK", cseq: 2, port: port, extra: "RAck: \(rseq &+ 1) 1 INVITE\r\n", toTag: tag)
            )
            var response = try await next()
            while response.statusCode == 180 { response = try await next() }
            #expect(response.statusCode == 481, "a PRACK for an RSeq never sent")
            try await send(Self.wire("PRACK", cseq: 3, port: port, extra: "RAck: \(rseq) 1 INVITE\r\n", toTag: tag))
            response = try await next()
            while response.statusCode == 180 { response = try await next() }
            #expect(response.statusCode == 200)
            #expect(response.headers.cseq?.method == .prack)
            let answer = try await next()
            #expect(answer.statusCode == 200)
            #expect(answer.headers.cseq?.method == .invite)
            try await send(Self.wire("ACK", cseq: 1, port: port, toTag: tag))
        }
        try await server.close()
        try await core.eventLoop.submit { core.shutdown() }.get()
        try await group.shutdownGracefully()
    }
}
