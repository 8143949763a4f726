import Testing

@testable import RTP

/// Scripted network impairments over long runs: the delay must stay bounded and every surviving frame play once.
@Suite("Jitter buffer under scripted impairments")
struct JitterBufferImpairmentTests {
    let harness = JitterBufferTests()
    static let hourOfFrames = 3600 * 50

    func frames(_ outcome: JitterBufferTests.Outcome) -> Int {
        outcome.ticks.filter { if case .frame = $0 { true } else { false } }.count
    }

    @Test("burst losses of 1 to 8 frames are concealed frame by frame, then playout resumes", arguments: [1, 3, 8])
    func burstLoss(length: Int) {
        let lost = 200..<(200 + length)
        let outcome = self.harness.simulate(count: 400, delay: { lost.contains($0) ? nil : 10_000_000 })
        let stats = outcome.buffer.statistics
        // Every surviving frame plays once, none is dropped, and each lost frame's tick is filled exactly once:
        // by `.conceal`, or by `.empty` while waiting out the underrun the hole caused (then skipped on restart).
        #expect(stats.played == 400 - length)
        #expect(stats.dropped == 0 && stats.late == 0)
        #expect(stats.concealed + stats.skipped == length)
        #expect(stats.skipped <= stats.underruns * length)
        // Steady state after the hole: back to the target, no extra delay.
        #expect(outcome.buffer.bufferedFrames <= outcome.buffer.targetFrames + 1)
    }

    @Test("a simulated hour of jitter, random and burst loss, and reordering keeps the delay bounded")
    func hourOfImpairments() {
        var generator = SplitMix64(seed: 3600)
        let delays: [UInt64?] = (0..<Self.hourOfFrames).map { index in
            let random = generator.next()
            if index % 15000 < 10 { return nil }  // a 10-frame burst every 5 minutes
            if random % 100 == 0 { return nil }  // 1 % random loss
            return 5_000_000 + (random >> 8) % 60_000_000  // 5–65 ms: jitter and reordering
        }
        let outcome = self.harness.simulate(count: Self.hourOfFrames, delay: { delays[$0] })
        let buffer = outcome.buffer
        let stats = buffer.statistics
        let delivered = delays.filter { $0 != nil }.count
        #expect(stats.accepted + stats.late == delivered)
        #expect(stats.played + stats.dropped == stats.accepted)
        #expect(stats.late < delivered / 20, "late \(stats.late)")
        #expect(buffer.targetDelayMilliseconds <= 200)
        #expect(outcome.maximumBufferedFrames <= 200 / 20 + 3)
        #expect(self.frames(outcome) >= delivered * 95 / 100)
    }

    @Test("an hour with duplicates of every 10th packet plays each frame once", arguments: [UInt64(0), 30_000_000])
    func hourOfDuplicates(duplicateDelay: UInt64) {
        // The harness has one arrival per index; duplicates are modelled by a second stream of the same sequence.
        var buffer = JitterBuffer()
        var played = 0
        var out = [UInt8](repeating: 0, count: 160)
        let payload = [UInt8](repeating: 1, count: 160)
        var pending: [(time: UInt64, sequence: UInt16)] = []
        var tick: UInt64 = 5_000_000
        for index in 0..<Self.hourOfFrames {
            let sent = UInt64(index) * 20_000_000
            pending.append((sent + 10_000_000, UInt16(truncatingIfNeeded: index)))
            if index % 10 == 0 {
                pending.append((sent + 10_000_000 + duplicateDelay, UInt16(truncatingIfNeeded: index)))
            }
            while tick <= sent {
                pending.sort { $0.time < $1.time }
                while let first = pending.first, first.time <= tick {
                    payload.withUnsafeBytes {
                        _ = buffer.insert(
                            sequence: first.sequence,
                            timestamp: UInt32(first.sequence) &* 160,
                            payload: $0,
                            arrival: first.time
                        )
                    }
                    pending.removeFirst()
                }
                if case .frame = out.withUnsafeMutableBytes({ buffer.pop(into: $0) }) { played += 1 }
                tick += 20_000_000
            }
        }
        #expect(buffer.statistics.duplicates + buffer.statistics.late == Self.hourOfFrames / 10)
        #expect(played + buffer.statistics.dropped <= Self.hourOfFrames)
        #expect(played >= Self.hourOfFrames - 10)
        #expect(buffer.bufferedFrames <= buffer.targetFrames + 2)
    }

    @Test(
        "clock skew of ±1 % with jitter for an hour: the delay stays bounded",
        arguments: [19_800_000, 20_200_000] as [UInt64]
    )
    func hourOfSkew(sendPeriod: UInt64) {
        var generator = SplitMix64(seed: sendPeriod)
        let delays = (0..<Self.hourOfFrames).map { _ in 5_000_000 + generator.next() % 30_000_000 }
        let outcome = self.harness.simulate(count: Self.hourOfFrames, sendPeriod: sendPeriod, delay: { delays[$0] })
        let buffer = outcome.buffer
        #expect(outcome.maximumBufferedFrames <= 200 / 20 + 3)
        #expect(buffer.bufferedFrames <= buffer.targetFrames + 3)
        let frames = self.frames(outcome)
        if sendPeriod < 20_000_000 {
            // About 1 % more packets than ticks: that surplus is dropped, not queued.
            #expect(buffer.statistics.dropped >= Self.hourOfFrames / 200)
        } else {
            // About 1 % fewer: underruns insert the gap, and no frame is lost.
            #expect(buffer.statistics.underruns > 0)
            #expect(frames + buffer.statistics.late + buffer.statistics.dropped == Self.hourOfFrames)
        }
    }
}
