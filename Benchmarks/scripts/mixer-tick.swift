// A quick stand-alone timing of ConferenceMixer ticks, compiled together with Sources/Mixer by mixer-tick.sh
// (swiftc -O -wmo, no package build): the same rooms as the package-benchmark "Mixer: room tick" benchmarks, with the
// scalar and SIMD kernels interleaved in one run so their ratio is fair on a shared machine. Prints, in microseconds
// per tick, the fastest of ROUNDS rounds of TICKS ticks (on a loaded machine the fastest round is the one least
// disturbed by other processes) and the median round.
import Foundation

func speechLike(count: Int, phase: Int) -> [Int16] {
    (0..<count).map { index in
        let t = Double(index + phase) / 8000
        let value = 9000 * sin(2 * .pi * 220 * t) + 5000 * sin(2 * .pi * 1170 * t) + 2500 * sin(2 * .pi * 2900 * t)
        return Int16(clamping: Int(value))
    }
}

final class Room {
    let mixer: ConferenceMixer
    var slots: [Int] = []
    var levels: [Int] = []

    init(rate: Int, participants: Int, kernel: MixKernel) {
        let frameSize = rate / 50
        self.mixer = ConferenceMixer(
            configuration: .init(frameSize: frameSize, maximumTalkers: 4, kernel: kernel),
            slotCapacity: participants
        )
        for index in 0..<participants {
            let slot = self.mixer.addSlot()
            let frame: [Int16] =
                index < 4
                ? speechLike(count: frameSize, phase: 37 * index).map { $0 / Int16(1 + index % 3) }
                : (0..<frameSize).map { Int16(truncatingIfNeeded: (($0 &* 7919 &+ index &* 104_729) % 161) - 80) }
            frame.withUnsafeBufferPointer { self.mixer.setInput($0, for: slot) }
            self.levels.append(frame.withUnsafeBufferPointer { TalkerDetector.averageMagnitude(of: $0) })
            self.slots.append(slot)
        }
        self.tick(supplied: false)
        self.tick(supplied: false)
        precondition(self.mixer.mixedSlots.count == min(4, participants))
    }

    @inline(never)
    func tick(supplied: Bool) {
        if supplied {
            for (slot, level) in zip(self.slots, self.levels) {
                self.mixer.withInput(of: slot, averageMagnitude: level) { _ in }
            }
        } else {
            for slot in self.slots { self.mixer.withInput(of: slot) { _ in } }
        }
        self.mixer.mix()
    }
}

let ticks = Int(ProcessInfo.processInfo.environment["TICKS"] ?? "") ?? 50
let rounds = Int(ProcessInfo.processInfo.environment["ROUNDS"] ?? "") ?? 15

func time(_ room: Room, supplied: Bool) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    for _ in 0..<ticks { room.tick(supplied: supplied) }
    return Double(DispatchTime.now().uptimeNanoseconds - start) / Double(ticks) / 1000
}

print("kHz   N     levels    scalar_min  simd_min  simd/scalar  scalar_median  simd_median")
for rate in [8000, 16000, 48000] {
    for (participants, supplied) in [(3, false), (10, false), (100, false), (1000, false), (1000, true)] {
        let scalar = Room(rate: rate, participants: participants, kernel: .scalar)
        let simd = Room(rate: rate, participants: participants, kernel: .simd)
        var scalarTimes: [Double] = []
        var simdTimes: [Double] = []
        for _ in 0..<rounds {
            scalarTimes.append(time(scalar, supplied: supplied))
            simdTimes.append(time(simd, supplied: supplied))
        }
        let a = scalarTimes.sorted()
        let b = simdTimes.sorted()
        print(
            String(
                format: "%-5d %-5d %-9@ %10.2f %9.2f %12.2f %14.2f %12.2f",
                rate / 1000, participants, supplied ? "supplied" : "measured", a[0], b[0], b[0] / a[0],
                a[rounds / 2], b[rounds / 2]
            )
        )
    }
}
