/// The INVITE server transaction of RFC 3261 §17.2.1, with the Accepted state of RFC 6026 §7.1.
///
/// A plain value: events in, actions out (STYLE §4). It does no I/O and reads no clock; its driver feeds it the
/// TU's responses, requests that matched it (§17.2.3, see ``TransactionKey``), timer expiries and transport
/// failures, and carries out the returned ``ServerTransactionAction``s in order.
///
/// The transaction starts in Proceeding. It does not send 100 (Trying) by itself: §17.2.1 lets the TU send it
/// instead when it knows it will not answer within 200 ms, and Parley's UAS core always answers an INVITE with
/// 100 (Trying) at once through ``sentResponse(_:)``.
///
/// After a 2xx the transaction enters Accepted (RFC 6026) instead of Terminated: it absorbs retransmitted
/// INVITEs, passes the ACK (and any 2xx retransmission from the TU, see ``UASInviteResponseRetransmitter``)
/// through, and ends when Timer L fires.
public struct ServerInviteTransaction: Sendable {
    /// The actions this machine returns.
    public typealias Action = ServerTransactionAction

    /// Where the transaction is in RFC 3261 Figure 7 as amended by RFC 6026 Figure 7.
    public enum State: Hashable, Sendable {
        /// The INVITE was passed to the TU and no final response has been sent yet. Retransmitted INVITEs are
        /// answered with the latest provisional response.
        /// Successors: ``proceeding`` (1xx), ``accepted`` (2xx), ``completed`` (300-699), ``terminated``
        /// (transport error).
        case proceeding
        /// A 300-699 final response was sent; it is retransmitted on Timer G (unreliable transports) and on each
        /// retransmitted INVITE until the ACK arrives.
        /// Successors: ``confirmed`` (ACK), ``terminated`` (Timer H, transport error).
        case completed
        /// The ACK to the non-2xx final response arrived; later ACKs are absorbed until Timer I fires.
        /// Successors: ``terminated`` (Timer I, or at once on a reliable transport).
        case confirmed
        /// A 2xx final response was sent (RFC 6026 §7.1). Retransmitted INVITEs are absorbed, ACKs are passed to
        /// the TU, and 2xx retransmissions from the TU are sent.
        /// Successors: ``terminated`` (Timer L).
        case accepted
        /// The transaction is over; it ignores every event. No successors.
        case terminated
    }

    /// The INVITE that created the transaction.
    public let request: SIPRequest
    /// Whether the transport is reliable (TCP, TLS, SCTP): Timer G is not used and Timer I is zero.
    public let reliableTransport: Bool
    /// The base timer values.
    public let timers: SIPTimerSettings
    /// The current state.
    public private(set) var state: State
    /// The most recent provisional response, resent on a retransmitted INVITE in Proceeding.
    private var lastProvisional: SIPResponse?
    /// The non-2xx final response, resent on Timer G and on a retransmitted INVITE in Completed.
    private var finalResponse: SIPResponse?
    /// The interval Timer G was last scheduled with.
    private var timerGInterval: Duration

    /// Creates the transaction for an INVITE that matched no existing transaction (RFC 3261 §17.2.1).
    ///
    /// The driver passes the INVITE to the TU itself; the transaction starts in ``State/proceeding``.
    /// - Parameters:
    ///   - request: The INVITE.
    ///   - reliableTransport: Whether it arrived over a reliable transport (TCP, TLS, SCTP).
    ///   - timers: The base timer values.
    public init(request: SIPRequest, reliableTransport: Bool, timers: SIPTimerSettings = SIPTimerSettings()) {
        self.request = request
        self.reliableTransport = reliableTransport
        self.timers = timers
        self.state = .proceeding
        self.lastProvisional = nil
        self.finalResponse = nil
        self.timerGInterval = timers.T1
    }

    /// A request matching this transaction arrived: dispatches an ACK to ``receivedACK(_:)`` and anything else
    /// (a retransmitted INVITE) to ``receivedRetransmission()``.
    ///
    /// - Parameter request: The matching request.
    /// - Returns: The actions to carry out.
    public mutating func receivedRequest(_ request: SIPRequest) -> [Action] {
        if request.method == .ack {
            return self.receivedACK(request)
        }
        return self.receivedRetransmission()
    }

    /// A retransmission of the INVITE arrived (RFC 3261 §17.2.1, RFC 6026 §7.1).
    ///
    /// - Returns: In Proceeding, a resend of the latest provisional response (nothing if none was sent yet);
    ///   in Completed, a resend of the final response; otherwise nothing (absorbed).
    public mutating func receivedRetransmission() -> [Action] {
        switch self.state {
        case .proceeding:
            // §17.2.1: "the most recent provisional response that was received from the TU MUST be passed to the
            // transport layer for retransmission".
            guard let provisional = self.lastProvisional else { return [] }
            return [.send(provisional)]
        case .completed:
            // §17.2.1: while in Completed, a retransmitted request makes the final response be resent.
            guard let final = self.finalResponse else { return [] }
            return [.send(final)]
        case .accepted, .confirmed, .terminated:
            // RFC 6026 §7.1: retransmitted INVITEs are absorbed in Accepted; §17.2.1: and in Confirmed.
            return []
        }
    }

