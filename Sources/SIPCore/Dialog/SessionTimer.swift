/// The running session timer of one dialog (RFC 4028 §7.4 as refresher, §10 as the other side).
///
/// The refresher sends a re-INVITE or UPDATE at half the session interval. Either side that sees no successful
/// refresh ends the session with BYE shortly before it would expire: at interval − min(32 s, interval/3)
/// (§10). Every successful refresh, in either direction, restarts both timers with the interval and refresher
/// it negotiated.
///
/// A plain value: the driver runs the timers it asks for and carries out ``Action/sendRefresh`` and
/// ``Action/expired``.
public struct SessionTimer: Sendable, Hashable {
    /// Which side this user agent plays.
    public enum Role: Hashable, Sendable {
        /// We send the refreshes.
        case refresher
        /// The peer sends them; we only watch for expiry.
        case watcher
    }

    /// The machine's timers.
    public enum Timer: Hashable, Sendable, CustomStringConvertible {
        /// Half the interval: time to send a refresh (only as refresher).
        case refresh
        /// Shortly before the session expires: end it with BYE.
        case expiry

        public var description: String {
            switch self {
            case .refresh: "session refresh timer"
            case .expiry: "session expiry timer"
            }
        }
    }

    /// What the driver does.
    public enum Action: Hashable, Sendable {
        /// Start `timer`, replacing a running instance.
        case schedule(Timer, after: Duration)
        /// Stop `timer`.
        case cancel(Timer)
        /// Send a session refresh (re-INVITE or UPDATE) now; call ``refreshed(interval:role:)`` on its 2xx.
        case sendRefresh
        /// No refresh arrived in time: end the session with BYE (RFC 4028 §10).
        case expired
    }

    /// The negotiated session interval.
    public private(set) var interval: Duration
    /// Our role.
    public private(set) var role: Role
    /// Whether the timer runs (started and not expired or stopped).
    public private(set) var isRunning = false

    /// - Parameters:
    ///   - interval: The negotiated Session-Expires interval.
    ///   - role: Whether we refresh.
    public init(interval: Duration, role: Role) {
        self.interval = interval
        self.role = role
    }

    /// When the session is ended without a refresh: interval − min(32 s, interval/3) after the last refresh.
    public var expiryDelay: Duration { self.interval - Swift.min(.seconds(32), self.interval / 3) }

    /// Starts the timers, when the 2xx that negotiated the session timer has been sent or received.
    public mutating func start() -> [Action] {
        self.isRunning = true
        var actions: [Action] = [.schedule(.expiry, after: self.expiryDelay)]
        switch self.role {
        case .refresher: actions.append(.schedule(.refresh, after: self.interval / 2))
        case .watcher: actions.append(.cancel(.refresh))
        }
        return actions
    }

    /// A refresh succeeded (its 2xx was sent or received), possibly with a new interval and refresher.
    public mutating func refreshed(interval: Duration, role: Role) -> [Action] {
        self.interval = interval
        self.role = role
        return self.start()
    }

    /// A timer fired.
    public mutating func timerFired(_ timer: Timer) -> [Action] {
        guard self.isRunning else { return [] }
        switch timer {
        case .refresh:
            return self.role == .refresher ? [.sendRefresh] : []
        case .expiry:
            self.isRunning = false
            return [.cancel(.refresh), .expired]
        }
    }

    /// The session ended or its timer was turned off: stop both timers.
    public mutating func stop() -> [Action] {
        self.isRunning = false
        return [.cancel(.refresh), .cancel(.expiry)]
    }
}
