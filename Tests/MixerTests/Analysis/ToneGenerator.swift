@testable import Mixer

/// Test signals without Foundation.
enum ToneGenerator {
    /// sin(x) by range reduction and a Taylor series; accurate to ~1e-12, plenty for test tones.
    static func sine(_ x: Double) -> Double {
        let twoPi = 2 * Double.pi
        let r = x - (x / twoPi).rounded() * twoPi
        var term = r
        var sum = r
        for n in stride(from: 3, through: 41, by: 2) {
            term *= -r * r / Double(n * (n - 1))
            sum += term
        }
        return sum
    }

    /// `count` samples of the sum of sines at `frequencies` (Hz, 8000 Hz rate), each of `amplitudes`.
    static func tones(
        _ frequencies: [Double],
        amplitudes: [Double],
        count: Int,
        sampleRate: Double = 8000,
        startIndex: Int = 0
    ) -> [Int16] {
        (0..<count).map { n in
            var value = 0.0
            for (frequency, amplitude) in zip(frequencies, amplitudes) {
                value += amplitude * sine(2 * Double.pi * frequency * Double(n + startIndex) / sampleRate)
            }
            return Int16(clamping: Int(value.rounded()))
        }
    }

    /// The row and column frequencies of a DTMF key.
    static func dtmf(_ digit: Character) -> (Double, Double) {
        for (row, keys) in DTMFDetector.keypad.enumerated() {
            if let column = keys.firstIndex(of: digit) {
                return (DTMFDetector.rowFrequencies[row], DTMFDetector.columnFrequencies[column])
            }
        }
        preconditionFailure("not a DTMF key")
    }
}
