/// A fixed-ring adaptive jitter buffer for one RTP stream of fixed-duration frames (e.g. 20 ms of G.711).
///
/// A value type driven by events: the media session calls ``insert(sequence:timestamp:payload:arrival:)`` for each
/// packet and the room's tick calls ``pop(into:)`` once per frame interval. Nothing inside reads a clock;
/// arrival times come in as monotonic nanoseconds.
///
/// - Storage: `capacity` slots (a power of two, default 64) of `maximumPayloadBytes` each, allocated once in
///   `init`. A packet's slot is `sequence mod capacity`; payloads are copied in on insert and out on pop, so the
///   per-packet path allocates nothing.
/// - Order: frames play in sequence-number order (RFC 3550 §5.1, wrapping). A packet older than the next frame
///   to play is late and dropped; one already held is a duplicate and dropped. One more than `capacity` frames
///   ahead (or further behind) means the sender restarted or skipped: the buffer resynchronises on it.
/// - Delay: playout starts once the span from the next frame to the newest received covers the target delay.
///   The target starts at `initialDelayMilliseconds` (40 ms) and, after a warm-up, follows the interarrival
///   jitter J of RFC 3550 §6.4.1 / Appendix A.8 as `frame + m·J` (m = `jitterMultiplier`, default 2.5),
///   rounded up to whole frames and clamped to
///   [`minimumDelayMilliseconds`, `maximumDelayMilliseconds`] (20–200 ms). It grows at once and shrinks only after
///   `shrinkHoldPackets` packets of lower jitter.
/// - Growth: when the next frame is missing and nothing newer has arrived, that is an underrun: ``pop(into:)`` returns
///   `.empty` and playout waits to refill to the target (so a slow sender clock adds delay only until the buffer is
///   refilled, by one frame at a time). When it restarts, frames still missing at the head were lost during the wait
///   (its `.empty` ticks filled their time) and are skipped down to the target rather than concealed again.
/// - Shrink: the buffer level seen at each pop is smoothed (exponential average over ~32 ticks). When the
///   average exceeds the target by more than a frame (a fast sender clock), or the present level exceeds it by
///   more than three (a burst after a network stall), the pop discards the oldest frame: at most one per tick,
///   so drift never grows the delay without bound. Dropping whole frames is audible; time-scale merging (WSOLA)
///   is a later improvement.
public struct JitterBuffer: Sendable {
    /// What ``pop(into:)`` produced for this tick.
    public enum PopResult: Hashable, Sendable {
        /// A frame was copied out; the associated value is its byte count.
        case frame(Int)
        /// The frame due now was lost or is late while later ones are buffered: the caller conceals it (PLC).
        case conceal
        /// Nothing to play: not started, refilling to the target, or underrun. The caller plays silence or PLC.
        case empty
    }

    /// What ``insert(sequence:timestamp:payload:arrival:)`` did with a packet.
    public enum InsertResult: Hashable, Sendable {
        /// Stored for playout.
        case accepted
        /// Stored after discarding everything held: the sequence jumped by more than the capacity.
        case resynchronised
        /// Dropped: a packet with this sequence number is already held.
        case duplicate
        /// Dropped: its frame's playout time has passed.
        case late
        /// Dropped: larger than a slot.
        case oversized
    }

    /// Fixed parameters.
    public struct Configuration: Hashable, Sendable {
        /// Number of slots; a power of two no larger than 32768.
        public var capacity: Int
        /// Slot size: the largest payload accepted (160 for 20 ms of G.711).
        public var maximumPayloadBytes: Int
        /// Duration of one frame (the ptime).
        public var frameMilliseconds: Int
        /// RTP clock rate of the stream's timestamps.
        public var clockRate: Int
        /// Target delay before any jitter has been measured.
        public var initialDelayMilliseconds: Int
        /// Lower bound of the adaptive target.
        public var minimumDelayMilliseconds: Int
        /// Upper bound of the adaptive target.
        public var maximumDelayMilliseconds: Int
        /// Packets measured before the target follows the jitter estimate.
        public var warmUpPackets: Int
        /// Consecutive packets calling for a lower target before it is lowered by one frame.
        public var shrinkHoldPackets: Int
        /// Jitter multiples added to one frame to make the target delay.
        public var jitterMultiplier: Double

