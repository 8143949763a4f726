// Also compiled without the package by Benchmarks/scripts/room-tick.sh (swiftc, with the Mixer and G.711 sources in
// one module and its own `blackHole`), hence the conditional imports.
#if canImport(Benchmark)
import Benchmark
import Mixer
import RTP
#endif

/// A room's 20 ms tick at 8 kHz with N G.711 callers, all sending (as phones do), K = 4: the work
/// `ConferenceRoom.mixOneFrame` does between the sockets, through the same public calls in the same order.
///
/// Per caller: this tick's packet stored in its jitter buffer (the receive handler's part), the due frame popped,
/// decoded, and handed to the mixer; then one `mix()`, the shared mix encoded once for every listener, and each
/// mixed talker's own mix-minus output encoded. Socket reads and writes are left out (NIO's writes allocate a
/// buffer per packet and are measured by the macro runs, not here).
///
/// "levels from the decoder" is the room since issue 6: each G.711 frame's magnitudes are summed right after it is
/// decoded, and `setInput(_:for:averageMagnitude:)` passes the level, so the mixer reads only the K talkers' samples. "levels
/// measured by the mixer" is the room before it, the baseline in the same run: plain `decode`, and the mixer reads
/// every caller's frame a second time to measure it.
#if canImport(Benchmark)
func registerRoomTickBenchmarks() {
    for participants in [10, 100, 1000] {
        for levelsFromDecoder in [true, false] {
            let how = levelsFromDecoder ? "G.711 levels from the decoder" : "levels measured by the mixer"
            Benchmark(
                "Room tick N=\(participants) 8 kHz K=4, \(how)",
                configuration: .init(thresholds: BenchmarkMetrics.exactAllocations)
            ) { benchmark in
                let room = RoomTickBenchmarkRoom(participants: participants, levelsFromDecoder: levelsFromDecoder)
                benchmark.startMeasurement()
                for _ in benchmark.scaledIterations { room.tick() }
                benchmark.stopMeasurement()
                room.check()
            }
        }
    }
}

#endif

/// One caller's receive side: its packet (the same 20 ms of µ-law every tick), jitter buffer and decoded frame.
final class RoomTickBenchmarkLeg {
    let slot: Int
    let payload: [UInt8]
    var jitter = JitterBuffer()
    var input = [Int16](repeating: 0, count: 160)
    var sequence: UInt16 = 0
    var timestamp: UInt32 = 0

    init(slot: Int, payload: [UInt8]) {
        self.slot = slot
        self.payload = payload
    }
}

/// N callers in one 8 kHz room: 4 talkers at speech level, the rest background noise under the talking threshold.
final class RoomTickBenchmarkRoom {
    let mixer: ConferenceMixer
    let legs: [RoomTickBenchmarkLeg]
    let levelsFromDecoder: Bool
    private var scratch = [UInt8](repeating: 0, count: 1024)
    private var sharedPayload = [UInt8](repeating: 0, count: 160)
    private var ownPayload = [UInt8](repeating: 0, count: 160)
    private var arrival: UInt64 = 1_000_000_000
    private(set) var framesDecoded = 0

    init(participants: Int, levelsFromDecoder: Bool) {
        let talkers = 4
        self.levelsFromDecoder = levelsFromDecoder
        self.mixer = ConferenceMixer(
            configuration: .init(frameSize: 160, maximumTalkers: talkers),
            slotCapacity: participants
        )
        var legs: [RoomTickBenchmarkLeg] = []
        for index in 0..<participants {
            let frame: [Int16] =
                index < talkers
                ? BenchmarkSignals.speechLike(count: 160, phase: 37 * index).map { $0 / Int16(1 + index % 3) }
                : (0..<160).map { Int16(truncatingIfNeeded: (($0 &* 7919 &+ index &* 104_729) % 161) - 80) }
            var payload = [UInt8](repeating: 0, count: 160)
            frame.withUnsafeBufferPointer { samples in
                payload.withUnsafeMutableBytes { _ = G711.encode(samples, law: .muLaw, into: $0) }
            }
            legs.append(RoomTickBenchmarkLeg(slot: self.mixer.addSlot(), payload: payload))
        }
        self.legs = legs
        // Fill the jitter buffers to their playout delay and let the talkers' detectors start talking.
        for _ in 0..<10 { self.tick() }
        self.framesDecoded = 0
    }

    @inline(__always)
    func tick() {
        let arrival = self.arrival
        let levelsFromDecoder = self.levelsFromDecoder
        let mixer = self.mixer
        self.scratch.withUnsafeMutableBytes { scratch in
            for leg in self.legs {
                // The receive handler, between two ticks: this tick's packet into the caller's jitter buffer.
                leg.payload.withUnsafeBytes { payload in
                    _ = leg.jitter.insert(
                        sequence: leg.sequence,
                        timestamp: leg.timestamp,
                        payload: payload,
                        arrival: arrival
                    )
                }
                leg.sequence &+= 1
                leg.timestamp &+= 160
                // The tick: the due frame out of the jitter buffer, decoded, into the mixer.
                guard case .frame(let count) = leg.jitter.pop(into: scratch) else { continue }
                let payload = UnsafeRawBufferPointer(rebasing: scratch[0..<min(count, scratch.count)])
                self.framesDecoded += 1
                if levelsFromDecoder {
                    let level = leg.input.withUnsafeMutableBufferPointer { samples in
                        let count = G711.decode(payload, law: .muLaw, into: samples)
                        return TalkerDetector.averageMagnitude(of: UnsafeBufferPointer(rebasing: samples[0..<count]))
                    }
                    leg.input.withUnsafeBufferPointer { mixer.setInput($0, for: leg.slot, averageMagnitude: level) }
                } else {
                    _ = leg.input.withUnsafeMutableBufferPointer { G711.decode(payload, law: .muLaw, into: $0) }
                    leg.input.withUnsafeBufferPointer { mixer.setInput($0, for: leg.slot) }
                }
            }
        }
        self.arrival &+= 20_000_000
        mixer.mix()
        // The send side without the sockets: the shared mix encoded once, each mixed talker's own output once.
        self.sharedPayload.withUnsafeMutableBytes { payload in
            mixer.withSharedOutput { _ = G711.encode($0, law: .muLaw, into: payload) }
        }
        self.ownPayload.withUnsafeMutableBytes { payload in
            for slot in mixer.mixedSlots {
                mixer.withOutput(of: slot) { _ = G711.encode($0, law: .muLaw, into: payload) }
            }
        }
        blackHole(self.sharedPayload[0])
    }

    /// The ticks did what a room needs: every caller's frame decoded, the 4 talkers mixed, and the levels came
    /// from where this benchmark says they did.
    func check() {
        precondition(self.framesDecoded > 0, "no frame decoded")
        precondition(self.mixer.mixedSlots.count == min(4, self.legs.count), "talkers not mixed")
        if self.levelsFromDecoder {
            precondition(self.mixer.measuredLevelCount == 0, "the mixer measured levels the decoder supplied")
        } else {
            precondition(self.mixer.suppliedLevelCount == 0, "levels were supplied in the baseline")
        }
    }
}
