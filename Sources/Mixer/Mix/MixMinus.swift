/// Mix-minus for one room tick: every talker hears the sum of the others, every listener hears the sum.
///
/// Allocation-free after `init`. One tick is:
/// 1. ``beginTick()`` zeroes the Int32 accumulator;
/// 2. ``add(_:)`` once per contributing frame (the K talkers), each `frameSize` Int16 samples;
/// 3. `mixMinus(own:into:)` for each talker, passing its own frame, and ``total(into:)`` once for all
///    non-talkers (they share one output, so one encode per codec serves them all).
///
/// Sums are exact in Int32 with wrapping adds (`&+`): |Int16.min| × K fits in Int32 for K < 65 536, which
/// ``add(_:)`` enforces. Saturation to Int16 happens once, on output.
///
/// The accumulator is a preallocated array; keep the value uniquely owned (for example, a stored property of the
/// room) so mutation never copies it.
public struct MixMinus: Sendable {
    /// Samples per frame, e.g. 160 for 8 kHz × 20 ms.
    public let frameSize: Int
    /// The kernel used for accumulation and saturation.
    public var kernel: MixKernel
    /// Number of frames added since ``beginTick()``.
    public private(set) var contributorCount: Int = 0
    /// Most frames one tick may add while Int32 sums stay exact.
    public static let maximumContributors = 65_535

    private var accumulator: [Int32]

    /// Creates a mixer with a zeroed accumulator of `frameSize` samples.
    public init(frameSize: Int, kernel: MixKernel = .simd) {
        precondition(frameSize > 0, "frameSize must be positive")
        self.frameSize = frameSize
        self.kernel = kernel
        self.accumulator = Array(repeating: 0, count: frameSize)
    }

    /// Starts a new tick: the sum becomes silence.
    public mutating func beginTick() {
        self.contributorCount = 0
        self.accumulator.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    }

    /// Adds a contributor's frame to the sum.
    ///
    /// - Parameter frame: at least `frameSize` samples; only the first `frameSize` are used. A shorter frame
    ///   is treated as if padded with silence.
    public mutating func add(_ frame: UnsafeBufferPointer<Int16>) {
        precondition(self.contributorCount < Self.maximumContributors, "too many contributors for Int32 sums")
        guard let base = frame.baseAddress else { return }
        let count = min(frame.count, self.frameSize)
        let kernel = self.kernel
        self.contributorCount += 1
        self.accumulator.withUnsafeMutableBufferPointer { acc in
            guard let accBase = acc.baseAddress else { return }
            MixKernel.accumulate(base, into: accBase, count: count, kernel: kernel)
        }
    }

    /// Writes the sum minus `own`, saturated to Int16: what the talker who sent `own` hears.
    ///
    /// - Parameters:
    ///   - own: the frame this participant added (or `nil` for a listener, same as ``total(into:)``). It must be
    ///     the same samples that were passed to ``add(_:)``; a shorter frame subtracts only its samples.
    ///   - output: receives `min(output.count, frameSize)` samples.
    public func mixMinus(own: UnsafeBufferPointer<Int16>?, into output: UnsafeMutableBufferPointer<Int16>) {
        guard let outBase = output.baseAddress else { return }
        let count = min(output.count, self.frameSize)
        let kernel = self.kernel
        self.accumulator.withUnsafeBufferPointer { acc in
            guard let accBase = acc.baseAddress else { return }
            if let own, let ownBase = own.baseAddress, own.count >= count {
                MixKernel.subtractAndSaturate(accBase, minus: ownBase, into: outBase, count: count, kernel: kernel)
            } else if let own, let ownBase = own.baseAddress {
                let ownCount = own.count
                MixKernel.subtractAndSaturate(accBase, minus: ownBase, into: outBase, count: ownCount, kernel: kernel)
                MixKernel.subtractAndSaturate(
                    accBase + ownCount,
                    minus: nil,
                    into: outBase + ownCount,
                    count: count - ownCount,
                    kernel: kernel
                )
            } else {
                MixKernel.subtractAndSaturate(accBase, minus: nil, into: outBase, count: count, kernel: kernel)
            }
        }
    }

    /// Writes the sum minus `own` without saturating, for a ``Limiter`` to bring under Int16 range smoothly.
    ///
    /// - Parameters:
    ///   - own: the frame this participant added, or `nil` for the full sum.
    ///   - output: receives `min(output.count, frameSize)` samples.
    public func mixMinus(own: UnsafeBufferPointer<Int16>?, into output: UnsafeMutableBufferPointer<Int32>) {
        guard let outBase = output.baseAddress else { return }
        let count = min(output.count, self.frameSize)
        self.accumulator.withUnsafeBufferPointer { acc in
            guard let accBase = acc.baseAddress else { return }
            let ownCount = min(own?.count ?? 0, count)
            MixKernel.subtractWide(accBase, minus: own?.baseAddress, into: outBase, count: ownCount)
            MixKernel.subtractWide(accBase + ownCount, minus: nil, into: outBase + ownCount, count: count - ownCount)
        }
    }

    /// Writes the full sum, saturated to Int16: what every non-talker hears.
    public func total(into output: UnsafeMutableBufferPointer<Int16>) {
        self.mixMinus(own: nil, into: output)
    }
}
