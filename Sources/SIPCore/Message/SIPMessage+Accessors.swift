/// Shortcuts to the typed header views of ``SIPHeaderFields`` on requests and responses (RFC 3261 §8.1.1).
extension SIPRequest {
    public var vias: [ViaHeader] { self.headers.vias }
    public var topVia: ViaHeader? { self.headers.topVia }
    public var from: NameAddress? { self.headers.from }
    public var to: NameAddress? { self.headers.to }
    public var callID: String? { self.headers.callID }
    public var cseq: CSeqHeader? { self.headers.cseq }
    public var maxForwards: Int? { self.headers.maxForwards }
    public var contacts: [NameAddress] { self.headers.contacts }
    public var contentType: String? { self.headers.contentType }
}

extension SIPResponse {
    public var vias: [ViaHeader] { self.headers.vias }
    public var topVia: ViaHeader? { self.headers.topVia }
    public var from: NameAddress? { self.headers.from }
    public var to: NameAddress? { self.headers.to }
    public var callID: String? { self.headers.callID }
    public var cseq: CSeqHeader? { self.headers.cseq }
    public var contacts: [NameAddress] { self.headers.contacts }
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
