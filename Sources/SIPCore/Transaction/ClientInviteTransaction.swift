/// The INVITE client transaction of RFC 3261 §17.1.1, with the Accepted state and Timer M of RFC 6026 §7.2.
///
/// A plain value: events in, actions out (STYLE §4). The driver creates it with the INVITE (top Via and branch
/// already set), calls ``start()`` to send it, and feeds it matching responses (§17.1.3, see
/// ``TransactionKey``), timer expiries and transport failures.
///
/// For a 300-699 final response the transaction builds and sends the ACK itself (§17.1.1.3). For a 2xx it does
/// not: the UAC core acknowledges each 2xx in its dialog (§13.2.2.4). After a 2xx the transaction stays in
/// Accepted for Timer M (RFC 6026) so that retransmitted 2xx and 2xx from other forks still match it and reach
/// the TU, instead of being treated as stray responses.
public struct ClientInviteTransaction: Sendable {
    /// The actions this machine returns.
    public typealias Action = ClientTransactionAction

    /// Where the transaction is in RFC 3261 Figure 5 as amended by RFC 6026 Figure 5.
    public enum State: Hashable, Sendable {
        /// Created; ``ClientInviteTransaction/start()`` has not been called. Successors: ``calling``.
        case idle
        /// The INVITE was sent and is retransmitted on Timer A (unreliable transports) until a response arrives.
        /// Successors: ``proceeding`` (1xx), ``accepted`` (2xx), ``completed`` (300-699), ``terminated``
        /// (Timer B, transport error, 300-699 on a reliable transport).
        case calling
        /// A provisional response arrived; the INVITE is no longer retransmitted.
        /// Successors: ``proceeding`` (1xx), ``accepted`` (2xx), ``completed`` (300-699), ``terminated``
        /// (transport error, 300-699 on a reliable transport).
        case proceeding
        /// A 2xx arrived (RFC 6026 §7.2); further 2xx are delivered to the TU until Timer M fires.
        /// Successors: ``terminated`` (Timer M).
        case accepted
        /// A 300-699 final response arrived and was acknowledged; retransmissions of it are answered with the
        /// same ACK until Timer D fires. Successors: ``terminated`` (Timer D, transport error).
        case completed
        /// The transaction is over; it ignores every event. No successors.
        case terminated
    }

    /// The INVITE this transaction sends.
    public let request: SIPRequest
    /// Whether the transport is reliable (TCP, TLS, SCTP): Timer A is not used and Timer D is zero.
    public let reliableTransport: Bool
    /// The base timer values.
    public let timers: SIPTimerSettings
    /// The current state.
    public private(set) var state: State
    /// The interval Timer A was last scheduled with.
    private var timerAInterval: Duration
    /// The ACK sent for the non-2xx final response, resent for each retransmission of that response.
    private var ack: SIPRequest?

    /// Creates the transaction, in ``State/idle``.
    ///
    /// - Parameters:
    ///   - request: The INVITE, complete with its top Via (whose branch identifies the transaction).
    ///   - reliableTransport: Whether it goes over a reliable transport (TCP, TLS, SCTP).
    ///   - timers: The base timer values.
    public init(request: SIPRequest, reliableTransport: Bool, timers: SIPTimerSettings = SIPTimerSettings()) {
        self.request = request
        self.reliableTransport = reliableTransport
        self.timers = timers
        self.state = .idle
        self.timerAInterval = timers.T1
        self.ack = nil
    }

    /// Sends the INVITE and enters Calling: Timer A = T1 on unreliable transports, Timer B = 64·T1
    /// (RFC 3261 §17.1.1.2). A second call does nothing.
    ///
    /// - Returns: The actions to carry out.
    public mutating func start() -> [Action] {
        switch self.state {
        case .idle:
            self.state = .calling
            self.timerAInterval = self.timers.T1
            if self.reliableTransport {
                return [.send(self.request), .schedule(.B, after: self.timers.transactionTimeout)]
            }
            return [
                .send(self.request),
                .schedule(.A, after: self.timerAInterval),
                .schedule(.B, after: self.timers.transactionTimeout),
            ]
        case .calling, .proceeding, .accepted, .completed, .terminated:
            return []
        }
    }

