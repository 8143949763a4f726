// swift-tools-version: 6.1
import PackageDescription

// The benchmark suite lives in its own package so `swift test` in the main package never builds the harness.
let package = Package(
    name: "ParleyBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Parley", path: "../"),
        .package(url: "https://github.com/ordo-one/package-benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        // libosip2's parser (Debian libosip2-dev, installed by `make bench-deps`), the baseline for SIP parsing.
        .target(
            name: "COsip",
            path: "Sources/COsip",
            linkerSettings: [.linkedLibrary("osipparser2")]
        ),
        .executableTarget(
            name: "ParleyBenchmarks",
            dependencies: [
                "COsip",
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Mixer", package: "Parley"),
                .product(name: "RTP", package: "Parley"),
                .product(name: "SIPCore", package: "Parley"),
            ],
            path: "Benchmarks/ParleyBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
    ]
)
