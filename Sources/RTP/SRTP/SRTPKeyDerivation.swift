/// The SRTP key derivation function (RFC 3711 §4.3): AES-CM under the master key, keyed by a label.
///
/// Parley uses a key derivation rate of 0 (the RFC 4568 default when no `KDR` is given), so each session key is
/// derived once per master key: `x = (label || 0^48) XOR master_salt`, and the key is the first bytes of the
/// AES-CM keystream that starts at `x * 2^16`.
package enum SRTPKeyDerivation {
    /// What a derived key is for (RFC 3711 §4.3.1 for SRTP, §4.3.2 for SRTCP).
    package enum Label: UInt8, Sendable, CaseIterable {
        case rtpEncryption = 0x00
        case rtpAuthentication = 0x01
        case rtpSalt = 0x02
        case rtcpEncryption = 0x03
        case rtcpAuthentication = 0x04
        case rtcpSalt = 0x05
    }

    /// The first `length` bytes of the session key for `label` under `master`.
    package static func derive(_ label: Label, length: Int, from master: SRTPMasterKey) -> [UInt8] {
        // key_id (label, then 48 zero bits of r) lines up with the salt's last 7 bytes: the label XORs byte 7.
        var x = master.salt
        x[7] ^= label.rawValue
        let high = Self.bigEndianUInt64(x, from: 0)
        // The salt's last 6 bytes, then the 16 zero bits of the block counter.
        let low = Self.bigEndianUInt64(x[8..<14] + [0, 0], from: 0)
        var output = [UInt8](repeating: 0, count: length)
        output.withUnsafeMutableBytes { bytes in
            AESCounterMode(key: master.key).apply(counterHigh: high, counterLow: low, to: bytes)
        }
        return output
    }

    static func bigEndianUInt64(_ bytes: some Collection<UInt8>, from start: Int) -> UInt64 {
        var value: UInt64 = 0
        for byte in bytes.dropFirst(start).prefix(8) { value = value << 8 | UInt64(byte) }
        return value
    }
}
