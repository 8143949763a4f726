/// The media direction attribute (RFC 3264 §5.1, §6.1); `sendrecv` when none is given.
public enum SDPDirection: String, Sendable, Equatable, CaseIterable {
    case sendrecv
    case sendonly
    case recvonly
    case inactive

    /// The direction an answer takes for an offer with this one (RFC 3264 §6.1): send-only becomes
    /// receive-only and vice versa.
    public var mirrored: SDPDirection {
        switch self {
        case .sendrecv: .sendrecv
        case .sendonly: .recvonly
        case .recvonly: .sendonly
        case .inactive: .inactive
        }
    }

    /// True when this side sends media.
    public var sends: Bool { self == .sendrecv || self == .sendonly }
    /// True when this side receives media.
    public var receives: Bool { self == .sendrecv || self == .recvonly }
}
