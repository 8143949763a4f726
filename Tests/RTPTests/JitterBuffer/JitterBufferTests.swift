import NIOCore
import Testing

@testable import RTP

@Suite("Jitter buffer (RFC 3550 §5.1 order, A.8 jitter)")
struct JitterBufferTests {
    static let frameNanoseconds: UInt64 = 20_000_000

    /// Inserts a 160-byte frame whose bytes all equal the sequence number's low byte.
    @discardableResult
    func insert(_ buffer: inout JitterBuffer, _ sequence: UInt16, arrival: UInt64 = 0) -> JitterBuffer.InsertResult {
        let payload = [UInt8](repeating: UInt8(truncatingIfNeeded: sequence), count: 160)
        return payload.withUnsafeBytes {
            buffer.insert(sequence: sequence, timestamp: UInt32(sequence) &* 160, payload: $0, arrival: arrival)
        }
    }

    /// Pops one tick; a frame is reported as its first byte.
    enum Tick: Equatable { case frame(UInt8), conceal, empty }

    func pop(_ buffer: inout JitterBuffer) -> Tick {
        var out = [UInt8](repeating: 0, count: 160)
        let result = out.withUnsafeMutableBytes { buffer.pop(into: $0) }
        switch result {
        case .frame(let count):
            #expect(count == 160)
            return .frame(out[0])
        case .conceal: return .conceal
        case .empty: return .empty
        }
    }

    @Test("waits for the 40 ms initial target, then plays in order")
    func initialTarget() {
        var buffer = JitterBuffer()
        #expect(buffer.targetDelayMilliseconds == 40)
        #expect(self.pop(&buffer) == .empty)
        self.insert(&buffer, 10)
        #expect(self.pop(&buffer) == .empty)
        self.insert(&buffer, 11)
        #expect(self.pop(&buffer) == .frame(10))
        self.insert(&buffer, 12)
        #expect(self.pop(&buffer) == .frame(11))
        #expect(self.pop(&buffer) == .frame(12))
    }

    @Test("after a lost frame, the next one can be read for FEC without taking it")
    func peekNextAfterLoss() {
        var buffer = JitterBuffer()
        var peeked = [UInt8](repeating: 0, count: 160)
        self.insert(&buffer, 1)
        self.insert(&buffer, 3)
        #expect(self.pop(&buffer) == .frame(1))
        #expect(self.pop(&buffer) == .conceal)
        #expect(peeked.withUnsafeMutableBytes { buffer.peekNext(into: $0) } == 160)
        #expect(peeked[0] == 3, "frame 3 follows the lost frame 2")
        #expect(self.pop(&buffer) == .frame(3), "peeking took nothing")
        #expect(peeked.withUnsafeMutableBytes { buffer.peekNext(into: $0) } == nil, "frame 4 never arrived")
    }

    @Test("reorders packets")
    func reorders() {
        var buffer = JitterBuffer()
        #expect(self.insert(&buffer, 2) == .accepted)
        #expect(self.insert(&buffer, 1) == .accepted)
        var ticks = [self.pop(&buffer)]
        self.insert(&buffer, 4)
        self.insert(&buffer, 3)
        ticks += (0..<3).map { _ in self.pop(&buffer) }
        #expect(ticks == [.frame(1), .frame(2), .frame(3), .frame(4)])
    }

    @Test("drops duplicates")
    func duplicates() {
        var buffer = JitterBuffer()
        #expect(self.insert(&buffer, 1) == .accepted)
        #expect(self.insert(&buffer, 1) == .duplicate)
        #expect(self.insert(&buffer, 2) == .accepted)
        #expect(self.insert(&buffer, 2) == .duplicate)
        #expect(buffer.statistics.duplicates == 2)
        #expect(self.pop(&buffer) == .frame(1))
        #expect(self.pop(&buffer) == .frame(2))
        #expect(self.pop(&buffer) == .empty)
    }

