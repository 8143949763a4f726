import CSpeexDSP

/// A sample-rate converter for mono 16-bit audio through libspeexdsp (8, 16 and 48 kHz legs meet the room's rate).
///
/// A final class because it owns the C state (`SpeexResamplerState*`), freed in `deinit`. ``process(_:into:)``
/// converts into the caller's buffer and allocates nothing; the filter keeps its history between calls, so
/// feeding consecutive 20 ms frames gives a continuous signal. The filter delays the signal by
/// ``inputLatency`` input samples. Not `Sendable`: confine it to the room's event loop.
public final class Resampler {
    /// The input sample rate.
    public let inputRate: Int
    /// The output sample rate.
    public let outputRate: Int
    private let state: OpaquePointer

    /// Creates a converter.
    ///
    /// - Parameters:
    ///   - inputRate: the input rate in Hz.
    ///   - outputRate: the output rate in Hz.
    ///   - quality: 0 (fast) to 10 (best); 5 is libspeexdsp's VoIP default.
    /// - Throws: ``CodecError`` `.invalidArgument` for a rate or quality libspeexdsp refuses.
    public init(inputRate: Int, outputRate: Int, quality: Int = 5) throws(CodecError) {
        guard inputRate > 0, outputRate > 0, (0...10).contains(quality) else { throw CodecError(.invalidArgument) }
        var error: Int32 = 0
        guard
            let state = speex_resampler_init(1, UInt32(inputRate), UInt32(outputRate), Int32(quality), &error),
            error == 0
        else { throw CodecError(.creationFailed, libraryCode: error) }
        self.inputRate = inputRate
        self.outputRate = outputRate
        self.state = state
    }

    deinit { speex_resampler_destroy(self.state) }

    /// Output samples that `inputCount` input samples give (rounded up; a 20 ms frame converts exactly).
    public func outputCount(forInput inputCount: Int) -> Int {
        (inputCount * self.outputRate + self.inputRate - 1) / self.inputRate
    }

    /// The filter delay in input samples.
    public var inputLatency: Int { Int(speex_resampler_get_input_latency(self.state)) }

    /// Converts `input` into `output`.
    ///
    /// - Returns: input samples consumed and output samples produced; with `output` at least
    ///   ``outputCount(forInput:)`` long, all input is consumed.
    @discardableResult
    public func process(
        _ input: UnsafeBufferPointer<Int16>,
        into output: UnsafeMutableBufferPointer<Int16>
    ) -> (consumed: Int, produced: Int) {
        guard let source = input.baseAddress, let destination = output.baseAddress else { return (0, 0) }
        var inputLength = UInt32(clamping: input.count)
        var outputLength = UInt32(clamping: output.count)
        _ = speex_resampler_process_int(self.state, 0, source, &inputLength, destination, &outputLength)
        return (Int(inputLength), Int(outputLength))
    }

    /// Clears the filter history (a new stream).
    public func reset() { _ = speex_resampler_reset_mem(self.state) }
}

@available(*, unavailable)
extension Resampler: Sendable {}
