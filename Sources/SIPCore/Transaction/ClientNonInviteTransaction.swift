/// The non-INVITE client transaction of RFC 3261 §17.1.2 (BYE, OPTIONS, CANCEL, INFO, NOTIFY, REGISTER, ...).
///
/// A plain value: events in, actions out (STYLE §4). The driver creates it with the request (top Via and
/// branch already set), calls ``start()`` to send it, and feeds it matching responses (§17.1.3), timer expiries
/// and transport failures. ACK is never sent through a client transaction.
public struct ClientNonInviteTransaction: Sendable {
    /// The actions this machine returns.
    public typealias Action = ClientTransactionAction

    /// Where the transaction is in RFC 3261 Figure 6.
    public enum State: Hashable, Sendable {
        /// Created; ``ClientNonInviteTransaction/start()`` has not been called. Successors: ``trying``.
        case idle
        /// The request was sent and is retransmitted on Timer E (unreliable transports), T1 doubling up to T2.
        /// Successors: ``proceeding`` (1xx), ``completed`` (200-699), ``terminated`` (Timer F, transport error,
        /// 200-699 on a reliable transport).
        case trying
        /// A provisional response arrived; retransmissions continue every T2.
        /// Successors: ``proceeding`` (1xx), ``completed`` (200-699), ``terminated`` (Timer F, transport error,
        /// 200-699 on a reliable transport).
        case proceeding
        /// A final response arrived; retransmitted responses are absorbed until Timer K fires.
        /// Successors: ``terminated`` (Timer K).
        case completed
        /// The transaction is over; it ignores every event. No successors.
        case terminated
    }

    /// The request this transaction sends.
    public let request: SIPRequest
    /// Whether the transport is reliable (TCP, TLS, SCTP): Timer E is not used and Timer K is zero.
    public let reliableTransport: Bool
    /// The base timer values.
    public let timers: SIPTimerSettings
    /// The current state.
    public private(set) var state: State
    /// The interval Timer E was last scheduled with.
    private var timerEInterval: Duration

    /// Creates the transaction, in ``State/idle``.
    ///
    /// - Parameters:
    ///   - request: The request, complete with its top Via (whose branch identifies the transaction).
    ///   - reliableTransport: Whether it goes over a reliable transport (TCP, TLS, SCTP).
    ///   - timers: The base timer values.
    public init(request: SIPRequest, reliableTransport: Bool, timers: SIPTimerSettings = SIPTimerSettings()) {
        self.request = request
        self.reliableTransport = reliableTransport
        self.timers = timers
        self.state = .idle
        self.timerEInterval = timers.T1
    }

    /// Sends the request and enters Trying: Timer E = T1 on unreliable transports, Timer F = 64·T1
    /// (RFC 3261 §17.1.2.2). A second call does nothing.
    ///
    /// - Returns: The actions to carry out.
    public mutating func start() -> [Action] {
        switch self.state {
        case .idle:
            self.state = .trying
            self.timerEInterval = self.timers.T1
            if self.reliableTransport {
                return [.send(self.request), .schedule(.F, after: self.timers.transactionTimeout)]
            }
            return [
                .send(self.request),
                .schedule(.E, after: self.timerEInterval),
                .schedule(.F, after: self.timers.transactionTimeout),
            ]
        case .trying, .proceeding, .completed, .terminated:
            return []
        }
    }

    /// A response matching this transaction arrived.
    ///
    /// A 1xx is delivered and the transaction is in Proceeding. A 200-699 is delivered, Timers E and F stop,
    /// and the transaction enters Completed with Timer K = T4, or terminates at once on a reliable transport,
    /// where Timer K is zero. In Completed, retransmitted responses are absorbed (§17.1.2.2).
    /// - Parameter response: The response.
    /// - Returns: The actions to carry out.
    public mutating func receivedResponse(_ response: SIPResponse) -> [Action] {
        switch self.state {
        case .trying, .proceeding:
            switch response.statusCode {
            case 100..<200:
                self.state = .proceeding
                return [.deliverToTU(response)]
            case 200..<700:
                if self.reliableTransport {
                    self.state = .terminated
                    return [.deliverToTU(response), .terminate]
                }
                self.state = .completed
                return [.cancel(.E), .cancel(.F), .deliverToTU(response), .schedule(.K, after: self.timers.T4)]
            default:
                return []
            }
        case .idle, .completed, .terminated:
            return []
        }
    }

    /// A timer this transaction scheduled fired.
    ///
    /// - E in Trying: resend and reschedule E at MIN(2·E, T2).
    /// - E in Proceeding: resend and reschedule E at T2 (§17.1.2.2).
    /// - F in Trying or Proceeding: report ``ClientTransactionAction/timedOut`` and terminate.
    /// - K in Completed: terminate.
    /// - Any other timer, or one firing in a state that no longer uses it, is ignored.
    /// - Parameter timer: The timer that fired.
    /// - Returns: The actions to carry out.
    public mutating func timerFired(_ timer: SIPTimer) -> [Action] {
        switch self.state {
        case .trying, .proceeding:
            switch timer {
            case .E:
                guard !self.reliableTransport else { return [] }
                if self.state == .trying {
                    self.timerEInterval = self.timers.doubledCappedAtT2(self.timerEInterval)
                } else {
                    self.timerEInterval = self.timers.T2
                }
                return [.send(self.request), .schedule(.E, after: self.timerEInterval)]
            case .F:
                self.state = .terminated
                return [.timedOut, .terminate]
            case .A, .B, .D, .G, .H, .I, .J, .K, .L, .M:
                return []
            }
        case .completed:
            guard timer == .K else { return [] }
            self.state = .terminated
            return [.terminate]
        case .idle, .terminated:
            return []
        }
    }

    /// The transport failed to send the request (RFC 3261 §17.1.2.2, §18.4): in Trying and Proceeding the TU is
    /// informed and the transaction terminates; otherwise it is ignored.
    ///
    /// - Returns: The actions to carry out.
    public mutating func transportFailed() -> [Action] {
        switch self.state {
        case .trying, .proceeding:
            self.state = .terminated
            return [.transportError, .terminate]
        case .idle, .completed, .terminated:
            return []
        }
    }
}
