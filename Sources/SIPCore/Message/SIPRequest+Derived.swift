extension SIPRequest {
    /// Builds the CANCEL for this request, as RFC 3261 §9.1 prescribes: same Request-URI, Call-ID, From, To
    /// and CSeq number with method CANCEL, a single Via equal to this request's top Via (so it matches the same
    /// server transaction), and this request's Route fields.
    public func makeCancel() -> SIPRequest {
        self.derived(method: .cancel, to: self.headers[.to])
    }

    /// Builds the ACK for a non-2xx final `response` to this INVITE, as RFC 3261 §17.1.1.3 prescribes: same
    /// Request-URI, Call-ID, From and CSeq number with method ACK, this request's top Via only, To taken from the
    /// response (with its tag), and this request's Route fields. (The ACK for a 2xx belongs to the dialog, §13.2.2.4.)
    public func makeACK(forNonSuccess response: SIPResponse) -> SIPRequest {
        self.derived(method: .ack, to: response.headers[.to] ?? self.headers[.to])
    }

    private func derived(method: SIPMethod, to: String?) -> SIPRequest {
        var headers = SIPHeaderFields()
        if let topVia = self.headers.fieldValues(.via).first.flatMap({ SIPHeaderFields.splitCommaList($0).first }) {
            headers.add(.via, topVia)
        }
        for route in self.headers.fieldValues(.route) { headers.add(.route, route) }
        headers.add(.maxForwards, self.headers[.maxForwards] ?? "70")
        if let from = self.headers[.from] { headers.add(.from, from) }
        if let to { headers.add(.to, to) }
        if let callID = self.headers[.callID] { headers.add(.callID, callID) }
        if let cseq = self.headers.cseq {
            headers.add(.cseq, CSeqHeader(sequence: cseq.sequence, method: method).description)
        }
        return SIPRequest(method: method, uri: self.uri, version: self.version, headers: headers)
    }
}

extension SIPResponse {
    /// Copies the request's Record-Route fields, in order, into this response, as a UAS does for a response
    /// that establishes a dialog (RFC 3261 §12.1.1).
    public mutating func copyRecordRoute(from request: SIPRequest) {
        for value in request.headers.fieldValues(.recordRoute) { self.headers.add(.recordRoute, value) }
    }
}
