/// An SRTP crypto suite: which cipher, which authentication and how long the tags are (RFC 3711, RFC 4568 §6.2).
///
/// Both suites Parley speaks encrypt with AES-128 in counter mode and authenticate with HMAC-SHA1 under keys
/// derived from one 128-bit master key and a 112-bit master salt; they differ only in the length of the RTP
/// tag. SRTCP always carries the full 80-bit tag (RFC 4568 §6.2.2 keeps SRTCP at 80 bits for the `_32` suite).
public enum SRTPProfile: Hashable, Sendable, CaseIterable {
    /// `AES_CM_128_HMAC_SHA1_80`: 80-bit tags on RTP and RTCP (RFC 4568 §6.2.1). The default.
    case aesCM128HMACSHA1_80
    /// `AES_CM_128_HMAC_SHA1_32`: 32-bit tags on RTP, 80-bit on RTCP (RFC 4568 §6.2.2), for narrow links.
    case aesCM128HMACSHA1_32

    /// Length of the master key in bytes (AES-128).
    public static let masterKeyLength = 16
    /// Length of the master salt in bytes (RFC 3711 §8.2: 112 bits).
    public static let masterSaltLength = 14
    /// Length of the derived authentication key in bytes (RFC 3711 §4.2.1: HMAC-SHA1 with a 160-bit key).
    static let authenticationKeyLength = 20
    /// Length of an SRTCP tag in bytes, for either suite.
    public static let rtcpTagLength = 10

    /// Length of the authentication tag appended to each SRTP packet, in bytes.
    public var rtpTagLength: Int {
        switch self {
        case .aesCM128HMACSHA1_80: 10
        case .aesCM128HMACSHA1_32: 4
        }
    }

    /// The suite's name in an SDES `a=crypto` line (RFC 4568 §6.2).
    public var name: String {
        switch self {
        case .aesCM128HMACSHA1_80: "AES_CM_128_HMAC_SHA1_80"
        case .aesCM128HMACSHA1_32: "AES_CM_128_HMAC_SHA1_32"
        }
    }

    /// The suite called `name` in SDP (case-sensitive, as RFC 4568 §9.1 registers them), or nil.
    public init?(name: some StringProtocol) {
        switch name {
        case "AES_CM_128_HMAC_SHA1_80": self = .aesCM128HMACSHA1_80
        case "AES_CM_128_HMAC_SHA1_32": self = .aesCM128HMACSHA1_32
        default: return nil
        }
    }
}
