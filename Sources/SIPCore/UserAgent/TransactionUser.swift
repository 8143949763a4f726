public import NIOCore

/// The application above a ``UserAgentCore``: it is handed requests and answers them (RFC 3261 §8.2, §17).
///
/// Every callback runs on the user agent's event loop.
public protocol TransactionUser: AnyObject {
    /// A new request that matched no transaction. Answer it through ``ServerTransaction/respond(_:)``.
    func userAgent(_ userAgent: UserAgentCore, received transaction: ServerTransaction)
    /// An ACK for a 2xx we sent (RFC 3261 §13.3.1.4); our retransmissions of that 2xx have stopped.
    func userAgent(_ userAgent: UserAgentCore, receivedACK ack: SIPRequest, from source: SocketAddress)
    /// A CANCEL matched an INVITE that has no final answer yet; the CANCEL itself was answered 200 already.
    /// The application should answer the INVITE (RFC 3261 §9.2: 487 Request Terminated).
    func userAgent(_ userAgent: UserAgentCore, cancelled invite: ServerTransaction)
    /// Our 2xx to this INVITE was never acknowledged within 64·T1 (RFC 3261 §13.3.1.4): end the dialog.
    func userAgent(_ userAgent: UserAgentCore, ackTimedOutFor invite: ServerTransaction)
    /// A reliable provisional response to this INVITE got no PRACK within 64·T1 (RFC 3262 §3): reject the
    /// INVITE with a 5xx. A default implementation answers 500.
    func userAgent(_ userAgent: UserAgentCore, noPRACKFor invite: ServerTransaction)
}

extension TransactionUser {
    /// No PRACK came for a reliable provisional response within 64·T1 (RFC 3262 §3). The INVITE should be
    /// rejected with a 5xx; by default it is answered 500 here.
    public func userAgent(_ userAgent: UserAgentCore, noPRACKFor invite: ServerTransaction) {
        invite.respond(status: 500, reason: "Server Internal Error - no PRACK for a reliable provisional response")
    }
}
