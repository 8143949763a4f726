import Foundation
import NIOCore
import NIOEmbedded
import RTP
import Testing

@testable import Conference

/// An Opus leg conceals a lost packet with the codec's own means: the next packet's in-band FEC when the jitter
/// buffer holds it, libopus PLC when it does not. Real Opus packets from libopus, on an embedded channel.
@Suite("MediaLeg: Opus losses rebuilt from in-band FEC or concealed by libopus")
struct MediaLegOpusTests {
    static let remote: SocketAddress = {
        do { return try SocketAddress(ipAddress: "127.0.0.1", port: 40002) } catch { fatalError("\(error)") }
    }()

    /// 20 ms packets of a 440 Hz tone at 8 kHz, Opus with in-band FEC sized for 20% loss.
    static func packets(count: Int) throws -> [[UInt8]] {
        let encoder = try WidebandCodec(
            .opus,
            frameSize: 160,
            audioRate: 8000,
            opus: OpusEncoderWrapper.Configuration(inbandFEC: true, packetLossPercent: 20)
        )
        var payload = [UInt8](repeating: 0, count: 400)
        return (0..<count).map { index in
            let frame = (0..<160).map { Int16(8000 * sin(2 * Double.pi * 440 * Double(index * 160 + $0) / 8000)) }
            let written = frame.withUnsafeBufferPointer { samples in
                payload.withUnsafeMutableBytes { encoder.encode(samples, into: $0) }
            }
            return Array(payload[0..<written])
        }
    }

    static func envelope(_ payload: [UInt8], sequence: UInt16) -> AddressedEnvelope<ByteBuffer> {
        var buffer = ByteBuffer()
        RTPHeader(payloadType: 111, sequenceNumber: sequence, timestamp: UInt32(sequence) * 960, ssrc: 0x0105)
            .write(into: &buffer)
        buffer.writeBytes(payload)
        return AddressedEnvelope(remoteAddress: Self.remote, data: buffer)
    }

    /// Feeds the packets (skipping `lost`) one per tick, packet i just before tick i, as a steady stream would,
    /// and returns each tick's room frame mean magnitude (nil when nothing played), indexed by tick, with the leg.
    /// Playout runs one packet behind (the 40 ms initial target), so frame f plays at tick f + 1.
    static func run(lost: Set<Int>, count: Int = 60) throws -> (levels: [Int?], leg: MediaLeg) {
        let channel = EmbeddedChannel()
        try channel.connect(to: Self.remote).wait()
        let parameters = MediaParameters(
            law: .muLaw,
            wideband: .opus,
            payloadType: 111,
            telephoneEventPayloadType: 101,
            remote: Self.remote,
            ptimeMilliseconds: 20,
            secure: nil
        )
        let leg = MediaLeg(channel: channel, localPort: 30002, parameters: parameters)
        let packets = try Self.packets(count: count)
        var frame = [Int16](repeating: 0, count: 160)
        var levels: [Int?] = []
        for index in 0..<(count + 1) {
            if index < count, !lost.contains(index) {
                _ = leg.received(
                    Self.envelope(packets[index], sequence: UInt16(index)),
                    tick: Int64(index),
                    arrivalNanoseconds: UInt64(index) * 20_000_000
                )
            }
            levels.append(leg.readFrame(into: &frame))
        }
        return (levels, leg)
    }

    @Test("A packet lost between two good ones is rebuilt from the next packet's FEC, at the tone's level")
    func fecRecovery() throws {
        let clean = try Self.run(lost: [])
        let (levels, leg) = try Self.run(lost: [30])
        #expect(leg.framesRecoveredFromFEC == 1)
        #expect(leg.framesConcealedByCodec == 0)
        #expect(leg.receptionSummary["lost"] == 1)
        // Frame 30 plays at tick 31 in both runs; the rebuilt audio carries the tone, not silence.
        let cleanLevel = try #require(clean.levels[31])
        let rebuilt = try #require(levels[31])
        #expect(Double(rebuilt) > 0.5 * Double(cleanLevel), "rebuilt \(rebuilt) against \(cleanLevel) when received")
    }

    @Test("Two packets lost in a row: the first is concealed by libopus PLC, the second rebuilt from FEC")
    func plcThenFEC() throws {
        let (levels, leg) = try Self.run(lost: [30, 31])
        #expect(leg.framesConcealedByCodec == 1)
        #expect(leg.framesRecoveredFromFEC == 1)
        // Frame 30 is due at tick 31 with nothing after it held (an underrun: PLC); at tick 32 packet 32 is held,
        // so frame 31 is rebuilt from its FEC. No tick from the first frame on went without audio.
        let first = try #require(levels.firstIndex { $0 != nil })
        #expect(levels[first...].allSatisfy { $0 != nil })
    }
}
