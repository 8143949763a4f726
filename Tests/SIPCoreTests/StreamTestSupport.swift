import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import SIPCore

/// A transaction user for transport tests: answers OPTIONS, INVITE and BYE with 200 and counts requests.
/// Confined to its core's loop; the `@unchecked Sendable` only lets tests hand it to the loop.
final class AnsweringUser: TransactionUser, @unchecked Sendable {
    var received: [SIPMethod] = []
    var acks = 0

    func userAgent(_ userAgent: UserAgentCore, received transaction: ServerTransaction) {
        self.received.append(transaction.request.method)
        if transaction.request.method == .invite {
            let contact =
                "<sip:uas@\(userAgent.hostPort(for: transaction.transport));transport=\(transaction.transport.viaToken.lowercased())>"
            transaction.respond(status: 200, extraHeaders: [(.contact, contact)])
        } else {
            transaction.respond(status: 200)
        }
    }

    func userAgent(_ userAgent: UserAgentCore, receivedACK ack: SIPRequest, from source: SocketAddress) {
        self.acks += 1
    }

    func userAgent(_ userAgent: UserAgentCore, cancelled invite: ServerTransaction) {
        invite.respond(status: 487)
    }

    func userAgent(_ userAgent: UserAgentCore, ackTimedOutFor invite: ServerTransaction) {}
}

/// One user agent core on its own loop, with UDP and optionally TCP/TLS bound on 127.0.0.1 port 0.
final class TestNode: Sendable {
    let group: MultiThreadedEventLoopGroup
    let core: UserAgentCore
    let user: AnsweringUser
    let channels: [any Channel]

    var loop: any EventLoop { self.core.eventLoop }

    init(
        tcp: SIPStreamTransportConfiguration? = nil,
        tls: (SIPTLSConfiguration, SIPStreamTransportConfiguration)? = nil,
        host: String = "127.0.0.1"
    ) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let core = UserAgentCore(eventLoop: group.next(), advertisedHost: host, advertisedPort: 0)
        let user = AnsweringUser()
        try await core.eventLoop.submit { core.transactionUser = user }.get()
        var channels: [any Channel] = [try await SIPUDPTransport.bind(core, host: host, port: 0).get()]
        if let tcp {
            channels.append(try await SIPTCPTransport.bind(core, host: host, port: 0, configuration: tcp).get())
        }
        if let tls {
            channels.append(
                try await SIPTLSTransport.bind(core, host: host, port: 0, tls: tls.0, configuration: tls.1).get()
            )
        }
        self.group = group
        self.core = core
        self.user = user
        self.channels = channels
    }

    /// The listener's address for `kind`.
    func address(_ kind: SIPTransportKind) async throws -> SocketAddress {
        let core = self.core
        let address = try await self.loop.submit { () -> SocketAddress? in
            kind == .udp ? core.localAddress : core.streamTransport(kind)?.localAddress
        }.get()
        guard let address else { throw SIPTransportError(.notConnected) }
        return address
    }

    /// Runs `body` on the core's loop.
    func onLoop<T: Sendable>(_ body: @escaping @Sendable (UserAgentCore) -> T) async throws -> T {
        let core = self.core
        return try await self.loop.submit { body(core) }.get()
    }

    /// Sends `request` in a client transaction and waits for its final outcome.
    func send(
        _ request: SIPRequest,
        to destination: SocketAddress,
        transport: SIPTransportKind
    ) async
        -> ClientTransactionResult
    {
        let core = self.core
        return await withCheckedContinuation { continuation in
            core.eventLoop.execute {
                core.sendRequest(request, to: destination, transport: transport) { result in
                    if case .response(let response) = result, response.statusCode < 200 { return }
                    continuation.resume(returning: result)
                }
            }
        }
    }

    func stop() async throws {
        for channel in self.channels { try? await channel.close() }
        try await self.onLoop { core in core.shutdown() }
        try await self.group.shutdownGracefully()
    }
}

enum StreamTestSupport {
    /// A request outside any dialog, with the headers RFC 3261 §8.1.1 requires (no Via: the core adds it).
    static func request(_ method: SIPMethod, to uri: String = "sip:uas@127.0.0.1") -> SIPRequest {
        var headers = SIPHeaderFields()
        headers.add(.to, "<\(uri)>")
        headers.add(.from, "<sip:test@127.0.0.1>;tag=\(SIPToken.tag())")
        headers.add(.callID, SIPToken.callID())
        headers.add(.cseq, "1 \(method.token)")
        return SIPRequest(
            method: method,
            uri: (try? SIPURI(parsing: uri)) ?? SIPURI(host: "127.0.0.1"),
            headers: headers
        )
    }

    /// Raw wire text of a request as a peer would send it over a stream, with our own Via.
    static func wire(
        _ method: String = "OPTIONS",
        transport: String = "TCP",
        port: Int,
        branch: String = SIPToken.branch(),
        callID: String = "stream-test"
    ) -> String {
        "\(method) sip:uas@127.0.0.1 SIP/2.0\r\n"
            + "Via: SIP/2.0/\(transport) 127.0.0.1:\(port);branch=\(branch);rport\r\n"
            + "Max-Forwards: 70\r\nTo: <sip:uas@127.0.0.1>\r\nFrom: <sip:peer@127.0.0.1>;tag=peer1\r\n"
            + "Call-ID: \(callID)\r\nCSeq: 1 \(method)\r\nContent-Length: 0\r\n\r\n"
    }

    /// Connects a raw client (optionally TLS) that frames what it reads with ``SIPStreamFramer``.
    static func connect(
        to address: SocketAddress,
        group: any EventLoopGroup,
        tls: NIOSSLContext? = nil
    ) async throws -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
        try await ClientBootstrap(group: group).connect(to: address) { channel in
            channel.eventLoop.makeCompletedFuture {
                if let tls {
                    try channel.pipeline.syncOperations.addHandler(
                        NIOSSLClientHandler(context: tls, serverHostname: nil)
                    )
                }
                try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SIPStreamFramer()))
                return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
            }
        }
    }

    /// A self-signed certificate and key made with openssl in a temporary folder.
    static func makeCertificate() throws -> SIPTLSConfiguration {
        let folder = NSTemporaryDirectory() + "parley-tls-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", folder + "/key.pem", "-out",
            folder + "/cert.pem", "-days", "1", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1,IP:::1",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw SIPTransportError(.badTLSConfiguration, reason: "openssl") }
        return SIPTLSConfiguration(
            certificateChainPath: folder + "/cert.pem",
            privateKeyPath: folder + "/key.pem",
            trustRootsPath: folder + "/cert.pem"
        )
    }
}

extension ByteBuffer {
    init(sipText text: String) {
        self.init(string: text)
    }
}
