/// Packet loss concealment for PCM streams in the manner of ITU-T G.711 Appendix I: pitch-period repetition
/// with overlap-add, so a lost 20 ms of voiced speech is replaced by more of the same voice rather than by a
/// copy of the previous frame (whose phase rarely lines up and which buzzes at 50 Hz).
///
/// - The concealer keeps the last 48.75 ms of the stream it has played.
/// - On the first lost frame it estimates the pitch period by normalised cross-correlation of the newest 20 ms
///   against lags of 5 to 15 ms (a coarse search on every other lag, then a fine one around the best), and
///   repeats the last period; after 10 ms of loss it cycles through the last two periods, after 20 ms three,
///   cross-fading a quarter period at each change so a long loss does not ring on one period.
/// - The last quarter period before the loss is overlap-added with the quarter period before the repeated
///   one, so the repetition joins without a click. That needs samples not yet played: every frame leaves the
///   concealer 3.75 ms late (``delay``), the longest quarter period.
/// - After the first 10 ms of loss the synthetic signal fades by 20% per 10 ms and is silent after 60 ms.
/// - On the first good frame after a loss, the synthetic continuation is overlap-added into its start over
///   4 ms, plus 4 ms per further 10 ms lost, at most 10 ms.
///
/// Times scale with `sampleRate` (narrowband 8000 Hz is the design point; 16 and 48 kHz rooms work too).
/// A plain value, allocation-free after `init`: the buffers are sized once for the longest pitch period.
public struct PacketLossConcealer: Sendable {
    /// Samples per second of the stream.
    public let sampleRate: Int
    /// Samples per frame (160 for 20 ms at 8000 Hz).
    public let frameSize: Int
    /// Samples every frame is delayed by (3.75 ms), so the overlap-add at a loss's start has samples to work on.
    public let delay: Int
    /// Consecutive frames concealed since the last good frame.
    public private(set) var consecutiveConcealed = 0
    /// The pitch period (samples) the present or last loss repeats; 0 before the first loss.
    public private(set) var pitchPeriod = 0
    /// Whether concealing another frame still produces sound: a good frame has been seen and the present loss
    /// is shorter than the 60 ms after which concealment is silence. A jitter-buffer underrun is concealed while
    /// this holds and left silent (no frame) after.
    public var isAudible: Bool {
        self.hasGoodFrame && self.consecutiveConcealed * self.frameSize < 6 * self.tenMilliseconds
    }
    private var hasGoodFrame = false

    /// Samples per 10 ms at 8000 Hz multiplied out: the unit the timings of Appendix I are given in.
    private let tenMilliseconds: Int
    private let minimumPitch: Int
    private let maximumPitch: Int
    private let correlationWindow: Int
    /// The stream as played (or about to be), newest sample last.
    private var history: [Float]
    /// The `delay` newest samples of the stream, not yet handed out.
    private var pending: [Float]
    /// The last three pitch periods at the loss's start, the newest quarter period overlap-added.
    private var pitchBuffer: [Float]
    /// One frame of the stream being built.
    private var scratch: [Float]
    /// Pitch periods being cycled through (1 to 3) and the read position within that cycle.
    private var periods = 1
    private var readIndex = 0
    /// The cycle being faded out after a change of `periods`: its length in periods, position, samples left.
    private var fadingPeriods = 1
    private var fadingIndex = 0
    private var fadingLeft = 0
    /// Samples synthesised since the loss began.
    private var synthesised = 0

    /// - Parameters:
    ///   - sampleRate: samples per second (8000 for G.711).
    ///   - frameSize: samples per frame; 20 ms by default, at least 5 ms.
    public init(sampleRate: Int = 8000, frameSize: Int? = nil) {
        precondition(sampleRate >= 8000)
        let scale = Double(sampleRate) / 8000
        func samples(_ narrowband: Int) -> Int { Int((Double(narrowband) * scale).rounded()) }
        self.sampleRate = sampleRate
        self.frameSize = frameSize ?? sampleRate / 50
        self.delay = samples(30)
        precondition(self.frameSize > self.delay, "frames must be longer than the 3.75 ms delay")
        self.tenMilliseconds = samples(80)
        self.minimumPitch = samples(40)
        self.maximumPitch = samples(120)
        self.correlationWindow = samples(160)
        self.history = Array(repeating: 0, count: samples(390))
        self.pending = Array(repeating: 0, count: self.delay)
        self.pitchBuffer = Array(repeating: 0, count: 3 * self.maximumPitch)
        self.scratch = Array(repeating: 0, count: self.frameSize)
    }

