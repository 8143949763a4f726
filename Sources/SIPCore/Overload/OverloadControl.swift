/// The flood and overload decisions of a ``UserAgentCore``, as a plain value: messages and new INVITEs come in
/// with `now` (nanoseconds on a monotonic clock), verdicts come out. See ``OverloadPolicy`` for the rules.
public struct OverloadControl: Sendable {
    /// What to do with a message from a source.
    public enum SourceVerdict: Sendable, Equatable {
        case accept
        /// Drop it unanswered; `newlyBlocked` is true for the message that tipped the source over (log it once).
        case drop(newlyBlocked: Bool)
    }

    /// Counts for logs and metrics.
    public struct Statistics: Sendable, Equatable {
        /// Messages dropped because their source was blocked.
        public var droppedFromBlockedSources = 0
        /// Times a source became blocked.
        public var sourcesBlocked = 0
        /// New INVITEs refused with 503 by the global rate.
        public var invitesRefused = 0
        /// Requests refused with 503 because the transaction table was full.
        public var transactionsRefused = 0

        /// Nothing counted yet (a bridge that has not started, or a test's stand-in).
        public init() {}
    }

    /// An approximate sliding window: the previous fixed window's count weighted by how much of it still
    /// overlaps, plus the current one's. Constant memory per source, like pike's.
    struct SlidingWindow: Sendable {
        var windowStart: UInt64 = 0
        var previous = 0
        var current = 0

        /// Adds one event at `now` and returns the estimated count over the last `length`, this one included.
        mutating func add(now: UInt64, length: UInt64) -> Int {
            let estimate = self.estimate(now: now, length: length)
            self.current += 1
            return estimate + 1
        }

        /// The estimated count over the last `length` before an event at `now`, without adding it.
        mutating func estimate(now: UInt64, length: UInt64) -> Int {
            let length = max(1, length)
            if now >= self.windowStart &+ length {
                let elapsedWindows = (now - self.windowStart) / length
                self.previous = elapsedWindows == 1 ? self.current : 0
                self.current = 0
                self.windowStart &+= elapsedWindows &* length
            }
            let intoWindow = now &- self.windowStart
            let overlap = Double(length - min(length, intoWindow)) / Double(length)
            return self.current + Int((Double(self.previous) * overlap).rounded(.down))
        }
    }

    struct Source: Sendable {
        var window = SlidingWindow()
        var blockedUntil: UInt64 = 0
        var lastSeen: UInt64 = 0
    }

    /// The limits in force; may be changed at run time.
    public var policy: OverloadPolicy
    /// What was refused so far, for logs and metrics.
    public private(set) var statistics = Statistics()
    private var sources: [String: Source] = [:]
    private var invites = SlidingWindow()
    private var lastPrune: UInt64 = 0

    /// Starts with no sources tracked and nothing counted.
    public init(policy: OverloadPolicy = OverloadPolicy()) { self.policy = policy }

    /// Sources remembered now.
    public var trackedSources: Int { self.sources.count }

    /// Whether `source` is blocked now (for tests and the admin view).
    public func isBlocked(_ source: String, now: UInt64) -> Bool {
        (self.sources[source]?.blockedUntil ?? 0) > now
    }

    /// A message arrived from the IP address `source`.
    public mutating func receivedMessage(from source: String, now: UInt64) -> SourceVerdict {
        guard let limit = self.policy.messagesPerSourceWindow, !self.isTrusted(source) else { return .accept }
        let window = Self.nanoseconds(self.policy.sourceWindow)
        if self.sources[source] == nil, self.sources.count >= self.policy.maxTrackedSources,
            now &- self.lastPrune >= window
        {
            // At most once per window, so a flood of spoofed sources cannot make every packet scan the table.
            self.lastPrune = now
            self.forgetIdleSources(now: now, window: window)
        }
        var record = self.sources[source] ?? Source()
        let count = record.window.add(now: now, length: window)
        record.lastSeen = now
        var verdict = SourceVerdict.accept
        if count > limit {
            let wasBlocked = record.blockedUntil > now
            record.blockedUntil = now &+ Self.nanoseconds(self.policy.sourceBlockDuration)
            if !wasBlocked { self.statistics.sourcesBlocked += 1 }
            verdict = .drop(newlyBlocked: !wasBlocked)
        } else if record.blockedUntil > now {
            verdict = .drop(newlyBlocked: false)
        }
        if case .drop = verdict { self.statistics.droppedFromBlockedSources += 1 }
        // A full table of blocked sources: stop remembering new ones rather than grow without bound.
        if self.sources[source] != nil || self.sources.count < self.policy.maxTrackedSources {
            self.sources[source] = record
        }
        return verdict
    }

    /// A new INVITE (no To tag, no matching transaction) is about to start a transaction: whether the global
    /// rate allows it. False means answer 503 with Retry-After.
    public mutating func admitNewInvite(now: UInt64) -> Bool {
        guard let perSecond = self.policy.invitesPerSecond else { return true }
        // Only admitted INVITEs count: refused ones cost little, and counting them would refuse everything
        // for as long as the excess lasts.
        if self.invites.estimate(now: now, length: 1_000_000_000) >= perSecond {
            self.statistics.invitesRefused += 1
            return false
        }
        self.invites.current += 1
        return true
    }

    /// A new request found the transaction table at `count`: whether it may open one more.
    public mutating func admitTransaction(openCount count: Int) -> Bool {
        if count >= self.policy.maxServerTransactions {
            self.statistics.transactionsRefused += 1
            return false
        }
        return true
    }

    private func isTrusted(_ source: String) -> Bool {
        if self.policy.trustedSources.contains(source) { return true }
        return self.policy.trustLoopback && (source.hasPrefix("127.") || source == "::1" || source.hasPrefix("::ffff:127."))
    }

    private mutating func forgetIdleSources(now: UInt64, window: UInt64) {
        self.sources = self.sources.filter { _, record in
            record.blockedUntil > now || now &- record.lastSeen < 2 &* window
        }
    }

    static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        return UInt64(max(0, seconds)) &* 1_000_000_000 &+ UInt64(max(0, attoseconds / 1_000_000_000))
    }
}
