/// How ``MixMinus`` adds and saturates sample vectors.
///
/// Both kernels produce bit-identical results; the scalar one is the reference and the benchmark baseline.
///
/// Measured (swiftc -O, x86_64 baseline SSE2, 2026-12-01): one tick of 8 talkers × 160 samples with 8 mix-minus
/// outputs and one total took 3.8 µs scalar and 1.7 µs SIMD, so ``simd`` is the default. Re-check with the
/// `Benchmarks/` package once it exists; SIMD16 (AVX2) is untried.
///
/// Inside ``ConferenceMixer`` (2026-12-01, swiftc -O -wmo, x86_64 SSE2) the two kernels cost the same per tick, and
/// plain branch-free loops beat explicit `SIMD8` lanes for the magnitude sum (158 vs 322 ns per 960 samples) and the
/// wide subtract, so those helpers are plain loops that LLVM vectorises.
public enum MixKernel: Hashable, Sendable {
    /// One sample at a time: the reference.
    case scalar
    /// Explicit `SIMD8<Int32>` lanes widened from `SIMD8<Int16>`, then a scalar tail.
    case simd
}

extension MixKernel {
    /// Vector width in samples of the SIMD kernel.
    static let lanes = 8

    /// `accumulator[i] &+= Int32(frame[i])` for `i < count`.
    @inline(__always)
    static func accumulate(
        _ frame: UnsafePointer<Int16>,
        into accumulator: UnsafeMutablePointer<Int32>,
        count: Int,
        kernel: MixKernel
    ) {
        var index = 0
        if kernel == .simd {
            let raw = UnsafeRawPointer(frame)
            let accRaw = UnsafeMutableRawPointer(accumulator)
            while index + Self.lanes <= count {
                let samples = raw.loadUnaligned(fromByteOffset: index * 2, as: SIMD8<Int16>.self)
                let sum =
                    accRaw.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Int32>.self)
                    &+ SIMD8<Int32>(truncatingIfNeeded: samples)
                accRaw.storeBytes(of: sum, toByteOffset: index * 4, as: SIMD8<Int32>.self)
                index += Self.lanes
            }
        }
        while index < count {
            accumulator[index] &+= Int32(frame[index])
            index += 1
        }
    }

    /// `output[i] = clamp(accumulator[i] - own[i])` for `i < count`; `own == nil` means subtract nothing.
    @inline(__always)
    static func subtractAndSaturate(
        _ accumulator: UnsafePointer<Int32>,
        minus own: UnsafePointer<Int16>?,
        into output: UnsafeMutablePointer<Int16>,
        count: Int,
        kernel: MixKernel
    ) {
        var index = 0
        if kernel == .simd {
            let low = SIMD8<Int32>(repeating: Int32(Int16.min))
            let high = SIMD8<Int32>(repeating: Int32(Int16.max))
            let accRaw = UnsafeRawPointer(accumulator)
            let outRaw = UnsafeMutableRawPointer(output)
            if let own {
                let ownRaw = UnsafeRawPointer(own)
                while index + Self.lanes <= count {
                    let sum = accRaw.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Int32>.self)
                    let mine = SIMD8<Int32>(
                        truncatingIfNeeded: ownRaw.loadUnaligned(fromByteOffset: index * 2, as: SIMD8<Int16>.self)
                    )
                    let clamped = (sum &- mine).clamped(lowerBound: low, upperBound: high)
                    outRaw.storeBytes(
                        of: SIMD8<Int16>(truncatingIfNeeded: clamped),
                        toByteOffset: index * 2,
                        as: SIMD8<Int16>.self
                    )
                    index += Self.lanes
                }
            } else {
                while index + Self.lanes <= count {
                    let sum = accRaw.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Int32>.self)
                    let clamped = sum.clamped(lowerBound: low, upperBound: high)
                    outRaw.storeBytes(
                        of: SIMD8<Int16>(truncatingIfNeeded: clamped),
                        toByteOffset: index * 2,
                        as: SIMD8<Int16>.self
                    )
                    index += Self.lanes
                }
            }
        }
        while index < count {
            let value = accumulator[index] &- (own.map { Int32($0[index]) } ?? 0)
            output[index] = Int16(clamping: value)
            index += 1
        }
    }
}

extension MixKernel {
    /// `Σ |frame[i]|` for `i < count`, exact for any count.
    ///
    /// The ranking of talkers needs one energy figure per participant per tick, so this is the only per-listener
    /// cost of a tick. A plain branch-free loop over blocks of 4096 samples (whose Int32 sum cannot overflow:
    /// 4096 × 32 768 = 2^27) lets LLVM vectorise it; measured (swiftc -O, x86_64 SSE2, 2026-12-01) at 158 ns per
    /// 960-sample frame against 322 ns for explicit `SIMD8<Int32>` lanes widened from `SIMD8<Int16>`.
    @inline(__always)
    static func sumOfMagnitudes(_ frame: UnsafePointer<Int16>, count: Int) -> Int {
        var total = 0
        var start = 0
        while start < count {
            let end = min(start + 4096, count)
            var block: Int32 = 0
            for index in start..<end {
                let sample = Int32(frame[index])
                let sign = sample &>> 31
                block &+= (sample ^ sign) &- sign
            }
            total += Int(block)
            start = end
        }
        return total
    }

    /// `output[i] = accumulator[i] - own[i]` in Int32 (no saturation) for `i < count`; `own == nil` copies.
    @inline(__always)
    static func subtractWide(
        _ accumulator: UnsafePointer<Int32>,
        minus own: UnsafePointer<Int16>?,
        into output: UnsafeMutablePointer<Int32>,
        count: Int
    ) {
        guard let own else {
            output.update(from: accumulator, count: count)
            return
        }
        // A plain loop: LLVM vectorises it, and it measured faster than explicit SIMD8 lanes (see sumOfMagnitudes).
        for index in 0..<count {
            output[index] = accumulator[index] &- Int32(own[index])
        }
    }
}
