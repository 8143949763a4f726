import NIOCore
import NIOPosix
import Synchronization

/// A UDP socket on 127.0.0.1 that counts the RTP packets it receives by payload type: a media destination a
/// test names in SDP, to see whether (and in which codec) the bridge sends there.
final class RTPSink: Sendable {
    let channel: any Channel
    let port: Int
    private let counts: Counter

    private init(channel: any Channel, counts: Counter) throws {
        self.channel = channel
        self.counts = counts
        guard let port = channel.localAddress?.port else { throw ChannelError.unknownLocalAddress }
        self.port = port
    }

    static func bind(on group: any EventLoopGroup) async throws -> RTPSink {
        let counts = Counter()
        let channel = try await DatagramBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(counts) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return try RTPSink(channel: channel, counts: counts)
    }

    /// Packets received so far, by RTP payload type.
    var payloadTypeCounts: [UInt8: Int] { self.counts.counts.withLock { $0 } }

    /// The payload sizes seen so far (octets after the 12-octet header), by RTP payload type.
    var payloadSizes: [UInt8: Set<Int>] { self.counts.sizes.withLock { $0 } }

    func close() async throws { try await self.channel.close() }

    private final class Counter: ChannelInboundHandler, Sendable {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        let counts = Mutex<[UInt8: Int]>([:])
        let sizes = Mutex<[UInt8: Set<Int>]>([:])

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let envelope = Self.unwrapInboundIn(data)
            // RFC 3550 §5.1: version 2 in the first octet's top bits, the payload type in the second's low 7.
            let data = envelope.data
            guard data.readableBytes >= 12, let first = data.getInteger(at: data.readerIndex, as: UInt8.self),
                first >> 6 == 2, let second = data.getInteger(at: data.readerIndex + 1, as: UInt8.self)
            else { return }
            self.counts.withLock { $0[second & 0x7F, default: 0] += 1 }
            // Our bridge sends no CSRCs, extensions or padding: the payload follows the fixed header.
            self.sizes.withLock { _ = $0[second & 0x7F, default: []].insert(data.readableBytes - 12) }
        }
    }
}
