/// The transports SIP runs over here (RFC 3261 §18): the Via transport token and whether it is reliable.
public enum SIPTransportKind: String, Sendable, Hashable, CaseIterable {
    case udp = "UDP"
    case tcp = "TCP"
    case tls = "TLS"

    /// The token in a Via's sent-protocol (RFC 3261 §20.42).
    public var viaToken: String { self.rawValue }

    /// Whether the transport is reliable, which switches off retransmission Timers A, E and G and zeroes
    /// Timers D, I, J and K (RFC 3261 §17.1.1.2, §17.1.2.2, §17.2.1, §17.2.2).
    public var isReliable: Bool {
        switch self {
        case .udp: false
        case .tcp, .tls: true
        }
    }

    /// The kind named by a Via transport token, or nil for one we do not speak (SCTP, WS).
    public init?(viaToken: String) {
        self.init(rawValue: viaToken.uppercased())
    }
}
