/// The session keys of one direction and one protocol (SRTP or SRTCP), derived from a master key, ready to use.
///
/// RFC 3711 §4.3: an encryption key, an authentication key and a session salt. The salt is kept as the two
/// big-endian halves of `salt * 2^16`, the base of every packet's counter block (RFC 3711 §4.1.1).
struct SRTPSessionKeys: Sendable {
    let cipher: AESCounterMode
    let authenticator: SRTPAuthenticator
    let saltHigh: UInt64
    let saltLow: UInt64

    /// Derives the SRTP keys (labels 0 to 2) or the SRTCP keys (labels 3 to 5) of `master`.
    init(master: SRTPMasterKey, rtcp: Bool) {
        let labels: (SRTPKeyDerivation.Label, SRTPKeyDerivation.Label, SRTPKeyDerivation.Label) =
            rtcp
            ? (.rtcpEncryption, .rtcpAuthentication, .rtcpSalt) : (.rtpEncryption, .rtpAuthentication, .rtpSalt)
        self.cipher = AESCounterMode(key: SRTPKeyDerivation.derive(labels.0, length: 16, from: master))
        self.authenticator = SRTPAuthenticator(
            key: SRTPKeyDerivation.derive(labels.1, length: SRTPProfile.authenticationKeyLength, from: master)
        )
        let salt = SRTPKeyDerivation.derive(labels.2, length: SRTPProfile.masterSaltLength, from: master)
        self.saltHigh = SRTPKeyDerivation.bigEndianUInt64(salt, from: 0)
        self.saltLow = SRTPKeyDerivation.bigEndianUInt64(salt[8..<14] + [0, 0], from: 0)
    }

    /// Encrypts or decrypts `bytes` in place for the packet with `ssrc` and `index` (the 48-bit SRTP packet index
    /// or the 31-bit SRTCP index): the counter starts at `salt * 2^16 XOR ssrc * 2^64 XOR index * 2^16`.
    func crypt(_ bytes: UnsafeMutableRawBufferPointer, ssrc: UInt32, index: UInt64) {
        guard !bytes.isEmpty else { return }
        self.cipher.apply(
            counterHigh: self.saltHigh ^ UInt64(ssrc),
            counterLow: self.saltLow ^ (index << 16),
            to: bytes
        )
    }
}
