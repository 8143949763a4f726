public import NIOCore
import NIOPosix

/// Binds the UDP socket of one media leg on a given event loop, from an ``RTPPortAllocator``'s range.
public enum RTPSocket {
    public struct Bound: Sendable {
        public let channel: any Channel
        public let port: Int
    }

    /// Binds `host` on a port from `allocator`, trying further ports when one is taken by another program.
    ///
    /// - Parameters:
    ///   - host: the local address to bind.
    ///   - allocator: the port range the port comes from; a port that fails to bind is released to it.
    ///   - eventLoop: the loop that will own the channel (a room's loop, so media stays on one thread).
    ///   - attempts: how many ports to try before giving up.
    ///   - makeHandler: builds the inbound handler for the new channel, on its event loop.
    public static func bind(
        host: String,
        allocator: RTPPortAllocator,
        on eventLoop: any EventLoop,
        attempts: Int = 16,
        makeHandler: @escaping @Sendable () -> any ChannelHandler
    ) -> EventLoopFuture<Bound> {
        guard attempts > 0, let port = allocator.allocate() else {
            return eventLoop.makeFailedFuture(RTPSocketError.portRangeExhausted)
        }
        return DatagramBootstrap(group: eventLoop)
            .channelOption(.maxMessagesPerRead, value: 8)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(makeHandler())
                }
            }
            .bind(host: host, port: port)
            .map { Bound(channel: $0, port: port) }
            .flatMapError { _ in
                // Leave the port marked as used: someone else holds it.
                bind(host: host, allocator: allocator, on: eventLoop, attempts: attempts - 1, makeHandler: makeHandler)
            }
    }
}

/// Why a media socket could not be opened.
public struct RTPSocketError: Error, Sendable, Equatable, CustomStringConvertible {
    public let code: String
    public static let portRangeExhausted = RTPSocketError(code: "no free RTP port in the configured range")
    public var description: String { self.code }
}
