public import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Binds the UDP socket of one media leg on a given event loop, from an ``RTPPortAllocator``'s range.
public enum RTPSocket {
    /// A bound media socket (and its RTCP twin, if any) and the port it took from the allocator.
    public struct Bound: Sendable {
        /// The RTP datagram channel.
        public let channel: any Channel
        /// The local RTP port; give it back with ``RTPPortAllocator/release(_:)`` when the channel closes.
        public let port: Int
        /// The RTCP socket on `port + 1`, when one was asked for (RFC 3550 §11; none with rtcp-mux, RFC 5761).
        public let rtcpChannel: (any Channel)?
        /// Sends on the RTP socket without the channel's write path (nil for channels bound elsewhere).
        public let sender: DatagramSender?

        /// Wraps channels bound elsewhere.
        public init(channel: any Channel, port: Int, rtcpChannel: (any Channel)? = nil) {
            self.init(channel: channel, port: port, rtcpChannel: rtcpChannel, sender: nil)
        }

        init(channel: any Channel, port: Int, rtcpChannel: (any Channel)?, sender: DatagramSender?) {
            self.channel = channel
            self.port = port
            self.rtcpChannel = rtcpChannel
            self.sender = sender
        }

        /// Closes both sockets (the port itself goes back to the allocator separately).
        public func close() {
            self.channel.close(promise: nil)
            self.rtcpChannel?.close(promise: nil)
        }
    }

    /// Binds `host` on a port from `allocator`, trying further ports when one is taken by another program.
    ///
    /// The allocator hands out even ports only, so `port + 1` is never given to another leg: with
    /// `makeRTCPHandler` it is bound too, for RTCP (RFC 3550 §11), and a pair whose odd half is taken by another
    /// program is skipped like a taken even port.
    ///
    /// - Parameters:
    ///   - host: the local address to bind.
    ///   - allocator: the port range the port comes from; a port that fails to bind is released to it.
    ///   - eventLoop: the loop that will own the channel (a room's loop, so media stays on one thread).
    ///   - attempts: how many binds may fail for another reason than a taken port before giving up. A port that
    ///     another program holds (`EADDRINUSE`) does not count: the search goes on until the range is used up, so
    ///     a busy stretch of the range (another process's callers on the same host) never makes a call fail.
    ///   - makeRTCPHandler: builds the inbound handler of the RTCP socket on `port + 1`; nil binds none.
    ///   - makeHandler: builds the inbound handler for the new channel, on its event loop.
    public static func bind(
        host: String,
        allocator: RTPPortAllocator,
        on eventLoop: any EventLoop,
        attempts: Int = 16,
        makeRTCPHandler: (@Sendable () -> any ChannelHandler)? = nil,
        makeHandler: @escaping @Sendable () -> any ChannelHandler
    ) -> EventLoopFuture<Bound> {
        guard attempts > 0, let port = allocator.allocate() else {
            return eventLoop.makeFailedFuture(RTPSocketError.portRangeExhausted)
        }
        let retry: @Sendable (any Error) -> EventLoopFuture<Bound> = { error in
            // Leave the port marked as used: someone else holds it (or its RTCP neighbour). The allocator never
            // hands it out again, so skipping taken ports ends when the range is used up.
            let taken = (error as? IOError)?.errnoCode == EADDRINUSE
            return bind(
                host: host,
                allocator: allocator,
                on: eventLoop,
                attempts: taken ? attempts : attempts - 1,
                makeRTCPHandler: makeRTCPHandler,
                makeHandler: makeHandler
            )
        }
        return Self.open(host: host, port: port, on: eventLoop, makeHandler: makeHandler).flatMap { opened in
            let (channel, sender) = opened
            guard let makeRTCPHandler else {
                return eventLoop.makeSucceededFuture(
                    Bound(channel: channel, port: port, rtcpChannel: nil, sender: sender)
                )
            }
            return Self.open(host: host, port: port + 1, on: eventLoop, makeHandler: makeRTCPHandler)
                .map { Bound(channel: channel, port: port, rtcpChannel: $0.channel, sender: sender) }
                .flatMapError { error in
                    channel.close(promise: nil)
                    return eventLoop.makeFailedFuture(error)
                }
        }.flatMapError(retry)
    }

    /// Binds the socket itself and hands it to a channel, so that the leg can also send on its descriptor
    /// (``DatagramSender``).
    ///
    /// One datagram per read: a leg gets one packet per packet time, so reading on until the socket says
    /// EAGAIN (NIO's loop, up to `maxMessagesPerRead`) costs an empty `recvmsg` per packet. NIO's epoll is
    /// level-triggered: a second datagram waiting after a stall is read on the next wake-up.
    private static func open(
        host: String,
        port: Int,
        on eventLoop: any EventLoop,
        makeHandler: @escaping @Sendable () -> any ChannelHandler
    ) -> EventLoopFuture<(channel: any Channel, sender: DatagramSender)> {
        let descriptor: CInt
        do {
            descriptor = try DatagramSender.bindSocket(to: SocketAddress.makeAddressResolvingHost(host, port: port))
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
        return DatagramBootstrap(group: eventLoop)
            .channelOption(.maxMessagesPerRead, value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(makeHandler())
                }
            }
            .withBoundSocket(descriptor)
            .map { channel in (channel, DatagramSender(channel: channel, descriptor: descriptor)) }
    }
}

/// Why a media socket could not be opened.
public struct RTPSocketError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, in words.
    public let code: String
    /// Every port in the allocator's range is taken or could not be bound.
    public static let portRangeExhausted = RTPSocketError(code: "no free RTP port in the configured range")
    public var description: String { self.code }
}
