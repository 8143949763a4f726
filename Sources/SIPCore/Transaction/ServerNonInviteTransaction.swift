/// The non-INVITE server transaction of RFC 3261 §17.2.2 (BYE, OPTIONS, CANCEL, INFO, NOTIFY, ...).
///
/// A plain value: events in, actions out (STYLE §4). The driver creates it for a request that matched no
/// transaction (§17.2.3), passes the request to the TU, and then feeds it retransmissions, the TU's responses,
/// Timer J and transport failures. ACK never creates one: an ACK that matches no INVITE server transaction goes
/// straight to the UAS core.
public struct ServerNonInviteTransaction: Sendable {
    /// The actions this machine returns.
    public typealias Action = ServerTransactionAction

    /// Where the transaction is in RFC 3261 Figure 8.
    public enum State: Hashable, Sendable {
        /// The request was passed to the TU, which has not responded yet. Retransmissions are absorbed.
        /// Successors: ``proceeding`` (1xx), ``completed`` (200-699), ``terminated`` (200-699 on a reliable
        /// transport).
        case trying
        /// A provisional response was sent; retransmissions are answered with the latest one.
        /// Successors: ``proceeding`` (1xx), ``completed`` (200-699), ``terminated`` (200-699 on a reliable
        /// transport, transport error).
        case proceeding
        /// A final response was sent; retransmissions are answered with it until Timer J fires.
        /// Successors: ``terminated`` (Timer J, transport error).
        case completed
        /// The transaction is over; it ignores every event. No successors.
        case terminated
    }

    /// The request that created the transaction.
    public let request: SIPRequest
    /// Whether the transport is reliable (TCP, TLS, SCTP): Timer J is zero.
    public let reliableTransport: Bool
    /// The base timer values.
    public let timers: SIPTimerSettings
    /// The current state.
    public private(set) var state: State
    /// The latest response sent: provisional in Proceeding, final in Completed.
    private var lastResponse: SIPResponse?

    /// Creates the transaction for a non-INVITE request that matched no existing transaction, in
    /// ``State/trying``.
    ///
    /// - Parameters:
    ///   - request: The request.
    ///   - reliableTransport: Whether it arrived over a reliable transport (TCP, TLS, SCTP).
    ///   - timers: The base timer values.
    public init(request: SIPRequest, reliableTransport: Bool, timers: SIPTimerSettings = SIPTimerSettings()) {
        self.request = request
        self.reliableTransport = reliableTransport
        self.timers = timers
        self.state = .trying
        self.lastResponse = nil
    }

    /// A request matching this transaction arrived: for a non-INVITE transaction it can only be a
    /// retransmission of the request, see ``receivedRetransmission()``.
    ///
    /// - Parameter request: The matching request.
    /// - Returns: The actions to carry out.
    public mutating func receivedRequest(_ request: SIPRequest) -> [Action] {
        self.receivedRetransmission()
    }

    /// A retransmission of the request arrived (RFC 3261 §17.2.2).
    ///
    /// - Returns: Nothing in Trying (absorbed: the TU has not answered yet); a resend of the latest response in
    ///   Proceeding and Completed; nothing once Terminated.
    public mutating func receivedRetransmission() -> [Action] {
        switch self.state {
        case .trying, .terminated:
            return []
        case .proceeding, .completed:
            guard let response = self.lastResponse else { return [] }
            return [.send(response)]
        }
    }

    /// The TU sent a response on this transaction.
    ///
    /// A 1xx is sent and the transaction enters (or stays in) Proceeding. A 200-699 is sent and the transaction
    /// enters Completed with Timer J = 64·T1, or terminates at once on a reliable transport, where Timer J is
    /// zero. Responses after the final one, or outside 100-699, are dropped.
    /// - Parameter response: The response from the TU.
    /// - Returns: The actions to carry out.
    public mutating func sentResponse(_ response: SIPResponse) -> [Action] {
        switch self.state {
        case .trying, .proceeding:
            switch response.statusCode {
            case 100..<200:
                self.state = .proceeding
                self.lastResponse = response
                return [.send(response)]
            case 200..<700:
                self.lastResponse = response
                if self.reliableTransport {
                    self.state = .terminated
                    return [.send(response), .terminate]
                }
                self.state = .completed
                return [.send(response), .schedule(.J, after: self.timers.transactionTimeout)]
            default:
                return []
            }
        case .completed, .terminated:
            return []
        }
    }

    /// A timer this transaction scheduled fired: Timer J in Completed terminates it; anything else is ignored.
    ///
    /// - Parameter timer: The timer that fired.
    /// - Returns: The actions to carry out.
    public mutating func timerFired(_ timer: SIPTimer) -> [Action] {
        switch self.state {
        case .completed:
            guard timer == .J else { return [] }
            self.state = .terminated
            return [.terminate]
        case .trying, .proceeding, .terminated:
            return []
        }
    }

    /// The transport failed to send a response of this transaction (RFC 3261 §17.2.2): in Proceeding and
    /// Completed the TU is informed and the transaction terminates. In Trying nothing was sent yet, so the
    /// failure cannot be ours and is ignored.
    ///
    /// - Returns: The actions to carry out.
    public mutating func transportFailed() -> [Action] {
        switch self.state {
        case .proceeding, .completed:
            self.state = .terminated
            return [.transportError, .terminate]
        case .trying, .terminated:
            return []
        }
    }
}
