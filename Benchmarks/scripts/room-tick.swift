// A quick stand-alone timing of the room tick of RoomTickBenchmarks.swift (compiled together with it, Sources/Mixer
// and the G.711 and jitter buffer sources by room-tick.sh, swiftc -O -wmo, no package build). The two rooms of each
// size run interleaved so their ratio is fair on a shared machine: "before", every G.711 caller's frame raised to
// the room's rate by its own resampler (levels from the decoder; the room until issue 6's selection), and "after",
// only the frames of the talkers the mixer selects on the 8 kHz levels (the room now). In an 8 kHz room both are
// the same code (nothing to resample): their ratio shows the noise. Each tick is timed on its own (on a loaded
// machine most rounds of many ticks lose a time slice): prints, in microseconds, the fastest tick and the median
// tick of ROUNDS × TICKS.
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Allocations so far, from malloc-count.c when room-tick.sh preloads it (nil without it).
let mallocCounter: UnsafePointer<UInt>? = dlsym(dlopen(nil, RTLD_NOW), "parley_malloc_count")
    .map { UnsafePointer($0.assumingMemoryBound(to: UInt.self)) }
func mallocCount() -> UInt { mallocCounter?.pointee ?? 0 }

@inline(never)
func blackHole<T>(_ value: T) {}

enum BenchmarkSignals {
    static func speechLike(count: Int, phase: Int = 0) -> [Int16] {
        (0..<count).map { index in
            let t = Double(index + phase) / 8000
            let value = 9000 * sin(2 * .pi * 220 * t) + 5000 * sin(2 * .pi * 1170 * t) + 2500 * sin(2 * .pi * 2900 * t)
            return Int16(clamping: Int(value))
        }
    }
}

let ticks = Int(ProcessInfo.processInfo.environment["TICKS"] ?? "") ?? 50
let rounds = Int(ProcessInfo.processInfo.environment["ROUNDS"] ?? "") ?? 15
let environment = ProcessInfo.processInfo.environment
let rates = (environment["RATES"] ?? "8000 16000 48000").split(separator: " ").compactMap { Int($0) }
let sizes = (environment["SIZES"] ?? "10 100 1000").split(separator: " ").compactMap { Int($0) }
/// QUALITY=q runs both rooms' resamplers at libspeexdsp quality q instead of 5 (MediaLeg's).
let quality = Int(environment["QUALITY"] ?? "") ?? 5

@inline(never)
func time(_ room: RoomTickBenchmarkRoom, into times: inout [Double]) {
    for _ in 0..<ticks {
        let start = DispatchTime.now().uptimeNanoseconds
        room.tick()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1000)
    }
}

print(
    "kHz N     before_min   after_min  before/after  before_median  after_median  mallocs/tick(before, after)"
        + "   (µs per tick, K=4, resampler quality \(quality))"
)
for rate in rates {
    for participants in sizes {
        let decoder = RoomTickBenchmarkRoom(
            participants: participants,
            path: .everyCallerResampled,
            rate: rate,
            resamplerQuality: quality
        )
        let mixer = RoomTickBenchmarkRoom(
            participants: participants,
            path: .mixedCallersResampled,
            rate: rate,
            resamplerQuality: quality
        )
        var a: [Double] = []
        var b: [Double] = []
        a.reserveCapacity(rounds * ticks)
        b.reserveCapacity(rounds * ticks)
        // Allocations over a whole round of ticks, outside the timed loops.
        let start = mallocCount()
        for _ in 0..<ticks { decoder.tick() }
        let middle = mallocCount()
        for _ in 0..<ticks { mixer.tick() }
        let end = mallocCount()
        for _ in 0..<rounds {
            time(decoder, into: &a)
            time(mixer, into: &b)
        }
        decoder.check()
        mixer.check()
        a.sort()
        b.sort()
        print(
            String(
                format: "%-3d %-5d %11.2f %10.2f %13.2f %14.2f %13.2f  %@",
                rate / 1000,
                participants,
                a[0],
                b[0],
                a[0] / b[0],
                a[a.count / 2],
                b[b.count / 2],
                mallocCounter == nil
                    ? "not counted"
                    : "\(Double(middle - start) / Double(ticks)), \(Double(end - middle) / Double(ticks))"
            )
        )
    }
}
