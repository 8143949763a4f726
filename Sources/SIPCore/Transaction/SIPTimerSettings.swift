/// The base timer values T1, T2 and T4 of RFC 3261 §17.1.1.1 and §17.1.2.2, from which every transaction timer
/// is derived.
///
/// The defaults are the RFC's: T1 = 500 ms (round-trip estimate), T2 = 4 s (cap on retransmission intervals of
/// non-INVITE requests and INVITE responses) and T4 = 5 s (how long a message may live in the network). RFC 3261
/// lets an element raise T1 and T2 (and lower T1 on a private network with known round-trip times).
public struct SIPTimerSettings: Sendable, Hashable {
    /// Round-trip time estimate (RFC 3261 §17.1.1.1). Default 500 ms.
    public var T1: Duration
    /// Maximum retransmission interval for non-INVITE requests and INVITE responses (§17.1.2.2). Default 4 s.
    public var T2: Duration
    /// Maximum time a message remains in the network (§17.1.2.2). Default 5 s.
    public var T4: Duration

    /// Creates timer settings; every argument defaults to the RFC 3261 value.
    ///
    /// - Parameters:
    ///   - T1: The round-trip time estimate.
    ///   - T2: The cap on doubling retransmission intervals.
    ///   - T4: The maximum network lifetime of a message.
    public init(T1: Duration = .milliseconds(500), T2: Duration = .seconds(4), T4: Duration = .seconds(5)) {
        self.T1 = T1
        self.T2 = T2
        self.T4 = T4
    }

    /// 64·T1: the value of Timers B, F, H, J (unreliable), L and M, and of the 2xx retransmission give-up time
    /// (RFC 3261 §13.3.1.4, §17; RFC 6026 §8).
    public var transactionTimeout: Duration { self.T1 * 64 }

    /// Timer D on unreliable transports: "at least 32 seconds" (RFC 3261 §17.1.1.2). We use the larger of 32 s
    /// and 64·T1, so a raised T1 still outlasts the server's Timer H retransmissions of the final response.
    public var timerDUnreliable: Duration { Swift.max(.seconds(32), self.transactionTimeout) }

    /// The next retransmission interval after `interval` for a timer that doubles up to T2 (Timers E and G, and
    /// 2xx retransmission per §13.3.1.4): MIN(2·interval, T2).
    ///
    /// - Parameter interval: The interval that just elapsed.
    /// - Returns: The doubled interval, capped at T2.
    public func doubledCappedAtT2(_ interval: Duration) -> Duration {
        Swift.min(interval * 2, self.T2)
    }
}
