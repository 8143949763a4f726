// Also compiled without the package by Benchmarks/scripts/room-tick.sh (swiftc, with the Mixer and G.711 sources in
// one module and its own `blackHole`), hence the conditional imports.
#if canImport(Benchmark)
import Benchmark
import Mixer
import RTP
#endif

/// A room's 20 ms tick at 8, 16 or 48 kHz with N G.711 callers, all sending (as phones do), K = 4: the work
/// `ConferenceRoom.mixOneFrame` and the media legs do between the sockets, through the same public calls in the
/// same order.
///
/// Per caller: this tick's packet stored in its jitter buffer (the receive handler's part), the due frame popped,
/// decoded, raised to the room's rate (a `Resampler` per caller in a 16 or 48 kHz room, as `MediaLeg` does) and
/// handed to the mixer; then one `mix()`, the shared mix (brought down to 8 kHz first in a faster room) encoded
/// once for every listener, and each mixed talker's own mix-minus output (brought down by that caller's own
/// resampler) encoded. Socket reads and writes are left out (NIO's writes allocate a buffer per packet and are
/// measured by the macro runs, not here).
///
/// "levels from the decoder" is the room since issue 6: each G.711 frame's magnitudes are summed right after it is
/// decoded (the 8 kHz frame, before resampling), and `setInput(_:for:averageMagnitude:)` passes the level, so the
/// mixer reads only the K talkers' samples. "levels measured by the mixer" is the room before it, the baseline in
/// the same run: plain `decode`, and the mixer reads every caller's room-rate frame a second time to measure it.
#if canImport(Benchmark)
func registerRoomTickBenchmarks() {
    for rate in [8000, 16000, 48000] {
        for participants in [10, 100, 1000] {
            for levelsFromDecoder in [true, false] {
                let how = levelsFromDecoder ? "G.711 levels from the decoder" : "levels measured by the mixer"
                Benchmark(
                    "Room tick N=\(participants) \(rate / 1000) kHz K=4, \(how)",
                    configuration: .init(thresholds: BenchmarkMetrics.exactAllocations)
                ) { benchmark in
                    let room = RoomTickBenchmarkRoom(
                        participants: participants,
                        levelsFromDecoder: levelsFromDecoder,
                        rate: rate
                    )
                    benchmark.startMeasurement()
                    for _ in benchmark.scaledIterations { room.tick() }
                    benchmark.stopMeasurement()
                    room.check()
                }
            }
        }
    }
}

#endif

/// One caller's side: its packet (the same 20 ms of µ-law every tick), jitter buffer, decoded 8 kHz frame, the
/// frame at the room's rate, and in a room faster than 8 kHz its two resamplers (in, and out for its own mix).
final class RoomTickBenchmarkLeg {
    let slot: Int
    let payload: [UInt8]
    var jitter = JitterBuffer()
    var narrow = [Int16](repeating: 0, count: 160)
    var input: [Int16]
    let up: Resampler?
    let down: Resampler?
    var sequence: UInt16 = 0
    var timestamp: UInt32 = 0

    init(slot: Int, payload: [UInt8], rate: Int, resamplerQuality: Int) {
        self.slot = slot
        self.payload = payload
        self.input = [Int16](repeating: 0, count: rate / 50)
        self.up = rate == 8000 ? nil : try? Resampler(inputRate: 8000, outputRate: rate, quality: resamplerQuality)
        self.down = rate == 8000 ? nil : try? Resampler(inputRate: rate, outputRate: 8000, quality: resamplerQuality)
    }
}

