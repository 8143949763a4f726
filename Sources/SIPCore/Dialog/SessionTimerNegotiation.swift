/// The UAS's side of negotiating a session timer from an INVITE, re-INVITE or UPDATE (RFC 4028 §9).
///
/// - A Session-Expires below our minimum is refused with 422 and our Min-SE (§9; RFC 4028 forbids a minimum
///   below 90 s on the wire, but a test may configure less).
/// - A Session-Expires we accept is echoed in the 2xx with a refresher: the one the request named; else the
///   caller (`uac`) when it supports `timer`, so the refreshes are its; else ourselves (`uas`).
/// - A caller that supports `timer` but sent no Session-Expires gets ours, with itself as refresher.
/// - The 2xx carries `Require: timer` whenever the caller supports it (§9).
public struct SessionTimerNegotiation: Sendable, Hashable {
    /// What the UAS supports.
    public struct Policy: Sendable, Hashable {
        /// Whether session timers are used at all.
        public var enabled: Bool
        /// Our Min-SE in seconds: the shortest interval we accept. RFC 4028 §5 requires at least 90.
        public var minimumSeconds: UInt32
        /// The interval we propose when the caller proposes none.
        public var preferredSeconds: UInt32

        /// Makes a policy; `minimumSeconds` is at least 1 and `preferredSeconds` at least the minimum.
        public init(enabled: Bool = true, minimumSeconds: UInt32 = 90, preferredSeconds: UInt32 = 1800) {
            self.enabled = enabled
            self.minimumSeconds = max(1, minimumSeconds)
            self.preferredSeconds = max(self.minimumSeconds, preferredSeconds)
        }
    }

    /// The outcome for one request.
    public enum Decision: Hashable, Sendable {
        /// No session timer for this dialog (not wanted, or the caller cannot do its part and proposed none).
        case none
        /// Answer 422 Session Interval Too Small with `Min-SE: minimumSeconds`.
        case reject(minimumSeconds: UInt32)
        /// Use a session timer: put `header` (with its refresher) in the 2xx, and `Require: timer` when
        /// `requireTimer`.
        case accept(header: SessionExpiresHeader, requireTimer: Bool)
    }

    /// Decides how to answer `request` under `policy`.
    public static func decide(for request: SIPRequest, policy: Policy) -> Decision {
        guard policy.enabled else { return .none }
        let headers = request.headers
        let callerSupports =
            SIPOptionTag.lists(SIPOptionTag.timer, in: .supported, of: headers)
            || SIPOptionTag.lists(SIPOptionTag.timer, in: .require, of: headers)
        guard let requested = headers.sessionExpires else {
            guard callerSupports else { return .none }
            let seconds = max(policy.preferredSeconds, headers.minSE ?? 0)
            return .accept(header: SessionExpiresHeader(seconds: seconds, refresher: .uac), requireTimer: true)
        }
        if requested.seconds < policy.minimumSeconds {
            return .reject(minimumSeconds: policy.minimumSeconds)
        }
        var answer = SessionExpiresHeader(seconds: requested.seconds)
        if !callerSupports {
            answer.refresher = .uas
        } else {
            answer.refresher = requested.refresher ?? .uac
        }
        return .accept(header: answer, requireTimer: callerSupports)
    }

    /// Our role for an accepted header, as the UAS of the dialog.
    public static func uasRole(for header: SessionExpiresHeader) -> SessionTimer.Role {
        header.refresher == .uas ? .refresher : .watcher
    }
}
