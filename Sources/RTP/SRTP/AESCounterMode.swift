import Crypto
import _CryptoExtras

/// AES-128 in counter mode as SRTP uses it (RFC 3711 §4.1.1): the keystream is AES applied to a 128-bit
/// counter that starts at a per-packet IV and counts up by one per 16-byte block.
///
/// The one file that touches swift-crypto's AES. Its `AES._CTR` returns a fresh `Data` per call, which would
/// allocate on every packet, so the counter mode is built here from `AES.permute` (one block of the raw cipher,
/// from `_CryptoExtras`): the keystream block lives on the stack and is XORed into the packet in place. SRTP
/// counts only in the low 16 bits (a packet is far shorter than 2^16 blocks), so a 128-bit increment with carry
/// gives the same counter sequence.
struct AESCounterMode: @unchecked Sendable {
    // Safety: `SymmetricKey` is an immutable value (copy-on-write storage that is never written after init);
    // swift-crypto 3.12 predates its Sendable annotations.
    private let key: SymmetricKey

    /// A cipher under a 16-byte AES-128 key.
    init(key: [UInt8]) {
        precondition(key.count == 16, "AES-128 keys are 16 bytes")
        self.key = SymmetricKey(data: key)
    }

    /// XORs the keystream that starts at the counter block `high:low` (big-endian halves) into `bytes`.
    ///
    /// Encryption and decryption are the same operation.
    func apply(counterHigh high: UInt64, counterLow low: UInt64, to bytes: UnsafeMutableRawBufferPointer) {
        var counterHigh = high
        var counterLow = low
        var offset = 0
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16) { block in
            while offset < bytes.count {
                Self.store(counterHigh, into: block, at: 0)
                Self.store(counterLow, into: block, at: 8)
                var target = block
                do {
                    try AES.permute(&target, key: self.key)
                } catch {
                    // Only wrong block or key sizes throw, and both are fixed here.
                    preconditionFailure("AES block permutation failed: \(error)")
                }
                let count = min(16, bytes.count - offset)
                for index in 0..<count {
                    bytes[offset + index] ^= block[index]
                }
                offset += count
                counterLow &+= 1
                if counterLow == 0 { counterHigh &+= 1 }
            }
        }
    }

    private static func store(_ value: UInt64, into block: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
        for index in 0..<8 {
            block[offset + index] = UInt8(truncatingIfNeeded: value >> (56 - 8 * UInt64(index)))
        }
    }
}
