import Benchmark

// Parley's micro benchmarks, one file per layer. Every benchmark counts allocations (`mallocCountTotal`, the
// figure STYLE §11 budgets) and time; the Noop benchmark is the allocation floor of the harness itself.
//
// Per-message and per-transaction benchmarks run one operation per iteration (scaling factor 1). Media
// benchmarks run 1000 operations per iteration (`.kilo`): run with `--scale` to read figures per operation.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: BenchmarkMetrics.parley,
        timeUnits: .nanoseconds,
        warmupIterations: 10,
        maxDuration: .seconds(2),
        maxIterations: 100_000
    )

    Benchmark("Noop (allocation floor)", configuration: .init(metrics: BenchmarkMetrics.parley, timeUnits: .nanoseconds)) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(0) }
    }

    registerSIPBenchmarks()
    registerTransactionBenchmarks()
    registerRTPBenchmarks()
    registerSRTPBenchmarks()
    registerCodecBenchmarks()
    registerMixerBenchmarks()
    registerRoomTickBenchmarks()
}

enum BenchmarkMetrics {
    /// Allocations first (the budgeted figure), then time. No `.instructions`: this machine's VM exposes no
    /// hardware counters (perf_event_open gives ENOENT), so time figures are noisy; compare ratios within a run.
    static let parley: [BenchmarkMetric] = [.mallocCountTotal, .wallClock, .cpuTotal, .throughput]

    /// Allocation tolerances for `thresholds check` against the p90 files in Benchmarks/Thresholds (raw counts
    /// per sample, harness floor included). The floor itself is not exact: the Noop benchmark counts 16 mallocs
    /// per sample at p90 in most runs and 18 in some, so every tolerance is 2. Media benchmarks run 1000
    /// operations per sample, so one allocation per packet or frame still shows as +1000.
    /// (Computed: `BenchmarkThresholds` is not `Sendable`, so it cannot be a stored global in Swift 6 mode.)
    static var exactAllocations: [BenchmarkMetric: BenchmarkThresholds] { allocations(tolerance: 2) }
    static var sipAllocations: [BenchmarkMetric: BenchmarkThresholds] { allocations(tolerance: 2) }

    static func allocations(tolerance: Int) -> [BenchmarkMetric: BenchmarkThresholds] {
        [.mallocCountTotal: .init(absolute: [.p90: tolerance])]
    }
}
