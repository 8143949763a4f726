/// A SIP request (RFC 3261 §7.1): method, Request-URI, header fields and body.
///
/// A parsed request keeps the received bytes and reads its URI, fields and body from them on demand, so parsing
/// allocates almost nothing (STYLE.md §6); setting any of them stores the new value as usual.
public struct SIPRequest: Sendable {
    /// The request's method.
    public var method: SIPMethod
    var uriStorage: SIPURIStorage
    /// Always "SIP/2.0" for messages we accept; kept for faithful serialization.
    public var version: String
    /// The header fields in order.
    public var headers: SIPHeaderFields
    var bodyStorage: SIPBodyStorage

    /// The Request-URI. On a parsed request each read parses it from the received bytes (it was checked then).
    public var uri: SIPURI {
        get { self.uriStorage.uri }
        set { self.uriStorage = .parsed(newValue) }
    }

    /// The body octets. On a parsed request each read copies them out of the received bytes.
    public var body: [UInt8] {
        get { self.bodyStorage.bytes }
        set { self.bodyStorage = .owned(newValue) }
    }

    /// Makes a request from its parts; ``Dialog`` builds in-dialog requests for you.
    public init(
        method: SIPMethod,
        uri: SIPURI,
        version: String = "SIP/2.0",
        headers: SIPHeaderFields = SIPHeaderFields(),
        body: [UInt8] = []
    ) {
        self.method = method
        self.uriStorage = .parsed(uri)
        self.version = version
        self.headers = headers
        self.bodyStorage = .owned(body)
    }

    init(
        method: SIPMethod,
        uriStorage: SIPURIStorage,
        headers: SIPHeaderFields,
        bodyStorage: SIPBodyStorage
    ) {
        self.method = method
        self.uriStorage = uriStorage
        self.version = "SIP/2.0"
        self.headers = headers
        self.bodyStorage = bodyStorage
    }
}