        /// Makes a configuration; the defaults suit 20 ms narrowband frames.
        public init(
            capacity: Int = 64,
            maximumPayloadBytes: Int = 160,
            frameMilliseconds: Int = 20,
            clockRate: Int = 8000,
            initialDelayMilliseconds: Int = 40,
            minimumDelayMilliseconds: Int = 20,
            maximumDelayMilliseconds: Int = 200,
            warmUpPackets: Int = 50,
            shrinkHoldPackets: Int = 250,
            jitterMultiplier: Double = 2.5
        ) {
            self.capacity = capacity
            self.maximumPayloadBytes = maximumPayloadBytes
            self.frameMilliseconds = frameMilliseconds
            self.clockRate = clockRate
            self.initialDelayMilliseconds = initialDelayMilliseconds
            self.minimumDelayMilliseconds = minimumDelayMilliseconds
            self.maximumDelayMilliseconds = maximumDelayMilliseconds
            self.warmUpPackets = warmUpPackets
            self.shrinkHoldPackets = shrinkHoldPackets
            self.jitterMultiplier = jitterMultiplier
        }
    }

    /// Counters for metrics and tests.
    public struct Statistics: Hashable, Sendable {
        /// Packets stored.
        public var accepted = 0
        /// Packets dropped as duplicates.
        public var duplicates = 0
        /// Packets dropped as late.
        public var late = 0
        /// Packets dropped as larger than a slot.
        public var oversized = 0
        /// Times the buffer discarded its contents on a sequence jump.
        public var resynchronisations = 0
        /// Frames played.
        public var played = 0
        /// Frames reported lost (`.conceal`).
        public var concealed = 0
        /// Times playout ran dry and restarted filling.
        public var underruns = 0
        /// Frames discarded to shrink the delay.
        public var dropped = 0
        /// Lost frames skipped when playout restarted after an underrun (their time was already filled).
        public var skipped = 0

        /// All counts at zero.
        public init() {}
    }

    /// The fixed parameters.
    public let configuration: Configuration
    /// Counters since creation.
    public private(set) var statistics = Statistics()
    /// The current target delay, in frames.
    public private(set) var targetFrames: Int

    private var storage: [UInt8]
    private var lengths: [Int]
    private var sequences: [UInt16]

    /// Next sequence number to play; `nil` before the first packet.
    private var next: SequenceNumber?
    /// Newest sequence number received.
    private var newest = SequenceNumber(0)
    /// Whether playout has started (false while filling to the target).
    private var playing = false
    /// Smoothed buffer level at pop time, in frames.
    private var averageLevel: Double = 0
    /// Whether any frame has been played since the first packet or the last resynchronisation.
    private var hasPlayed = false

    /// RFC 3550 A.8 estimator state: jitter in timestamp units, previous transit time.
    private var jitter: Double = 0
    private var previousTransit: UInt32?
    private var measuredPackets = 0
    private var packetsWantingLowerTarget = 0

    /// Creates an empty buffer, allocating all its slot storage.
    public init(configuration: Configuration = Configuration()) {
        precondition(
            configuration.capacity > 1 && configuration.capacity <= 32768
                && configuration.capacity & (configuration.capacity - 1) == 0,
            "capacity must be a power of two in 2...32768"
        )
        precondition(configuration.maximumPayloadBytes > 0 && configuration.frameMilliseconds > 0)
        precondition(configuration.clockRate > 0)
        self.configuration = configuration
        self.storage = Array(repeating: 0, count: configuration.capacity * configuration.maximumPayloadBytes)
        self.lengths = Array(repeating: -1, count: configuration.capacity)
        self.sequences = Array(repeating: 0, count: configuration.capacity)
        self.targetFrames = 0
        self.targetFrames = self.clampFrames(
            (configuration.initialDelayMilliseconds + configuration.frameMilliseconds - 1)
                / configuration.frameMilliseconds
        )
    }

    // MARK: Observations

    /// Interarrival jitter J of RFC 3550 §6.4.1, in milliseconds.
    public var jitterMilliseconds: Double { self.jitter * 1000 / Double(self.configuration.clockRate) }

    /// The interarrival jitter in timestamp units, as an RTCP receiver report carries it (RFC 3550 §6.4.1).
    public var interarrivalJitter: UInt32 { UInt32(clamping: Int(self.jitter.rounded(.down))) }

    /// The current target delay.
    public var targetDelayMilliseconds: Int { self.targetFrames * self.configuration.frameMilliseconds }

    /// Frames from the next to play up to the newest received, held or missing: the buffer's present delay.
    public var bufferedFrames: Int {
        guard let next else { return 0 }
        return max(0, next.distance(to: self.newest) + 1)
    }

    /// Whether playout has started (false while filling up to the target).
    public var isPlaying: Bool { self.playing }

    // MARK: Events