    /// Takes a correctly received, decoded frame and rewrites it in place as the frame to play: the stream
    /// delayed by ``delay``, and after a loss, the synthetic signal blended into the real one.
    ///
    /// Frames shorter than `frameSize` are padded with silence; only `frameSize` samples of longer ones are
    /// used and written.
    public mutating func processGoodFrame(_ frame: UnsafeMutableBufferPointer<Int16>) {
        let count = min(frame.count, self.frameSize)
        self.hasGoodFrame = true
        self.scratch.withUnsafeMutableBufferPointer { scratch in
            for index in 0..<count { scratch[index] = Float(frame[index]) }
            for index in count..<scratch.count { scratch[index] = 0 }
        }
        if self.consecutiveConcealed > 0 {
            let lost = self.consecutiveConcealed * self.frameSize
            let steps = max(1, lost / self.tenMilliseconds)
            let length = min(self.tenMilliseconds * 4 / 10 * steps, self.tenMilliseconds, self.frameSize - self.delay)
            for index in 0..<length {
                let weight = Float(index + 1) / Float(length + 1)
                self.scratch[index] = self.nextSynthetic() * (1 - weight) + self.scratch[index] * weight
            }
            self.consecutiveConcealed = 0
        }
        self.emit(into: frame)
    }

    /// Writes a replacement for one lost frame.
    ///
    /// - Returns: the number of samples written, `min(output.count, frameSize)`.
    @discardableResult
    public mutating func conceal(into output: UnsafeMutableBufferPointer<Int16>) -> Int {
        if self.consecutiveConcealed == 0 { self.beginLoss() }
        self.consecutiveConcealed += 1
        for index in 0..<self.frameSize { self.scratch[index] = self.nextSynthetic() }
        return self.emit(into: output)
    }

    /// Hands out `pending` and the start of `scratch`, keeps the end of `scratch` pending, and appends
    /// `scratch` to the history.
    ///
    /// It runs for every packet of every caller, so it works on the buffers' storage directly (no per-sample
    /// bounds or uniqueness checks) and moves the history with one copy.
    @discardableResult
    private mutating func emit(into output: UnsafeMutableBufferPointer<Int16>) -> Int {
        let count = min(output.count, self.frameSize)
        let frameSize = self.frameSize
        let delay = self.delay
        self.scratch.withUnsafeBufferPointer { scratch in
            self.pending.withUnsafeMutableBufferPointer { pending in
                let held = min(count, delay)
                for index in 0..<held { output[index] = Self.sample(pending[index]) }
                if count > delay {
                    for index in delay..<count { output[index] = Self.sample(scratch[index - delay]) }
                }
                for index in 0..<delay { pending[index] = scratch[frameSize - delay + index] }
            }
            self.history.withUnsafeMutableBufferPointer { history in
                guard let base = history.baseAddress, let newest = scratch.baseAddress else { return }
                let historyCount = history.count
                let kept = historyCount - min(frameSize, historyCount)
                base.update(from: base + (historyCount - kept), count: kept)
                (base + kept).update(from: newest + (frameSize - (historyCount - kept)), count: historyCount - kept)
            }
        }
        return count
    }

    /// A synthetic or delayed sample as PCM: rounded half away from zero (as `rounded()`, without the libm call:
    /// a Float is exact in a Double, so adding ±0.5 there and truncating is the same rounding) and clamped.
    @inline(__always)
    private static func sample(_ value: Float) -> Int16 {
        let wide = Double(value)
        return Int16(clamping: Int(wide + (wide < 0 ? -0.5 : 0.5)))
    }

