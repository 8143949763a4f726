import NIOConcurrencyHelpers

/// The bridge-wide PIN guessing limiter, shared by rooms on every event loop.
///
/// Touched once per PIN entry (never per packet), so a lock is the simple and right tool.
public final class PINGuard: Sendable {
    private let limiter: NIOLockedValueBox<PINAttemptLimiter>

    /// Makes a guard with no history.
    public init(policy: PINAttemptLimiter.Policy = .init()) {
        self.limiter = NIOLockedValueBox(PINAttemptLimiter(policy: policy))
    }

    /// Whether `source` may try a PIN for `room` now (nanoseconds on a monotonic clock).
    public func check(source: String, room: String, now: UInt64) -> PINAttemptLimiter.Verdict {
        self.limiter.withLockedValue { $0.check(source: source, room: room, now: now) }
    }

    /// Counts a wrong PIN from `source` for `room`; may start or lengthen a lockout.
    public func recordFailure(source: String, room: String, now: UInt64) {
        self.limiter.withLockedValue { $0.recordFailure(source: source, room: room, now: now) }
    }

    /// Clears the failures of `source` after a right PIN.
    public func recordSuccess(source: String, room: String, now: UInt64) {
        self.limiter.withLockedValue { $0.recordSuccess(source: source, room: room, now: now) }
    }

    /// Failures and refusals so far, for metrics.
    public var counts: (failures: Int, refused: Int) {
        self.limiter.withLockedValue { ($0.totalFailures, $0.totalRefused) }
    }
}
