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

    /// Makes a name from any spelling: a compact form or any case of a known name gives that name.
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

    /// `Via`: the hops a request took, which responses retrace (RFC 3261 §20.42).
    public static let via = HeaderName(known: "Via", index: 0)
    /// `From`: the initiator of the request (RFC 3261 §20.20).
    public static let from = HeaderName(known: "From", index: 1)
    /// `To`: the logical recipient (RFC 3261 §20.39).
    public static let to = HeaderName(known: "To", index: 2)
    /// `Call-ID`: identifies a call or registration (RFC 3261 §20.8).
    public static let callID = HeaderName(known: "Call-ID", index: 3)
    /// `CSeq`: orders requests and pairs responses with them (RFC 3261 §20.16).
    public static let cseq = HeaderName(known: "CSeq", index: 4)
    /// `Max-Forwards`: hops left before a request is dropped (RFC 3261 §20.22).
    public static let maxForwards = HeaderName(known: "Max-Forwards", index: 5)
    /// `Contact`: where to reach the sender directly (RFC 3261 §20.10).
    public static let contact = HeaderName(known: "Contact", index: 6)
    /// `Route`: the proxies a request must pass (RFC 3261 §20.34).
    public static let route = HeaderName(known: "Route", index: 7)
    /// `Record-Route`: proxies that stay on the dialog path (RFC 3261 §20.30).
    public static let recordRoute = HeaderName(known: "Record-Route", index: 8)
    /// `Content-Type`: the body's media type (RFC 3261 §20.15).
    public static let contentType = HeaderName(known: "Content-Type", index: 9)
    /// `Content-Length`: the body size in octets (RFC 3261 §20.14).
    public static let contentLength = HeaderName(known: "Content-Length", index: 10)
    /// `Content-Encoding`: codings applied to the body (RFC 3261 §20.12).
    public static let contentEncoding = HeaderName(known: "Content-Encoding", index: 11)
    /// `Supported`: extensions the sender supports (RFC 3261 §20.37).
    public static let supported = HeaderName(known: "Supported", index: 12)
    /// `Require`: extensions the recipient must support (RFC 3261 §20.32).
    public static let require = HeaderName(known: "Require", index: 13)
    /// `Unsupported`: extensions the recipient lacks (RFC 3261 §20.40).
    public static let unsupported = HeaderName(known: "Unsupported", index: 14)
    /// `Allow`: the methods the sender supports (RFC 3261 §20.5).
    public static let allow = HeaderName(known: "Allow", index: 15)
    /// `Accept`: media types the sender accepts in a body (RFC 3261 §20.1).
    public static let accept = HeaderName(known: "Accept", index: 16)
    /// `User-Agent`: the requesting software (RFC 3261 §20.41).
    public static let userAgent = HeaderName(known: "User-Agent", index: 17)
    /// `Server`: the answering software (RFC 3261 §20.35).
    public static let server = HeaderName(known: "Server", index: 18)
    /// `Expires`: how long a registration or offer lasts (RFC 3261 §20.19).
    public static let expires = HeaderName(known: "Expires", index: 19)
    /// `Session-Expires`: the session refresh interval (RFC 4028 §4).
    public static let sessionExpires = HeaderName(known: "Session-Expires", index: 20)
    /// `Refer-To`: the URI a REFER asks to contact (RFC 3515 §2.1).
    public static let referTo = HeaderName(known: "Refer-To", index: 21)
    /// `Referred-By`: who asked for the transfer (RFC 3892).
    public static let referredBy = HeaderName(known: "Referred-By", index: 22)
    /// `Replaces`: the dialog a new INVITE replaces (RFC 3891).
    public static let replaces = HeaderName(known: "Replaces", index: 23)
    /// `Subject`: what the call is about (RFC 3261 §20.36).
    public static let subject = HeaderName(known: "Subject", index: 24)
    /// `Event`: the event package of a SUBSCRIBE or NOTIFY (RFC 6665 §8.2.1).
    public static let event = HeaderName(known: "Event", index: 25)
    /// `Retry-After`: when to try again (RFC 3261 §20.33).
    public static let retryAfter = HeaderName(known: "Retry-After", index: 26)
    /// `Authorization`: a UA's credentials for a server (RFC 3261 §20.7).
    public static let authorization = HeaderName(known: "Authorization", index: 27)
    /// `WWW-Authenticate`: a server's challenge (RFC 3261 §20.44).
    public static let wwwAuthenticate = HeaderName(known: "WWW-Authenticate", index: 28)
    /// `Proxy-Authenticate`: a proxy's challenge (RFC 3261 §20.27).
    public static let proxyAuthenticate = HeaderName(known: "Proxy-Authenticate", index: 29)
    /// `Proxy-Authorization`: a UA's credentials for a proxy (RFC 3261 §20.28).
    public static let proxyAuthorization = HeaderName(known: "Proxy-Authorization", index: 30)
    /// `Proxy-Require`: extensions proxies must support (RFC 3261 §20.29).
    public static let proxyRequire = HeaderName(known: "Proxy-Require", index: 31)
    /// `Warning`: extra status information (RFC 3261 §20.43).
    public static let warning = HeaderName(known: "Warning", index: 32)
    /// `Min-Expires`: the shortest registration a registrar accepts (RFC 3261 §20.23).
    public static let minExpires = HeaderName(known: "Min-Expires", index: 33)
    /// `RSeq`: the sequence number of a reliable provisional response (RFC 3262 §7.1).
    public static let rseq = HeaderName(known: "RSeq", index: 34)
    /// `RAck`: the reliable provisional response a PRACK acknowledges (RFC 3262 §7.2).
    public static let rack = HeaderName(known: "RAck", index: 35)
    /// `Date`: when the message was sent (RFC 3261 §20.17).
    public static let date = HeaderName(known: "Date", index: 36)
    /// `Timestamp`: when the request was sent, for RTT (RFC 3261 §20.38).
    public static let timestamp = HeaderName(known: "Timestamp", index: 37)
    /// `MIME-Version`: the MIME version of the body (RFC 3261 §20.24).
    public static let mimeVersion = HeaderName(known: "MIME-Version", index: 38)
    /// `Content-Disposition`: how to treat the body (RFC 3261 §20.11).
    public static let contentDisposition = HeaderName(known: "Content-Disposition", index: 39)
    /// `Content-Language`: the body's language (RFC 3261 §20.13).
    public static let contentLanguage = HeaderName(known: "Content-Language", index: 40)
    /// `Accept-Encoding`: content codings the sender accepts (RFC 3261 §20.2).
    public static let acceptEncoding = HeaderName(known: "Accept-Encoding", index: 41)
    /// `Accept-Language`: languages preferred in reason phrases and bodies (RFC 3261 §20.3).
    public static let acceptLanguage = HeaderName(known: "Accept-Language", index: 42)
    /// `Alert-Info`: an alternative ring tone (RFC 3261 §20.4).
    public static let alertInfo = HeaderName(known: "Alert-Info", index: 43)
    /// `Call-Info`: more information about the caller or callee (RFC 3261 §20.9).
    public static let callInfo = HeaderName(known: "Call-Info", index: 44)
    /// `Error-Info`: a pointer to more about an error (RFC 3261 §20.18).
    public static let errorInfo = HeaderName(known: "Error-Info", index: 45)
    /// `In-Reply-To`: the Call-IDs this call answers (RFC 3261 §20.21).
    public static let inReplyTo = HeaderName(known: "In-Reply-To", index: 46)
    /// `Reply-To`: where replies should go (RFC 3261 §20.31).
    public static let replyTo = HeaderName(known: "Reply-To", index: 47)
    /// `Organization`: the sender's organization (RFC 3261 §20.25).
    public static let organization = HeaderName(known: "Organization", index: 48)
    /// `Priority`: the request's urgency (RFC 3261 §20.26).
    public static let priority = HeaderName(known: "Priority", index: 49)
    /// `Authentication-Info`: mutual authentication from the server (RFC 3261 §20.6).
    public static let authenticationInfo = HeaderName(known: "Authentication-Info", index: 50)
    /// `Allow-Events`: the event packages the sender supports (RFC 6665 §8.2.2).
    public static let allowEvents = HeaderName(known: "Allow-Events", index: 51)
    /// `Subscription-State`: the state of a subscription, in a NOTIFY (RFC 6665 §8.2.3).
    public static let subscriptionState = HeaderName(known: "Subscription-State", index: 52)
    /// `Reason`: why a request was sent (a BYE or CANCEL) (RFC 3326).
    public static let reason = HeaderName(known: "Reason", index: 53)
    /// `Privacy`: the privacy the sender asks for (RFC 3323).
    public static let privacy = HeaderName(known: "Privacy", index: 54)
    /// `P-Asserted-Identity`: the identity a trusted network asserts (RFC 3325).
    public static let pAssertedIdentity = HeaderName(known: "P-Asserted-Identity", index: 55)
    /// `Path`: proxies on the way to a registered UA (RFC 3327).
    public static let path = HeaderName(known: "Path", index: 56)
    /// `Accept-Contact`: caller preferences for contacts (RFC 3841).
    public static let acceptContact = HeaderName(known: "Accept-Contact", index: 57)
    /// `Reject-Contact`: contacts the caller does not want (RFC 3841).
    public static let rejectContact = HeaderName(known: "Reject-Contact", index: 58)
    /// `Request-Disposition`: how proxies should handle the request (RFC 3841).
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