    /// A response matching this transaction arrived.
    ///
    /// - 1xx in Calling or Proceeding: delivered to the TU; Timers A and B stop (Timer B only guards Calling,
    ///   §17.1.1.2) and the transaction is in Proceeding.
    /// - 2xx in Calling or Proceeding: delivered; the transaction enters Accepted with Timer M = 64·T1
    ///   (RFC 6026 §7.2). In Accepted every further 2xx is delivered too.
    /// - 300-699 in Calling or Proceeding: the ACK is built (§17.1.1.3) and sent, the response is delivered,
    ///   and the transaction enters Completed with Timer D (at least 32 s), or terminates at once on a reliable
    ///   transport, where Timer D is zero. In Completed a retransmitted final response is answered with the same
    ///   ACK and not delivered again.
    /// - Anything else (1xx after a final response, a status code outside 100-699) is dropped.
    /// - Parameter response: The response.
    /// - Returns: The actions to carry out.
    public mutating func receivedResponse(_ response: SIPResponse) -> [Action] {
        let code = response.statusCode
        switch self.state {
        case .calling, .proceeding:
            guard (100..<700).contains(code) else { return [] }
            var actions = self.stopCallingTimers()
            if code < 200 {
                self.state = .proceeding
                actions.append(.deliverToTU(response))
                return actions
            }
            if code < 300 {
                self.state = .accepted
                actions.append(.deliverToTU(response))
                actions.append(.schedule(.M, after: self.timers.transactionTimeout))
                return actions
            }
            let ack = self.makeACK(for: response)
            self.ack = ack
            if self.reliableTransport {
                // Timer D is zero: Completed is left at once, and `.terminate` drops Timer B with the rest.
                self.state = .terminated
                return [.send(ack), .deliverToTU(response), .terminate]
            }
            actions.append(.send(ack))
            actions.append(.deliverToTU(response))
            self.state = .completed
            actions.append(.schedule(.D, after: self.timers.timerDUnreliable))
            return actions
        case .accepted:
            // RFC 6026 §7.2: any 2xx matching the transaction in Accepted is passed up to the TU.
            guard (200..<300).contains(code) else { return [] }
            return [.deliverToTU(response)]
        case .completed:
            // §17.1.1.2: retransmitted final responses make the ACK be resent; they are not passed up.
            guard (300..<700).contains(code), let ack = self.ack else { return [] }
            return [.send(ack)]
        case .idle, .terminated:
            return []
        }
    }

    /// A timer this transaction scheduled fired.
    ///
    /// - A in Calling: resend the INVITE and reschedule A at twice the interval (no T2 cap for INVITE,
    ///   §17.1.1.2).
    /// - B in Calling: no response at all; report ``ClientTransactionAction/timedOut`` and terminate.
    /// - D in Completed, M in Accepted: terminate.
    /// - Any other timer, or one firing in a state that no longer uses it, is ignored.
    /// - Parameter timer: The timer that fired.
    /// - Returns: The actions to carry out.
    public mutating func timerFired(_ timer: SIPTimer) -> [Action] {
        switch self.state {
        case .calling:
            switch timer {
            case .A:
                guard !self.reliableTransport else { return [] }
                self.timerAInterval = self.timerAInterval * 2
                return [.send(self.request), .schedule(.A, after: self.timerAInterval)]
            case .B:
                self.state = .terminated
                return [.timedOut, .terminate]
            case .D, .E, .F, .G, .H, .I, .J, .K, .L, .M:
                return []
            }
        case .completed:
            guard timer == .D else { return [] }
            self.state = .terminated
            return [.terminate]
        case .accepted:
            guard timer == .M else { return [] }
            self.state = .terminated
            return [.terminate]
        case .idle, .proceeding, .terminated:
            return []
        }
    }

    /// The transport failed to send the INVITE or the ACK (RFC 3261 §17.1.1.2, §18.4): the TU is informed and
    /// the transaction terminates. In Accepted the transaction sends nothing, so the failure is ignored.
    ///
    /// - Returns: The actions to carry out.
    public mutating func transportFailed() -> [Action] {
        switch self.state {
        case .calling, .proceeding, .completed:
            self.state = .terminated
            return [.transportError, .terminate]
        case .idle, .accepted, .terminated:
            return []
        }
    }

    /// Cancels the timers that run in Calling, when leaving Calling for the first time.
    private func stopCallingTimers() -> [Action] {
        guard self.state == .calling else { return [] }
        if self.reliableTransport {
            return [.cancel(.B)]
        }
        return [.cancel(.A), .cancel(.B)]
    }

    /// Builds the ACK for a 300-699 final response (RFC 3261 §17.1.1.3).
    ///
    /// Request-URI, Call-ID and From are those of the INVITE; To is the response's (with the tag the UAS
    /// added); the only Via is the INVITE's top Via, so the ACK carries the INVITE's branch and matches the
    /// server transaction; CSeq has the INVITE's number with method ACK; the INVITE's Route header fields are
    /// copied so the ACK follows the INVITE's path. Max-Forwards is the INVITE's (70 if it had none), as every
    /// request carries one (§8.1.1.6). The ACK has no body.
    /// - Parameter response: The final response being acknowledged.
    /// - Returns: The ACK.
    func makeACK(for response: SIPResponse) -> SIPRequest {
        let invite = self.request.headers
        var headers = SIPHeaderFields()
        if let topVia = invite.values(.via).first {
            headers.add(.via, topVia)
        }
        headers.add(.maxForwards, invite[.maxForwards] ?? "70")
        if let from = invite[.from] {
            headers.add(.from, from)
        }
        if let to = response.headers[.to] ?? invite[.to] {
            headers.add(.to, to)
        }
        if let callID = invite[.callID] {
            headers.add(.callID, callID)
        }
        let cseqNumber = invite[.cseq].map { Self.firstToken(of: $0) } ?? ""
        headers.add(.cseq, "\(cseqNumber) ACK")
        for route in invite.fieldValues(.route) {
            headers.add(.route, route)
        }
        return SIPRequest(method: .ack, uri: self.request.uri, headers: headers)
    }

    /// The first whitespace-delimited token of a header value: the sequence number of a CSeq value.
    private static func firstToken(of value: String) -> Substring {
        let trimmed = value.drop { $0 == " " || $0 == "\t" }
        return trimmed.prefix { $0 != " " && $0 != "\t" }
    }
}