    /// Estimates the pitch, copies three periods and smooths the join (Appendix I's overlap-add at the start).
    private mutating func beginLoss() {
        let pitch = self.estimatePitch()
        self.pitchPeriod = pitch
        let length = 3 * pitch
        let historyCount = self.history.count
        for index in 0..<length { self.pitchBuffer[index] = self.history[historyCount - length + index] }
        // The newest quarter period fades into the quarter period before the repeated one, so the end of the
        // buffer leads into its last period's first sample; the not-yet-played `pending` tail gets the same.
        let quarter = max(1, pitch / 4)
        for index in 0..<quarter {
            let weight = Float(index + 1) / Float(quarter + 1)
            let at = length - quarter + index
            let blended = self.pitchBuffer[at] * (1 - weight) + self.pitchBuffer[at - pitch] * weight
            self.pitchBuffer[at] = blended
            self.history[historyCount - quarter + index] = blended
            self.pending[self.delay - quarter + index] = blended
        }
        self.periods = 1
        self.readIndex = 0
        self.fadingLeft = 0
        self.synthesised = 0
    }

    /// The next sample of the synthetic signal: the pitch cycle, widened at 10 and 20 ms, faded after 10 ms.
    private mutating func nextSynthetic() -> Float {
        let elapsed = self.synthesised
        self.synthesised += 1
        let fadeStart = self.tenMilliseconds
        guard elapsed < fadeStart * 6 else { return 0 }
        let pitch = self.pitchPeriod
        if elapsed == fadeStart * self.periods, self.periods < 3 {
            self.fadingPeriods = self.periods
            self.fadingIndex = self.readIndex
            self.fadingLeft = max(1, pitch / 4)
            self.periods += 1
            self.readIndex %= pitch
        }
        var value = self.cycleSample(periods: self.periods, index: &self.readIndex)
        if self.fadingLeft > 0 {
            let length = max(1, pitch / 4)
            let weight = Float(length - self.fadingLeft + 1) / Float(length + 1)
            let old = self.cycleSample(periods: self.fadingPeriods, index: &self.fadingIndex)
            value = old * (1 - weight) + value * weight
            self.fadingLeft -= 1
        }
        guard elapsed >= fadeStart else { return value }
        let gain = 1 - 0.2 * Float(elapsed - fadeStart) / Float(fadeStart)
        return value * max(0, gain)
    }

    /// The sample at `index` of the cycle through the newest `periods` pitch periods; advances `index`.
    private func cycleSample(periods: Int, index: inout Int) -> Float {
        let pitch = self.pitchPeriod
        let cycle = periods * pitch
        let value = self.pitchBuffer[3 * pitch - cycle + index]
        index = (index + 1) % cycle
        return value
    }

    /// The lag (5 to 15 ms) whose past best matches the newest 20 ms: coarse on every other lag and sample,
    /// then fine around the winner.
    private func estimatePitch() -> Int {
        let coarseStep = max(2, 2 * self.sampleRate / 8000)
        var best = self.minimumPitch
        var bestScore = -Float.infinity
        var lag = self.minimumPitch
        while lag <= self.maximumPitch {
            let score = self.correlation(lag: lag, step: coarseStep)
            if score > bestScore { (best, bestScore) = (lag, score) }
            lag += coarseStep
        }
        let low = max(self.minimumPitch, best - coarseStep + 1)
        let high = min(self.maximumPitch, best + coarseStep - 1)
        bestScore = -Float.infinity
        for lag in low...high {
            let score = self.correlation(lag: lag, step: 1)
            if score > bestScore { (best, bestScore) = (lag, score) }
        }
        return best
    }

    /// Cross-correlation of the newest window with the window `lag` earlier, over the earlier one's energy.
    private func correlation(lag: Int, step: Int) -> Float {
        let end = self.history.count
        let start = end - self.correlationWindow
        var product: Float = 0
        var energy: Float = 0
        var index = start
        while index < end {
            let past = self.history[index - lag]
            product += self.history[index] * past
            energy += past * past
            index += step
        }
        return energy > 0 ? product / energy.squareRoot() : 0
    }
}
