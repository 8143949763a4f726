import NIOCore
import NIOPosix
import Testing

@testable import RTP

/// Binding media sockets from a range that other programs partly hold, on 127.0.0.1.
@Suite("RTPSocket: binding from a partly taken range")
struct RTPSocketTests {
    private final class Discard: ChannelInboundHandler, Sendable {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
    }

    private static func holdPort(_ port: Int, group: any EventLoopGroup) async throws -> any Channel {
        try await DatagramBootstrap(group: group).bind(host: "127.0.0.1", port: port).get()
    }

    @Test("a stretch of taken ports longer than the attempt budget is skipped, not a failed call")
    func skipsTakenStretch() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let base = Int.random(in: 0..<50) * 100 + 23000
        // Another program holds the first 24 even ports of the range (more than the 16 attempts a bind gets).
        var held: [any Channel] = []
        for index in 0..<24 {
            held.append(try await Self.holdPort(base + 2 * index, group: group))
        }
        let allocator = RTPPortAllocator(range: base...(base + 98))
        let bound = try await RTPSocket.bind(
            host: "127.0.0.1",
            allocator: allocator,
            on: group.next(),
            attempts: 16,
            makeRTCPHandler: { Discard() },
            makeHandler: { Discard() }
        ).get()
        #expect(bound.port == base + 48)
        #expect(bound.rtcpChannel != nil)
        // The taken ports stay marked, so the next leg does not try them again.
        #expect(allocator.inUseCount == 25)
        try await bound.channel.close()
        try await bound.rtcpChannel?.close()
        for channel in held { try await channel.close() }
        try await group.shutdownGracefully()
    }

    @Test("a bind that fails for another reason gives up after its attempts, not after the whole range")
    func otherErrorsUseTheBudget() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let allocator = RTPPortAllocator(range: 23000...28998)
        // 192.0.2.1 (TEST-NET-1) is no address of this host: every bind fails with EADDRNOTAVAIL.
        await #expect(throws: (any Error).self) {
            _ = try await RTPSocket.bind(
                host: "192.0.2.1",
                allocator: allocator,
                on: group.next(),
                attempts: 4,
                makeHandler: { Discard() }
            ).get()
        }
        #expect(allocator.inUseCount == 4)
        try await group.shutdownGracefully()
    }
}
