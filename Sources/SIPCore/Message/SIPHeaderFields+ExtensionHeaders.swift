/// Typed views of the headers of the extensions in ``SIPOptionTag``: RSeq and RAck (RFC 3262), Session-Expires
/// and Min-SE (RFC 4028). Each is nil when absent or malformed.
extension SIPHeaderFields {
    /// RSeq of a reliable provisional response, 1 to 2^32-1 (RFC 3262 §7.1).
    public var rseq: UInt32? {
        get {
            guard let value = self[.rseq],
                let number = ExtensionHeaderText.decimal(ExtensionHeaderText.trimmed(value), max: UInt64(UInt32.max)),
                number > 0
            else { return nil }
            return UInt32(number)
        }
        set {
            if let newValue { self.set(.rseq, String(newValue)) } else { self.remove(.rseq) }
        }
    }

    /// RAck of a PRACK (RFC 3262 §7.2).
    public var rack: RAckHeader? {
        get { self[.rack].flatMap { try? RAckHeader(parsing: $0) } }
        set {
            if let newValue { self.set(.rack, newValue.description) } else { self.remove(.rack) }
        }
    }

    /// Session-Expires (RFC 4028 §4), also in its compact form `x`.
    public var sessionExpires: SessionExpiresHeader? {
        get { self[.sessionExpires].flatMap { try? SessionExpiresHeader(parsing: $0) } }
        set {
            if let newValue { self.set(.sessionExpires, newValue.description) } else { self.remove(.sessionExpires) }
        }
    }

    /// Min-SE in seconds (RFC 4028 §5); parameters after the number are ignored.
    public var minSE: UInt32? {
        get {
            guard let value = self[.minSE],
                let number = value.split(separator: ";", omittingEmptySubsequences: false).first.flatMap({
                    ExtensionHeaderText.decimal(ExtensionHeaderText.trimmed($0), max: UInt64(UInt32.max))
                })
            else { return nil }
            return UInt32(number)
        }
        set {
            if let newValue { self.set(.minSE, String(newValue)) } else { self.remove(.minSE) }
        }
    }
}

extension HeaderName {
    /// Min-SE: the smallest session interval a hop accepts (RFC 4028 §5).
    public static let minSE = HeaderName("Min-SE")
}
