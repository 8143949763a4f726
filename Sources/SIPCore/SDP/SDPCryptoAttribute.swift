/// An SDES `a=crypto` attribute (RFC 4568 §9.1): a tag, a crypto suite and the sender's master key.
///
/// ```
/// a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:4 KDR=1
///          tag suite                  key-params (key||salt in base64 | lifetime | MKI:length) session-params
/// ```
///
/// SIPCore reads and writes the line; what the key means is the RTP layer's business. Parley offers and accepts
/// one key per line, without an MKI and without session parameters: a line that needs more (several keys, an
/// MKI, `KDR`, `UNENCRYPTED_SRTP`, FEC keys, ...) is one we cannot honour, so offer/answer skips it
/// (RFC 4568 §7.1.2: the answerer picks a line it supports). A lifetime is accepted and not enforced: a call
/// would need 2^31 packets (over a year of 20 ms audio) to reach the default.
public struct SDPCryptoAttribute: Sendable, Equatable, CustomStringConvertible {
    /// The tag that pairs an answer's line with the offer's (1 to 999999999).
    public var tag: Int
    /// The crypto suite's name, e.g. `AES_CM_128_HMAC_SHA1_80`.
    public var suite: String
    /// The decoded key material of the first `inline:` key (master key then master salt), or nil if it did not
    /// decode.
    public var keyMaterial: [UInt8]?
    /// The key's lifetime text (`2^31`, `1048576`), if given.
    public var lifetime: String?
    /// The key's `MKI:length`, if given.
    public var mki: String?
    /// How many `inline:` keys the line lists.
    public var keyCount: Int
    /// Session parameters after the key parameters, as written.
    public var sessionParameters: [String]

    /// A line carrying `keyMaterial` for `suite`, the way Parley offers and answers.
    public init(tag: Int, suite: String, keyMaterial: [UInt8]) {
        self.tag = tag
        self.suite = suite
        self.keyMaterial = keyMaterial
        self.lifetime = nil
        self.mki = nil
        self.keyCount = 1
        self.sessionParameters = []
    }

    /// Parses the value of an `a=crypto:` line; nil if it lacks a tag, a suite or an `inline:` key.
    public init?(parsing value: String) {
        let fields = value.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count >= 3, let tag = Int(fields[0]), (0...999_999_999).contains(tag) else { return nil }
        self.tag = tag
        self.suite = String(fields[1])
        let keys = fields[2].split(separator: ";")
        guard let first = keys.first, first.hasPrefix("inline:") else { return nil }
        self.keyCount = keys.count
        let parts = first.dropFirst("inline:".count).split(separator: "|", omittingEmptySubsequences: false)
        guard let key = parts.first, !key.isEmpty else { return nil }
        self.keyMaterial = Base64.decode(key)
        self.lifetime = nil
        self.mki = nil
        for part in parts.dropFirst() {
            // RFC 4568 §9.1: an MKI has a colon (`1:4`); a lifetime does not (`2^20` or a number).
            if part.contains(":") { self.mki = String(part) } else { self.lifetime = String(part) }
        }
        self.sessionParameters = fields.dropFirst(3).map(String.init)
    }

    /// Whether Parley can use this line as it stands: one key of `keyLength` bytes, no MKI, no session
    /// parameters other than a window size hint (`WSH`, which only asks for a replay window at least that big).
    public func isUsable(keyLength: Int) -> Bool {
        guard self.keyCount == 1, self.mki == nil, self.keyMaterial?.count == keyLength else { return false }
        return self.sessionParameters.allSatisfy { $0.hasPrefix("WSH=") && (Int($0.dropFirst(4)) ?? .max) <= 128 }
    }

    /// The attribute value, e.g. `1 AES_CM_128_HMAC_SHA1_80 inline:...`.
    public var description: String {
        var text = "\(self.tag) \(self.suite) inline:\(Base64.encode(self.keyMaterial ?? []))"
        if let lifetime { text += "|\(lifetime)" }
        if let mki { text += "|\(mki)" }
        for parameter in self.sessionParameters { text += " \(parameter)" }
        return text
    }
}

extension MediaDescription {
    /// The `a=crypto` lines of this section that parse (RFC 4568), in order.
    public var cryptoAttributes: [SDPCryptoAttribute] {
        self.attributes(named: "crypto").compactMap(SDPCryptoAttribute.init(parsing:))
    }

    /// Whether the section uses the secure RTP profile (RFC 3711 §12: `RTP/SAVP`).
    public var isSecureRTP: Bool { self.proto.uppercased() == "RTP/SAVP" }
}
