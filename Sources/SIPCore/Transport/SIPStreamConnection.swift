public import NIOCore

/// One TCP or TLS connection to a peer, inbound or outbound (RFC 3261 §18.3).
///
/// Immutable and made of `Sendable` parts; its channel is confined to the user agent's loop like everything
/// else in the core.
public final class SIPStreamConnection: Sendable {
    /// The connection's channel (its pipeline ends in the SIP stream handler).
    public let channel: any Channel
    /// The peer's address, the key under which the connection is reused for requests to it.
    public let remoteAddress: SocketAddress
    /// TCP or TLS.
    public let kind: SIPTransportKind
    /// True when we opened it (a request of ours), false when the peer did.
    public let isOutbound: Bool

    init(channel: any Channel, remoteAddress: SocketAddress, kind: SIPTransportKind, isOutbound: Bool) {
        self.channel = channel
        self.remoteAddress = remoteAddress
        self.kind = kind
        self.isOutbound = isOutbound
    }

    /// Whether the socket is still open.
    public var isActive: Bool { self.channel.isActive }
}
