/// The `o=` line: who made the description and which version of it this is (RFC 8866 §5.2).
public struct SDPOrigin: Sendable, Equatable, CustomStringConvertible {
    /// The originator's login, "-" when there is none.
    public var username: String
    /// Numeric strings; kept as text because peers send values beyond 64 bits.
    public var sessionID: String
    /// Raised by one with each changed description in a session (RFC 3264 §8).
    public var sessionVersion: String
    /// Always "IN".
    public var networkType: String
    /// "IP4" or "IP6".
    public var addressType: String
    /// The originator's address (no brackets for IPv6).
    public var address: String

    /// Makes an `o=` line.
    public init(
        username: String = "-",
        sessionID: String,
        sessionVersion: String,
        networkType: String = "IN",
        addressType: String,
        address: String
    ) {
        self.username = username
        self.sessionID = sessionID
        self.sessionVersion = sessionVersion
        self.networkType = networkType
        self.addressType = addressType
        self.address = address
    }

    public var description: String {
        "\(self.username) \(self.sessionID) \(self.sessionVersion) \(self.networkType) \(self.addressType) \(self.address)"
    }
}
