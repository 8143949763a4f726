import NIOCore
import NIOEmbedded
import RTP
import Testing

@testable import Conference

/// A media leg between a caller's packet time and the room's mixing interval, on an embedded channel: what
/// the caller sends comes out in room frames, and what the room sends goes out in the caller's packets.
@Suite("MediaLeg: repacketising between a caller's ptime and the room's frames")
struct MediaLegRepacketTests {
    static let remote = MediaLegFixture.remote

    static func leg(ptime: Int, room: Int) throws -> (MediaLeg, EmbeddedChannel) {
        try MediaLegFixture.muLawLeg(ptime: ptime, frameMilliseconds: room)
    }

    /// The packets written so far: (payload length, RTP timestamp).
    static func sent(_ channel: EmbeddedChannel) throws -> [(bytes: Int, timestamp: UInt32)] {
        var packets: [(bytes: Int, timestamp: UInt32)] = []
        while let envelope = try channel.readOutbound(as: AddressedEnvelope<ByteBuffer>.self) {
            let view = try #require(RTPPacketView(buffer: envelope.data))
            packets.append((envelope.data.readableBytes - RTPHeader.fixedSize, view.timestamp))
        }
        return packets
    }

    @Test(
        "Room frames go out in the caller's packets, timestamps a packet apart",
        arguments: [(20, 40), (40, 20), (20, 10), (10, 40), (30, 20)]
    )
    func outbound(ptime: Int, room: Int) throws {
        let (leg, channel) = try Self.leg(ptime: ptime, room: room)
        let frame = [Int16](repeating: 1000, count: 8 * room)
        let frames = 12
        for _ in 0..<frames {
            leg.send(frame)
            leg.flush()
        }
        let packets = try Self.sent(channel)
        #expect(packets.count == frames * room / ptime, "\(frames) frames of \(room) ms in \(ptime) ms packets")
        #expect(packets.allSatisfy { $0.bytes == 8 * ptime })
        for (previous, next) in zip(packets, packets.dropFirst()) {
            #expect(next.timestamp &- previous.timestamp == UInt32(8 * ptime))
        }
        // The shared G.711 mix joins the same queue: one more room frame's worth, in the same packet size.
        for _ in 0..<(2 * ptime / room + 2) { leg.send(encoded: [UInt8](repeating: 0xFF, count: 8 * room)) }
        #expect(try Self.sent(channel).allSatisfy { $0.bytes == 8 * ptime })
        _ = try? channel.finish()
    }

    @Test("After a pause (hold) the timestamp moves on by the pause, with the marker bit; sequence stays consecutive")
    func resumeAfterPause() throws {
        let (leg, channel) = try Self.leg(ptime: 20, room: 20)
        let frame = [Int16](repeating: 1000, count: 160)
        var packets: [RTPPacketView] = []
        func drain() throws {
            while let envelope = try channel.readOutbound(as: AddressedEnvelope<ByteBuffer>.self) {
                packets.append(try #require(RTPPacketView(buffer: envelope.data)))
            }
        }
        for _ in 0..<3 { leg.send(frame) }
        let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
        leg.pauseSending(now: start)
        leg.pauseSending(now: start + .seconds(1))  // a second pause changes nothing
        leg.resumeSending(now: start + .milliseconds(3_000))
        leg.resumeSending(now: start + .seconds(9))  // not paused: nothing to catch up
        for _ in 0..<2 { leg.send(frame) }
        leg.flush()
        try drain()
        try #require(packets.count == 5)
        #expect(packets.map(\.marker) == [true, false, false, true, false])
        for (previous, next) in zip(packets, packets.dropFirst()) {
            #expect(next.sequenceNumber == previous.sequenceNumber &+ 1)
        }
        // 3 s of pause at 8 kHz on top of the one packet's 160 samples.
        #expect(packets[3].timestamp &- packets[2].timestamp == 160 + 24_000)
        #expect(packets[4].timestamp &- packets[3].timestamp == 160)
        _ = try? channel.finish()
    }

    @Test(
        "The caller's packets come out as room frames: every sample once, in order, across packet boundaries",
        arguments: [(20, 40), (40, 20), (20, 10), (10, 40), (30, 20)]
    )
    func inbound(ptime: Int, room: Int) throws {
        let (leg, channel) = try Self.leg(ptime: ptime, room: room)
        let packetBytes = 8 * ptime
        var stream: [Int16] = []
        var frames: [Int16] = []
        var frame = [Int16](repeating: 0, count: 8 * room)
        let start = UInt64(1_000_000_000)
        for index in 0..<60 {
            // A ramp of μ-law codes, so any gap, repeat or reordering shows in the decoded stream.
            let payload = (0..<packetBytes).map { UInt8(truncatingIfNeeded: (index * packetBytes + $0) % 251) }
            stream += payload.map { G711.decode($0, law: .muLaw) }
            var buffer = channel.allocator.buffer(capacity: 12 + packetBytes)
            RTPHeader(
                payloadType: 0,
                sequenceNumber: UInt16(index),
                timestamp: UInt32(index * packetBytes),
                ssrc: 7
            ).write(into: &buffer)
            buffer.writeBytes(payload)
            _ = leg.received(
                AddressedEnvelope(remoteAddress: Self.remote, data: buffer),
                tick: Int64(index),
                arrivalNanoseconds: start + UInt64(index * ptime) * 1_000_000
            )
            // The room reads a frame per tick: as many ticks as this packet's time covers.
            let due = (index + 1) * ptime / room - index * ptime / room
            for _ in 0..<due where leg.readFrame(into: &frame) != nil { frames += frame }
        }
        #expect(frames.count > stream.count / 2, "most of the audio comes through (\(frames.count) of \(stream.count))")
        // What came out is one unbroken run of what was sent, starting on a packet (after probation and the
        // jitter buffer's start-up delay), late by the concealer's look-back (silence before the first sample); a
        // concealed gap would break it.
        let delay = PacketLossConcealer(sampleRate: 8000).delay
        #expect(frames.prefix(delay).allSatisfy { $0 == 0 }, "the concealer's look-back starts silent")
        let played = Array(frames.dropFirst(delay))
        let offset = try #require(
            stride(from: 0, to: stream.count - played.count + 1, by: packetBytes).first {
                Array(stream[$0..<($0 + played.count)]) == played
            },
            "the frames are the packets' samples in order"
        )
        #expect(offset % packetBytes == 0)
        _ = try? channel.finish()
    }
}
