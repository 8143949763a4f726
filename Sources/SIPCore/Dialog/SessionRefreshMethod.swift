/// Which request refreshes a session when we are the refresher (RFC 4028 §7.4, §9): UPDATE (RFC 3311), which
/// needs no new offer and no ACK, whenever the peer can take it; re-INVITE otherwise.
///
/// The peer says what it takes in Allow. An Allow without UPDATE means re-INVITE; no Allow at all leaves
/// UPDATE to be tried, and a 405 or 501 answer to it switches the dialog to re-INVITE for good (the refresh
/// is then sent again at once as a re-INVITE).
public struct SessionRefreshMethod: Sendable, Hashable {
    /// Whether the next refresh is an UPDATE.
    public private(set) var usesUpdate = true

    /// Starts by refreshing with UPDATE.
    public init() {}

    /// The method of the next refresh.
    public var method: SIPMethod { self.usesUpdate ? .update : .invite }

    /// Learns from a message of the peer in the dialog (its INVITE, a 2xx, a re-INVITE or UPDATE): an Allow
    /// that lists methods but not UPDATE means refreshing by re-INVITE. A message without Allow changes nothing.
    public mutating func learn(from headers: SIPHeaderFields) {
        let allowed = headers.values(.allow).map { ExtensionHeaderText.trimmed($0) }.filter { !$0.isEmpty }
        guard !allowed.isEmpty else { return }
        self.usesUpdate = allowed.contains { ExtensionHeaderText.equalsIgnoringCase($0, "UPDATE") }
    }

    /// The final status of a refresh sent with `method`. True when it was an UPDATE the peer does not
    /// implement (405, 501): from now on refreshes are re-INVITEs, and the caller should send one now.
    public mutating func refreshAnswered(_ method: SIPMethod, status: Int) -> Bool {
        guard method == .update, status == 405 || status == 501 else { return false }
        self.usesUpdate = false
        return true
    }
}
