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
/// "only the mixed resampled" (16 and 48 kHz) is the room since the second part of issue 6: every caller's 8 kHz
/// frame is kept and only its level goes to the mixer (`announceInput(of:averageMagnitude:)`); after
/// `selectTalkers()` the K selected frames alone are raised to the room's rate (`withSelectedInput(of:_:)`), each
/// by its caller's resampler, restarted and primed with the caller's previous 8 kHz frame when it skipped frames
/// (as `MediaLeg.raiseNarrowFrame(into:)` does).
#if canImport(Benchmark)
func registerRoomTickBenchmarks() {
    for rate in [8000, 16000, 48000] {
        for participants in [10, 100, 1000] {
            for path in RoomTickPath.allCases where rate != 8000 || path != .mixedCallersResampled {
                Benchmark(
                    "Room tick N=\(participants) \(rate / 1000) kHz K=4, \(path.name)",
                    configuration: .init(thresholds: BenchmarkMetrics.exactAllocations)
                ) { benchmark in
                    let room = RoomTickBenchmarkRoom(participants: participants, path: path, rate: rate)
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

/// How a room tick hands its callers' frames to the mixer.
enum RoomTickPath: CaseIterable {
    /// Before issue 6: every frame at the room's rate, measured again by the mixer.
    case levelsMeasuredByMixer
    /// Levels from the G.711 decoder, every frame raised to the room's rate (the room until the selection).
    case everyCallerResampled
    /// Levels from the decoder, talkers selected on them, only the selected frames raised to the room's rate.
    case mixedCallersResampled

    /// The benchmark's name for it.
    var name: String {
        switch self {
        case .levelsMeasuredByMixer: "levels measured by the mixer"
        case .everyCallerResampled: "G.711 levels from the decoder"
        case .mixedCallersResampled: "G.711 levels from the decoder, only the mixed resampled"
        }
    }
}

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
    /// The "only the mixed resampled" path: this tick's and the last tick's 8 kHz frames (halves of one buffer),
    /// and which ticks they and the resampler's last input came from (−1: none), as `MediaLeg` keeps them.
    var narrowFrames = [Int16](repeating: 0, count: 320)
    var current = 0
    var reads = 0
    var currentRead = -1
    var previousRead = -1
    var raisedRead = -1
    var raised = 0

    init(slot: Int, payload: [UInt8], rate: Int, resamplerQuality: Int) {
        self.slot = slot
        self.payload = payload
        self.input = [Int16](repeating: 0, count: rate / 50)
        self.up = rate == 8000 ? nil : try? Resampler(inputRate: 8000, outputRate: rate, quality: resamplerQuality)
        self.down = rate == 8000 ? nil : try? Resampler(inputRate: rate, outputRate: 8000, quality: resamplerQuality)
    }

    /// Raises this tick's 8 kHz frame into `output`, restarting the resampler primed with the frame before when
    /// it did not convert that one (`MediaLeg.raiseNarrowFrame(into:)`).
    @inline(__always)
    func raise(into output: UnsafeMutableBufferPointer<Int16>) {
        guard let up = self.up, self.currentRead >= 0 else { return }
        let current = self.current * 160
        let previous = (self.current ^ 1) * 160
        self.narrowFrames.withUnsafeBufferPointer { frames in
            if self.raisedRead != self.currentRead - 1 {
                up.reset()
                if self.previousRead == self.currentRead - 1 {
                    up.process(UnsafeBufferPointer(rebasing: frames[previous..<(previous + 160)]), into: output)
                }
            }
            let produced = up.process(UnsafeBufferPointer(rebasing: frames[current..<(current + 160)]), into: output)
                .produced
            for index in produced..<output.count { output[index] = 0 }
        }
        self.raisedRead = self.currentRead
        self.raised += 1
    }
}

/// N callers in one room at 8, 16 or 48 kHz: 4 talkers at speech level, the rest background noise under the
/// talking threshold.
final class RoomTickBenchmarkRoom {
    let mixer: ConferenceMixer
    let legs: [RoomTickBenchmarkLeg]
    let path: RoomTickPath
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
    init(participants: Int, path: RoomTickPath, rate: Int = 8000, resamplerQuality: Int = 5) {
        let talkers = 4
        self.path = path
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
        if self.path == .mixedCallersResampled && self.rate != 8000 {
            self.tickResamplingMixedOnly()
        } else {
            self.tickResamplingEveryCaller()
        }
        self.send()
    }

    /// Every caller's frame at the room's rate into the mixer, then `mix()`.
    @inline(__always)
    private func tickResamplingEveryCaller() {
        let arrival = self.arrival
        let levelsFromDecoder = self.path != .levelsMeasuredByMixer
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
    }

    /// Every caller's level from its 8 kHz frame into the mixer, the talkers selected, only their frames raised
    /// to the room's rate, then `mix()`.
    @inline(__always)
    private func tickResamplingMixedOnly() {
        let arrival = self.arrival
        let mixer = self.mixer
        self.scratch.withUnsafeMutableBytes { scratch in
            for leg in self.legs {
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
                leg.reads += 1
                leg.previousRead = leg.currentRead
                leg.currentRead = -1
                leg.current ^= 1
                guard case .frame(let count) = leg.jitter.pop(into: scratch) else { continue }
                let payload = UnsafeRawBufferPointer(rebasing: scratch[0..<min(count, scratch.count)])
                self.framesDecoded += 1
                let start = leg.current * 160
                let level = leg.narrowFrames.withUnsafeMutableBufferPointer { frames in
                    let narrow = UnsafeMutableBufferPointer(rebasing: frames[start..<(start + 160)])
                    let decoded = UnsafeBufferPointer(
                        rebasing: narrow[0..<G711.decode(payload, law: .muLaw, into: narrow)]
                    )
                    return TalkerDetector.averageMagnitude(of: decoded)
                }
                leg.currentRead = leg.reads
                mixer.announceInput(of: leg.slot, averageMagnitude: level)
            }
        }
        self.arrival &+= 20_000_000
        mixer.selectTalkers()
        for slot in mixer.mixedSlots {
            let leg = self.legs[slot]
            mixer.withSelectedInput(of: slot) { leg.raise(into: $0) }
        }
        mixer.mix()
    }

    /// The send side of a tick.
    @inline(__always)
    private func send() {
        let mixer = self.mixer
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
        if self.path != .levelsMeasuredByMixer {
            precondition(self.mixer.measuredLevelCount == 0, "the mixer measured levels the decoder supplied")
        } else {
            precondition(self.mixer.suppliedLevelCount == 0, "levels were supplied in the baseline")
        }
        if self.path == .mixedCallersResampled && self.rate != 8000 {
            let raised = self.legs.reduce(0) { $0 + $1.raised }
            let talkers = self.legs.prefix(4).reduce(0) { $0 + $1.raised }
            precondition(raised > 0 && raised == talkers, "a caller other than the 4 talkers was resampled")
        }
    }

    /// Frames raised to the room's rate over the room's life, on the "only the mixed resampled" path.
    var framesRaised: Int { self.legs.reduce(0) { $0 + $1.raised } }
}
