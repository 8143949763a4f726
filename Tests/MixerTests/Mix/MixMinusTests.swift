import Testing

@testable import Mixer

@Suite("Mix-minus kernels")
struct MixMinusTests {
    /// Runs one tick with `kernel`: returns the per-participant mix-minus outputs and the total.
    func run(_ frames: [[Int16]], frameSize: Int, kernel: MixKernel) -> (outputs: [[Int16]], total: [Int16]) {
        var mixer = MixMinus(frameSize: frameSize, kernel: kernel)
        mixer.beginTick()
        for frame in frames { frame.withUnsafeBufferPointer { mixer.add($0) } }
        var outputs: [[Int16]] = []
        for frame in frames {
            var out = [Int16](repeating: 0x5555, count: frameSize)
            frame.withUnsafeBufferPointer { own in
                out.withUnsafeMutableBufferPointer { mixer.mixMinus(own: own, into: $0) }
            }
            outputs.append(out)
        }
        var total = [Int16](repeating: 0x5555, count: frameSize)
        total.withUnsafeMutableBufferPointer { mixer.total(into: $0) }
        return (outputs, total)
    }

    /// The definition, computed naively in Int.
    func reference(_ frames: [[Int16]], frameSize: Int) -> (outputs: [[Int16]], total: [Int16]) {
        let sums = (0..<frameSize).map { i in frames.reduce(0) { $0 + Int($1[i]) } }
        let outputs = frames.map { own in (0..<frameSize).map { Int16(clamping: sums[$0] - Int(own[$0])) } }
        return (outputs, sums.map { Int16(clamping: $0) })
    }

    static func randomFrames(count: Int, frameSize: Int, seed: UInt64) -> [[Int16]] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            (0..<frameSize).map { _ in Int16(truncatingIfNeeded: generator.next()) }
        }
    }

    @Test("SIMD matches scalar bit for bit on random input", arguments: [1, 2, 3, 8, 17])
    func randomInput(participants: Int) {
        for frameSize in [160, 163, 7, 320] {
            let frames = Self.randomFrames(count: participants, frameSize: frameSize, seed: UInt64(participants))
            let scalar = self.run(frames, frameSize: frameSize, kernel: .scalar)
            let simd = self.run(frames, frameSize: frameSize, kernel: .simd)
            let expected = self.reference(frames, frameSize: frameSize)
            #expect(scalar.outputs == expected.outputs)
            #expect(scalar.total == expected.total)
            #expect(simd.outputs == scalar.outputs)
            #expect(simd.total == scalar.total)
        }
    }

    @Test("full scale saturates to Int16 limits", arguments: [MixKernel.scalar, .simd])
    func fullScale(kernel: MixKernel) {
        let high = [[Int16]](repeating: [Int16](repeating: .max, count: 160), count: 4)
        let result = self.run(high, frameSize: 160, kernel: kernel)
        #expect(result.total.allSatisfy { $0 == .max })
        #expect(result.outputs.allSatisfy { $0.allSatisfy { $0 == .max } })
        let low = [[Int16]](repeating: [Int16](repeating: .min, count: 160), count: 4)
        let lowResult = self.run(low, frameSize: 160, kernel: kernel)
        #expect(lowResult.total.allSatisfy { $0 == .min })
        #expect(lowResult.outputs.allSatisfy { $0.allSatisfy { $0 == .min } })
    }

    @Test("saturated total still gives exact mix-minus", arguments: [MixKernel.scalar, .simd])
    func exactMinusAfterSaturation(kernel: MixKernel) {
        // Two talkers at 30000 sum to 60000 (clipped in the total) but each hears exactly the other.
        let frames = [[Int16](repeating: 30000, count: 160), [Int16](repeating: 30000, count: 160)]
        let result = self.run(frames, frameSize: 160, kernel: kernel)
        #expect(result.total.allSatisfy { $0 == .max })
        #expect(result.outputs[0].allSatisfy { $0 == 30000 })
        #expect(result.outputs[1].allSatisfy { $0 == 30000 })
    }

    @Test("silence in, silence out", arguments: [MixKernel.scalar, .simd])
    func silence(kernel: MixKernel) {
        let frames = [[Int16]](repeating: [Int16](repeating: 0, count: 160), count: 5)
        let result = self.run(frames, frameSize: 160, kernel: kernel)
        #expect(result.total.allSatisfy { $0 == 0 })
        #expect(result.outputs.allSatisfy { $0.allSatisfy { $0 == 0 } })
        let none = self.run([], frameSize: 160, kernel: kernel)
        #expect(none.total.allSatisfy { $0 == 0 })
    }

    @Test("every participant hears all the others but not itself", arguments: [MixKernel.scalar, .simd])
    func everyParticipant(kernel: MixKernel) {
        // Participant i sends constant 10^i-ish distinct values so each output identifies its sources.
        let values: [Int16] = [1, 10, 100, 1000]
        let frames = values.map { [Int16](repeating: $0, count: 160) }
        let result = self.run(frames, frameSize: 160, kernel: kernel)
        for (index, output) in result.outputs.enumerated() {
            #expect(output.allSatisfy { $0 == 1111 - values[index] })
        }
        #expect(result.total.allSatisfy { $0 == 1111 })
    }

    @Test("K talkers plus one: a listener hears all K+1", arguments: [MixKernel.scalar, .simd])
    func manyTalkers(kernel: MixKernel) {
        let frames = Self.randomFrames(count: 9, frameSize: 160, seed: 99).map { $0.map { $0 / 16 } }
        let result = self.run(frames, frameSize: 160, kernel: kernel)
        #expect(result.total == self.reference(frames, frameSize: 160).total)
    }

    @Test("ticks are independent after beginTick")
    func beginTickResets() {
        var mixer = MixMinus(frameSize: 16)
        let frame = [Int16](repeating: 7, count: 16)
        mixer.beginTick()
        frame.withUnsafeBufferPointer { mixer.add($0) }
        #expect(mixer.contributorCount == 1)
        mixer.beginTick()
        #expect(mixer.contributorCount == 0)
        var out = [Int16](repeating: 1, count: 16)
        out.withUnsafeMutableBufferPointer { mixer.total(into: $0) }
        #expect(out.allSatisfy { $0 == 0 })
    }

    @Test("short frames count as silence beyond their end")
    func shortFrames() {
        var mixer = MixMinus(frameSize: 16)
        mixer.beginTick()
        let short = [Int16](repeating: 5, count: 10)
        let full = [Int16](repeating: 1, count: 16)
        short.withUnsafeBufferPointer { mixer.add($0) }
        full.withUnsafeBufferPointer { mixer.add($0) }
        var out = [Int16](repeating: 0, count: 16)
        short.withUnsafeBufferPointer { own in out.withUnsafeMutableBufferPointer { mixer.mixMinus(own: own, into: $0) }
        }
        #expect(out == [Int16](repeating: 1, count: 16))
    }
}

/// Deterministic generator for tests.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { self.state = seed }
    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
