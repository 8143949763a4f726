import Benchmark

let benchmarks: @Sendable () -> Void = {
    Benchmark("Noop (allocation floor)", configuration: .init(metrics: [.wallClock, .mallocCountTotal])) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(0) }
    }
}
