/// A SIP response (RFC 3261 §7.2): status code, reason phrase, header fields and body.
public struct SIPResponse: Sendable {
    public var statusCode: Int
    public var reasonPhrase: String
    public var version: String
    public var headers: SIPHeaderFields
    public var body: [UInt8]

    public init(
        statusCode: Int,
        reasonPhrase: String,
        version: String = "SIP/2.0",
        headers: SIPHeaderFields = SIPHeaderFields(),
        body: [UInt8] = []
    ) {
        self.statusCode = statusCode
        self.reasonPhrase = reasonPhrase
        self.version = version
        self.headers = headers
        self.body = body
    }

    /// 1xx responses are provisional; everything from 200 up is final (RFC 3261 §7.2).
    public var isProvisional: Bool { self.statusCode < 200 }
}
