/// ITU-T G.722 decoder, 64 kbit/s mode: one octet to two 16 kHz linear PCM samples.
///
/// The inverse of ``G722Encoder``: the lower band's 6-bit code is dequantised with the 6-bit table for output
/// while its top 4 bits drive adaptation (the embedded core); the higher band's 2-bit code likewise; a 24-tap
/// receive QMF merges the two 8 kHz sub-bands back into 16 kHz (ITU-T G.722). State is inline, so decoding
/// allocates nothing. See ``G722Encoder`` for the RTP clock-rate quirk.
public struct G722Decoder: Sendable {
    private var lower = G722Band(higher: false)
    private var higher = G722Band(higher: true)
    /// Sub-band difference (lower − higher) of the last 12 pairs; lane 11 is the newest.
    private var differenceHistory = SIMD16<Int32>()
    /// Sub-band sum (lower + higher) of the last 12 pairs; lane 11 is the newest.
    private var sumHistory = SIMD16<Int32>()

    /// A decoder with both sub-band ADPCM predictors in their reset state, as at the start of a call.
    public init() {}

    /// Returns to the initial state (as at the start of a call).
    public mutating func reset() { self = G722Decoder() }

    /// Decodes octets into 16 kHz samples, two per octet.
    ///
    /// - Returns: samples written, `2 · min(payload.count, samples.count / 2)`.
    public mutating func decode(
        _ payload: UnsafeRawBufferPointer,
        into samples: UnsafeMutableBufferPointer<Int16>
    ) -> Int {
        let count = min(payload.count, samples.count / 2)
        for index in 0..<count {
            let (first, second) = self.decodeOctet(payload[index])
            samples[2 * index] = first
            samples[2 * index + 1] = second
        }
        return 2 * count
    }

    /// Decodes one octet into two samples, the older first.
    public mutating func decodeOctet(_ octet: UInt8) -> (Int16, Int16) {
        // Lower band: output from the 6-bit level, adaptation from the 4-bit core.
        let lowerCode = Int(octet & 0x3F)
        let lowerScale = self.lower.scale
        let lowerOutput = (lowerScale * G722Band.lowerInverse6[lowerCode]) >> 15
        let lowerSample = min(max(self.lower.estimate + lowerOutput, -16384), 16383)
        let core = lowerCode >> 2
        let lowerDifference = (lowerScale * G722Band.lowerInverse4[core]) >> 15
        self.lower.adaptScale(magnitudeClass: G722Band.lowerMagnitudeClass[core])
        self.lower.adaptPredictor(difference: lowerDifference)

        // Higher band.
        let higherCode = Int(octet >> 6)
        let higherDifference = (self.higher.scale * G722Band.higherInverse2[higherCode]) >> 15
        let higherSample = min(max(self.higher.estimate + higherDifference, -16384), 16383)
        self.higher.adaptScale(magnitudeClass: G722Band.higherMagnitudeClass[higherCode])
        self.higher.adaptPredictor(difference: higherDifference)

        // Receive QMF.
        for index in 0..<11 {
            self.differenceHistory[index] = self.differenceHistory[index + 1]
            self.sumHistory[index] = self.sumHistory[index + 1]
        }
        self.differenceHistory[11] = lowerSample - higherSample
        self.sumHistory[11] = lowerSample + higherSample
        var first: Int32 = 0
        var second: Int32 = 0
        G722Encoder.qmfCoefficients.withUnsafeBufferPointer { coefficients in
            for index in 0..<12 {
                first += self.differenceHistory[index] * coefficients[11 - index]
                second += self.sumHistory[index] * coefficients[index]
            }
        }
        return (Int16(clamping: first >> 11), Int16(clamping: second >> 11))
    }
}
