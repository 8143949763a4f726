/// Limits PIN guessing across calls: per source address and per room, with a lockout that grows.
///
/// A caller gets three tries per call (``CallerFlow``); this value adds what one call cannot see. A source
/// that keeps failing is locked out for `baseLockout`, doubling with every further lockout up to `maxLockout`,
/// so a scripted guesser covers a vanishing part of a 6-digit space. A room that fails too often from many
/// sources refuses PIN entry from every source that has failed in it before, while a source with no failures
/// (a legitimate caller) still gets in: guessing never locks the rightful users out.
///
/// Plain value: time comes in as `now` (nanoseconds on a monotonic clock), so tests run in virtual time.
public struct PINAttemptLimiter: Sendable {
    /// The thresholds of the limiter; the defaults lock a guesser out after six failures.
    public struct Policy: Sendable {
        /// Failures from one source within `window` before it is locked out.
        public var failuresPerSource = 6
        /// Failures in one room within `window` (all sources) before the room refuses sources with failures.
        public var failuresPerRoom = 30
        /// How far back failures count.
        public var window: Duration = .seconds(600)
        /// The first lockout of a source; each further one doubles it.
        public var baseLockout: Duration = .seconds(60)
        /// The longest lockout.
        public var maxLockout: Duration = .seconds(3600)
        /// How many sources and rooms are tracked at once; the oldest are forgotten first.
        public var capacity = 10_000
        /// The defaults.
        public init() {}
    }

    /// The answer for one attempt.
    public enum Verdict: Sendable, Equatable {
        /// Go ahead and compare the PIN.
        case allowed
        /// Refuse without comparing; the source is locked out until `until` (nanoseconds).
        case lockedOut(until: UInt64)
    }

    struct SourceRecord: Sendable {
        var failures: [UInt64] = []
        var lockouts = 0
        var lockedUntil: UInt64 = 0
        var lastSeen: UInt64 = 0
    }

    struct RoomRecord: Sendable {
        var failures: [UInt64] = []
        var failedSources: Set<String> = []
        var lastSeen: UInt64 = 0
    }

    /// The thresholds in force.
    public let policy: Policy
    private var sources: [String: SourceRecord] = [:]
    private var rooms: [String: RoomRecord] = [:]
    /// Total failures seen, for metrics.
    public private(set) var totalFailures = 0
    /// Attempts refused because of a lockout, for metrics.
    public private(set) var totalRefused = 0

    /// Makes an empty limiter.
    public init(policy: Policy = Policy()) { self.policy = policy }

    private var windowNanoseconds: UInt64 { Self.nanoseconds(self.policy.window) }

    static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        return UInt64(max(0, seconds)) &* 1_000_000_000 &+ UInt64(max(0, attoseconds / 1_000_000_000))
    }

    /// Whether `source` may try a PIN for `room` now.
    public mutating func check(source: String, room: String, now: UInt64) -> Verdict {
        if let record = self.sources[source], record.lockedUntil > now {
            self.totalRefused += 1
            return .lockedOut(until: record.lockedUntil)
        }
        if var record = self.rooms[room] {
            record.failures.removeAll { now &- $0 > self.windowNanoseconds }
            self.rooms[room] = record
            if record.failures.count >= self.policy.failuresPerRoom, record.failedSources.contains(source) {
                self.totalRefused += 1
                return .lockedOut(until: (record.failures.first ?? now) &+ self.windowNanoseconds)
            }
        }
        return .allowed
    }

    /// Records a wrong PIN from `source` for `room`.
    public mutating func recordFailure(source: String, room: String, now: UInt64) {
        self.totalFailures += 1
        var record = self.sources[source] ?? SourceRecord()
        record.failures.removeAll { now &- $0 > self.windowNanoseconds }
        record.failures.append(now)
        record.lastSeen = now
        if record.failures.count >= self.policy.failuresPerSource {
            let base = Self.nanoseconds(self.policy.baseLockout)
            let cap = Self.nanoseconds(self.policy.maxLockout)
            let lockout = min(cap, base << UInt64(min(record.lockouts, 20)))
            record.lockedUntil = now &+ lockout
            record.lockouts += 1
            record.failures.removeAll()
        }
        self.sources[source] = record
        var roomRecord = self.rooms[room] ?? RoomRecord()
        roomRecord.failures.removeAll { now &- $0 > self.windowNanoseconds }
        roomRecord.failures.append(now)
        if roomRecord.failedSources.count < self.policy.capacity { roomRecord.failedSources.insert(source) }
        roomRecord.lastSeen = now
        self.rooms[room] = roomRecord
        self.trim()
    }

    /// A right PIN clears the source's recent failures (not its lockout history).
    public mutating func recordSuccess(source: String, room: String, now: UInt64) {
        self.sources[source]?.failures.removeAll()
    }

    private mutating func trim() {
        guard self.sources.count > self.policy.capacity else { return }
        let oldest = self.sources.sorted { $0.value.lastSeen < $1.value.lastSeen }.prefix(self.sources.count / 10)
        for (key, _) in oldest { self.sources[key] = nil }
        if self.rooms.count > self.policy.capacity {
            let oldRooms = self.rooms.sorted { $0.value.lastSeen < $1.value.lastSeen }.prefix(self.rooms.count / 10)
            for (key, _) in oldRooms { self.rooms[key] = nil }
        }
    }
}