    @Test("a lost frame is concealed and the next plays on time")
    func loss() {
        var buffer = JitterBuffer()
        self.insert(&buffer, 1)
        self.insert(&buffer, 2)
        var ticks = [self.pop(&buffer)]
        self.insert(&buffer, 4)
        ticks.append(self.pop(&buffer))
        self.insert(&buffer, 5)
        ticks += (0..<2).map { _ in self.pop(&buffer) }
        #expect(ticks == [.frame(1), .frame(2), .conceal, .frame(4)])
        #expect(buffer.statistics.concealed == 1)
    }

    @Test("a packet arriving after its playout time is dropped as late")
    func late() {
        var buffer = JitterBuffer()
        for sequence: UInt16 in [1, 2, 4] { self.insert(&buffer, sequence) }
        _ = (0..<3).map { _ in self.pop(&buffer) }
        #expect(self.insert(&buffer, 3) == .late)
        #expect(self.insert(&buffer, 1) == .late)
        #expect(buffer.statistics.late == 2)
    }

    @Test("underrun returns empty and refills to the target before playing")
    func underrun() {
        var buffer = JitterBuffer()
        self.insert(&buffer, 1)
        self.insert(&buffer, 2)
        #expect(self.pop(&buffer) == .frame(1))
        #expect(self.pop(&buffer) == .frame(2))
        #expect(self.pop(&buffer) == .empty)
        #expect(buffer.statistics.underruns == 1)
        self.insert(&buffer, 3)
        #expect(self.pop(&buffer) == .empty)
        self.insert(&buffer, 4)
        #expect(self.pop(&buffer) == .frame(3))
    }

    @Test("after an underrun, an old duplicate is late and does not rewind playout")
    func underrunThenOldDuplicate() {
        var buffer = JitterBuffer()
        self.insert(&buffer, 1)
        self.insert(&buffer, 2)
        #expect(self.pop(&buffer) == .frame(1))
        #expect(self.pop(&buffer) == .frame(2))
        #expect(self.pop(&buffer) == .empty)
        #expect(self.insert(&buffer, 2) == .late)
        self.insert(&buffer, 3)
        self.insert(&buffer, 4)
        #expect(self.pop(&buffer) == .frame(3))
    }

    @Test("reset forgets the stream so a new one starts cleanly")
    func resetStream() {
        var buffer = JitterBuffer()
        self.insert(&buffer, 100)
        self.insert(&buffer, 101)
        #expect(self.pop(&buffer) == .frame(100))
        buffer.reset()
        #expect(self.pop(&buffer) == .empty)
        self.insert(&buffer, 7)
        self.insert(&buffer, 8)
        #expect(self.pop(&buffer) == .frame(7))
    }

    @Test("sequence numbers wrap from 65535 to 0")
    func wraps() {
        var buffer = JitterBuffer()
        var ticks: [Tick] = []
        for sequence: UInt16 in [65534, 65535, 0, 1] {
            self.insert(&buffer, sequence)
            ticks.append(self.pop(&buffer))
        }
        ticks.append(self.pop(&buffer))
        #expect(ticks == [.empty, .frame(254), .frame(255), .frame(0), .frame(1)])
    }

    @Test("a jump beyond the capacity resynchronises")
    func resynchronises() {
        var buffer = JitterBuffer()
        self.insert(&buffer, 1)
        self.insert(&buffer, 2)
        #expect(self.insert(&buffer, 5000) == .resynchronised)
        self.insert(&buffer, 5001)
        #expect(self.pop(&buffer) == .frame(UInt8(truncatingIfNeeded: 5000)))
        #expect(buffer.statistics.resynchronisations == 1)
    }

    @Test("oversized payloads are refused")
    func oversized() {
        var buffer = JitterBuffer()
        let payload = [UInt8](repeating: 0, count: 161)
        let result = payload.withUnsafeBytes { buffer.insert(sequence: 1, timestamp: 0, payload: $0, arrival: 0) }
        #expect(result == .oversized)
    }

    // MARK: Simulation

    struct Outcome {
        var ticks: [Tick] = []
        var maximumBufferedFrames = 0
        var buffer: JitterBuffer
    }

