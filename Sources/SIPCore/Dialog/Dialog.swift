/// The dialog state a user agent keeps for a confirmed INVITE dialog (RFC 3261 §12).
///
/// A plain value: it is created from the INVITE and its 2xx (§12.1.1 as UAS, §12.1.2 as UAC), builds requests
/// inside the dialog (§12.2.1.1) and checks the CSeq of requests received in it (§12.2.2). It does no I/O.
///
/// ## Why raw strings
/// The typed URI and name-addr headers are being rewritten in parallel, so the dialog keeps its local and remote
/// addresses as the raw From and To header values of the requests it sends (tags included), and its route set as
/// raw Route values. The remote target is a ``SIPURI`` because it becomes the Request-URI; the driver, which owns
/// the parser, extracts it from the Contact header and passes it in.
///
/// ## Not yet covered
/// Early dialogs (from 1xx with a tag) and strict routing (a first route without `lr`, §12.2.1.1): requests are
/// always built for loose routing; ``usesStrictRouting`` lets the driver detect the other case, and
/// ``DialogRoute`` computes the Request-URI, Route values and next hop for both.
public struct Dialog: Sendable {
    /// What ``Dialog/validateRemoteCSeq(_:)`` decided about a request received in the dialog.
    public enum RemoteCSeqVerdict: Hashable, Sendable {
        /// The request is in order; process it.
        case accept
        /// The request is out of order: answer it with this status (500 Server Internal Error, §12.2.2).
        case reject(statusCode: Int)
    }

    /// The Call-ID of every request in the dialog.
    public var callID: String
    /// The tag this user agent contributed (From tag of our INVITE as UAC, To tag of our 2xx as UAS).
    public var localTag: String
    /// The tag the peer contributed; empty for an RFC 2543 peer that sent none (§12.1.1, §12.1.2).
    public var remoteTag: String
    /// The From value of requests we send in the dialog: our address (local URI) with our tag.
    public var localAddress: String
    /// The To value of requests we send in the dialog: the peer's address (remote URI) with its tag.
    public var remoteAddress: String
    /// The CSeq number of the last request we sent; `nil` while empty (a UAS that has sent nothing, §12.1.1).
    public var localSequence: UInt32?
    /// The CSeq number of the last request the peer sent; `nil` while empty (a UAC before any request, §12.1.2).
    public var remoteSequence: UInt32?
    /// Where requests in the dialog are sent: the URI of the peer's Contact (§12.1.1, §12.1.2), replaced on each
    /// target refresh (§12.2).
    public var remoteTarget: SIPURI
    /// The route set: raw Route values in the order they go into requests.
    public var routeSet: [String]
    /// Whether the dialog is secure: the INVITE came over TLS with a SIPS Request-URI (§12.1.1, §12.1.2).
    public var secure: Bool

    /// The dialog's identity.
    public var id: DialogID { DialogID(callID: self.callID, localTag: self.localTag, remoteTag: self.remoteTag) }

    /// Creates a dialog from its parts.
    ///
    /// - Parameters:
    ///   - callID: The Call-ID.
    ///   - localTag: Our tag.
    ///   - remoteTag: The peer's tag.
    ///   - localAddress: The From value of our requests, with our tag.
    ///   - remoteAddress: The To value of our requests, with the peer's tag.
    ///   - localSequence: The last CSeq number we sent, or `nil`.
    ///   - remoteSequence: The last CSeq number the peer sent, or `nil`.
    ///   - remoteTarget: The peer's Contact URI.
    ///   - routeSet: The route set, in request order.
    ///   - secure: The secure flag.
    public init(
        callID: String,
        localTag: String,
        remoteTag: String,
        localAddress: String,
        remoteAddress: String,
        localSequence: UInt32?,
        remoteSequence: UInt32?,
        remoteTarget: SIPURI,
        routeSet: [String],
        secure: Bool
    ) {
        self.callID = callID
        self.localTag = localTag
        self.remoteTag = remoteTag
        self.localAddress = localAddress
        self.remoteAddress = remoteAddress
        self.localSequence = localSequence
        self.remoteSequence = remoteSequence
        self.remoteTarget = remoteTarget
        self.routeSet = routeSet
        self.secure = secure
    }

    /// Creates the UAS side of a dialog from a received INVITE and the 2xx we answer it with (RFC 3261 §12.1.1).
    ///
    /// The route set is the INVITE's Record-Route values, in order; the remote sequence number is the INVITE's
    /// CSeq number and the local one is empty; the local address is the response's To (with our tag), the
    /// remote address the INVITE's From.
    /// - Parameters:
    ///   - invite: The INVITE received.
    ///   - response: Our 2xx to it, whose To carries our tag.
    ///   - remoteTarget: The URI of the INVITE's Contact.
    ///   - secure: Whether the INVITE came over TLS with a SIPS Request-URI.
    /// - Returns: `nil` if the INVITE lacks Call-ID, From or a readable CSeq, or the response's To has no tag.
    public init?(uas invite: SIPRequest, response: SIPResponse, remoteTarget: SIPURI, secure: Bool) {
        guard let callID = invite.headers[.callID],
            let from = invite.headers[.from],
            let to = response.headers[.to],
            let localTag = DialogHeaderScanner.tag(in: to),
            let cseq = invite.headers[.cseq],
            let remoteSequence = DialogHeaderScanner.sequenceNumber(inCSeq: cseq)
        else { return nil }
        self.init(
            callID: callID,
            localTag: localTag,
            remoteTag: DialogHeaderScanner.tag(in: from) ?? "",
            localAddress: to,
            remoteAddress: from,
            localSequence: nil,
            remoteSequence: remoteSequence,
            remoteTarget: remoteTarget,
            routeSet: invite.headers.values(.recordRoute),
            secure: secure
        )
    }

