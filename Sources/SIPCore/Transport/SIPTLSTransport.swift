public import NIOCore
import NIOSSL

/// Listens for SIP over TLS (swift-nio-ssl) and attaches the connections to a ``UserAgentCore``
/// (RFC 3261 §18.3, §26.2.1): the same as ``SIPTCPTransport`` with a TLS handler in front.
public enum SIPTLSTransport {
    /// Binds a TLS listener on `host:port` with the certificate and key in `tls`.
    /// - Returns: the listening channel, or a failed future with ``SIPTransportError/Code/badTLSConfiguration``
    ///   when the certificate or key cannot be loaded.
    public static func bind(
        _ core: UserAgentCore,
        host: String,
        port: Int,
        tls: SIPTLSConfiguration,
        configuration: SIPStreamTransportConfiguration = .init()
    ) -> EventLoopFuture<any Channel> {
        core.eventLoop.flatSubmit {
            let contexts: (server: NIOSSLContext, client: NIOSSLContext)
            do {
                contexts = try Self.makeContexts(tls)
            } catch {
                return core.eventLoop.makeFailedFuture(
                    SIPTransportError(.badTLSConfiguration, reason: "\(error)")
                )
            }
            let transport = SIPStreamTransport(
                core: core,
                kind: .tls,
                configuration: configuration,
                serverTLS: contexts.server,
                clientTLS: contexts.client
            )
            return transport.bind(host: host, port: port)
        }
    }

    /// The server context (our certificate) and the client context (our certificate, the trust roots, and
    /// no host-name check: we connect to addresses, not names, since RFC 3263 lookups happen above us).
    static func makeContexts(_ tls: SIPTLSConfiguration) throws -> (server: NIOSSLContext, client: NIOSSLContext) {
        let chain = try NIOSSLCertificate.fromPEMFile(tls.certificateChainPath).map {
            NIOSSLCertificateSource.certificate($0)
        }
        let key = try NIOSSLPrivateKey(file: tls.privateKeyPath, format: .pem)
        let serverConfiguration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain,
            privateKey: .privateKey(key)
        )
        var clientConfiguration = TLSConfiguration.makeClientConfiguration()
        clientConfiguration.certificateChain = chain
        clientConfiguration.privateKey = .privateKey(key)
        if let roots = tls.trustRootsPath { clientConfiguration.trustRoots = .file(roots) }
        clientConfiguration.certificateVerification = tls.verifiesPeers ? .noHostnameVerification : .none
        return (
            server: try NIOSSLContext(configuration: serverConfiguration),
            client: try NIOSSLContext(configuration: clientConfiguration)
        )
    }
}
