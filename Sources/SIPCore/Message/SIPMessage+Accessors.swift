/// Shortcuts to the typed header views of ``SIPHeaderFields`` on requests and responses (RFC 3261 §8.1.1).
extension SIPRequest {
    /// Every Via value, top first.
    public var vias: [ViaHeader] { self.headers.vias }
    /// The first Via: the previous hop.
    public var topVia: ViaHeader? { self.headers.topVia }
    /// The From header.
    public var from: NameAddress? { self.headers.from }
    /// The To header.
    public var to: NameAddress? { self.headers.to }
    /// The Call-ID.
    public var callID: String? { self.headers.callID }
    /// The CSeq header.
    public var cseq: CSeqHeader? { self.headers.cseq }
    /// The Max-Forwards value.
    public var maxForwards: Int? { self.headers.maxForwards }
    /// Every Contact value.
    public var contacts: [NameAddress] { self.headers.contacts }
    /// The Content-Type value.
    public var contentType: String? { self.headers.contentType }
}

extension SIPResponse {
    /// Every Via value, top first.
    public var vias: [ViaHeader] { self.headers.vias }
    /// The first Via: ours, on a response to our request.
    public var topVia: ViaHeader? { self.headers.topVia }
    /// The From header.
    public var from: NameAddress? { self.headers.from }
    /// The To header; its tag identifies the answering dialog.
    public var to: NameAddress? { self.headers.to }
    /// The Call-ID.
    public var callID: String? { self.headers.callID }
    /// The CSeq header: which request this answers.
    public var cseq: CSeqHeader? { self.headers.cseq }
    /// Every Contact value.
    public var contacts: [NameAddress] { self.headers.contacts }
    /// The Content-Type value.
    public var contentType: String? { self.headers.contentType }
}

extension SIPMessage {
    /// The request, when this is one.
    public var request: SIPRequest? {
        guard case .request(let request) = self else { return nil }
        return request
    }

    /// The response, when this is one.
    public var response: SIPResponse? {
        guard case .response(let response) = self else { return nil }
        return response
    }

    /// The body octets of either kind.
    public var body: [UInt8] {
        switch self {
        case .request(let request): request.body
        case .response(let response): response.body
        }
    }
}
