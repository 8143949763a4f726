/// Typed, non-throwing views of the header fields every SIP element reads (RFC 3261 §8.1.1).
///
/// Each returns nil (or an empty array) when the field is absent or does not parse; the message parser has
/// already refused requests whose mandatory fields are broken, so on a parsed request these are present.
extension SIPHeaderFields {
    /// Every Via value, top first, across all Via fields (RFC 3261 §20.42). Empty if any value is malformed.
    public var vias: [ViaHeader] {
        var result: [ViaHeader] = []
        for value in self.fieldValues(.via) {
            guard let list = try? ViaHeader.parseList(value) else { return [] }
            result.append(contentsOf: list)
        }
        return result
    }

    /// The topmost Via: the hop a response goes back to (RFC 3261 §18.2.2).
    public var topVia: ViaHeader? {
        guard let first = self.fieldValues(.via).first else { return nil }
        return (try? ViaHeader.parseList(first))?.first
    }

    /// The From field (RFC 3261 §20.20).
    public var from: NameAddress? { self.nameAddress(.from) }

    /// The To field (RFC 3261 §20.39).
    public var to: NameAddress? { self.nameAddress(.to) }

    /// The Call-ID, trimmed (RFC 3261 §20.8).
    public var callID: String? {
        guard let value = self[.callID]?.trimmingSIPWhitespace(), !value.isEmpty else { return nil }
        return value
    }

    /// The CSeq field (RFC 3261 §20.16).
    public var cseq: CSeqHeader? {
        guard let value = self[.cseq] else { return nil }
        return try? CSeqHeader(parsing: value)
    }

    /// Max-Forwards, 0 to 255 (RFC 3261 §20.22).
    public var maxForwards: Int? {
        guard let value = self[.maxForwards]?.trimmingSIPWhitespace().sipDecimal(max: 255) else { return nil }
        return Int(value)
    }

    /// Every Contact value across all Contact fields (RFC 3261 §20.10). Empty if any value is malformed.
    public var contacts: [NameAddress] { self.nameAddressList(.contact) }

    /// Every Route value, in order (RFC 3261 §20.34).
    public var routes: [NameAddress] { self.nameAddressList(.route) }

    /// Every Record-Route value, in order (RFC 3261 §20.30).
    public var recordRoutes: [NameAddress] { self.nameAddressList(.recordRoute) }

    /// Content-Length in octets (RFC 3261 §20.14).
    public var contentLength: Int? {
        guard let value = self[.contentLength]?.trimmingSIPWhitespace().sipDecimal(max: UInt64(Int32.max))
        else { return nil }
        return Int(value)
    }

    /// The media type of the body, e.g. `application/sdp` (RFC 3261 §20.15), trimmed, parameters kept.
    public var contentType: String? {
        guard let value = self[.contentType]?.trimmingSIPWhitespace(), !value.isEmpty else { return nil }
        return value
    }

    /// The option tags of every field of `name` (Require, Supported, Unsupported, Proxy-Require; §20.32).
    public func optionTags(_ name: HeaderName) -> [String] { self.values(name) }

    private func nameAddress(_ name: HeaderName) -> NameAddress? {
        guard let value = self[name] else { return nil }
        return try? NameAddress(parsing: value, header: name)
    }

    private func nameAddressList(_ name: HeaderName) -> [NameAddress] {
        var result: [NameAddress] = []
        for value in self.fieldValues(name) {
            guard let list = try? NameAddress.parseList(value, header: name) else { return [] }
            result.append(contentsOf: list)
        }
        return result
    }
}
