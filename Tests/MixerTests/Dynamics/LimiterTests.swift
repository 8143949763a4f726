import Testing

@testable import Mixer

@Suite("Peak limiter")
struct LimiterTests {
    @Test("quiet frames pass unchanged at unity gain")
    func quietUnchanged() {
        var limiter = Limiter()
        var frame: [Int16] = (0..<160).map { Int16($0 * 100 - 8000) }
        let original = frame
        frame.withUnsafeMutableBufferPointer { limiter.process($0) }
        #expect(frame == original)
        #expect(limiter.gain == Limiter.unity)
    }

    @Test("a loud wide mix never exceeds the ceiling and is reduced, not clipped flat")
    func limitsWide() {
        var limiter = Limiter(ceiling: 29205)
        let wide: [Int32] = (0..<160).map { ($0 % 2 == 0 ? 1 : -1) * Int32(60000 + $0) }
        var out = [Int16](repeating: 0, count: 160)
        for _ in 0..<3 {
            wide.withUnsafeBufferPointer { input in
                out.withUnsafeMutableBufferPointer { limiter.process(input, into: $0) }
            }
            #expect(out.allSatisfy { abs(Int32($0)) <= 29205 })
        }
        // After the attack frame the gain has settled so the peak lands just under the ceiling.
        #expect(limiter.gain < Limiter.unity / 2)
        #expect(out.map { abs(Int32($0)) }.max() ?? 0 > 28000)
        #expect(abs(Int32(out[0])) < abs(Int32(out[159])) + 500)
    }

    @Test("gain recovers towards unity after the loud part")
    func release() {
        var limiter = Limiter()
        var loud = [Int16](repeating: .max, count: 160)
        loud.withUnsafeMutableBufferPointer { limiter.process($0) }
        let reduced = limiter.gain
        #expect(reduced < Limiter.unity)
        var quiet = [Int16](repeating: 1000, count: 160)
        for _ in 0..<60 { quiet.withUnsafeMutableBufferPointer { limiter.process($0) } }
        #expect(limiter.gain > Limiter.unity - 100)
        quiet = [Int16](repeating: 1000, count: 160)
        quiet.withUnsafeMutableBufferPointer { limiter.process($0) }
        #expect(quiet.allSatisfy { $0 >= 997 && $0 <= 1000 })
    }

    @Test("unsaturated mix-minus output feeds the limiter")
    func mixMinusWide() {
        var mixer = MixMinus(frameSize: 8)
        let a = [Int16](repeating: 30000, count: 8)
        let b = [Int16](repeating: 30000, count: 8)
        mixer.beginTick()
        a.withUnsafeBufferPointer { mixer.add($0) }
        b.withUnsafeBufferPointer { mixer.add($0) }
        var wide = [Int32](repeating: 0, count: 8)
        wide.withUnsafeMutableBufferPointer { mixer.mixMinus(own: nil, into: $0) }
        #expect(wide == [Int32](repeating: 60000, count: 8))
        a.withUnsafeBufferPointer { own in wide.withUnsafeMutableBufferPointer { mixer.mixMinus(own: own, into: $0) } }
        #expect(wide == [Int32](repeating: 30000, count: 8))
    }
}

@Suite("Peak limiter release")
struct LimiterReleaseTests {
    @Test("after a loud burst the gain returns exactly to unity, so quiet frames pass bit for bit again")
    func returnsToUnity() {
        var limiter = Limiter()
        var loud = [Int16](repeating: .max, count: 160)
        loud.withUnsafeMutableBufferPointer { limiter.process($0) }
        #expect(limiter.gain < Limiter.unity)
        let quiet: [Int32] = (0..<160).map { Int32($0 * 37 - 3000) }
        var out = [Int16](repeating: 0, count: 160)
        for _ in 0..<200 {
            quiet.withUnsafeBufferPointer { input in
                out.withUnsafeMutableBufferPointer { limiter.process(input, into: $0) }
            }
        }
        #expect(limiter.gain == Limiter.unity)
        #expect(out == quiet.map { Int16($0) })
    }

    @Test("a gain ramp across a 960-sample frame is monotonic and ends under the ceiling")
    func rampAcrossLargeFrame() {
        var limiter = Limiter(ceiling: 20000)
        let input = [Int32](repeating: 80000, count: 960)
        var out = [Int16](repeating: 0, count: 960)
        input.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { limiter.process(source, into: $0) }
        }
        #expect(out.allSatisfy { $0 <= 20000 && $0 > 0 })
        #expect(zip(out, out.dropFirst()).allSatisfy { $0 >= $1 })
        #expect(out.last.map { abs(Int($0) - 20000) <= 5 } == true)
    }
}

@Suite("Peak limiter extremes")
struct LimiterExtremeTests {
    @Test("Int32 extremes in a wide mix come out bounded with their signs kept")
    func int32Extremes() {
        var limiter = Limiter()
        let input: [Int32] = [.min, .max, -1, 1, 0, .min / 3, .max / 3, 12]
        var out = [Int16](repeating: 0, count: input.count)
        for _ in 0..<3 {
            input.withUnsafeBufferPointer { source in
                out.withUnsafeMutableBufferPointer { limiter.process(source, into: $0) }
            }
            #expect(out.allSatisfy { abs(Int($0)) <= 29205 })
            #expect(zip(out, input).allSatisfy { Int($0) * Int($1.signum()) >= 0 })
        }
        // Q15 cannot express a gain below 1/32 768, so a peak of 2^31 is silenced rather than wrapped.
        #expect(out[0] <= 0 && out[1] >= 0)
    }

    @Test("64 full-scale talkers at +12 dB (about 2^23) are brought just under the ceiling")
    func largestRealisticSum() {
        var limiter = Limiter()
        let input: [Int32] = (0..<160).map { $0 % 2 == 0 ? -(1 << 23) : (1 << 23) - 1 }
        var out = [Int16](repeating: 0, count: input.count)
        for _ in 0..<3 {
            input.withUnsafeBufferPointer { source in
                out.withUnsafeMutableBufferPointer { limiter.process(source, into: $0) }
            }
        }
        #expect(out.allSatisfy { abs(Int($0)) <= 29205 && abs(Int($0)) > 28500 })
        #expect(zip(out, input).allSatisfy { Int($0) * Int($1.signum()) > 0 })
    }
}
