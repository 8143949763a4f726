public import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Sends datagrams straight from a media socket's descriptor with one `sendto`, beside the channel that reads it.
///
/// A media leg sends one small packet per socket per tick. Through the channel, each one costs a buffer, an
/// envelope, a trip down the pipeline, a queued write and a flush; here it is one system call from bytes the leg
/// reuses. The channel still owns the socket: it reads from it, closes it, and carries the rare RTCP writes.
///
/// Use it only on the channel's event loop. That is what makes the descriptor safe: NIO closes it on that loop
/// too, so a send that finds the channel active cannot race the close (nor reach a later socket that reused
/// the number).
public struct DatagramSender: Sendable {
    /// The channel that owns the socket.
    public let channel: any Channel
    private let descriptor: CInt

    init(channel: any Channel, descriptor: CInt) {
        self.channel = channel
        self.descriptor = descriptor
    }

    /// Sends `bytes` as one datagram to `address`; false when nothing went: the channel is closed, or the socket
    /// refused it (a full send buffer: the packet is dropped, as a late one would be; or an ICMP error left by an
    /// earlier packet, which the caller's RTP timeout deals with).
    @discardableResult
    public func send(_ bytes: UnsafeRawBufferPointer, to address: SocketAddress) -> Bool {
        guard self.channel.isActive else { return false }
        let descriptor = self.descriptor
        let sent = address.withSockAddr { pointer, length in
            sendto(descriptor, bytes.baseAddress, bytes.count, 0, pointer, socklen_t(length))
        }
        return sent == bytes.count
    }

    /// Sends the readable bytes of `buffer` as one datagram to `address`, as the raw-bytes `send` does.
    @discardableResult
    public func send(_ buffer: ByteBuffer, to address: SocketAddress) -> Bool {
        buffer.withUnsafeReadableBytes { self.send($0, to: address) }
    }

    /// A new non-blocking UDP socket bound to `address`, for a channel to adopt; throws (closing it) when the
    /// address is taken.
    static func bindSocket(to address: SocketAddress) throws -> CInt {
        #if canImport(Glibc) || canImport(Musl)
        let kind = CInt(SOCK_DGRAM.rawValue)
        #else
        let kind = SOCK_DGRAM
        #endif
        let descriptor = socket(CInt(address.protocol.rawValue), kind, 0)
        guard descriptor >= 0 else { throw IOError(errnoCode: errno, reason: "socket") }
        let flags = fcntl(descriptor, F_GETFL, 0)
        guard flags >= 0, fcntl(descriptor, F_SETFL, flags | O_NONBLOCK) == 0,
            fcntl(descriptor, F_SETFD, FD_CLOEXEC) == 0
        else {
            let code = errno
            close(descriptor)
            throw IOError(errnoCode: code, reason: "fcntl")
        }
        let bound = address.withSockAddr { pointer, length in bind(descriptor, pointer, socklen_t(length)) }
        guard bound == 0 else {
            let code = errno
            close(descriptor)
            throw IOError(errnoCode: code, reason: "bind")
        }
        return descriptor
    }
}