    /// An ACK matching this transaction arrived.
    ///
    /// In Completed it acknowledges the non-2xx final response: retransmissions stop and the transaction moves
    /// to Confirmed, waiting Timer I (T4) for ACK retransmissions, or ends at once on a reliable transport
    /// (RFC 3261 §17.2.1). In Accepted it is the ACK to the 2xx and is passed to the TU (RFC 6026 §7.1). In any
    /// other state it is absorbed: an ACK before any final response is a peer fault we ignore.
    /// - Parameter ack: The ACK.
    /// - Returns: The actions to carry out.
    public mutating func receivedACK(_ ack: SIPRequest) -> [Action] {
        switch self.state {
        case .completed:
            if self.reliableTransport {
                // Timer I is zero on reliable transports, so Confirmed is left at once.
                self.state = .terminated
                return [.terminate]
            }
            self.state = .confirmed
            return [.cancel(.G), .cancel(.H), .schedule(.I, after: self.timers.T4)]
        case .accepted:
            return [.passToTU(ack)]
        case .proceeding, .confirmed, .terminated:
            return []
        }
    }

    /// Whether an ACK with this To tag acknowledges the non-2xx final response this transaction sent: the
    /// extra check §17.2.3 asks for when matching an ACK from an RFC 2543 client (no `z9hG4bK` branch), whose
    /// ``TransactionKey`` cannot include the To tag the final response added.
    ///
    /// - Parameter toTag: The To tag of the received ACK.
    /// - Returns: `true` if a non-2xx final response was sent and its To tag equals `toTag`.
    public func finalResponseMatchesACK(toTag: String?) -> Bool {
        guard let final = self.finalResponse, let to = final.headers[.to] else { return false }
        return DialogHeaderScanner.tag(in: to) == toTag
    }

    /// The TU sent a response on this transaction.
    ///
    /// - 1xx in Proceeding: sent and remembered for INVITE retransmissions.
    /// - 2xx in Proceeding: sent once; the transaction enters Accepted and starts Timer L (64·T1). The UAS core
    ///   retransmits the 2xx itself (RFC 3261 §13.3.1.4); in Accepted each such retransmission is sent
    ///   (RFC 6026 §7.1).
    /// - 300-699 in Proceeding: sent; the transaction enters Completed and starts Timer G (T1, unreliable
    ///   transports only) and Timer H (64·T1).
    /// - Anything else (a response after a final one, or a status code outside 100-699) is dropped.
    /// - Parameter response: The response from the TU.
    /// - Returns: The actions to carry out.
    public mutating func sentResponse(_ response: SIPResponse) -> [Action] {
        switch self.state {
        case .proceeding:
            switch response.statusCode {
            case 100..<200:
                self.lastProvisional = response
                return [.send(response)]
            case 200..<300:
                self.state = .accepted
                return [.send(response), .schedule(.L, after: self.timers.transactionTimeout)]
            case 300..<700:
                self.state = .completed
                self.finalResponse = response
                self.timerGInterval = self.timers.T1
                if self.reliableTransport {
                    return [.send(response), .schedule(.H, after: self.timers.transactionTimeout)]
                }
                return [
                    .send(response),
                    .schedule(.G, after: self.timerGInterval),
                    .schedule(.H, after: self.timers.transactionTimeout),
                ]
            default:
                return []
            }
        case .accepted:
            // RFC 6026 §7.1: a 2xx from the TU in Accepted (the core's retransmission) is passed to the transport.
            guard (200..<300).contains(response.statusCode) else { return [] }
            return [.send(response)]
        case .completed, .confirmed, .terminated:
            return []
        }
    }

    /// A timer this transaction scheduled fired.
    ///
    /// - G in Completed: resend the final response and reschedule G at MIN(2·G, T2).
    /// - H in Completed: the ACK never came; report ``ServerTransactionAction/timedOut`` and terminate.
    /// - I in Confirmed, L in Accepted: terminate.
    /// - Any other timer, or one firing in a state that no longer uses it, is ignored.
    /// - Parameter timer: The timer that fired.
    /// - Returns: The actions to carry out.
    public mutating func timerFired(_ timer: SIPTimer) -> [Action] {
        switch self.state {
        case .completed:
            switch timer {
            case .G:
                guard let final = self.finalResponse, !self.reliableTransport else { return [] }
                self.timerGInterval = self.timers.doubledCappedAtT2(self.timerGInterval)
                return [.send(final), .schedule(.G, after: self.timerGInterval)]
            case .H:
                self.state = .terminated
                return [.timedOut, .terminate]
            case .A, .B, .D, .E, .F, .I, .J, .K, .L, .M:
                return []
            }
        case .confirmed:
            guard timer == .I else { return [] }
            self.state = .terminated
            return [.terminate]
        case .accepted:
            guard timer == .L else { return [] }
            self.state = .terminated
            return [.terminate]
        case .proceeding, .terminated:
            return []
        }
    }

    /// The transport failed to send a response of this transaction (RFC 3261 §17.2.1, §18.4).
    ///
    /// In Proceeding and Completed the TU is informed and the transaction terminates. In Accepted the TU is
    /// informed, but the transaction stays until Timer L so it keeps absorbing INVITE retransmissions: the 2xx
    /// is the core's responsibility, and the core decides whether to end the dialog. In Confirmed and
    /// Terminated nothing is being sent, so the failure is ignored.
    /// - Returns: The actions to carry out.
    public mutating func transportFailed() -> [Action] {
        switch self.state {
        case .proceeding, .completed:
            self.state = .terminated
            return [.transportError, .terminate]
        case .accepted:
            return [.transportError]
        case .confirmed, .terminated:
            return []
        }
    }
}
