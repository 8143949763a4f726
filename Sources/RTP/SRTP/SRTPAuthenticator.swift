import Crypto

/// HMAC-SHA1 truncated to an SRTP tag (RFC 3711 §4.2.1), and its constant-time check.
///
/// The one file that touches swift-crypto's HMAC. The keyed state (the hash of the key XOR ipad and opad) is
/// computed once per session key; each packet starts from a copy of it. swift-crypto keeps digest state in a
/// copy-on-write class, so each tag costs two small allocations inside swift-crypto (the inner and the outer
/// hash state); nothing else here allocates.
struct SRTPAuthenticator: @unchecked Sendable {
    // Safety: the keyed HMAC is never mutated after init; every use mutates a local copy, and swift-crypto's
    // copy-on-write gives that copy its own digest state. swift-crypto 3.12 predates Sendable annotations.
    private let keyed: HMAC<Insecure.SHA1>

    /// An authenticator under the derived 20-byte authentication key.
    init(key: [UInt8]) {
        self.keyed = HMAC<Insecure.SHA1>(key: SymmetricKey(data: key))
    }

    /// Writes the first `tag.count` bytes of HMAC-SHA1(`message` || `rolloverCounter`) into `tag`.
    ///
    /// SRTP appends the 32-bit rollover counter, big-endian, to what it authenticates (RFC 3711 §4.2); SRTCP
    /// carries its index inside the message and passes nil.
    func computeTag(
        message: UnsafeRawBufferPointer,
        rolloverCounter: UInt32?,
        into tag: UnsafeMutableRawBufferPointer
    ) {
        var mac = self.keyed
        mac.update(data: message)
        if let rolloverCounter {
            let bigEndian = rolloverCounter.bigEndian
            withUnsafeBytes(of: bigEndian) { mac.update(data: $0) }
        }
        let code = mac.finalize()
        code.withUnsafeBytes { digest in
            for index in 0..<min(tag.count, digest.count) { tag[index] = digest[index] }
        }
    }

    /// Whether `tag` is the right tag for `message` and `rolloverCounter`, compared in constant time: every byte
    /// is looked at whatever the first difference, so the time taken says nothing about where a forgery failed.
    func verify(
        tag: UnsafeRawBufferPointer,
        message: UnsafeRawBufferPointer,
        rolloverCounter: UInt32?
    ) -> Bool {
        withUnsafeTemporaryAllocation(byteCount: 20, alignment: 1) { expected in
            let slot = UnsafeMutableRawBufferPointer(rebasing: expected[0..<min(tag.count, 20)])
            self.computeTag(message: message, rolloverCounter: rolloverCounter, into: slot)
            var difference: UInt8 = tag.count > 20 ? 1 : 0
            for index in 0..<slot.count { difference |= slot[index] ^ tag[index] }
            return difference == 0
        }
    }
}
