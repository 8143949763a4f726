import Logging
import NIOCore
import SIPCore

/// Draining for a restart, and counts of how calls ended up, for an operator's tools.
extension ConferenceBridge {
    /// Stops taking new calls, keeping the ones in progress: from now on a new INVITE is answered
    /// `503 Service Unavailable` with `Retry-After: retryAfterSeconds`, so a proxy or phone tries another server
    /// or comes back later. Re-INVITEs, BYEs and the rest of calls in progress are handled as usual.
    /// The caller decides how long to wait (see ``openCallCount()``) before ``shutdown()``.
    public func drain(retryAfterSeconds: Int) -> EventLoopFuture<Void> {
        self.sipLoop.submit {
            self.drainRetryAfter = max(0, retryAfterSeconds)
            self.logger.notice("draining: new calls get 503", metadata: ["calls": "\(self.calls.count)"])
        }
    }

    /// Whether ``drain(retryAfterSeconds:)`` was called.
    public func isDraining() async throws -> Bool {
        try await self.sipLoop.submit { self.drainRetryAfter != nil }.get()
    }

    /// Calls that have not ended: answered ones and ones still being set up.
    public func openCallCount() async throws -> Int {
        try await self.sipLoop.submit { self.calls.count }.get()
    }

    /// How many new calls (INVITEs outside a dialog) got each final status so far; 200 means answered.
    public func inviteResultCounts() async throws -> [Int: Int] {
        try await self.sipLoop.submit { self.inviteResults }.get()
    }

    /// What flood and overload protection did since start (blocked sources, dropped messages, 503s), and how
    /// many sources it tracks now: for an operator's metrics, so an attack shows without reading logs.
    public func overloadCounts() async throws -> (statistics: OverloadControl.Statistics, trackedSources: Int) {
        try await self.sipLoop.submit {
            (self.userAgent.overload.statistics, self.userAgent.overload.trackedSources)
        }.get()
    }

    /// Counts one new call's final status; runs on the SIP loop, once per call.
    func countInvite(status: Int) {
        self.inviteResults[status, default: 0] += 1
    }
}
