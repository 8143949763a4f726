/// Random tokens for tags, branches and Call-IDs.
///
/// RFC 3261 §19.3 asks for tags and Call-IDs that are globally unique with at least 32 bits of randomness, and
/// §8.1.1.7 for branches that start with the magic cookie. Uses `SystemRandomNumberGenerator` (a CSPRNG), so
/// values are unguessable, which also hardens against off-path spoofing.
public enum SIPToken {
    /// The RFC 3261 branch prefix (§8.1.1.7).
    public static let magicCookie = "z9hG4bK"

    private static let alphabet: [Character] = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")

    /// `length` characters drawn from `[A-Za-z0-9]`, each a valid `token` character.
    public static func random(length: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return Self.random(length: length, using: &generator)
    }

    /// As ``random(length:)`` with an injected generator, for reproducible tests.
    public static func random(length: Int, using generator: inout some RandomNumberGenerator) -> String {
        var text = ""
        text.reserveCapacity(max(0, length))
        for _ in 0..<max(0, length) {
            let index = Int(generator.next(upperBound: UInt64(Self.alphabet.count)))
            text.append(Self.alphabet[index])
        }
        return text
    }

    /// A new Via branch: the magic cookie plus 16 random characters (~95 bits).
    public static func branch() -> String { Self.magicCookie + Self.random(length: 16) }

    /// A new From/To tag: 10 random characters (~59 bits, over the 32 of §19.3).
    public static func tag() -> String { Self.random(length: 10) }

    /// A new Call-ID, optionally `@host` (RFC 3261 §8.1.1.4).
    public static func callID(host: String? = nil) -> String {
        let local = Self.random(length: 22)
        guard let host, !host.isEmpty else { return local }
        return local + "@" + host
    }
}