    /// Creates the UAC side of a dialog from the INVITE we sent and a 2xx we received (RFC 3261 §12.1.2).
    ///
    /// The route set is the response's Record-Route values in reverse order; the local sequence number is the
    /// INVITE's CSeq number and the remote one is empty; the local address is the INVITE's From, the remote
    /// address the response's To (with the peer's tag).
    /// - Parameters:
    ///   - invite: The INVITE we sent.
    ///   - response: The 2xx received.
    ///   - remoteTarget: The URI of the response's Contact.
    ///   - secure: Whether the INVITE went over TLS with a SIPS Request-URI.
    /// - Returns: `nil` if the INVITE lacks Call-ID, a tagged From or a readable CSeq, or the response lacks To.
    public init?(uac invite: SIPRequest, response: SIPResponse, remoteTarget: SIPURI, secure: Bool) {
        guard let callID = invite.headers[.callID],
            let from = invite.headers[.from],
            let localTag = DialogHeaderScanner.tag(in: from),
            let to = response.headers[.to],
            let cseq = invite.headers[.cseq],
            let localSequence = DialogHeaderScanner.sequenceNumber(inCSeq: cseq)
        else { return nil }
        self.init(
            callID: callID,
            localTag: localTag,
            remoteTag: DialogHeaderScanner.tag(in: to) ?? "",
            localAddress: from,
            remoteAddress: to,
            localSequence: localSequence,
            remoteSequence: nil,
            remoteTarget: remoteTarget,
            routeSet: response.headers.values(.recordRoute).reversed(),
            secure: secure
        )
    }

    /// Takes the CSeq number for the next request we send in the dialog (other than ACK and CANCEL, which
    /// reuse the number of the request they refer to): the local sequence number plus one (§12.2.1.1).
    ///
    /// When the local sequence number is empty (a UAS that has not sent a request yet) numbering starts at 1,
    /// a legal initial value (§8.1.1.5: any value below 2^31).
    /// - Returns: The number to put in the CSeq, now also the dialog's local sequence number.
    public mutating func nextLocalCSeq() -> UInt32 {
        let next = (self.localSequence ?? 0) &+ 1
        self.localSequence = next
        return next
    }

    /// Checks the CSeq number of a request the peer sent in the dialog and records it (RFC 3261 §12.2.2).
    ///
    /// If the remote sequence number is empty it is set to `cseq`. A number lower than the remote sequence
    /// number means the request is out of order and MUST be rejected with 500 (Server Internal Error). A higher
    /// number becomes the new remote sequence number. An equal number is accepted unchanged: it is the ACK (or
    /// CANCEL) for the last request, whose retransmissions the transaction layer has already absorbed.
    /// - Parameter cseq: The CSeq number of the received request.
    /// - Returns: Whether to process or reject the request.
    public mutating func validateRemoteCSeq(_ cseq: UInt32) -> RemoteCSeqVerdict {
        guard let remote = self.remoteSequence else {
            self.remoteSequence = cseq
            return .accept
        }
        if cseq < remote {
            return .reject(statusCode: 500)
        }
        self.remoteSequence = cseq
        return .accept
    }

    /// Whether the first route is a strict router (no `lr` parameter), which §12.2.1.1 handles by moving the
    /// remote target into the route set; ``makeRequest(method:cseq:)`` does not do that yet.
    public var usesStrictRouting: Bool {
        guard let first = self.routeSet.first else { return false }
        let lowered = first.lowercased()
        return
            !(lowered.contains(";lr>") || lowered.contains(";lr;") || lowered.contains(";lr=")
            || lowered.hasSuffix(";lr"))
    }

    /// Builds a request inside the dialog (RFC 3261 §12.2.1.1), for a loose-routing route set.
    ///
    /// Request-URI is the remote target; To is the remote address with the peer's tag, From the local address
    /// with ours; Call-ID is the dialog's; CSeq is `cseq` with `method`; the route set becomes Route header
    /// fields in order; Max-Forwards is 70 (§8.1.1.6). The Via is left out: the driver adds it, since it knows
    /// the transport and makes the branch. Contact, body and Content-* are the caller's to add.
    /// - Parameters:
    ///   - method: The method.
    ///   - cseq: The CSeq number: ``nextLocalCSeq()`` for a new request, the INVITE's number for the ACK to a 2xx.
    /// - Returns: The request.
    public func makeRequest(method: SIPMethod, cseq: UInt32) -> SIPRequest {
        var headers = SIPHeaderFields()
        for route in self.routeSet {
            headers.add(.route, route)
        }
        headers.add(.maxForwards, "70")
        headers.add(.to, self.remoteAddress)
        headers.add(.from, self.localAddress)
        headers.add(.callID, self.callID)
        headers.add(.cseq, "\(cseq) \(method.token)")
        return SIPRequest(method: method, uri: self.remoteTarget, headers: headers)
    }
}
