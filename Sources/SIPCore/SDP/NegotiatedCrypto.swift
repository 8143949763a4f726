/// The SDES keys both sides settled on for one SRTP stream (RFC 4568 §7).
///
/// Each side sends under the key it wrote in its own SDP: ours protects what we send, the peer's checks and
/// decrypts what we receive.
public struct NegotiatedCrypto: Sendable, Equatable {
    /// The crypto suite, e.g. `AES_CM_128_HMAC_SHA1_80`.
    public var suite: String
    /// The tag of the `a=crypto` line that was accepted.
    public var tag: Int
    /// Our master key and salt (what we send is protected with it).
    public var localKeyMaterial: [UInt8]
    /// The peer's master key and salt (what we receive is checked with it).
    public var remoteKeyMaterial: [UInt8]

    /// Records the agreed suite, its tag and both sides' keys.
    public init(suite: String, tag: Int, localKeyMaterial: [UInt8], remoteKeyMaterial: [UInt8]) {
        self.suite = suite
        self.tag = tag
        self.localKeyMaterial = localKeyMaterial
        self.remoteKeyMaterial = remoteKeyMaterial
    }
}

/// What we bring to SDES negotiation as an answerer: the suites we accept, best first, and our key material.
public struct SDESKeying: Sendable, Equatable {
    /// Crypto suite names we accept, in our order of preference.
    public var suites: [String]
    /// Our master key and salt (30 bytes for the AES-CM 128 suites).
    public var localKeyMaterial: [UInt8]

    /// Offers `suites` in order of preference, all keyed with `localKeyMaterial`.
    public init(suites: [String], localKeyMaterial: [UInt8]) {
        self.suites = suites
        self.localKeyMaterial = localKeyMaterial
    }
}
