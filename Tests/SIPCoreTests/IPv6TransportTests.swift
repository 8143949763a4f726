import Foundation
import NIOCore
import NIOPosix
import SIPCore
import Testing

/// UDP, TCP and TLS listeners on the IPv6 loopback (RFC 5118): Via sent-by and Contact carry bracketed
/// references, and responses find their way back.
@Suite("RFC 5118 IPv6: UDP, TCP and TLS on ::1", .serialized, .timeLimit(.minutes(1)))
struct IPv6TransportTests {
    static func options() -> SIPRequest { StreamTestSupport.request(.options, to: "sip:uas@[::1]") }

    @Test("A core on ::1 answers another core on ::1 over UDP, TCP and TLS; Via says [::1]")
    func coreToCore() async throws {
        let certificate = try StreamTestSupport.makeCertificate()
        let server = try await TestNode(tcp: .init(), tls: (certificate, .init()), host: "::1")
        let client = try await TestNode(tcp: .init(), tls: (certificate, .init()), host: "::1")
        for kind in [SIPTransportKind.udp, .tcp, .tls] {
            let destination = try await server.address(kind)
            #expect(destination.protocol == .inet6)
            let result = await client.send(Self.options(), to: destination, transport: kind)
            guard case .response(let response) = result else {
                Issue.record("no response over \(kind) on ::1: \(result)")
                continue
            }
            #expect(response.statusCode == 200)
            let via = try #require(response.headers.topVia)
            #expect(via.host == "[::1]")
            #expect(via.transport == kind.viaToken)
        }
        #expect(try await server.onLoop { _ in server.user.received } == [.options, .options, .options])
        try await client.stop()
        try await server.stop()
    }

    @Test("A raw TCP client on ::1 gets its response on the same connection with received and rport")
    func rawClient() async throws {
        let node = try await TestNode(tcp: .init(), host: "::1")
        let client = try await StreamTestSupport.connect(to: try await node.address(.tcp), group: node.group)
        let localPort = client.channel.localAddress?.port ?? 0
        try await client.executeThenClose { inbound, outbound in
            var frames = inbound.makeAsyncIterator()
            let text = StreamTestSupport.wire(port: 5999).replacingOccurrences(of: "127.0.0.1:5999", with: "[::1]:5999")
            try await outbound.write(ByteBuffer(sipText: text))
            let response = try StreamTransportTests.parse(try #require(try await frames.next()))
            #expect(response.statusCode == 200)
            let via = try #require(response.headers.topVia)
            #expect(via.rport == .value(localPort))
        }
        try await node.stop()
    }
}
