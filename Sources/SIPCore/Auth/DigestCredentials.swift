/// A user name and password for Digest authentication (RFC 3261 §22.4), optionally bound to one realm.
public struct DigestCredentials: Sendable, Equatable {
    /// The user name sent in the answer.
    public var username: String
    /// The shared secret; never sent, only hashed into the response.
    public var password: String
    /// When set, the credentials answer only challenges from this realm (RFC 3261 §22.4: a UAC "MUST NOT"
    /// reuse credentials across realms it was not configured for). Nil answers any realm.
    public var realm: String?

    /// Makes credentials, bound to `realm` when given.
    public init(username: String, password: String, realm: String? = nil) {
        self.username = username
        self.password = password
        self.realm = realm
    }

    /// Whether these credentials may answer `challenge`.
    public func matches(_ challenge: DigestChallenge) -> Bool {
        guard let realm = self.realm else { return true }
        return realm == challenge.realm
    }
}
