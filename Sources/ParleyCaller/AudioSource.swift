import Foundation

/// What a test caller sends: a steady tone, silence, or a loop of recorded samples (8 kHz).
public enum AudioSource: Sendable {
    case silence
    case tone(frequency: Double, amplitude: Double = 8000)
    case samples([Int16])

    /// Fills `frame` with the next samples, given how many samples were sent before.
    func render(into frame: inout [Int16], startingAt sampleIndex: Int) {
        switch self {
        case .silence:
            for i in frame.indices { frame[i] = 0 }
        case .tone(let frequency, let amplitude):
            let step = 2 * Double.pi * frequency / 8000
            for i in frame.indices {
                let phase = step * Double((sampleIndex + i) % 8000)
                frame[i] = Int16(clamping: Int((amplitude * sin(phase)).rounded()))
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

