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
