/// A SIP header field name, compared case-insensitively (RFC 3261 §7.3.1).
///
/// Compact forms (§7.3.3, e.g. `v` for Via) are mapped to their long form when parsed, so `HeaderName("v") ==
/// .via`. The spelling that arrived is not kept: messages are serialized with canonical names.
public struct HeaderName: Hashable, Sendable, CustomStringConvertible {
    /// Lower-cased long form, used for comparison and hashing.
    public let lowercased: String
    /// Canonical spelling used when serializing.
    public let canonical: String

    /// Position in ``known`` for the names this module knows, ``unknownIndex`` otherwise. Two names with
    /// different indices never compare equal: the initializer maps every spelling of a known name to it.
    let index: UInt8

    static let unknownIndex: UInt8 = .max

    public init(_ name: String) {
        let lower = name.lowercased()
        if let known = HeaderName.compactForms[lower] {
            self = known
        } else if let known = HeaderName.knownByLowercase[lower] {
            self = known
        } else {
            self.lowercased = lower
            self.canonical = name
            self.index = Self.unknownIndex
        }
    }

    private init(known canonical: String, index: UInt8) {
        self.canonical = canonical
        self.lowercased = canonical.lowercased()
        self.index = index
    }

    public static func == (lhs: HeaderName, rhs: HeaderName) -> Bool {
        guard lhs.index == rhs.index else { return false }
        return lhs.index != Self.unknownIndex || lhs.lowercased == rhs.lowercased
    }
    public func hash(into hasher: inout Hasher) { hasher.combine(self.lowercased) }
    public var description: String { self.canonical }

    public static let via = HeaderName(known: "Via", index: 0)
    public static let from = HeaderName(known: "From", index: 1)
    public static let to = HeaderName(known: "To", index: 2)
    public static let callID = HeaderName(known: "Call-ID", index: 3)
    public static let cseq = HeaderName(known: "CSeq", index: 4)
    public static let maxForwards = HeaderName(known: "Max-Forwards", index: 5)
    public static let contact = HeaderName(known: "Contact", index: 6)
    public static let route = HeaderName(known: "Route", index: 7)
    public static let recordRoute = HeaderName(known: "Record-Route", index: 8)
    public static let contentType = HeaderName(known: "Content-Type", index: 9)
    public static let contentLength = HeaderName(known: "Content-Length", index: 10)
    public static let contentEncoding = HeaderName(known: "Content-Encoding", index: 11)
    public static let supported = HeaderName(known: "Supported", index: 12)
    public static let require = HeaderName(known: "Require", index: 13)
    public static let unsupported = HeaderName(known: "Unsupported", index: 14)
    public static let allow = HeaderName(known: "Allow", index: 15)
    public static let accept = HeaderName(known: "Accept", index: 16)
    public static let userAgent = HeaderName(known: "User-Agent", index: 17)
    public static let server = HeaderName(known: "Server", index: 18)
    public static let expires = HeaderName(known: "Expires", index: 19)
    public static let sessionExpires = HeaderName(known: "Session-Expires", index: 20)
    public static let referTo = HeaderName(known: "Refer-To", index: 21)
    public static let referredBy = HeaderName(known: "Referred-By", index: 22)
    public static let replaces = HeaderName(known: "Replaces", index: 23)
    public static let subject = HeaderName(known: "Subject", index: 24)
    public static let event = HeaderName(known: "Event", index: 25)
    public static let retryAfter = HeaderName(known: "Retry-After", index: 26)
    public static let authorization = HeaderName(known: "Authorization", index: 27)
    public static let wwwAuthenticate = HeaderName(known: "WWW-Authenticate", index: 28)
    public static let proxyAuthenticate = HeaderName(known: "Proxy-Authenticate", index: 29)
    public static let proxyAuthorization = HeaderName(known: "Proxy-Authorization", index: 30)
    public static let proxyRequire = HeaderName(known: "Proxy-Require", index: 31)
    public static let warning = HeaderName(known: "Warning", index: 32)
    public static let minExpires = HeaderName(known: "Min-Expires", index: 33)
    public static let rseq = HeaderName(known: "RSeq", index: 34)
    public static let rack = HeaderName(known: "RAck", index: 35)
    public static let date = HeaderName(known: "Date", index: 36)
    public static let timestamp = HeaderName(known: "Timestamp", index: 37)
    public static let mimeVersion = HeaderName(known: "MIME-Version", index: 38)
    public static let contentDisposition = HeaderName(known: "Content-Disposition", index: 39)
    public static let contentLanguage = HeaderName(known: "Content-Language", index: 40)
    public static let acceptEncoding = HeaderName(known: "Accept-Encoding", index: 41)
    public static let acceptLanguage = HeaderName(known: "Accept-Language", index: 42)
    public static let alertInfo = HeaderName(known: "Alert-Info", index: 43)
    public static let callInfo = HeaderName(known: "Call-Info", index: 44)
    public static let errorInfo = HeaderName(known: "Error-Info", index: 45)
    public static let inReplyTo = HeaderName(known: "In-Reply-To", index: 46)
    public static let replyTo = HeaderName(known: "Reply-To", index: 47)
    public static let organization = HeaderName(known: "Organization", index: 48)
    public static let priority = HeaderName(known: "Priority", index: 49)
    public static let authenticationInfo = HeaderName(known: "Authentication-Info", index: 50)
    public static let allowEvents = HeaderName(known: "Allow-Events", index: 51)
    public static let subscriptionState = HeaderName(known: "Subscription-State", index: 52)
    public static let reason = HeaderName(known: "Reason", index: 53)
    public static let privacy = HeaderName(known: "Privacy", index: 54)
    public static let pAssertedIdentity = HeaderName(known: "P-Asserted-Identity", index: 55)
    public static let path = HeaderName(known: "Path", index: 56)
    public static let acceptContact = HeaderName(known: "Accept-Contact", index: 57)
    public static let rejectContact = HeaderName(known: "Reject-Contact", index: 58)
    public static let requestDisposition = HeaderName(known: "Request-Disposition", index: 59)