    /// Sends `count` packets every `sendPeriod` ns with per-packet network delay, pops every 20 ms.
    func simulate(
        count: Int,
        sendPeriod: UInt64 = frameNanoseconds,
        delay: (Int) -> UInt64?,
        startSequence: UInt16 = 40000,
        configuration: JitterBuffer.Configuration = .init()
    ) -> Outcome {
        var arrivals: [(time: UInt64, index: Int)] = []
        for index in 0..<count {
            if let networkDelay = delay(index) {
                arrivals.append((UInt64(index) * sendPeriod + networkDelay, index))
            }
        }
        arrivals.sort { $0.time < $1.time }
        var outcome = Outcome(buffer: JitterBuffer(configuration: configuration))
        var next = 0
        var tickTime: UInt64 = 5_000_000  // tick phase offset
        let end = UInt64(count) * sendPeriod + 400_000_000
        while tickTime < end {
            while next < arrivals.count && arrivals[next].time <= tickTime {
                let index = arrivals[next].index
                let sequence = startSequence &+ UInt16(truncatingIfNeeded: index)
                let payload = [UInt8](repeating: UInt8(truncatingIfNeeded: sequence), count: 160)
                payload.withUnsafeBytes {
                    _ = outcome.buffer.insert(
                        sequence: sequence,
                        timestamp: UInt32(truncatingIfNeeded: index &* 160),
                        payload: $0,
                        arrival: arrivals[next].time
                    )
                }
                next += 1
            }
            outcome.maximumBufferedFrames = max(outcome.maximumBufferedFrames, outcome.buffer.bufferedFrames)
            outcome.ticks.append(self.pop(&outcome.buffer))
            tickTime += Self.frameNanoseconds
        }
        return outcome
    }

    @Test("steady network: every frame plays, target settles to the 20 ms floor")
    func steady() {
        let outcome = self.simulate(count: 1000, delay: { _ in 30_000_000 })
        let frames = outcome.ticks.filter { if case .frame = $0 { true } else { false } }.count
        #expect(frames == 1000)
        #expect(outcome.buffer.statistics.concealed == 0)
        #expect(outcome.buffer.jitterMilliseconds < 0.5)
        #expect(outcome.buffer.targetDelayMilliseconds == 20)
        #expect(outcome.maximumBufferedFrames <= 3)
    }

    @Test("jitter up to 80 ms raises the target and keeps concealment rare")
    func jittery() {
        var generator = SplitMix64(seed: 7)
        let delays = (0..<3000).map { _ in UInt64(generator.next() % 80_000_000) }
        let outcome = self.simulate(count: 3000, delay: { delays[$0] })
        let stats = outcome.buffer.statistics
        #expect(outcome.buffer.jitterMilliseconds > 10)
        #expect(outcome.buffer.targetDelayMilliseconds > 40)
        #expect(outcome.buffer.targetDelayMilliseconds <= 200)
        #expect(stats.accepted + stats.late == 3000)
        #expect(stats.played + stats.dropped == stats.accepted)
        #expect(stats.late + stats.concealed < 3000 / 20)  // under 5 % after adapting
        #expect(outcome.maximumBufferedFrames <= 200 / 20 + 3)
    }

    @Test("scripted loss, duplicates and reordering play every surviving frame once, in order")
    func lossDuplicatesReorder() {
        // 10 % loss; every 7th packet delayed by 30 ms (reordered); a duplicate of every 5th arrives 10 ms later.
        var arrivals: [(UInt64, UInt16)] = []
        for index in 0..<500 where index % 10 != 3 {
            var time = UInt64(index) * Self.frameNanoseconds + 10_000_000
            if index % 7 == 0 { time += 30_000_000 }
            arrivals.append((time, UInt16(index)))
            if index % 5 == 0 { arrivals.append((time + 10_000_000, UInt16(index))) }
        }
        arrivals.sort { $0.0 < $1.0 }
        var buffer = JitterBuffer()
        var played: [UInt8] = []
        var next = 0
        var tick: UInt64 = 0
        var out = [UInt8](repeating: 0, count: 160)
        while tick < 11_000_000_000 {
            while next < arrivals.count && arrivals[next].0 <= tick {
                let (time, sequence) = arrivals[next]
                let payload = [UInt8](repeating: UInt8(truncatingIfNeeded: sequence), count: 160)
                payload.withUnsafeBytes {
                    _ = buffer.insert(sequence: sequence, timestamp: UInt32(sequence) * 160, payload: $0, arrival: time)
                }
                next += 1
            }
            if case .frame = out.withUnsafeMutableBytes({ buffer.pop(into: $0) }) { played.append(out[0]) }
            tick += Self.frameNanoseconds
        }
        let expected = (0..<500).filter { $0 % 10 != 3 }.map { UInt8(truncatingIfNeeded: $0) }
        // A duplicate arriving after its original played counts as late.
        #expect(buffer.statistics.duplicates + buffer.statistics.late == 100)
        #expect(played == expected)
        // Each lost frame is concealed, or skipped after filling its tick with `.empty` during an underrun.
        #expect(buffer.statistics.concealed + buffer.statistics.skipped == 50)
    }

