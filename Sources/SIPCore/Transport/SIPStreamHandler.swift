import NIOCore

/// Hands framed messages of one connection to the core, and closes the connection on idleness or when the
/// stream cannot be framed any more (RFC 3261 §18.3: after a bad Content-Length the next message's start is
/// unknown, so the only safe step is to close).
final class SIPStreamHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let transport: SIPStreamTransport
    private let connection: SIPStreamConnection

    init(transport: SIPStreamTransport, connection: SIPStreamConnection) {
        self.transport = transport
        self.connection = connection
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = self.unwrapInboundIn(data)
        self.transport.received(frame, over: self.connection)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            self.transport.noteIdleClose()
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A framing error, a TLS failure or a reset: a peer fault, counted, never fatal for the listener.
        self.transport.noteConnectionError()
        context.close(promise: nil)
    }
}

@available(*, unavailable)
extension SIPStreamHandler: Sendable {}
