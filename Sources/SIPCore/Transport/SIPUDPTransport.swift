public import NIOCore
import NIOPosix

/// Binds a UDP socket for SIP and feeds its datagrams to a ``UserAgentCore`` (RFC 3261 §18).
public enum SIPUDPTransport {
    /// Binds `host:port` (port 0 picks a free one) on the core's event loop and attaches the channel to it.
    public static func bind(_ core: UserAgentCore, host: String, port: Int) -> EventLoopFuture<any Channel> {
        DatagramBootstrap(group: core.eventLoop)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(.maxMessagesPerRead, value: 16)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(SIPDatagramHandler(core: core))
                }
            }
            .bind(host: host, port: port)
            .map { channel in
                core.attach(channel: channel, localAddress: channel.localAddress)
                return channel
            }
    }
}

/// Turns datagrams into calls on the core; never closes the channel because of what a peer sent.
final class SIPDatagramHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let core: UserAgentCore

    init(core: UserAgentCore) { self.core = core }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = self.unwrapInboundIn(data)
        let bytes = envelope.data.getBytes(at: envelope.data.readerIndex, length: envelope.data.readableBytes) ?? []
        self.core.receivedDatagram(bytes, from: envelope.remoteAddress)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP port-unreachable and similar surface here on UDP; they are not fatal for a server socket.
    }
}

@available(*, unavailable)
extension SIPDatagramHandler: Sendable {}
