import Foundation
import Testing

@testable import RTP

@Suite("Packet loss concealment (pitch repetition, G.711 Appendix I style)")
struct PacketLossConcealerTests {
    /// A vowel-like voice: 130 Hz (a period of 61.5 samples, not a whole number) and four harmonics.
    static func voice(_ count: Int) -> [Int16] {
        let amplitudes: [Double] = [1, 0.6, 0.4, 0.25, 0.15]
        return (0..<count).map { index in
            let time = Double(index) / 8000
            var value = 0.0
            for (harmonic, amplitude) in amplitudes.enumerated() {
                value += amplitude * sin(2 * Double.pi * 130 * Double(harmonic + 1) * time + Double(harmonic))
            }
            return Int16(value * 7000)
        }
    }

    /// Plays `signal` frame by frame through a concealer, losing the frames in `lost`; returns what it played.
    static func play(_ signal: [Int16], losing lost: Set<Int>, frameSize: Int = 160) -> [Int16] {
        var plc = PacketLossConcealer(sampleRate: 8000)
        var played: [Int16] = []
        for frameIndex in 0..<(signal.count / frameSize) {
            var frame = Array(signal[(frameIndex * frameSize)..<((frameIndex + 1) * frameSize)])
            frame.withUnsafeMutableBufferPointer { samples in
                if lost.contains(frameIndex) {
                    _ = plc.conceal(into: samples)
                } else {
                    plc.processGoodFrame(samples)
                }
            }
            played += frame
        }
        return played
    }

    static func correlation(_ a: ArraySlice<Int16>, _ b: ArraySlice<Int16>) -> Double {
        var (ab, aa, bb) = (0.0, 0.0, 0.0)
        for (x, y) in zip(a, b) {
            ab += Double(x) * Double(y)
            aa += Double(x) * Double(x)
            bb += Double(y) * Double(y)
        }
        return aa > 0 && bb > 0 ? ab / (aa * bb).squareRoot() : 0
    }

    static func rms(_ samples: ArraySlice<Int16>) -> Double {
        (samples.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(max(1, samples.count))).squareRoot()
    }

    static func largestStep(_ samples: [Int16]) -> Int {
        zip(samples, samples.dropFirst()).map { abs(Int($1) - Int($0)) }.max() ?? 0
    }

    @Test("good frames come out unchanged, 3.75 ms late")
    func delaysGoodFrames() {
        let signal = Self.voice(1600)
        let played = Self.play(signal, losing: [])
        let delay = PacketLossConcealer(sampleRate: 8000).delay
        #expect(delay == 30)
        #expect(Array(played[delay...]) == Array(signal[..<(signal.count - delay)]))
    }

    @Test("a lost frame of voice is rebuilt from its pitch, far closer than repeating the last frame")
    func rebuildsVoicedFrame() {
        let signal = Self.voice(160 * 16)
        let played = Self.play(signal, losing: [10])
        let delay = 30
        // The concealed frame is played at 10 * 160 and holds the stream from `delay` earlier.
        let truth = (10 * 160 - delay)..<(11 * 160 - delay)
        let concealed = Self.correlation(played[(10 * 160)..<(11 * 160)], signal[truth])
        let repeated = Self.correlation(signal[(truth.lowerBound - 160)..<(truth.upperBound - 160)], signal[truth])
        #expect(concealed > 0.8, "concealed \(concealed)")
        #expect(concealed > repeated + 0.1, "concealed \(concealed), repetition \(repeated)")
        var plc = PacketLossConcealer(sampleRate: 8000)
        var frame = Array(signal[0..<160])
        for index in 0..<5 {
            frame = Array(signal[(index * 160)..<((index + 1) * 160)])
            frame.withUnsafeMutableBufferPointer { plc.processGoodFrame($0) }
        }
        frame.withUnsafeMutableBufferPointer { _ = plc.conceal(into: $0) }
        // 8000 / 130 = 61.5 samples: the estimate is one of its neighbours (or twice the period is not taken).
        #expect((61...62).contains(plc.pitchPeriod), "pitch \(plc.pitchPeriod)")
    }

    @Test("a long loss fades 20% per 10 ms after the first 10 ms and is silent after 60 ms")
    func fadesOverLongLoss() {
        let signal = Self.voice(160 * 20)
        let played = Self.play(signal, losing: [10, 11, 12, 13, 14])
        let start = 10 * 160 + 30  // where the synthetic signal starts playing (after the delayed real tail)
        func level(_ fromMilliseconds: Int) -> Double {
            let from = start + fromMilliseconds * 8
            return Self.rms(played[from..<(from + 80)])
        }
        let full = Self.rms(signal[0..<1600])
        #expect(level(0) > 0.7 * full)  // first 10 ms at full level
        #expect(level(20) < level(10) && level(30) < level(20) && level(40) < level(30) && level(50) < level(40))
        #expect(abs(level(30) / level(0) - 0.5) < 0.15)  // half way down between 30 and 40 ms
        #expect(played[(start + 60 * 8)..<(15 * 160 + 30)].allSatisfy { $0 == 0 })
    }

    @Test("no click at recovery: the real frame is blended in", arguments: [[10], [10, 11], [10, 11, 12, 13, 14]])
    func smoothRecovery(lost: [Int]) {
        let signal = Self.voice(160 * 20)
        let played = Self.play(signal, losing: Set(lost))
        let natural = Self.largestStep(Array(signal))
        let largest = Self.largestStep(Array(played[160...]))  // after the start from silence
        #expect(largest <= natural * 3 / 2, "largest step \(largest), natural \(natural)")
        // Well after the loss the stream is the real one again.
        let later = (lost.last ?? 0) * 160 + 2 * 160
        #expect(Array(played[later..<(later + 160)]) == Array(signal[(later - 30)..<(later + 130)]))
    }

    @Test("before any good frame, concealment is silence")
    func silentStart() {
        var plc = PacketLossConcealer(sampleRate: 8000)
        var out = [Int16](repeating: 0x7777, count: 160)
        #expect(out.withUnsafeMutableBufferPointer { plc.conceal(into: $0) } == 160)
        #expect(out.allSatisfy { $0 == 0 })
        #expect(plc.consecutiveConcealed == 1)
        #expect(!plc.isAudible)
    }

    @Test("audible for the first 60 ms of a loss only")
    func audibleWhileFading() {
        var plc = PacketLossConcealer(sampleRate: 8000)
        var frame = Self.voice(160)
        frame.withUnsafeMutableBufferPointer { plc.processGoodFrame($0) }
        var audible: [Bool] = []
        for _ in 0..<4 {
            audible.append(plc.isAudible)
            frame.withUnsafeMutableBufferPointer { _ = plc.conceal(into: $0) }
        }
        audible.append(plc.isAudible)
        #expect(audible == [true, true, true, false, false])
    }

    @Test("wideband rooms: the timings scale with the rate")
    func wideband() {
        var plc = PacketLossConcealer(sampleRate: 16000)
        #expect(plc.frameSize == 320 && plc.delay == 60)
        var frame = [Int16](repeating: 1000, count: 320)
        frame.withUnsafeMutableBufferPointer { plc.processGoodFrame($0) }
        frame.withUnsafeMutableBufferPointer { _ = plc.conceal(into: $0) }
        #expect((80...240).contains(plc.pitchPeriod))
    }
}
