/// A SIP header field name, compared case-insensitively (RFC 3261 §7.3.1).
///
/// Compact forms (§7.3.3, e.g. `v` for Via) are mapped to their long form when parsed, so `HeaderName("v") ==
/// .via`. The spelling that arrived is not kept: messages are serialized with canonical names.
public struct HeaderName: Hashable, Sendable, CustomStringConvertible {
    /// Lower-cased long form, used for comparison and hashing.
    public let lowercased: String
    /// Canonical spelling used when serializing.
    public let canonical: String

    public init(_ name: String) {
        let lower = name.lowercased()
        if let known = HeaderName.compactForms[lower] {
            self = known
        } else if let known = HeaderName.knownByLowercase[lower] {
            self = known
        } else {
            self.lowercased = lower
            self.canonical = name
        }
    }

    private init(known canonical: String) {
        self.canonical = canonical
        self.lowercased = canonical.lowercased()
    }

    public static func == (lhs: HeaderName, rhs: HeaderName) -> Bool { lhs.lowercased == rhs.lowercased }
    public func hash(into hasher: inout Hasher) { hasher.combine(self.lowercased) }
    public var description: String { self.canonical }

    public static let via = HeaderName(known: "Via")
    public static let from = HeaderName(known: "From")
    public static let to = HeaderName(known: "To")
    public static let callID = HeaderName(known: "Call-ID")
    public static let cseq = HeaderName(known: "CSeq")
    public static let maxForwards = HeaderName(known: "Max-Forwards")
    public static let contact = HeaderName(known: "Contact")
    public static let route = HeaderName(known: "Route")
    public static let recordRoute = HeaderName(known: "Record-Route")
    public static let contentType = HeaderName(known: "Content-Type")
    public static let contentLength = HeaderName(known: "Content-Length")
    public static let contentEncoding = HeaderName(known: "Content-Encoding")
    public static let supported = HeaderName(known: "Supported")
    public static let require = HeaderName(known: "Require")
    public static let unsupported = HeaderName(known: "Unsupported")
    public static let allow = HeaderName(known: "Allow")
    public static let accept = HeaderName(known: "Accept")
    public static let userAgent = HeaderName(known: "User-Agent")
    public static let server = HeaderName(known: "Server")
    public static let expires = HeaderName(known: "Expires")
    public static let sessionExpires = HeaderName(known: "Session-Expires")
    public static let referTo = HeaderName(known: "Refer-To")
    public static let referredBy = HeaderName(known: "Referred-By")
    public static let replaces = HeaderName(known: "Replaces")
    public static let subject = HeaderName(known: "Subject")
    public static let event = HeaderName(known: "Event")
    public static let retryAfter = HeaderName(known: "Retry-After")
    public static let authorization = HeaderName(known: "Authorization")
    public static let wwwAuthenticate = HeaderName(known: "WWW-Authenticate")
    public static let proxyAuthenticate = HeaderName(known: "Proxy-Authenticate")
    public static let proxyAuthorization = HeaderName(known: "Proxy-Authorization")
    public static let proxyRequire = HeaderName(known: "Proxy-Require")
    public static let warning = HeaderName(known: "Warning")
    public static let minExpires = HeaderName(known: "Min-Expires")
    public static let rseq = HeaderName(known: "RSeq")
    public static let rack = HeaderName(known: "RAck")
    public static let date = HeaderName(known: "Date")
    public static let timestamp = HeaderName(known: "Timestamp")
    public static let mimeVersion = HeaderName(known: "MIME-Version")
    public static let contentDisposition = HeaderName(known: "Content-Disposition")
    public static let contentLanguage = HeaderName(known: "Content-Language")
    public static let acceptEncoding = HeaderName(known: "Accept-Encoding")
    public static let acceptLanguage = HeaderName(known: "Accept-Language")
    public static let alertInfo = HeaderName(known: "Alert-Info")
    public static let callInfo = HeaderName(known: "Call-Info")
    public static let errorInfo = HeaderName(known: "Error-Info")
    public static let inReplyTo = HeaderName(known: "In-Reply-To")
    public static let replyTo = HeaderName(known: "Reply-To")
    public static let organization = HeaderName(known: "Organization")
    public static let priority = HeaderName(known: "Priority")
    public static let authenticationInfo = HeaderName(known: "Authentication-Info")
    public static let allowEvents = HeaderName(known: "Allow-Events")
    public static let subscriptionState = HeaderName(known: "Subscription-State")
    public static let reason = HeaderName(known: "Reason")
    public static let privacy = HeaderName(known: "Privacy")
    public static let pAssertedIdentity = HeaderName(known: "P-Asserted-Identity")
    public static let path = HeaderName(known: "Path")
    public static let acceptContact = HeaderName(known: "Accept-Contact")
    public static let rejectContact = HeaderName(known: "Reject-Contact")
    public static let requestDisposition = HeaderName(known: "Request-Disposition")

    /// RFC 3261 §7.3.3 and later RFCs' compact forms.
    static let compactForms: [String: HeaderName] = [
        "v": .via, "f": .from, "t": .to, "i": .callID, "m": .contact, "c": .contentType, "l": .contentLength,
        "e": .contentEncoding, "k": .supported, "s": .subject, "o": .event, "r": .referTo, "b": .referredBy,
        "x": .sessionExpires, "u": .allowEvents, "a": .acceptContact, "j": .rejectContact,
        "d": .requestDisposition,
    ]

    static let knownByLowercase: [String: HeaderName] = {
        let all: [HeaderName] = [
            .via, .from, .to, .callID, .cseq, .maxForwards, .contact, .route, .recordRoute, .contentType,
            .contentLength, .contentEncoding, .supported, .require, .unsupported, .allow, .accept, .userAgent,
            .server, .expires, .sessionExpires, .referTo, .referredBy, .replaces, .subject, .event, .retryAfter,
            .authorization, .wwwAuthenticate, .proxyAuthenticate, .proxyAuthorization, .proxyRequire, .warning,
            .minExpires, .rseq, .rack, .date, .timestamp, .mimeVersion, .contentDisposition, .contentLanguage,
            .acceptEncoding, .acceptLanguage, .alertInfo, .callInfo, .errorInfo, .inReplyTo, .replyTo, .organization,
            .priority, .authenticationInfo, .allowEvents, .subscriptionState, .reason, .privacy, .pAssertedIdentity,
            .path, .acceptContact, .rejectContact, .requestDisposition,
        ]
        var table: [String: HeaderName] = [:]
        for name in all { table[name.lowercased] = name }
        return table
    }()
}
