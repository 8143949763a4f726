/// What a server transaction (``ServerInviteTransaction``, ``ServerNonInviteTransaction``) asks its driver to do.
///
/// Each event returns an array of these, to be carried out in order. An empty array means "nothing to do": the
/// event was absorbed (a retransmission, a stray ACK, a stale timer).
public enum ServerTransactionAction: Sendable {
    /// Pass this response to the transport, to the address the request came from (RFC 3261 §18.2.2). For a
    /// retransmission it is the very response sent before; the driver may reuse the bytes it serialised then.
    case send(SIPResponse)
    /// Start `timer` to fire `after` from now, replacing any running instance of it, and call
    /// `timerFired(timer)` when it expires.
    case schedule(SIPTimer, after: Duration)
    /// Stop `timer` if it is running. A cancelled timer that still fires is ignored by the machine.
    case cancel(SIPTimer)
    /// Hand this request to the transaction user: an ACK to a 2xx response arriving in the Accepted state
    /// (RFC 6026 §7.1), which the UAS core uses to stop its 2xx retransmissions.
    case passToTU(SIPRequest)
    /// Tell the TU the transaction timed out: Timer H fired before the ACK to a non-2xx final response arrived
    /// (RFC 3261 §17.2.1). A ``terminate`` follows.
    case timedOut
    /// Tell the TU the transport failed to deliver a response (RFC 3261 §17.2.1, §17.2.2, §18.4).
    case transportError
    /// Remove the transaction from the transaction table and drop every timer it scheduled; it is in the
    /// Terminated state and ignores further events.
    case terminate
}
