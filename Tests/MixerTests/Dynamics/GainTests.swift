import Testing

@testable import Mixer

@Suite("Talk and listen gain")
struct GainTests {
    @Test("volume levels are 3 dB steps around unity, clamped to -4...+4")
    func levels() {
        #expect(Gain(level: 0) == .unity)
        #expect(Gain(level: 2).q15 == 65381)  // +6 dB ≈ ×1.995
        #expect(Gain(level: -2).q15 == 16423)  // −6 dB ≈ ×0.501
        #expect(Gain(level: 9) == Gain(level: 4))
        #expect(Gain(level: -9) == Gain(level: -4))
        let factors = Gain.levels.map { Gain(level: $0).q15 }
        #expect(zip(factors, factors.dropFirst()).allSatisfy { $0 < $1 })
    }

    @Test("applying a gain saturates instead of wrapping")
    func saturates() {
        var samples: [Int16] = [20000, -20000, 100, -1, 0, .max, .min]
        samples.withUnsafeMutableBufferPointer { Gain(level: 4).apply(to: $0) }
        #expect(samples == [.max, .min, 398, -4, 0, .max, .min])  // the shift floors: −1 × 3.98 → −4
    }

    @Test("unity leaves samples untouched, and a wide gain saturates to Int32")
    func unityAndWide() {
        var samples: [Int16] = [1, -2, 3]
        samples.withUnsafeMutableBufferPointer { Gain.unity.apply(to: $0) }
        #expect(samples == [1, -2, 3])
        var wide: [Int32] = [.max, 100_000, -3]
        wide.withUnsafeMutableBufferPointer { Gain(level: -2).apply(to: $0) }
        #expect(wide == [Int32((Int64(Int32.max) * 16423) >> 15), 50119, -2])
        var loud: [Int32] = [.max / 2]
        loud.withUnsafeMutableBufferPointer { Gain(level: 4).apply(to: $0) }
        #expect(loud == [.max])
    }
}
