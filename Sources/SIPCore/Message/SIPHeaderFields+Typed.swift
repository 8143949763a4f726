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

    /// The From field (RFC 3261 §20.20). Setting replaces it; nil removes it.
    public var from: NameAddress? {
        get { self.nameAddress(.from) }
        set { self.replace(.from, with: newValue?.description) }
    }

    /// The To field (RFC 3261 §20.39). Setting replaces it; nil removes it.
    public var to: NameAddress? {
        get { self.nameAddress(.to) }
        set { self.replace(.to, with: newValue?.description) }
    }

    /// The Call-ID, trimmed (RFC 3261 §20.8). Setting replaces it; nil removes it.
    public var callID: String? {
        get {
            guard let value = self[.callID]?.trimmingSIPWhitespace(), !value.isEmpty else { return nil }
            return value
        }
        set { self.replace(.callID, with: newValue) }
    }

    /// The CSeq field (RFC 3261 §20.16). Setting replaces it; nil removes it.
    public var cseq: CSeqHeader? {
        get {
            guard let value = self[.cseq] else { return nil }
            return try? CSeqHeader(parsing: value)
        }
        set { self.replace(.cseq, with: newValue?.description) }
    }

    /// Max-Forwards, 0 to 255 (RFC 3261 §20.22). Setting replaces it; nil removes it.
    public var maxForwards: Int? {
        get {
            guard let value = self[.maxForwards]?.trimmingSIPWhitespace().sipDecimal(max: 255) else { return nil }
            return Int(value)
        }
        set { self.replace(.maxForwards, with: newValue.map { String($0) }) }
    }

    /// Adds `via` as the new topmost Via, as a client transaction does before sending (RFC 3261 §8.1.1.7).
    public mutating func prependVia(_ via: ViaHeader) { self.prepend(.via, via.description) }

    /// Removes the topmost Via value, as a UAC does with a response's Via before passing it up (§18.1.2),
    /// keeping the others even when they share one field line.
    public mutating func removeTopVia() {
        self.withList { fields in
            guard let index = fields.firstIndex(where: { $0.name == .via }) else { return }
            let rest = SIPHeaderFields.splitCommaList(fields[index].value).dropFirst()
            if rest.isEmpty {
                fields.remove(at: index)
            } else {
                fields[index].value = rest.joined(separator: ", ")
            }
        }
    }

    /// Replaces the topmost Via value with `via`, keeping the others even when they share its field line (used
    /// to add `received` and `rport`, RFC 3261 §18.2.1, RFC 3581 §4).
    public mutating func replaceTopVia(with via: ViaHeader) {
        let replaced: Bool = self.withList { fields in
            guard let index = fields.firstIndex(where: { $0.name == .via }) else { return false }
            let rest = SIPHeaderFields.splitCommaList(fields[index].value).dropFirst()
            fields[index].value = ([via.description] + rest).joined(separator: ", ")
            return true
        }
        if !replaced { self.prependVia(via) }
    }

    /// Replaces every field of `name` by one with `value`, or removes them for nil.
    mutating func replace(_ name: HeaderName, with value: String?) {
        if let value { self.set(name, value) } else { self.remove(name) }
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
    /// Setting replaces it; nil removes it.
    public var contentType: String? {
        get {
            guard let value = self[.contentType]?.trimmingSIPWhitespace(), !value.isEmpty else { return nil }
            return value
        }
        set { self.replace(.contentType, with: newValue) }
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
