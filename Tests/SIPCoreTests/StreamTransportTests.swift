import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import SIPCore
import Testing

@Suite("RFC 3261 §18.3 TCP and TLS transports", .serialized, .timeLimit(.minutes(1)))
struct StreamTransportTests {
    static func parse(_ frame: ByteBuffer) throws -> SIPResponse {
        guard case .response(let response) = try SIPMessageParser().parseStreamMessage(frame) else {
            throw SIPTransportError(.notConnected, reason: "expected a response")
        }
        return response
    }

    @Test("§18.2.2: responses go back over the request's connection; RFC 3581 received and rport are added")
    func answersOnSameConnection() async throws {
        let node = try await TestNode(tcp: .init())
        let address = try await node.address(.tcp)
        let client = try await StreamTestSupport.connect(to: address, group: node.group)
        let localPort = client.channel.localAddress?.port ?? 0
        try await client.executeThenClose { inbound, outbound in
            var frames = inbound.makeAsyncIterator()
            for index in 0..<2 {
                try await outbound.write(
                    ByteBuffer(sipText: StreamTestSupport.wire(port: 5999, callID: "same-\(index)"))
                )
                let response = try Self.parse(try #require(try await frames.next()))
                #expect(response.statusCode == 200)
                let via = try #require(response.headers.topVia)
                #expect(via.transport == "TCP")
                #expect(via.received == "127.0.0.1")
                #expect(via.rport == .value(localPort))
            }
        }
        #expect(try await node.onLoop { _ in node.user.received } == [.options, .options])
        try await node.stop()
    }

    @Test("§18.3: a request that frames but does not parse gets 400 and the connection stays open")
    func malformedKeepsConnection() async throws {
        let node = try await TestNode(tcp: .init())
        let client = try await StreamTestSupport.connect(to: try await node.address(.tcp), group: node.group)
        try await client.executeThenClose { inbound, outbound in
            var frames = inbound.makeAsyncIterator()
            let broken = StreamTestSupport.wire(port: 5999).replacingOccurrences(
                of: "CSeq: 1 OPTIONS",
                with: "CSeq: x OPTIONS"
            )
            try await outbound.write(ByteBuffer(sipText: broken))
            // The 400 echoes the broken CSeq, so read its status line rather than parse it.
            let rejection = try #require(try await frames.next())
            #expect(String(buffer: rejection).hasPrefix("SIP/2.0 400 "))
            try await outbound.write(ByteBuffer(sipText: StreamTestSupport.wire(port: 5999)))
            #expect(try Self.parse(try #require(try await frames.next())).statusCode == 200)
        }
        try await node.stop()
    }

    @Test("§18.3: a message without Content-Length cannot be framed: the connection is closed")
    func framingErrorCloses() async throws {
        let node = try await TestNode(tcp: .init())
        let client = try await StreamTestSupport.connect(to: try await node.address(.tcp), group: node.group)
        try await client.executeThenClose { inbound, outbound in
            let unframed = StreamTestSupport.wire(port: 5999).replacingOccurrences(
                of: "Content-Length: 0\r\n",
                with: ""
            )
            try await outbound.write(ByteBuffer(sipText: unframed))
            var frames = inbound.makeAsyncIterator()
            let end = try await frames.next()
            #expect(end == nil)
        }
        let errors = try await node.onLoop { core in core.streamTransport(.tcp)?.statistics.connectionErrors ?? 0 }
        #expect(errors == 1)
        try await node.stop()
    }

    @Test("AST-2016-005: connections beyond the per-address cap are refused")
    func perAddressCap() async throws {
        let node = try await TestNode(tcp: SIPStreamTransportConfiguration(maxConnectionsPerAddress: 1))
        let address = try await node.address(.tcp)
        let first = try await StreamTestSupport.connect(to: address, group: node.group)
        try await first.executeThenClose { inbound, outbound in
            var frames = inbound.makeAsyncIterator()
            try await outbound.write(ByteBuffer(sipText: StreamTestSupport.wire(port: 5999)))
            #expect(try Self.parse(try #require(try await frames.next())).statusCode == 200)
            let second = try await StreamTestSupport.connect(to: address, group: node.group)
            try await second.executeThenClose { secondInbound, secondOutbound in
                var secondFrames = secondInbound.makeAsyncIterator()
                let end = try await secondFrames.next()
                #expect(end == nil)
            }
        }
        let statistics = try await node.onLoop { core in core.streamTransport(.tcp)?.statistics }
        #expect(statistics?.refused == 1)
        #expect(statistics?.accepted == 1)
        try await node.stop()
    }

    @Test("AST-2016-005: connections beyond the total cap are refused")
    func totalCap() async throws {
        let node = try await TestNode(tcp: SIPStreamTransportConfiguration(maxConnections: 1))
        let address = try await node.address(.tcp)
        let first = try await StreamTestSupport.connect(to: address, group: node.group)
        try await first.executeThenClose { inbound, outbound in
            var frames = inbound.makeAsyncIterator()
            try await outbound.write(ByteBuffer(sipText: StreamTestSupport.wire(port: 5999)))
            #expect(try Self.parse(try #require(try await frames.next())).statusCode == 200)
            let second = try await StreamTestSupport.connect(to: address, group: node.group)
            try await second.executeThenClose { secondInbound, _ in
                var secondFrames = secondInbound.makeAsyncIterator()
                let end = try await secondFrames.next()
                #expect(end == nil)
            }
        }
        try await node.stop()
    }

    @Test("An idle connection is closed after the idle timeout")
    func idleTimeout() async throws {
        let node = try await TestNode(tcp: SIPStreamTransportConfiguration(idleTimeout: .milliseconds(200)))
        let client = try await StreamTestSupport.connect(to: try await node.address(.tcp), group: node.group)
        try await client.executeThenClose { inbound, _ in
            var frames = inbound.makeAsyncIterator()
            let end = try await frames.next()
            #expect(end == nil)
        }
        let closed = try await node.onLoop { core in core.streamTransport(.tcp)?.statistics.closedIdle ?? 0 }
        #expect(closed == 1)
        try await node.stop()
    }

    @Test("§18.1.1: requests over TCP open one connection and reuse it; Via says TCP")
    func outboundReuse() async throws {
        let server = try await TestNode(tcp: .init())
        let client = try await TestNode(tcp: .init())
        let destination = try await server.address(.tcp)
        for _ in 0..<2 {
            let result = await client.send(StreamTestSupport.request(.options), to: destination, transport: .tcp)
            guard case .response(let response) = result else {
                Issue.record("no response: \(result)")
                break
            }
            #expect(response.statusCode == 200)
            #expect(response.headers.topVia?.transport == "TCP")
        }
        let statistics = try await client.onLoop { core in core.streamTransport(.tcp)?.statistics }
        #expect(statistics?.opened == 1)
        try await client.stop()
        try await server.stop()
    }

    @Test("§17.1.4: a refused connect is a transport error for the transaction")
    func connectFailure() async throws {
        let client = try await TestNode(tcp: .init())
        let closed = try await TestNode(tcp: .init())
        let destination = try await closed.address(.tcp)
        try await closed.stop()
        let result = await client.send(StreamTestSupport.request(.options), to: destination, transport: .tcp)
        guard case .transportError = result else {
            Issue.record("expected a transport error, got \(result)")
            try await client.stop()
            return
        }
        try await client.stop()
    }

    @Test("An INVITE over TCP is answered 200, the ACK reaches the UAS and BYE completes")
    func inviteOverTCP() async throws {
        let server = try await TestNode(tcp: .init())
        let client = try await TestNode(tcp: .init())
        let destination = try await server.address(.tcp)
        let invite = StreamTestSupport.request(.invite)
        let result = await client.send(invite, to: destination, transport: .tcp)
        guard case .response(let response) = result, response.statusCode == 200 else {
            Issue.record("INVITE failed: \(result)")
            return
        }
        var ack = invite
        ack.method = .ack
        ack.headers.to = response.headers.to
        ack.headers.cseq = CSeqHeader(sequence: 1, method: .ack)
        let finalACK = ack
        try await client.onLoop { core in core.sendStateless(finalACK, to: destination, transport: .tcp) }
        var bye = invite
        bye.method = .bye
        bye.headers.to = response.headers.to
        bye.headers.cseq = CSeqHeader(sequence: 2, method: .bye)
        let byeResult = await client.send(bye, to: destination, transport: .tcp)
        guard case .response(let byeResponse) = byeResult else {
            Issue.record("BYE failed: \(byeResult)")
            return
        }
        #expect(byeResponse.statusCode == 200)
        #expect(try await server.onLoop { _ in server.user.acks } == 1)
        try await client.stop()
        try await server.stop()
    }

    @Test("TLS: a TLS client is answered over the TLS connection; Via says TLS")
    func tlsRawClient() async throws {
        let certificate = try StreamTestSupport.makeCertificate()
        let node = try await TestNode(tls: (certificate, .init()))
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        let context = try NIOSSLContext(configuration: configuration)
        let client = try await StreamTestSupport.connect(
            to: try await node.address(.tls),
            group: node.group,
            tls: context
        )
        try await client.executeThenClose { inbound, outbound in
            var frames = inbound.makeAsyncIterator()
            try await outbound.write(ByteBuffer(sipText: StreamTestSupport.wire(transport: "TLS", port: 5999)))
            let response = try Self.parse(try #require(try await frames.next()))
            #expect(response.statusCode == 200)
            #expect(response.headers.topVia?.transport == "TLS")
        }
        try await node.stop()
    }

    @Test("TLS: core to core, verifying the peer's certificate against the configured root")
    func tlsCoreToCore() async throws {
        let certificate = try StreamTestSupport.makeCertificate()
        let server = try await TestNode(tls: (certificate, .init()))
        let client = try await TestNode(tls: (certificate, .init()))
        let result = await client.send(
            StreamTestSupport.request(.options),
            to: try await server.address(.tls),
            transport: .tls
        )
        guard case .response(let response) = result else {
            Issue.record("no response over TLS: \(result)")
            return
        }
        #expect(response.statusCode == 200)
        try await client.stop()
        try await server.stop()
    }

    @Test("TLS: a missing certificate file fails the bind with badTLSConfiguration")
    func tlsBadConfiguration() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let core = UserAgentCore(eventLoop: group.next(), advertisedHost: "127.0.0.1", advertisedPort: 0)
        let tls = SIPTLSConfiguration(
            certificateChainPath: "/nonexistent/cert.pem",
            privateKeyPath: "/nonexistent/key.pem"
        )
        await #expect(throws: SIPTransportError(.badTLSConfiguration)) {
            _ = try await SIPTLSTransport.bind(core, host: "127.0.0.1", port: 0, tls: tls).get()
        }
        try await group.shutdownGracefully()
    }
}
