/// The caller's (UAC's) side of the INVITE extensions Parley offers: reliable provisional responses and PRACK
/// (RFC 3262 §4) and session timers (RFC 4028 §7).
///
/// One value per outgoing INVITE, kept by whoever places the call (a dial-out, a transfer, the test caller):
/// - ``prepare(_:)`` offers `Supported: 100rel, timer` and asks for a session interval with Session-Expires and
///   Min-SE;
/// - ``receivedProvisional(_:)`` says when a provisional response must be acknowledged with PRACK (in order,
///   once per RSeq), and ``prack(acknowledging:rack:invite:sequence:)`` builds that PRACK;
/// - ``retry(after:invite:sequence:)`` turns a 422 into a new INVITE with the larger Min-SE it named;
/// - ``sessionTimer(for:)`` reads the 2xx: the interval and whether we refresh (`refresher=uac`) or watch.
///
/// A plain value with no I/O, so the tests drive it message by message.
public struct UACInviteExtensions: Sendable, Hashable {
    /// The session interval we ask for (RFC 4028 §7.1); raised by a 422.
    public private(set) var requestedSeconds: UInt32?
    /// Our Min-SE: the largest minimum heard so far, never below our own.
    public private(set) var minimumSeconds: UInt32
    /// The RSeq of the last reliable provisional response acknowledged, by the To tag of its early dialog.
    public private(set) var acknowledgedRSeq: [String: UInt32] = [:]
    /// 422 retries so far; a peer that keeps raising its minimum is given up on after ``maximumRetries``.
    public private(set) var retries = 0
    /// How many times a 422 is answered with a new INVITE.
    public static let maximumRetries = 3

    /// - Parameter sessionTimers: our policy; when disabled the INVITE asks for no session timer (it still
    ///   says it supports `timer`, so a peer that wants one may refresh).
    public init(sessionTimers: SessionTimerNegotiation.Policy) {
        self.minimumSeconds = sessionTimers.minimumSeconds
        self.requestedSeconds = sessionTimers.enabled ? sessionTimers.preferredSeconds : nil
    }

    /// Adds `Supported: 100rel, timer, replaces` and, when we want a session timer, `Session-Expires` (without a
    /// refresher: the answerer chooses, RFC 4028 §7.1) and `Min-SE` to an INVITE.
    public func prepare(_ invite: inout SIPRequest) {
        invite.headers.set(.supported, SIPOptionTag.supportedHeaderValue)
        if let seconds = self.requestedSeconds {
            invite.headers.sessionExpires = SessionExpiresHeader(seconds: seconds)
            invite.headers.minSE = self.minimumSeconds
        }
    }

    // MARK: - RFC 3262 §4

    /// What to do with a provisional response.
    public enum ProvisionalVerdict: Hashable, Sendable {
        /// An unreliable one, or one that must be ignored (RFC 3262 §4: an RSeq that is not the next in order,
        /// such as a retransmission, is neither acknowledged nor processed further).
        case ignore
        /// A reliable one not seen before: process it and send a PRACK with this RAck.
        case acknowledge(RAckHeader)
        /// An unreliable provisional response: process it, nothing to send.
        case process
    }

    /// Classifies a 101–199 response to our INVITE. Reliable means `Require: 100rel` with a valid RSeq; each
    /// early dialog (To tag) counts its RSeq on its own, starting from the first one it sends.
    public mutating func receivedProvisional(_ response: SIPResponse) -> ProvisionalVerdict {
        guard response.statusCode > 100, response.statusCode < 200 else { return .process }
        guard SIPOptionTag.lists(SIPOptionTag.reliableProvisional, in: .require, of: response.headers) else {
            return .process
        }
        guard let rseq = response.headers.rseq, let cseq = response.headers.cseq else { return .ignore }
        let dialog = response.headers.to?.tag ?? ""
        if let last = self.acknowledgedRSeq[dialog], rseq != last &+ 1 { return .ignore }
        self.acknowledgedRSeq[dialog] = rseq
        return .acknowledge(RAckHeader(responseSequence: rseq, sequence: cseq.sequence, method: cseq.method))
    }

    /// The PRACK for a reliable provisional response, in its early dialog (RFC 3262 §7.2, RFC 3261 §12.2.1.1):
    /// routed by ``earlyDialogRoute(of:invite:)`` (Request-URI and Route headers), our From, the response's To
    /// with its tag, the INVITE's Call-ID, CSeq `sequence` (the next in our dialog), and the RAck. Send it to
    /// that route's `nextHop`. The transaction layer adds the Via.
    public static func prack(
        acknowledging response: SIPResponse,
        rack: RAckHeader,
        invite: SIPRequest,
        sequence: UInt32
    ) -> SIPRequest {
        var prack = SIPRequest(method: .prack, uri: invite.uri)
        Self.earlyDialogRoute(of: response, invite: invite).apply(to: &prack)
        prack.headers.add(.from, invite.headers[.from] ?? "")
        prack.headers.add(.to, response.headers[.to] ?? invite.headers[.to] ?? "")
        prack.headers.add(.callID, invite.headers.callID ?? "")
        prack.headers.add(.cseq, "\(sequence) PRACK")
        prack.headers.rack = rack
        return prack
    }

    /// Where requests in the early dialog a provisional response set up go (RFC 3261 §12.1.2): the route set is
    /// the response's Record-Route, reversed (we are the UAC), and the remote target its Contact (else the
    /// INVITE's Request-URI). Behind a record-routing proxy the PRACK must go to that proxy, not to the callee.
    public static func earlyDialogRoute(of response: SIPResponse, invite: SIPRequest) -> DialogRoute {
        DialogRoute(
            routeSet: response.headers.values(.recordRoute).reversed(),
            remoteTarget: response.headers.contacts.first?.uri ?? invite.uri
        )
    }

    // MARK: - RFC 4028 §7

    /// A 422 (Session Interval Too Small) to `invite`: the same INVITE again with CSeq `sequence`, a
    /// Session-Expires and Min-SE of at least the Min-SE the 422 named (RFC 4028 §7.3), and no Via (the
    /// transaction layer adds a new one). Nil when the response is not such a 422, names no larger minimum, or
    /// we retried ``maximumRetries`` times already: the call then fails with the 422.
    public mutating func retry(after response: SIPResponse, invite: SIPRequest, sequence: UInt32) -> SIPRequest? {
        guard response.statusCode == 422, let minimum = response.headers.minSE, self.retries < Self.maximumRetries
        else { return nil }
        let current = self.requestedSeconds ?? 0
        guard minimum > current || minimum > self.minimumSeconds else { return nil }
        self.retries += 1
        self.minimumSeconds = max(self.minimumSeconds, minimum)
        self.requestedSeconds = max(current, self.minimumSeconds)
        var retry = invite
        retry.headers.remove(.via)
        retry.headers.set(.cseq, "\(sequence) INVITE")
        self.prepare(&retry)
        return retry
    }

    /// The session timer a 2xx to our INVITE sets up (RFC 4028 §7.2): its Session-Expires, and our role:
    /// refresher when it names `uac` (or no one), watcher when it names `uas`. Nil when the 2xx has no
    /// Session-Expires: the session then has no expiry.
    public static func sessionTimer(
        for response: SIPResponse
    ) -> (header: SessionExpiresHeader, role: SessionTimer.Role)? {
        guard let header = response.headers.sessionExpires else { return nil }
        return (header, header.refresher == .uas ? .watcher : .refresher)
    }
}