/// N callers in one room at 8, 16 or 48 kHz: 4 talkers at speech level, the rest background noise under the
/// talking threshold.
final class RoomTickBenchmarkRoom {
    let mixer: ConferenceMixer
    let legs: [RoomTickBenchmarkLeg]
    let levelsFromDecoder: Bool
    let rate: Int
    private let sharedDown: Resampler?
    private var scratch = [UInt8](repeating: 0, count: 1024)
    private var sharedNarrow = [Int16](repeating: 0, count: 160)
    private var ownNarrow = [Int16](repeating: 0, count: 160)
    private var sharedPayload = [UInt8](repeating: 0, count: 160)
    private var ownPayload = [UInt8](repeating: 0, count: 160)
    private var arrival: UInt64 = 1_000_000_000
    private(set) var framesDecoded = 0

    /// - Parameter resamplerQuality: libspeexdsp's quality (0 to 10) of the callers' resamplers; 5, what
    ///   `MediaLeg` uses, unless a run compares another.
    init(participants: Int, levelsFromDecoder: Bool, rate: Int = 8000, resamplerQuality: Int = 5) {
        let talkers = 4
        self.levelsFromDecoder = levelsFromDecoder
        self.rate = rate
        self.sharedDown =
            rate == 8000 ? nil : try? Resampler(inputRate: rate, outputRate: 8000, quality: resamplerQuality)
        self.mixer = ConferenceMixer(
            configuration: .init(frameSize: rate / 50, maximumTalkers: talkers),
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
            legs.append(
                RoomTickBenchmarkLeg(
                    slot: self.mixer.addSlot(),
                    payload: payload,
                    rate: rate,
                    resamplerQuality: resamplerQuality
                )
            )
        }
        precondition(legs.indices.allSatisfy { legs[$0].slot == $0 }, "slots are not numbered from 0")
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
                let level: Int
                if let up = leg.up {
                    // A faster room: decoded at 8 kHz (and measured there), then raised to the room's rate.
                    level = leg.narrow.withUnsafeMutableBufferPointer { narrow in
                        let decoded = UnsafeBufferPointer(
                            rebasing: narrow[0..<G711.decode(payload, law: .muLaw, into: narrow)]
                        )
                        leg.input.withUnsafeMutableBufferPointer { _ = up.process(decoded, into: $0) }
                        return levelsFromDecoder ? TalkerDetector.averageMagnitude(of: decoded) : 0
                    }
                } else {
                    level = leg.input.withUnsafeMutableBufferPointer { samples in
                        let count = G711.decode(payload, law: .muLaw, into: samples)
                        guard levelsFromDecoder else { return 0 }
                        return TalkerDetector.averageMagnitude(of: UnsafeBufferPointer(rebasing: samples[0..<count]))
                    }
                }
                if levelsFromDecoder {
                    leg.input.withUnsafeBufferPointer { mixer.setInput($0, for: leg.slot, averageMagnitude: level) }
                } else {
                    leg.input.withUnsafeBufferPointer { mixer.setInput($0, for: leg.slot) }
                }
            }
        }
        self.arrival &+= 20_000_000
        mixer.mix()
        // The send side without the sockets: the shared mix encoded once, each mixed talker's own output once; in a
        // room faster than 8 kHz each is brought down to the G.711 rate first.
        let sharedDown = self.sharedDown
        self.sharedNarrow.withUnsafeMutableBufferPointer { narrow in
            mixer.withSharedOutput { shared in
                let frame =
                    sharedDown.map { down in
                        UnsafeBufferPointer(rebasing: narrow[0..<down.process(shared, into: narrow).produced])
                    } ?? shared
                self.sharedPayload.withUnsafeMutableBytes { _ = G711.encode(frame, law: .muLaw, into: $0) }
            }
        }
        self.ownNarrow.withUnsafeMutableBufferPointer { narrow in
            for slot in mixer.mixedSlots {
                let down = self.legs[slot].down
                mixer.withOutput(of: slot) { own in
                    let frame =
                        down.map { down in
                            UnsafeBufferPointer(rebasing: narrow[0..<down.process(own, into: narrow).produced])
                        } ?? own
                    self.ownPayload.withUnsafeMutableBytes { _ = G711.encode(frame, law: .muLaw, into: $0) }
                }
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