    /// RFC 3261 §7.3.3 and later RFCs' compact forms.
    static let compactForms: [String: HeaderName] = [
        "v": .via, "f": .from, "t": .to, "i": .callID, "m": .contact, "c": .contentType, "l": .contentLength,
        "e": .contentEncoding, "k": .supported, "s": .subject, "o": .event, "r": .referTo, "b": .referredBy,
        "x": .sessionExpires, "u": .allowEvents, "a": .acceptContact, "j": .rejectContact,
        "d": .requestDisposition,
    ]

    /// Every known name, at its ``index``.
    static let known: [HeaderName] = [
        .via,
        .from,
        .to,
        .callID,
        .cseq,
        .maxForwards,
        .contact,
        .route,
        .recordRoute,
        .contentType,
        .contentLength,
        .contentEncoding,
        .supported,
        .require,
        .unsupported,
        .allow,
        .accept,
        .userAgent,
        .server,
        .expires,
        .sessionExpires,
        .referTo,
        .referredBy,
        .replaces,
        .subject,
        .event,
        .retryAfter,
        .authorization,
        .wwwAuthenticate,
        .proxyAuthenticate,
        .proxyAuthorization,
        .proxyRequire,
        .warning,
        .minExpires,
        .rseq,
        .rack,
        .date,
        .timestamp,
        .mimeVersion,
        .contentDisposition,
        .contentLanguage,
        .acceptEncoding,
        .acceptLanguage,
        .alertInfo,
        .callInfo,
        .errorInfo,
        .inReplyTo,
        .replyTo,
        .organization,
        .priority,
        .authenticationInfo,
        .allowEvents,
        .subscriptionState,
        .reason,
        .privacy,
        .pAssertedIdentity,
        .path,
        .acceptContact,
        .rejectContact,
        .requestDisposition,
    ]

    static let knownByLowercase: [String: HeaderName] = {
        var table: [String: HeaderName] = [:]
        for name in known { table[name.lowercased] = name }
        return table
    }()
}
