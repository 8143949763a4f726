public import NIOCore

/// Wall-clock time for RTCP, read from the monotonic clock after one anchor (RFC 3550 §4, §6.4.1).
///
/// Sender reports carry NTP time, and round-trip times subtract one of our NTP times from another. Reading
/// the system clock for each would let an NTP step or slew show up as a round-trip time; anchoring once and
/// adding monotonic time keeps every value of one leg consistent, which is all the receiver needs (the RFC asks
/// for a clock that advances steadily, not for one that is exactly right).
public struct NTPClock: Hashable, Sendable {
    /// Seconds from 1 January 1900 (NTP's epoch) to 1 January 1970 (Unix time).
    public static let unixEpochOffset: UInt64 = 2_208_988_800

    private let anchorNanoseconds: UInt64
    private let anchorUptime: UInt64

    /// Anchors the clock: `unixNanoseconds` of wall time correspond to the monotonic instant `now`.
    public init(unixNanoseconds: UInt64, now: NIODeadline) {
        self.anchorNanoseconds = unixNanoseconds &+ Self.unixEpochOffset &* 1_000_000_000
        self.anchorUptime = now.uptimeNanoseconds
    }

    /// The NTP timestamp of the monotonic instant `deadline`.
    public func timestamp(at deadline: NIODeadline) -> NTPTimestamp {
        let elapsed = Int64(bitPattern: deadline.uptimeNanoseconds &- self.anchorUptime)
        let total = UInt64(bitPattern: Int64(bitPattern: self.anchorNanoseconds) &+ elapsed)
        let seconds = total / 1_000_000_000
        let nanoseconds = total % 1_000_000_000
        // 2^32 fractions per second: nanoseconds · 2^32 / 10^9 fits in 64 bits (< 2^62).
        let fraction = (nanoseconds << 32) / 1_000_000_000
        return NTPTimestamp(
            seconds: UInt32(truncatingIfNeeded: seconds),
            fraction: UInt32(truncatingIfNeeded: fraction)
        )
    }
}
