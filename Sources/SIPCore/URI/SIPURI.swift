/// A SIP or SIPS URI (RFC 3261 §19.1). Placeholder shape; the parser fills it.
public struct SIPURI: Sendable, Equatable {
    public var scheme: String
    public var user: String?
    public var host: String
    public var port: Int?

    public init(scheme: String = "sip", user: String? = nil, host: String, port: Int? = nil) {
        self.scheme = scheme
        self.user = user
        self.host = host
        self.port = port
    }
}