    @Test("a fast sender clock (+1 %) is absorbed by dropping: delay stays bounded")
    func fastSender() {
        let outcome = self.simulate(count: 6000, sendPeriod: 19_800_000, delay: { _ in 10_000_000 })
        let buffer = outcome.buffer
        // About 1 % of frames must go; the smoothed level keeps the delay within two frames of the target.
        #expect(buffer.statistics.dropped >= 50 && buffer.statistics.dropped <= 70)
        #expect(outcome.maximumBufferedFrames <= buffer.targetFrames + 2)
    }

    @Test("a slow sender clock (-1 %) underruns and refills: delay stays bounded")
    func slowSender() {
        let outcome = self.simulate(count: 6000, sendPeriod: 20_200_000, delay: { _ in 10_000_000 })
        let buffer = outcome.buffer
        #expect(buffer.statistics.underruns > 0)
        #expect(buffer.statistics.concealed == 0)
        #expect(outcome.maximumBufferedFrames <= 4)
    }

    @Test("a network stall then burst is caught up by dropping one frame per tick")
    func stallAndBurst() {
        // Packets 100..<130 are held for 600 ms, then arrive together.
        let outcome = self.simulate(
            count: 600,
            delay: { index in
                (100..<130).contains(index) ? UInt64(130 - index) * 20_000_000 + 10_000_000 : 10_000_000
            }
        )
        let buffer = outcome.buffer
        #expect(buffer.statistics.dropped > 0)
        #expect(buffer.bufferedFrames <= buffer.targetFrames + 2)
    }

    @Test("RFC 3550 A.8: a constant 20 ms alternation gives J near 20 ms × 15/16 convergence")
    func jitterEstimator() {
        // Delay alternates 0 / 20 ms: |D| = 160 units each packet, so J converges to 160 units (20 ms).
        let outcome = self.simulate(count: 400, delay: { $0 % 2 == 0 ? 0 : 20_000_000 })
        #expect(abs(outcome.buffer.jitterMilliseconds - 20) < 0.5)
        #expect(outcome.buffer.interarrivalJitter >= 155 && outcome.buffer.interarrivalJitter <= 160)
    }
}

@Suite("Jitter buffer fed from ByteBuffer datagrams")
struct JitterBufferByteBufferTests {
    @Test("header, payload and padding go through parse, insert and pop")
    func datagrams() throws {
        var buffer = JitterBuffer()
        for sequence: UInt16 in [500, 501] {
            var datagram = ByteBuffer()
            RTPHeader(payloadType: 0, sequenceNumber: sequence, timestamp: UInt32(sequence) * 160, ssrc: 9)
                .write(into: &datagram)
            datagram.writeRepeatingByte(UInt8(truncatingIfNeeded: sequence), count: 160)
            let view = try #require(RTPPacketView(buffer: datagram))
            #expect(buffer.insert(view, in: datagram, arrival: UInt64(sequence) * 20_000_000) == .accepted)
        }
        var out = [UInt8](repeating: 0, count: 160)
        let result = out.withUnsafeMutableBytes { buffer.pop(into: $0) }
        #expect(result == .frame(160))
        #expect(out.allSatisfy { $0 == UInt8(truncatingIfNeeded: 500) })
    }
}
