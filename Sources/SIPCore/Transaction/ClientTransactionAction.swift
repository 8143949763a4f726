/// What a client transaction (``ClientInviteTransaction``, ``ClientNonInviteTransaction``) asks its driver to do.
///
/// Each event returns an array of these, to be carried out in order. An empty array means "nothing to do": the
/// event was absorbed (a retransmitted response, a stale timer).
public enum ClientTransactionAction: Sendable {
    /// Pass this request to the transport (RFC 3261 §18.1.1). On a retransmission (Timer A or E) it is the very
    /// request sent first, so the driver may reuse its serialised bytes. A client INVITE transaction also sends
    /// the ACK it built for a non-2xx final response this way (§17.1.1.3).
    case send(SIPRequest)
    /// Start `timer` to fire `after` from now, replacing any running instance of it, and call
    /// `timerFired(timer)` when it expires.
    case schedule(SIPTimer, after: Duration)
    /// Stop `timer` if it is running. A cancelled timer that still fires is ignored by the machine.
    case cancel(SIPTimer)
    /// Hand this response to the transaction user (the UAC core).
    case deliverToTU(SIPResponse)
    /// Tell the TU the request timed out (Timer B or F fired, RFC 3261 §17.1.1.2, §17.1.2.2); the TU treats it
    /// like a 408 (Request Timeout). A ``terminate`` follows.
    case timedOut
    /// Tell the TU the transport failed to deliver the request (RFC 3261 §17.1.1.2, §17.1.2.2, §18.4); the TU
    /// treats it like a 503 (Service Unavailable). A ``terminate`` follows.
    case transportError
    /// Remove the transaction from the transaction table and drop every timer it scheduled; it is in the
    /// Terminated state and ignores further events.
    case terminate
}