    /// Stores a received packet's payload for playout.
    ///
    /// - Parameters:
    ///   - sequence: the RTP sequence number.
    ///   - timestamp: the RTP timestamp, used for the jitter estimate.
    ///   - payload: the payload bytes; copied into the slot.
    ///   - arrival: the receive time in monotonic nanoseconds.
    /// - Returns: what was done with the packet.
    @discardableResult
    public mutating func insert(
        sequence: UInt16,
        timestamp: UInt32,
        payload: UnsafeRawBufferPointer,
        arrival: UInt64
    ) -> InsertResult {
        guard payload.count <= self.configuration.maximumPayloadBytes else {
            self.statistics.oversized += 1
            return .oversized
        }
        let capacity = self.configuration.capacity
        let sequenceNumber = SequenceNumber(sequence)
        var result = InsertResult.accepted

        if let next {
            var distance = next.distance(to: sequenceNumber)
            if distance < 0 && !self.hasPlayed && sequenceNumber.distance(to: self.newest) < capacity {
                // Still filling at the start: an earlier packet arrived after a later one. Nothing has played
                // yet, so playout can begin earlier. (Once a frame has played, an earlier packet is late.)
                self.next = sequenceNumber
                distance = 0
            }
            if distance < 0 && distance >= -capacity {
                self.statistics.late += 1
                return .late
            }
            if distance < 0 || distance >= capacity {
                self.resynchronise(at: sequenceNumber)
                result = .resynchronised
            }
        } else {
            self.next = sequenceNumber
            self.newest = sequenceNumber
        }

        let slot = Int(sequence) & (capacity - 1)
        if self.lengths[slot] >= 0 && self.sequences[slot] == sequence {
            self.statistics.duplicates += 1
            return .duplicate
        }
        let slotSize = self.configuration.maximumPayloadBytes
        self.storage.withUnsafeMutableBytes { storage in
            let destination = UnsafeMutableRawBufferPointer(
                rebasing: storage[(slot * slotSize)..<(slot * slotSize + payload.count)]
            )
            destination.copyMemory(from: payload)
        }
        self.lengths[slot] = payload.count
        self.sequences[slot] = sequence
        if sequenceNumber.isNewer(than: self.newest) { self.newest = sequenceNumber }
        self.statistics.accepted += 1

        self.measureJitter(timestamp: timestamp, arrival: arrival)
        return result
    }

    /// Takes the frame due at this tick.
    ///
    /// - Parameter output: receives the payload bytes; a payload longer than `output` is truncated.
    /// - Returns: `.frame(byteCount)`, `.conceal` when the due frame is missing but later ones are held, or
    ///   `.empty` when nothing is due (filling, or underrun).
    public mutating func pop(into output: UnsafeMutableRawBufferPointer) -> PopResult {
        guard var next = self.next else { return .empty }
        let capacity = self.configuration.capacity
        if !self.playing {
            guard self.bufferedFrames >= self.targetFrames else { return .empty }
            // Frames missing at the head when playout restarts were lost during the underrun, whose `.empty`
            // ticks already filled their time: skip them (down to the target) instead of concealing them again,
            // which would add their duration to the delay and later cost good frames to shrink it.
            while self.bufferedFrames > self.targetFrames {
                let slot = Int(next.rawValue) & (capacity - 1)
                guard self.lengths[slot] < 0 || self.sequences[slot] != next.rawValue else { break }
                next = next.advanced(by: 1)
                self.next = next
                self.statistics.skipped += 1
            }
            self.playing = true
            self.hasPlayed = true
            self.averageLevel = Double(self.bufferedFrames)
        }
        // Shrink: a level persistently above target (fast sender clock) or far above it (burst after a stall).
        let level = self.bufferedFrames
        self.averageLevel += (Double(level) - self.averageLevel) / 32
        let persistentlyHigh = self.averageLevel > Double(self.targetFrames + 1) && level > self.targetFrames
        if persistentlyHigh || level > self.targetFrames + 3 {
            self.averageLevel -= 1
            let slot = Int(next.rawValue) & (capacity - 1)
            if self.lengths[slot] >= 0 { self.statistics.dropped += 1 }
            self.lengths[slot] = -1
            next = next.advanced(by: 1)
            self.next = next
        }
        let slot = Int(next.rawValue) & (capacity - 1)
        if let count = self.copyHeldFrame(next, into: output) {
            self.lengths[slot] = -1
            self.next = next.advanced(by: 1)
            self.statistics.played += 1
            return .frame(count)
        }
        if next.distance(to: self.newest) >= 0 {
            // A later frame is held: this one is lost or too late.
            self.lengths[slot] = -1
            self.next = next.advanced(by: 1)
            self.statistics.concealed += 1
            return .conceal
        }
        // Nothing at or after the due frame: underrun. Refill to the target before playing again.
        self.playing = false
        self.statistics.underruns += 1
        return .empty
    }

