/// Simple packet loss concealment for G.711 and other PCM streams: repeat the last good frame, fading out.
///
/// Each concealed frame repeats the last good frame with a gain that halves per consecutive loss, ramped
/// smoothly across the frame so there is no step: the first lost frame fades from 1 to 1/2, the second from
/// 1/2 to 1/4, the third from 1/4 to 1/8 and the fourth to silence; after that it is silence until a good frame
/// arrives. ITU-T G.711 Appendix I (pitch-period repetition with overlap-add) sounds better and is a later
/// improvement.
///
/// Allocation-free after `init`.
public struct PacketLossConcealer: Sendable {
    /// Samples per frame (160 for 20 ms at 8000 Hz).
    public let frameSize: Int
    /// Repeated frames (with fading) before silence.
    public static let fadingFrames = 3
    /// Consecutive frames concealed since the last good frame.
    public private(set) var consecutiveConcealed = 0

    private var lastFrame: [Int16]

    public init(frameSize: Int = 160) {
        precondition(frameSize > 0)
        self.frameSize = frameSize
        self.lastFrame = Array(repeating: 0, count: frameSize)
    }

    /// Remembers a correctly received, decoded frame (call for every good frame).
    ///
    /// Frames shorter than `frameSize` are padded with silence; longer ones are truncated.
    public mutating func recordGoodFrame(_ frame: UnsafeBufferPointer<Int16>) {
        let count = min(frame.count, self.frameSize)
        let frameSize = self.frameSize
        self.lastFrame.withUnsafeMutableBufferPointer { last in
            for index in 0..<count { last[index] = frame[index] }
            for index in count..<frameSize { last[index] = 0 }
        }
        self.consecutiveConcealed = 0
    }

    /// Writes a replacement for one lost frame.
    ///
    /// - Returns: the number of samples written, `min(output.count, frameSize)`.
    @discardableResult
    public mutating func conceal(into output: UnsafeMutableBufferPointer<Int16>) -> Int {
        let count = min(output.count, self.frameSize)
        let lost = self.consecutiveConcealed
        self.consecutiveConcealed += 1
        guard lost <= Self.fadingFrames else {
            for index in 0..<count { output[index] = 0 }
            return count
        }
        // Gains in Q15, halving per lost frame; the last fading frame ramps to zero.
        let start = Int32(32768) >> Int32(lost)
        let end = lost == Self.fadingFrames ? 0 : Int32(32768) >> Int32(lost + 1)
        let frameSize = Int32(self.frameSize)
        self.lastFrame.withUnsafeBufferPointer { last in
            for index in 0..<count {
                let gain = start + (end - start) * Int32(index + 1) / frameSize
                output[index] = Int16(clamping: (Int32(last[index]) * gain) >> 15)
            }
        }
        return count
    }
}
