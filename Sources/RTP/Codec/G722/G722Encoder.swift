/// ITU-T G.722 encoder, 64 kbit/s mode: 16 kHz linear PCM to one octet per two samples.
///
/// The algorithm (ITU-T G.722 sub-band ADPCM): a 24-tap quadrature mirror filter splits each pair of input samples into
/// a lower (0–4 kHz) and a higher (4–8 kHz) sub-band sample at 8 kHz; the lower band is coded with 6-bit adaptive
/// differential PCM, the higher with 2-bit; the octet is `higher << 6 | lower`. Written from the standard's block
/// descriptions; state is inline, so encoding allocates nothing.
///
/// RTP (RFC 3551 §4.5.2): payload type 9, and although the audio is sampled at 16 kHz the RTP clock rate is
/// 8000 (an error in RFC 1890 kept for compatibility): a 20 ms frame is 320 samples, 160 octets, and advances
/// the RTP timestamp by 160.
public struct G722Encoder: Sendable {
    /// Audio sample rate.
    public static let sampleRate = 16000
    /// The RTP clock rate, 8000 despite the 16 kHz audio (RFC 3551 §4.5.2).
    public static let rtpClockRate = 8000
    /// The static RTP payload type (RFC 3551 §6).
    public static let payloadType: UInt8 = 9

    /// Transmit QMF coefficients h0, h2, ..., h22; the odd ones are these reversed (ITU-T G.722).
    static let qmfCoefficients: [Int32] = [3, -11, 12, 32, -210, 951, 3876, -805, 362, -156, 53, -11]

    private var lower = G722Band(higher: false)
    private var higher = G722Band(higher: true)
    /// The last 24 input samples; lane 23 is the newest.
    private var history = SIMD32<Int32>()

    /// An encoder with both sub-band ADPCM predictors in their reset state, as at the start of a call.
    public init() {}

    /// Returns to the initial state (as at the start of a call).
    public mutating func reset() { self = G722Encoder() }

    /// Encodes 16 kHz samples; each pair gives one octet.
    ///
    /// - Parameters:
    ///   - samples: linear PCM at 16 kHz; an odd last sample is ignored.
    ///   - payload: receives the octets.
    /// - Returns: octets written, `min(samples.count / 2, payload.count)`.
    public mutating func encode(
        _ samples: UnsafeBufferPointer<Int16>,
        into payload: UnsafeMutableRawBufferPointer
    ) -> Int {
        let count = min(samples.count / 2, payload.count)
        for index in 0..<count {
            payload[index] = self.encodePair(samples[2 * index], samples[2 * index + 1])
        }
        return count
    }

    /// Encodes one pair of samples (the older first) into one octet.
    public mutating func encodePair(_ first: Int16, _ second: Int16) -> UInt8 {
        // Transmit QMF: split into sub-bands at 8 kHz.
        for index in 0..<22 { self.history[index] = self.history[index + 2] }
        self.history[22] = Int32(first)
        self.history[23] = Int32(second)
        var evenSum: Int32 = 0
        var oddSum: Int32 = 0
        Self.qmfCoefficients.withUnsafeBufferPointer { coefficients in
            for index in 0..<12 {
                evenSum += self.history[2 * index] * coefficients[index]
                oddSum += self.history[2 * index + 1] * coefficients[11 - index]
            }
        }
        let lowerSample = G722Band.saturate((oddSum + evenSum) >> 14)
        let higherSample = G722Band.saturate((oddSum - evenSum) >> 14)
        let lowerCode = self.encodeLower(lowerSample)
        let higherCode = self.encodeHigher(higherSample)
        return UInt8(truncatingIfNeeded: higherCode << 6 | lowerCode)
    }

    /// Lower band: 6-bit quantisation of the prediction error (blocks 1L, 2L, 3L, 4L).
    private mutating func encodeLower(_ sample: Int32) -> Int32 {
        let error = G722Band.saturate(sample - self.lower.estimate)
        // The magnitude of a negative value is taken in one's complement, as the standard does.
        let magnitude = error >= 0 ? error : -(error + 1)
        let scale = self.lower.scale
        var interval = 1
        G722Band.lowerDecisionLevels.withUnsafeBufferPointer { levels in
            while interval < 30 && magnitude >= (levels[interval] * scale) >> 12 { interval += 1 }
        }
        let code = error < 0 ? G722Band.lowerNegativeCodes[interval] : G722Band.lowerPositiveCodes[interval]
        let core = Int(code >> 2)
        let difference = (scale * G722Band.lowerInverse4[core]) >> 15
        self.lower.adaptScale(magnitudeClass: G722Band.lowerMagnitudeClass[core])
        self.lower.adaptPredictor(difference: difference)
        return code
    }

    /// Higher band: 2-bit quantisation of the prediction error (blocks 1H, 2H, 3H, 4H).
    private mutating func encodeHigher(_ sample: Int32) -> Int32 {
        let error = G722Band.saturate(sample - self.higher.estimate)
        let magnitude = error >= 0 ? error : -(error + 1)
        let large = magnitude >= (564 * self.higher.scale) >> 12
        let code: Int32 =
            switch (error < 0, large) {
            case (true, false): 1
            case (true, true): 0
            case (false, false): 3
            case (false, true): 2
            }
        let difference = (self.higher.scale * G722Band.higherInverse2[Int(code)]) >> 15
        self.higher.adaptScale(magnitudeClass: G722Band.higherMagnitudeClass[Int(code)])
        self.higher.adaptPredictor(difference: difference)
        return code
    }
}
