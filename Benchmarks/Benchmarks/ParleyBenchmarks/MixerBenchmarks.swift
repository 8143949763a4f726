import Benchmark
import Mixer

/// Mixer layer: one mix-minus tick of a room with N legs and K talkers (8 kHz, 20 ms frames of 160 samples).
/// Each tick clears the sum, adds the K talkers' frames, and writes every leg's output: talkers get the sum
/// minus their own frame, listeners the whole sum. The scalar kernel is the baseline for the SIMD one.
func registerMixerBenchmarks() {
    let talkers = 4
    for legs in [20, 100, 1000] {
        for kernel in [MixKernel.scalar, .simd] {
            Benchmark(
                "Mixer: mix-minus tick, N=\(legs) K=\(talkers), \(kernel)",
                configuration: .init(thresholds: BenchmarkMetrics.exactAllocations)
            ) { benchmark in
                var mixer = MixMinus(frameSize: 160, kernel: kernel)
                let frames = (0..<talkers).map { BenchmarkSignals.speechLike(count: 160, phase: 37 * $0) }
                var outputs = [Int16](repeating: 0, count: 160 * legs)
                // Setup (talker frames lent as pointers) happens before the measured region starts.
                withTalkerFrames(frames) { talkerFrames in
                    outputs.withUnsafeMutableBufferPointer { outputs in
                        benchmark.startMeasurement()
                        for _ in benchmark.scaledIterations {
                            mixer.beginTick()
                            for frame in talkerFrames { mixer.add(frame) }
                            for leg in 0..<legs {
                                let output = UnsafeMutableBufferPointer(rebasing: outputs[(leg * 160)..<(leg * 160 + 160)])
                                mixer.mixMinus(own: leg < talkers ? talkerFrames[leg] : nil, into: output)
                            }
                        }
                        benchmark.stopMeasurement()
                    }
                }
                blackHole(outputs)
            }
        }
    }
}

/// Lends the talkers' frames as buffer pointers for the whole benchmark, so the loop itself touches no array.
private func withTalkerFrames<Result>(
    _ frames: [[Int16]],
    _ body: ([UnsafeBufferPointer<Int16>]) -> Result
) -> Result {
    let storage = UnsafeMutableBufferPointer<Int16>.allocate(capacity: frames.count * 160)
    defer { storage.deallocate() }
    var pointers: [UnsafeBufferPointer<Int16>] = []
    for (index, frame) in frames.enumerated() {
        let slice = UnsafeMutableBufferPointer(rebasing: storage[(index * 160)..<(index * 160 + 160)])
        _ = slice.initialize(from: frame)
        pointers.append(UnsafeBufferPointer(slice))
    }
    return body(pointers)
}
