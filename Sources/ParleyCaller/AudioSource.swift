import Foundation

/// What a test caller sends: a steady tone, silence, or a loop of recorded samples (8 kHz).
public enum AudioSource: Sendable {
    case silence
    case tone(frequency: Double, amplitude: Double = 8000)
    case samples([Int16])
    /// Plays the samples once, then silence.
    case once([Int16])

    /// In-band DTMF: each digit as its two tones for 100 ms, then 100 ms of silence (ITU-T Q.23 frequencies).
    public static func dtmf(_ digits: String, amplitude: Double = 6000) -> AudioSource {
        let rows: [Character: (Double, Double)] = [
            "1": (697, 1209), "2": (697, 1336), "3": (697, 1477), "A": (697, 1633),
            "4": (770, 1209), "5": (770, 1336), "6": (770, 1477), "B": (770, 1633),
            "7": (852, 1209), "8": (852, 1336), "9": (852, 1477), "C": (852, 1633),
            "*": (941, 1209), "0": (941, 1336), "#": (941, 1477), "D": (941, 1633),
        ]
        var samples: [Int16] = []
        for digit in digits {
            guard let (low, high) = rows[digit] else { continue }
            for n in 0..<800 {
                let t = Double(n) / 8000
                let value = amplitude * (sin(2 * Double.pi * low * t) + sin(2 * Double.pi * high * t)) / 2
                samples.append(Int16(clamping: Int(value.rounded())))
            }
            samples.append(contentsOf: repeatElement(0, count: 800))
        }
        return .once(samples)
    }

    /// Whether every 20 ms frame (160 samples at 8 kHz) of this source is the same: silence, or a tone whose frequency
    /// is a multiple of 50 Hz (a whole number of periods per frame). The caller then encodes one frame and reuses it,
    /// which is what lets one load generator feed thousands of callers.
    var repeatsEveryFrame: Bool {
        switch self {
        case .silence: true
        case .tone(let frequency, _):
            (frequency / 50).rounded() == frequency / 50
        case .samples, .once: false
        }
    }

    /// Fills `frame` with the next samples, given how many samples were sent before. Tones are made at
    /// `sampleRate` (a wideband call sends 16 kHz); recorded samples and DTMF are 8 kHz material.
    func render(into frame: inout [Int16], startingAt sampleIndex: Int, sampleRate: Int = 8000) {
        switch self {
        case .silence:
            for i in frame.indices { frame[i] = 0 }
        case .tone(let frequency, let amplitude):
            let step = 2 * Double.pi * frequency / Double(sampleRate)
            for i in frame.indices {
                let phase = step * Double((sampleIndex + i) % sampleRate)
                frame[i] = Int16(clamping: Int((amplitude * sin(phase)).rounded()))
            }
        case .once(let samples):
            for i in frame.indices {
                let index = sampleIndex + i
                frame[i] = index < samples.count ? samples[index] : 0
            }
        case .samples(let samples):
            guard !samples.isEmpty else {
                for i in frame.indices { frame[i] = 0 }
                return
            }
            for i in frame.indices { frame[i] = samples[(sampleIndex + i) % samples.count] }
        }
    }
}
