import Foundation
import Mixer
import NIOCore
import NIOEmbedded
import RTP
import Testing

@testable import Conference

/// A leg renegotiated to another codec family or packet time (a re-INVITE or UPDATE, RFC 3264 §8.3.2), on an
/// embedded channel: what it sends switches to the new payload type, packet size and RTP clock with the same SSRC
/// and unbroken sequence numbers, and what it receives in the new codec is decoded as such (a tone comes through
/// as that tone), while late packets of the old type are not played as the new one.
@Suite("MediaLeg: switching codec family and packet time mid-call")
struct MediaLegCodecSwitchTests {
    static let remote: SocketAddress = {
        do { return try SocketAddress(ipAddress: "127.0.0.1", port: 40004) } catch { fatalError("\(error)") }
    }()

    /// One negotiated codec, as the test names it.
    struct Codec: CustomStringConvertible, Sendable {
        var name: String
        var wideband: WidebandCodec.Kind?
        var law: G711.Law = .muLaw
        var payloadType: UInt8
        var ptime = 20

        static let pcmu = Codec(name: "PCMU", payloadType: 0)
        static let pcmu40 = Codec(name: "PCMU/40ms", payloadType: 0, ptime: 40)
        static let pcma = Codec(name: "PCMA", law: .aLaw, payloadType: 8)
        static let g722 = Codec(name: "G722", wideband: .g722, payloadType: 9)
        static let g722ptime40 = Codec(name: "G722/40ms", wideband: .g722, payloadType: 9, ptime: 40)
        static let opus = Codec(name: "opus", wideband: .opus, payloadType: 111)

        var description: String { self.name }
        /// RTP timestamp units per packet: 8 kHz clock for G.711 and G.722, 48 kHz for Opus.
        var timestampStep: UInt32 { UInt32((self.wideband == .opus ? 48 : 8) * self.ptime) }
        var samplesPerPacket: Int { 8 * self.ptime }

        var parameters: MediaParameters {
            MediaParameters(
                law: self.law,
                wideband: self.wideband,
                payloadType: self.payloadType,
                telephoneEventPayloadType: 101,
                remote: MediaLegCodecSwitchTests.remote,
                ptimeMilliseconds: self.ptime,
                secure: nil
            )
        }

        /// A coder for this codec at 8 kHz, as the far end would run it.
        func makeCoder() throws -> Coder { try Coder(self) }
    }

    /// Encodes and decodes a codec's packets at 8 kHz, independently of the leg.
    final class Coder {
        let codec: Codec
        let wideband: WidebandCodec?

        init(_ codec: Codec) throws {
            self.codec = codec
            self.wideband = try codec.wideband.map { try WidebandCodec($0, frameSize: codec.samplesPerPacket) }
        }

        func encode(_ samples: [Int16]) -> [UInt8] {
            var payload = [UInt8](repeating: 0, count: 2000)
            let written = samples.withUnsafeBufferPointer { input in
                payload.withUnsafeMutableBytes { out in
                    guard let wideband = self.wideband else {
                        return G711.encode(input, law: self.codec.law, into: out)
                    }
                    return wideband.encode(input, into: out)
                }
            }
            return Array(payload[0..<written])
        }

        func decode(_ payload: [UInt8]) -> [Int16] {
            var samples = [Int16](repeating: 0, count: self.codec.samplesPerPacket)
            let count = samples.withUnsafeMutableBufferPointer { out in
                payload.withUnsafeBytes { input in
                    guard let wideband = self.wideband else {
                        return G711.decode(input, law: self.codec.law, into: out)
                    }
                    return wideband.decode(input, into: out)
                }
            }
            return Array(samples[0..<max(0, min(count, samples.count))])
        }
    }

    static func tone(_ frequency: Double, from start: Int, count: Int, rate: Int = 8000) -> [Int16] {
        (0..<count).map { Int16(8000 * sin(2 * Double.pi * frequency * Double(start + $0) / Double(rate))) }
    }

