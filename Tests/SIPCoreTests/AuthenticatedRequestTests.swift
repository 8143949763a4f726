import NIOCore
import NIOPosix
import SIPCore
import Testing

/// A UAS that challenges every request without credentials (RFC 3261 §22.2) and accepts any with them.
final class ChallengingUser: TransactionUser, @unchecked Sendable {
    var authorizations: [String] = []

    func userAgent(_ userAgent: UserAgentCore, received transaction: ServerTransaction) {
        if let authorization = transaction.request.headers[.authorization] {
            self.authorizations.append(authorization)
            transaction.respond(status: 200)
        } else {
            transaction.respond(
                status: 401,
                extraHeaders: [(.wwwAuthenticate, #"Digest realm="parley.test", nonce="abc", qop="auth""#)]
            )
        }
    }

    func userAgent(_ userAgent: UserAgentCore, receivedACK ack: SIPRequest, from source: SocketAddress) {}
    func userAgent(_ userAgent: UserAgentCore, cancelled invite: ServerTransaction) {}
    func userAgent(_ userAgent: UserAgentCore, ackTimedOutFor invite: ServerTransaction) {}
}

@Suite("RFC 3261 §22.2 UAC retry after 401", .serialized, .timeLimit(.minutes(1)))
struct AuthenticatedRequestTests {
    @Test(
        "§22.2: a challenged request is retried once with credentials and CSeq + 1, over UDP and TCP",
        arguments: [SIPTransportKind.udp, .tcp]
    )
    func retriesWithCredentials(transport: SIPTransportKind) async throws {
        let server = try await TestNode(tcp: .init())
        let challenger = ChallengingUser()
        try await server.onLoop { core in core.transactionUser = challenger }
        let client = try await TestNode(tcp: .init())
        let destination = try await server.address(transport)
        let core = client.core
        let request = StreamTestSupport.request(.options)
        let result: ClientTransactionResult = await withCheckedContinuation { continuation in
            core.eventLoop.execute {
                core.sendRequest(
                    request,
                    to: destination,
                    transport: transport,
                    credentials: DigestCredentials(username: "alice", password: "pw")
                ) { result in
                    if case .response(let response) = result, response.statusCode < 200 { return }
                    continuation.resume(returning: result)
                }
            }
        }
        guard case .response(let response) = result else {
            Issue.record("no response: \(result)")
            return
        }
        #expect(response.statusCode == 200)
        #expect(response.headers.cseq?.sequence == 2)
        let seen = try await server.onLoop { _ in challenger.authorizations }
        #expect(seen.count == 1)
        #expect(seen.first?.contains(#"username="alice""#) == true)
        try await client.stop()
        try await server.stop()
    }
}
