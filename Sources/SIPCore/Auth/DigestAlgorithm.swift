import Crypto

/// A digest algorithm from the IANA "Hash Algorithms for HTTP Digest Authentication" registry, as SIP uses it
/// (RFC 8760 §2.1, RFC 7616 §3.4.2): MD5 (RFC 2617) and SHA-256, each with its `-sess` variant.
public enum DigestAlgorithm: String, Sendable, Hashable, CaseIterable {
    case md5 = "MD5"
    case md5Session = "MD5-sess"
    case sha256 = "SHA-256"
    case sha256Session = "SHA-256-sess"

    /// The algorithm named by a challenge's `algorithm` parameter, compared case-insensitively; absent means
    /// MD5 (RFC 3261 §22.4, RFC 7616 §3.3). Nil for one we do not support (e.g. SHA-512-256).
    public init?(token: String?) {
        guard let token else {
            self = .md5
            return
        }
        let lower = token.lowercased()
        guard let match = Self.allCases.first(where: { $0.rawValue.lowercased() == lower }) else { return nil }
        self = match
    }

    /// Whether A1 is recomputed per session with the nonce and cnonce (RFC 7616 §3.4.2).
    public var isSession: Bool { self == .md5Session || self == .sha256Session }

    /// How strongly we prefer it when a server offers several (SHA-256 over MD5, RFC 8760 §1).
    var strength: Int {
        switch self {
        case .md5, .md5Session: 0
        case .sha256, .sha256Session: 1
        }
    }

    /// H(data) as lower-case hex (RFC 7616 §3.4: "the bits ... four bits at a time ... 0123456789abcdef").
    public func hexDigest(_ text: String) -> String {
        let bytes = Array(text.utf8)
        switch self {
        case .md5, .md5Session:
            var hasher = Insecure.MD5()
            bytes.withUnsafeBytes { hasher.update(bufferPointer: $0) }
            return Self.hex(hasher.finalize())
        case .sha256, .sha256Session:
            var hasher = SHA256()
            bytes.withUnsafeBytes { hasher.update(bufferPointer: $0) }
            return Self.hex(hasher.finalize())
        }
    }

    private static let hexDigits: [Character] = Array("0123456789abcdef")

    private static func hex(_ digest: some Sequence<UInt8>) -> String {
        var text = ""
        text.reserveCapacity(64)
        for byte in digest {
            text.append(Self.hexDigits[Int(byte >> 4)])
            text.append(Self.hexDigits[Int(byte & 0x0F)])
        }
        return text
    }
}
