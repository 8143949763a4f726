/// Either kind of SIP message, as it comes off a transport.
public enum SIPMessage: Sendable {
    case request(SIPRequest)
    case response(SIPResponse)

    /// The header fields of either kind of message.
    public var headers: SIPHeaderFields {
        switch self {
        case .request(let request): request.headers
        case .response(let response): response.headers
        }
    }
}
