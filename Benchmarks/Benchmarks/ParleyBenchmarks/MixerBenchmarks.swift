import Benchmark
import Mixer

/// Mixer layer: one tick of `ConferenceMixer`, the engine a room runs every 20 ms, with N participants at 8, 16 and
/// 48 kHz and K = 4, for both kernels (`.scalar` is the baseline of `.simd` in the same run).
///
/// Every participant sends a frame every tick ("all sending", as phones do): 4 talkers at speech level and N − 4
/// listeners with background noise below the talking threshold. Frames stay in the mixer's input buffers between
/// ticks (each tick marks every slot as having input without rewriting it), so the figure is the mixer alone:
/// talker detection on every frame, loudest-K ranking, the sum, K mix-minus outputs and the shared one, limiters.
///
/// "levels supplied" is the same tick with each frame's average magnitude handed in
/// (`withInput(of:averageMagnitude:)`), as a decoder that sums magnitudes while it decodes, or an RFC 6464 level
/// header, provides it: the mixer then reads only the K talkers' samples.
func registerMixerBenchmarks() {
    let talkers = 4
    for rate in [8000, 16000, 48000] {
        for participants in [3, 10, 100, 1000] {
            for kernel in [MixKernel.scalar, .simd] {
                Benchmark(
                    "Mixer: room tick N=\(participants) \(rate / 1000) kHz K=\(talkers), \(kernel)",
                    configuration: .init(thresholds: BenchmarkMetrics.exactAllocations)
                ) { benchmark in
                    let room = MixerBenchmarkRoom(rate: rate, participants: participants, talkers: talkers, kernel: kernel)
                    benchmark.startMeasurement()
                    for _ in benchmark.scaledIterations { room.tick(suppliedLevels: false) }
                    benchmark.stopMeasurement()
                    room.check()
                }
            }
        }
        for kernel in [MixKernel.scalar, .simd] {
            Benchmark(
                "Mixer: room tick N=1000 \(rate / 1000) kHz K=\(talkers), levels supplied, \(kernel)",
                configuration: .init(thresholds: BenchmarkMetrics.exactAllocations)
            ) { benchmark in
                let room = MixerBenchmarkRoom(rate: rate, participants: 1000, talkers: talkers, kernel: kernel)
                benchmark.startMeasurement()
                for _ in benchmark.scaledIterations { room.tick(suppliedLevels: true) }
                benchmark.stopMeasurement()
                room.check()
            }
        }
    }
}

/// A mixer filled with N participants' frames, ticked without touching their samples.
final class MixerBenchmarkRoom {
    let mixer: ConferenceMixer
    let slots: [Int]
    let levels: [Int]
    let talkers: Int

    init(rate: Int, participants: Int, talkers: Int, kernel: MixKernel) {
        let frameSize = rate / 50
        // A local first: the closure below may not capture `self` before every property is set.
        let mixer = ConferenceMixer(
            configuration: .init(frameSize: frameSize, maximumTalkers: talkers, kernel: kernel),
            slotCapacity: participants
        )
        self.mixer = mixer
        self.talkers = talkers
        var slots: [Int] = []
        var levels: [Int] = []
        for index in 0..<participants {
            let slot = mixer.addSlot()
            // Talkers: speech-like tones, each its own phase and level; listeners: noise around magnitude 40.
            let frame: [Int16] =
                index < talkers
                ? BenchmarkSignals.speechLike(count: frameSize, phase: 37 * index).map { $0 / Int16(1 + index % 3) }
                : (0..<frameSize).map { Int16(truncatingIfNeeded: (($0 &* 7919 &+ index &* 104_729) % 161) - 80) }
            frame.withUnsafeBufferPointer { mixer.setInput($0, for: slot) }
            levels.append(frame.withUnsafeBufferPointer { TalkerDetector.averageMagnitude(of: $0) })
            slots.append(slot)
        }
        self.slots = slots
        self.levels = levels
        // Two ticks so the talkers' detectors have started talking.
        self.tick(suppliedLevels: false)
        self.tick(suppliedLevels: false)
    }

    @inline(__always)
    func tick(suppliedLevels: Bool) {
        if suppliedLevels {
            for (slot, level) in zip(self.slots, self.levels) {
                self.mixer.withInput(of: slot, averageMagnitude: level) { _ in }
            }
        } else {
            for slot in self.slots { self.mixer.withInput(of: slot) { _ in } }
        }
        self.mixer.mix()
        blackHole(self.mixer.mixedSlots.count)
    }

    /// The tick did what a room needs: the K talkers (or everyone, if fewer) are mixed.
    func check() {
        precondition(self.mixer.mixedSlots.count == min(self.talkers, self.slots.count), "talkers not mixed")
    }
}
