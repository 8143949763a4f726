import Testing

@testable import Mixer

@Suite("In-band DTMF detection (ITU-T Q.23/Q.24)")
struct DTMFDetectorTests {
    /// Runs `signal` through a detector in 160-sample frames, collecting the digits reported.
    func detect(_ signal: [Int16], detector: inout DTMFDetector) -> String {
        var digits = ""
        var start = 0
        while start < signal.count {
            let end = min(start + 160, signal.count)
            signal[start..<end].withUnsafeBufferPointer { frame in
                if let digit = detector.process(frame) { digits.append(digit) }
            }
            start = end
        }
        return digits
    }

    func detect(_ signal: [Int16]) -> String {
        var detector = DTMFDetector()
        return self.detect(signal, detector: &detector)
    }

    /// `digits` as 100 ms tones with 60 ms gaps, each tone at `amplitude` per frequency.
    func keyed(_ digits: String, toneMilliseconds: Int = 100, amplitude: Double = 4000) -> [Int16] {
        var signal: [Int16] = []
        for digit in digits {
            let (row, column) = ToneGenerator.dtmf(digit)
            signal += ToneGenerator.tones(
                [row, column],
                amplitudes: [amplitude, amplitude],
                count: toneMilliseconds * 8,
                startIndex: signal.count
            )
            signal += [Int16](repeating: 0, count: 480)
        }
        return signal
    }

    @Test("detects all sixteen keys in order, once each")
    func allKeys() {
        #expect(self.detect(self.keyed("123A456B789C*0#D")) == "123A456B789C*0#D")
    }

    @Test("repeated key separated by a gap is reported twice")
    func repeatedKey() {
        #expect(self.detect(self.keyed("55")) == "55")
    }

    @Test("a long key press is reported once")
    func longPress() {
        #expect(self.detect(self.keyed("9", toneMilliseconds: 1000)) == "9")
    }

    @Test("a 20 ms blip is not a digit")
    func tooShort() {
        #expect(self.detect(self.keyed("1", toneMilliseconds: 20)) == "")
    }

    @Test("too much twist is refused")
    func twist() {
        // Column 10 dB above row (forward twist beyond 8 dB).
        let signal = ToneGenerator.tones([770, 1336], amplitudes: [1000, 3162], count: 1600)
        #expect(self.detect(signal) == "")
        // Row 6 dB above column (reverse twist beyond 4 dB).
        let reverse = ToneGenerator.tones([770, 1336], amplitudes: [4000, 2000], count: 1600)
        #expect(self.detect(reverse) == "")
        // 3 dB forward twist is fine.
        let mild = ToneGenerator.tones([770, 1336], amplitudes: [2800, 4000], count: 1600)
        #expect(self.detect(mild) == "5")
    }

    @Test("a single tone, a quiet pair, and a pair plus a third strong tone are not digits")
    func rejects() {
        #expect(self.detect(ToneGenerator.tones([697], amplitudes: [8000], count: 1600)) == "")
        #expect(self.detect(self.keyed("1", amplitude: 100)) == "")
        let chord = ToneGenerator.tones([697, 1209, 500], amplitudes: [3000, 3000, 6000], count: 1600)
        #expect(self.detect(chord) == "")
    }

    @Test("pseudo-random noise is not a digit")
    func noise() {
        var generator = SplitMix64(seed: 3)
        let noise = (0..<16000).map { _ in Int16(truncatingIfNeeded: generator.next()) / 4 }
        #expect(self.detect(noise) == "")
    }
}
