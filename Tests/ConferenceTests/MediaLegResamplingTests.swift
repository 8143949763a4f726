import Foundation
import NIOCore
import NIOEmbedded
import RTP
import Testing

@testable import Conference

/// A G.711 leg in a 16 or 48 kHz room keeps its frames at 8 kHz and resamples only those the room asks for (the
/// mixed ones, issue 6); a caller who comes back into the mix must not click or replay stale filter history.
@Suite("MediaLeg: G.711 in a faster room is resampled only when asked")
struct MediaLegResamplingTests {
    static let remote = MediaLegFixture.remote

    static func leg(room rate: Int) throws -> (MediaLeg, EmbeddedChannel) {
        try MediaLegFixture.muLawLeg(audioRate: rate)
    }

    /// Packet `index` of a voice-like signal (three partials, loud enough that a jump would show), in μ-law.
    static func payload(_ index: Int) -> [UInt8] {
        let samples: [Int16] = (0..<160).map { offset in
            let t = Double(index * 160 + offset) / 8000
            return Int16(
                9000 * sin(2 * .pi * 230 * t) + 5000 * sin(2 * .pi * 1210 * t) + 2000 * sin(2 * .pi * 2870 * t)
            )
        }
        return samples.map { G711.encode($0, law: .muLaw) }
    }

    static func deliver(_ index: Int, to leg: MediaLeg, _ channel: EmbeddedChannel) {
        var buffer = channel.allocator.buffer(capacity: 172)
        RTPHeader(payloadType: 0, sequenceNumber: UInt16(index), timestamp: UInt32(index * 160), ssrc: 7)
            .write(into: &buffer)
        buffer.writeBytes(Self.payload(index))
        _ = leg.received(
            AddressedEnvelope(remoteAddress: Self.remote, data: buffer),
            tick: Int64(index),
            arrivalNanoseconds: 1_000_000_000 + UInt64(index) * 20_000_000
        )
    }

    @Test(
        "A caller mixed again after skipped ticks gets exactly the frames of a resampler that never stopped",
        arguments: [16000, 48000]
    )
    func admissionIsSeamless(rate: Int) throws {
        // `always` is raised every tick (the old path); `sometimes` only while "mixed"; both get the same packets.
        let (always, alwaysChannel) = try Self.leg(room: rate)
        let (sometimes, sometimesChannel) = try Self.leg(room: rate)
        let size = rate / 50
        var reference = [Int16](repeating: 0, count: size)
        var raised = [Int16](repeating: 0, count: size)
        // What a resampler that simply skipped the frames (stale history) and a reset one (no priming) would give.
        let stale = try Resampler(inputRate: 8000, outputRate: rate)
        let unprimed = try Resampler(inputRate: 8000, outputRate: rate)
        var staleDiffers = 0
        var unprimedDiffers = 0
        var admissions = 0
        var compared = 0
        var raises = 0
        var wasMixed = false
        for tick in 0..<120 {
            Self.deliver(tick, to: always, alwaysChannel)
            Self.deliver(tick, to: sometimes, sometimesChannel)
            let level = always.readNarrowFrame()
            #expect(sometimes.readNarrowFrame() == level, "both legs read the same frame and level")
            guard level != nil else { continue }
            reference.withUnsafeMutableBufferPointer { always.raiseNarrowFrame(into: $0) }
            // In the mix for a while, out, in again: spells of 1 to 9 ticks.
            let mixed = (tick / 3) % 3 != 0 && tick % 17 != 5
            defer { wasMixed = mixed }
            guard mixed else { continue }
            raised.withUnsafeMutableBufferPointer { sometimes.raiseNarrowFrame(into: $0) }
            raises += 1
            #expect(raised == reference, "tick \(tick): the same samples as the resampler that ran throughout")
            compared += 1
            let narrow = sometimes.withNarrowFrame { Array($0) }
            var staleOut = [Int16](repeating: 0, count: size)
            narrow.withUnsafeBufferPointer { input in
                staleOut.withUnsafeMutableBufferPointer { _ = stale.process(input, into: $0) }
            }
            if !wasMixed && compared > 1 {
                admissions += 1
                var unprimedOut = [Int16](repeating: 0, count: size)
                unprimed.reset()
                narrow.withUnsafeBufferPointer { input in
                    unprimedOut.withUnsafeMutableBufferPointer { _ = unprimed.process(input, into: $0) }
                }
                if staleOut != reference { staleDiffers += 1 }
                if unprimedOut != reference { unprimedDiffers += 1 }
            }
        }
        #expect(compared > 50 && admissions > 8, "compared \(compared) frames, \(admissions) admissions")
        // The comparison could fail: skipping frames with the old history, or restarting without the frame
        // before, gives other samples at admission.
        #expect(staleDiffers == admissions, "stale history differs at every admission (\(staleDiffers))")
        #expect(unprimedDiffers == admissions, "an unprimed restart differs at every admission (\(unprimedDiffers))")
        #expect(sometimes.narrowFramesRaised == raises)
        #expect(sometimes.narrowFramesRead == always.narrowFramesRead)
        #expect(sometimes.resamplerRestarts == admissions + 1, "one restart per admission, and the first frame")
        #expect(always.resamplerRestarts == 1)
        _ = try? alwaysChannel.finish()
        _ = try? sometimesChannel.finish()
    }

