/// The master key and master salt from which every SRTP session key of one direction is derived
/// (RFC 3711 §4.3, §8.2).
///
/// With SDES (RFC 4568) each side picks the master key for what it sends and tells the other in its SDP, so a
/// call has two: ours protects what we send, the peer's authenticates and decrypts what we receive.
public struct SRTPMasterKey: Hashable, Sendable {
    /// The 16-byte AES-128 master key.
    public let key: [UInt8]
    /// The 14-byte master salt.
    public let salt: [UInt8]

    /// A master key from its parts; nil unless `key` has 16 bytes and `salt` 14.
    public init?(key: [UInt8], salt: [UInt8]) {
        guard key.count == SRTPProfile.masterKeyLength, salt.count == SRTPProfile.masterSaltLength else {
            return nil
        }
        self.key = key
        self.salt = salt
    }

    /// A master key from the 30 bytes of an SDES inline key (key first, then salt), or nil for another length.
    public init?(concatenated bytes: [UInt8]) {
        guard bytes.count == SRTPProfile.masterKeyLength + SRTPProfile.masterSaltLength else { return nil }
        self.init(
            key: Array(bytes[0..<SRTPProfile.masterKeyLength]),
            salt: Array(bytes[SRTPProfile.masterKeyLength...])
        )
    }

    /// Key then salt, as an SDES inline key carries them (RFC 4568 §6.1).
    public var concatenated: [UInt8] { self.key + self.salt }

    /// A fresh master key and salt from the system's CSPRNG (RFC 3711 §8.2 asks for random master keys).
    public static func random() -> SRTPMasterKey {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<(SRTPProfile.masterKeyLength + SRTPProfile.masterSaltLength)).map { _ in
            UInt8.random(in: 0...255, using: &generator)
        }
        // Both lengths are right by construction.
        guard let key = SRTPMasterKey(concatenated: bytes) else { preconditionFailure("master key length") }
        return key
    }
}
