/// A SIP response (RFC 3261 §7.2): status code, reason phrase, header fields and body.
///
/// A parsed response keeps the received bytes and reads its fields and body from them on demand (STYLE.md §6).
public struct SIPResponse: Sendable {
    /// The three-digit status code (RFC 3261 §21).
    public var statusCode: Int
    /// The text after the code; informative only, never interpreted.
    public var reasonPhrase: String
    /// Always "SIP/2.0" for messages we accept; kept for faithful serialization.
    public var version: String
    /// The header fields in order.
    public var headers: SIPHeaderFields
    var bodyStorage: SIPBodyStorage

    /// The body octets. On a parsed response each read copies them out of the received bytes.
    public var body: [UInt8] {
        get { self.bodyStorage.bytes }
        set { self.bodyStorage = .owned(newValue) }
    }

    /// Makes a response from its parts; ``ServerTransaction`` builds most responses for you.
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
        self.bodyStorage = .owned(body)
    }

    init(statusCode: Int, reasonPhrase: String, headers: SIPHeaderFields, bodyStorage: SIPBodyStorage) {
        self.statusCode = statusCode
        self.reasonPhrase = reasonPhrase
        self.version = "SIP/2.0"
        self.headers = headers
        self.bodyStorage = bodyStorage
    }

    /// 1xx responses are provisional; everything from 200 up is final (RFC 3261 §7.2).
    public var isProvisional: Bool { self.statusCode < 200 }
}