    @Test(
        "The first frame raised, with nothing read before it, is what a new resampler gives",
        arguments: [16000, 48000]
    )
    func firstFrameIsFresh(rate: Int) throws {
        let (leg, channel) = try Self.leg(room: rate)
        var frame = [Int16](repeating: 0, count: rate / 50)
        var tick = 0
        while tick < 20 {
            Self.deliver(tick, to: leg, channel)
            tick += 1
            if leg.readNarrowFrame() != nil { break }
        }
        let narrow = leg.withNarrowFrame { Array($0) }
        #expect(narrow.count == 160)
        frame.withUnsafeMutableBufferPointer { leg.raiseNarrowFrame(into: $0) }
        let fresh = try Resampler(inputRate: 8000, outputRate: rate)
        var expected = [Int16](repeating: 0, count: rate / 50)
        narrow.withUnsafeBufferPointer { input in
            expected.withUnsafeMutableBufferPointer { _ = fresh.process(input, into: $0) }
        }
        #expect(frame == expected)
        #expect(frame.contains { $0 != 0 })
        _ = try? channel.finish()
    }

    @Test("readFrame in a 16 kHz room: the 8 kHz frame's decoder level, and the frame raised to 16 kHz")
    func readFrameRaises() throws {
        let (leg, channel) = try Self.leg(room: 16000)
        let (split, splitChannel) = try Self.leg(room: 16000)
        #expect(leg.defersResampling)
        var frame = [Int16](repeating: 0, count: 320)
        var raised = [Int16](repeating: 0, count: 320)
        var frames = 0
        for tick in 0..<40 {
            Self.deliver(tick, to: leg, channel)
            Self.deliver(tick, to: split, splitChannel)
            let level = leg.readFrame(into: &frame)
            let narrowLevel = split.readNarrowFrame()
            #expect(level == narrowLevel)
            guard let narrowLevel else { continue }
            frames += 1
            raised.withUnsafeMutableBufferPointer { split.raiseNarrowFrame(into: $0) }
            #expect(frame == raised)
            #expect(narrowLevel > 3000, "the 8 kHz packet's level, measured by the decoder")
        }
        #expect(frames > 30)
        // An 8 kHz room reads and passes frames at once, with nothing to defer.
        let (narrowRoom, narrowChannel) = try Self.leg(room: 8000)
        #expect(!narrowRoom.defersResampling)
        _ = try? channel.finish()
        _ = try? splitChannel.finish()
        _ = try? narrowChannel.finish()
    }
}