    /// Copies the payload of the frame due next without taking it, if it is held.
    ///
    /// After ``pop(into:)`` returned `.conceal` for frame n, the frame due next is n + 1: a codec with in-band
    /// forward error correction (Opus, RFC 7587 §3.4) rebuilds n from what n + 1 carries, and n + 1 still plays
    /// at the next pop.
    ///
    /// - Parameter output: receives the payload bytes; a payload longer than `output` is truncated.
    /// - Returns: the byte count copied, or nil when the next frame is not held (lost too, or not yet arrived).
    public func peekNext(into output: UnsafeMutableRawBufferPointer) -> Int? {
        guard let next = self.next else { return nil }
        return self.copyHeldFrame(next, into: output)
    }

    /// Copies frame `sequence`'s payload into `output` (truncated to fit) when its slot holds that frame, without
    /// taking it; the byte count, or nil. Shared by ``pop(into:)`` and ``peekNext(into:)``.
    private func copyHeldFrame(_ sequence: SequenceNumber, into output: UnsafeMutableRawBufferPointer) -> Int? {
        let slot = Int(sequence.rawValue) & (self.configuration.capacity - 1)
        let length = self.lengths[slot]
        guard length >= 0, self.sequences[slot] == sequence.rawValue else { return nil }
        let count = min(length, output.count)
        let slotSize = self.configuration.maximumPayloadBytes
        self.storage.withUnsafeBytes { storage in
            output.copyMemory(
                from: UnsafeRawBufferPointer(rebasing: storage[(slot * slotSize)..<(slot * slotSize + count)])
            )
        }
        return count
    }

    /// Forgets all frames and the stream position (for a new SSRC); keeps the jitter estimate and statistics.
    public mutating func reset() {
        self.clearSlots()
        self.next = nil
        self.playing = false
        self.hasPlayed = false
        self.previousTransit = nil
    }

    // MARK: Internals

    private mutating func resynchronise(at sequence: SequenceNumber) {
        self.clearSlots()
        self.next = sequence
        self.newest = sequence
        self.playing = false
        self.hasPlayed = false
        self.previousTransit = nil
        self.statistics.resynchronisations += 1
    }

    private mutating func clearSlots() {
        self.lengths.withUnsafeMutableBufferPointer { $0.update(repeating: -1) }
    }

    /// RFC 3550 Appendix A.8: `D = (Rj − Ri) − (Sj − Si)`, `J += (|D| − J) / 16`, all in timestamp units.
    private mutating func measureJitter(timestamp: UInt32, arrival: UInt64) {
        let rate = UInt64(self.configuration.clockRate)
        let seconds = arrival / 1_000_000_000
        let fraction = arrival % 1_000_000_000
        let arrivalUnits = seconds &* rate &+ fraction * rate / 1_000_000_000
        let transit = UInt32(truncatingIfNeeded: arrivalUnits) &- timestamp
        if let previous = self.previousTransit {
            let difference = Double(Int32(bitPattern: transit &- previous).magnitude)
            self.jitter += (difference - self.jitter) / 16
            self.measuredPackets += 1
            self.adaptTarget()
        }
        self.previousTransit = transit
    }

    /// Target = frame + m·J, in whole frames within the configured bounds; up at once, down slowly.
    private mutating func adaptTarget() {
        guard self.measuredPackets >= self.configuration.warmUpPackets else { return }
        let frame = Double(self.configuration.frameMilliseconds)
        let delay = frame + self.configuration.jitterMultiplier * self.jitterMilliseconds
        let wanted = self.clampFrames(Int((delay / frame).rounded(.up)))
        if wanted > self.targetFrames {
            self.targetFrames = wanted
            self.packetsWantingLowerTarget = 0
        } else if wanted < self.targetFrames {
            self.packetsWantingLowerTarget += 1
            if self.packetsWantingLowerTarget >= self.configuration.shrinkHoldPackets {
                self.targetFrames -= 1
                self.packetsWantingLowerTarget = 0
            }
        } else {
            self.packetsWantingLowerTarget = 0
        }
    }

    private func clampFrames(_ frames: Int) -> Int {
        let frame = self.configuration.frameMilliseconds
        let low = max(1, (self.configuration.minimumDelayMilliseconds + frame - 1) / frame)
        let high = max(low, self.configuration.maximumDelayMilliseconds / frame)
        return min(max(frames, low), high)
    }
}
