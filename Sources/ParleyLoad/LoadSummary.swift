import Foundation
import ParleyCaller

/// Packets, loss and jitter summed over every answered call in the measured window.
struct ReceptionTotals: Sendable {
    var calls = 0
    var packets = 0
    var expected = 0
    var lost = 0
    var jitterSum = 0.0
    var jitterMax = 0.0
    /// Calls that received nothing in the window.
    var deaf = 0

    mutating func add(_ statistics: ReceptionStatistics) {
        self.calls += 1
        self.packets += statistics.packets
        self.expected += statistics.expected
        self.lost += statistics.lost
        self.jitterSum += statistics.jitterMilliseconds
        self.jitterMax = max(self.jitterMax, statistics.jitterMilliseconds)
        if statistics.packets == 0 { self.deaf += 1 }
    }
}

/// The sampled callers' verdicts.
struct AudioCheckTotals: Sendable {
    var checks: [AudioCheck] = []

    mutating func add(_ check: AudioCheck) { self.checks.append(check) }

    var passed: Int { self.checks.filter(\.passed).count }
    var silencePercent: Double {
        let frames = self.checks.reduce(0) { $0 + $1.soundFrames }
        let silent = self.checks.reduce(0) { $0 + $1.silentFrames }
        return frames == 0 ? 0 : 100 * Double(silent) / Double(frames)
    }
}

/// Everything one run measured, as a human summary and as JSON.
struct LoadSummary {
    var callers: Int
    var rooms: Int
    var talkersPerRoom: Int
    var answered: Int
    var failures: [String: Int]
    var endedEarly: Int
    var placingSeconds: Double
    var setupMilliseconds: [Double]
    var windowSeconds: Double
    var reception: ReceptionTotals
    var audio: AudioCheckTotals
    var lateSenderTicks: Int
    var generatorCPUSeconds: Double

    var failed: Int { self.failures.values.reduce(0, +) }
    var passed: Bool { self.answered == self.callers && self.audio.passed == self.audio.checks.count }

    func setupPercentile(_ fraction: Double) -> Double {
        let sorted = self.setupMilliseconds.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]
    }

    var lossPercent: Double {
        self.reception.expected == 0 ? 0 : 100 * Double(self.reception.lost) / Double(self.reception.expected)
    }
    var jitterMean: Double { self.reception.calls == 0 ? 0 : self.reception.jitterSum / Double(self.reception.calls) }
    var packetsPerCallSecond: Double {
        let callSeconds = Double(self.reception.calls) * self.windowSeconds
        return callSeconds == 0 ? 0 : Double(self.reception.packets) / callSeconds
    }

    var humanReadable: String {
        var lines: [String] = []
        lines.append(
            "calls: \(self.answered) of \(self.callers) answered in \(self.rooms) rooms, \(self.failed) failed, "
                + "\(self.endedEarly) ended early by the server"
        )
        lines.append(
            String(
                format: "placing: %.1f s (%.1f calls/s); setup time p50 %.1f ms, p99 %.1f ms, max %.1f ms",
                self.placingSeconds,
                Double(self.callers) / max(self.placingSeconds, 0.001),
                self.setupPercentile(0.5),
                self.setupPercentile(0.99),
                self.setupMilliseconds.max() ?? 0
            )
        )
        lines.append(
            String(
                format: "window %.1f s: %d packets received (%.1f per call-second), %d lost (%.3f%%), "
                    + "jitter mean %.2f ms, max %.2f ms, %d calls received nothing",
                self.windowSeconds,
                self.reception.packets,
                self.packetsPerCallSecond,
                self.reception.lost,
                self.lossPercent,
                self.jitterMean,
                self.reception.jitterMax,
                self.reception.deaf
            )
        )
        lines.append(
            String(
                format: "audio check: %d of %d sampled callers hear the talkers and not themselves; silence %.1f%%",
                self.audio.passed,
                self.audio.checks.count,
                self.audio.silencePercent
            )
        )
        for check in self.audio.checks where !check.passed {
            lines.append(
                "  caller \(check.caller): missing tones \(check.missing.map { Int($0) }), own tone "
                    + String(format: "%.1f%%", 100 * check.ownShare) + " of what it heard, \(check.frames) frames heard"
            )
        }
        lines.append(
            String(
                format: "generator: %.2f CPU-s, %d late sender ticks (> 10 ms) in the window",
                self.generatorCPUSeconds,
                self.lateSenderTicks
            )
        )
        for (reason, count) in self.failures.sorted(by: { $0.key < $1.key }) {
            lines.append("  failure: \(count) x \(reason)")
        }
        return lines.joined(separator: "\n")
    }

    var json: Data {
        get throws {
            let summary: [String: Any] = [
                "callers": self.callers, "rooms": self.rooms, "talkersPerRoom": self.talkersPerRoom,
                "answered": self.answered, "failed": self.failed, "failures": self.failures,
                "endedEarly": self.endedEarly, "placingSeconds": self.placingSeconds,
                "callsPerSecond": Double(self.callers) / max(self.placingSeconds, 0.001),
                "setupMsP50": self.setupPercentile(0.5), "setupMsP99": self.setupPercentile(0.99),
                "setupMsMax": self.setupMilliseconds.max() ?? 0,
                "windowSeconds": self.windowSeconds, "packetsReceived": self.reception.packets,
                "packetsExpected": self.reception.expected, "packetsLost": self.reception.lost,
                "lossPercent": self.lossPercent, "jitterMsMean": self.jitterMean,
                "jitterMsMax": self.reception.jitterMax, "callsReceivingNothing": self.reception.deaf,
                "audioChecked": self.audio.checks.count, "audioOK": self.audio.passed,
                "silencePercent": self.audio.silencePercent, "lateSenderTicks": self.lateSenderTicks,
                "generatorCPUSeconds": self.generatorCPUSeconds,
            ]
            return try JSONSerialization.data(withJSONObject: summary, options: [.prettyPrinted, .sortedKeys])
        }
    }
}
