/// The `o=` line: who made the description and which version of it this is (RFC 8866 §5.2).
public struct SDPOrigin: Sendable, Equatable, CustomStringConvertible {
    public var username: String
    /// Numeric strings; kept as text because peers send values beyond 64 bits.
    public var sessionID: String
    public var sessionVersion: String
    public var networkType: String
    public var addressType: String
    public var address: String

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
