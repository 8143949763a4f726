/// A SIP request method (RFC 3261 §7.1). Methods are case-sensitive tokens; unknown ones are kept verbatim.
public enum SIPMethod: Hashable, Sendable, CustomStringConvertible {
    case invite
    case ack
    case bye
    case cancel
    case options
    case register
    case info
    case refer
    case notify
    case subscribe
    case update
    case prack
    case message
    case publish
    /// Any other token, kept exactly as it arrived.
    case other(String)

    /// Maps a method token (case-sensitive, RFC 3261 §7.1) to its case, or to ``other(_:)``.
    public init(_ token: String) {
        switch token {
        case "INVITE": self = .invite
        case "ACK": self = .ack
        case "BYE": self = .bye
        case "CANCEL": self = .cancel
        case "OPTIONS": self = .options
        case "REGISTER": self = .register
        case "INFO": self = .info
        case "REFER": self = .refer
        case "NOTIFY": self = .notify
        case "SUBSCRIBE": self = .subscribe
        case "UPDATE": self = .update
        case "PRACK": self = .prack
        case "MESSAGE": self = .message
        case "PUBLISH": self = .publish
        default: self = .other(token)
        }
    }

    /// The method token as it appears on the wire.
    public var token: String {
        switch self {
        case .invite: "INVITE"
        case .ack: "ACK"
        case .bye: "BYE"
        case .cancel: "CANCEL"
        case .options: "OPTIONS"
        case .register: "REGISTER"
        case .info: "INFO"
        case .refer: "REFER"
        case .notify: "NOTIFY"
        case .subscribe: "SUBSCRIBE"
        case .update: "UPDATE"
        case .prack: "PRACK"
        case .message: "MESSAGE"
        case .publish: "PUBLISH"
        case .other(let token): token
        }
    }

    public var description: String { self.token }
}
