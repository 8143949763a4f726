public import NIOCore

/// Listens for SIP over TCP and attaches the connections to a ``UserAgentCore`` (RFC 3261 §18.3).
public enum SIPTCPTransport {
    /// Binds a TCP listener on `host:port` (port 0 picks a free one) on the core's event loop. The core then
    /// also sends requests over TCP (``UserAgentCore/sendRequest(_:to:transport:branch:completion:)``).
    /// - Returns: the listening channel; close it to stop accepting.
    public static func bind(
        _ core: UserAgentCore,
        host: String,
        port: Int,
        configuration: SIPStreamTransportConfiguration = .init()
    ) -> EventLoopFuture<any Channel> {
        core.eventLoop.flatSubmit {
            let transport = SIPStreamTransport(core: core, kind: .tcp, configuration: configuration)
            return transport.bind(host: host, port: port)
        }
    }
}
