/// The `c=` line: where media goes (RFC 8866 §5.7). IPv6 addresses carry no brackets (RFC 5118 §4.6).
public struct SDPConnection: Sendable, Equatable, CustomStringConvertible {
    /// Always "IN" (internet) in practice.
    public var networkType: String
    /// "IP4" or "IP6".
    public var addressType: String
    /// The address as written, including any `/ttl/count` suffix.
    public var address: String

    /// Makes a `c=` line; pass an IPv6 address without brackets.
    public init(networkType: String = "IN", addressType: String, address: String) {
        self.networkType = networkType
        self.addressType = addressType
        self.address = address
    }

    /// A connection for `address`, choosing IP6 when it contains a colon.
    public init(address: String) {
        self.init(addressType: address.contains(":") ? "IP6" : "IP4", address: address)
    }

    /// The address without a multicast `/ttl` suffix.
    public var host: String {
        guard let slash = self.address.firstIndex(of: "/") else { return self.address }
        return String(self.address[..<slash])
    }

    /// True for `0.0.0.0`, the RFC 2543 way to put a call on hold (RFC 3264 §8.4).
    public var isHold: Bool { self.host == "0.0.0.0" || self.host == "::" }

    public var description: String { "\(self.networkType) \(self.addressType) \(self.address)" }
}