    static func share(of frequency: Double, in samples: [Int16], rate: Int = 8000) -> Double {
        guard samples.count >= rate / 50 else { return 0 }
        return samples.withUnsafeBufferPointer {
            Goertzel.relativePower(of: frequency, sampleRate: Double(rate), samples: $0)
        }
    }

    static let switches: [(Codec, Codec)] = [
        (.pcmu, .g722), (.g722, .pcmu), (.pcmu, .opus), (.opus, .pcma), (.g722, .opus), (.pcmu, .pcmu40),
        (.pcmu40, .g722), (.g722, .g722ptime40), (.pcmu, .pcma),
    ]

    /// The room's mixing rate: G.711 is resampled to and from it, G.722 passes whole at 16 kHz.
    static let rooms = [8000, 16000]

    @Test(
        "What the leg sends follows the new codec: type, size, clock; same SSRC, consecutive sequence, marker",
        arguments: switches,
        rooms
    )
    func sending(change: (Codec, Codec), room: Int) throws {
        let (from, to) = change
        let channel = EmbeddedChannel()
        try channel.connect(to: Self.remote).wait()
        let leg = MediaLeg(channel: channel, localPort: 30004, parameters: from.parameters, audioRate: room)
        let frameSize = room / 50
        var packets: [(view: RTPPacketView, payload: [UInt8])] = []
        func drain() throws {
            while let envelope = try channel.readOutbound(as: AddressedEnvelope<ByteBuffer>.self) {
                let view = try #require(RTPPacketView(buffer: envelope.data))
                let payload = try #require(view.payload(in: envelope.data))
                packets.append((view, Array(payload.readableBytesView)))
            }
        }
        var sample = 0
        for _ in 0..<12 {
            leg.send(Self.tone(1000, from: sample, count: frameSize, rate: room))
            sample += frameSize
        }
        leg.flush()
        try drain()
        let before = packets.count
        #expect(before == 12 * 20 / from.ptime)
        #expect(leg.updateCodec(to.parameters), "the leg takes \(to)")
        #expect(leg.sharesEncoding == (to.wideband == nil))
        for _ in 0..<24 {
            leg.send(Self.tone(1000, from: sample, count: frameSize, rate: room))
            sample += frameSize
        }
        leg.flush()
        try drain()
        let after = Array(packets[before...])
        #expect(after.count == 24 * 20 / to.ptime, "\(after.count) packets of \(to)")
        #expect(Set(packets.map(\.view.ssrc)).count == 1, "one SSRC throughout")
        for (previous, next) in zip(packets, packets.dropFirst()) {
            #expect(next.view.sequenceNumber == previous.view.sequenceNumber &+ 1, "sequence numbers run on")
        }
        #expect(packets[..<before].allSatisfy { $0.view.payloadType == from.payloadType })
        #expect(after.allSatisfy { $0.view.payloadType == to.payloadType })
        let changesShape = from.wideband != to.wideband || from.ptime != to.ptime
        #expect(after.first?.view.marker == changesShape, "the first packet of a new codec carries the marker")
        #expect(after.dropFirst().allSatisfy { !$0.view.marker })
        for (previous, next) in zip(after, after.dropFirst()) {
            #expect(next.view.timestamp &- previous.view.timestamp == to.timestampStep)
        }
        if to.wideband != .opus {
            #expect(after.allSatisfy { $0.payload.count == to.samplesPerPacket }, "\(to) payload size")
        }
        // The far end decodes the new packets as the new codec and hears the tone (the codec warms up first).
        let coder = try to.makeCoder()
        let heard = after.flatMap { coder.decode($0.payload) }
        let share = Self.share(of: 1000, in: Array(heard.dropFirst(heard.count / 3)))
        #expect(
            share > 0.6,
            "\(from) → \(to) (room \(room) Hz): the far end hears the 1000 Hz tone in \(to) (share \(share))"
        )
        _ = try? channel.finish()
    }

    @Test(
        "What the leg receives in the new codec is decoded as it; late packets of the old type are not",
        arguments: switches,
        rooms
    )
    func receiving(change: (Codec, Codec), room: Int) throws {
        let (from, to) = change
        let channel = EmbeddedChannel()
        try channel.connect(to: Self.remote).wait()
        let leg = MediaLeg(channel: channel, localPort: 30004, parameters: from.parameters, audioRate: room)
        var sequence: UInt16 = 100
        var timestamp: UInt32 = 5000
        var clock: UInt64 = 1_000_000_000
        var frame = [Int16](repeating: 0, count: room / 50)
        var ticks = 0
        func deliver(_ payload: [UInt8], type: UInt8, step: UInt32, ptime: Int, read: Bool) -> [Int16] {
            var buffer = ByteBuffer()
            RTPHeader(payloadType: type, sequenceNumber: sequence, timestamp: timestamp, ssrc: 0x5EED).write(
                into: &buffer
            )
            buffer.writeBytes(payload)
            _ = leg.received(
                AddressedEnvelope(remoteAddress: Self.remote, data: buffer),
                tick: Int64(ticks),
                arrivalNanoseconds: clock
            )
            sequence &+= 1
            timestamp &+= step
            clock += UInt64(ptime) * 1_000_000
            var heard: [Int16] = []
            guard read else { return heard }
            for _ in 0..<(ptime / 20) {
                ticks += 1
                if leg.readFrame(into: &frame) != nil { heard += frame }
            }
            return heard
        }
        let oldCoder = try from.makeCoder()
        var sample = 0
        for _ in 0..<(600 / from.ptime) {
            let payload = oldCoder.encode(Self.tone(600, from: sample, count: from.samplesPerPacket))
            sample += from.samplesPerPacket
            _ = deliver(payload, type: from.payloadType, step: from.timestampStep, ptime: from.ptime, read: true)
        }
        #expect(leg.updateCodec(to.parameters), "the leg takes \(to)")
        // The caller's stream jumps in timestamp at the change (a new clock); two old packets arrive late.
        timestamp &+= 12_345
        var lateSample = sample
        for _ in 0..<2 {
            let payload = oldCoder.encode(Self.tone(600, from: lateSample, count: from.samplesPerPacket))
            lateSample += from.samplesPerPacket
            _ = deliver(payload, type: from.payloadType, step: 0, ptime: 0, read: false)
        }
        let newCoder = try to.makeCoder()
        var heard: [Int16] = []
        sample = 0
        for _ in 0..<(1200 / to.ptime) {
            let payload = newCoder.encode(Self.tone(1000, from: sample, count: to.samplesPerPacket))
            sample += to.samplesPerPacket
            heard += deliver(payload, type: to.payloadType, step: to.timestampStep, ptime: to.ptime, read: true)
        }
        #expect(
            heard.count >= room / 1000 * 800,
            "\(from) → \(to) (room \(room) Hz): the new codec's audio plays (\(heard.count) samples at \(room) Hz)"
        )
        let settled = Array(heard.dropFirst(heard.count / 3))
        let wanted = Self.share(of: 1000, in: settled, rate: room)
        let stale = Self.share(of: 600, in: settled, rate: room)
        #expect(
            wanted > 0.6,
            "\(from) → \(to) (room \(room) Hz): the room hears the caller's 1000 Hz in \(to) (share \(wanted))"
        )
        #expect(
            stale < 0.05,
            "\(from) → \(to) (room \(room) Hz): nothing of the old stream plays on (600 Hz share \(stale))"
        )
        // Nothing decoded as garbage: the level stays that of the tone (8000 peak, about 5100 mean magnitude at most).
        let loudest = settled.map { Int($0).magnitude }.max() ?? 0
        #expect(loudest < 12_000, "\(from) → \(to) (room \(room) Hz): no garbage (peak \(loudest))")
        _ = try? channel.finish()
    }
}
