/// A SIP request (RFC 3261 §7.1): method, Request-URI, header fields and body.
public struct SIPRequest: Sendable {
    public var method: SIPMethod
    public var uri: SIPURI
    /// Always "SIP/2.0" for messages we accept; kept for faithful serialization.
    public var version: String
    public var headers: SIPHeaderFields
    public var body: [UInt8]

    public init(
        method: SIPMethod,
        uri: SIPURI,
        version: String = "SIP/2.0",
        headers: SIPHeaderFields = SIPHeaderFields(),
        body: [UInt8] = []
    ) {
        self.method = method
        self.uri = uri
        self.version = version
        self.headers = headers
        self.body = body
    }
}
