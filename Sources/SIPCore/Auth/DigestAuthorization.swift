/// The credentials that answer one ``DigestChallenge``: an Authorization or Proxy-Authorization value
/// (RFC 3261 §22.2, §22.3, §22.4; RFC 2617 §3.2.2; RFC 7616 §3.4; RFC 8760 §2).
public struct DigestAuthorization: Sendable, Equatable {
    /// The user name from the credentials.
    public var username: String
    /// The challenge's realm, repeated.
    public var realm: String
    /// The challenge's nonce, repeated.
    public var nonce: String
    /// The digest-uri: the Request-URI as sent (RFC 3261 §22.4).
    public var uri: String
    /// The request-digest, lower-case hex.
    public var response: String
    /// The challenge's algorithm; the response digest is computed with it.
    public var algorithm: DigestAlgorithm
    /// Set with qop (and for `-sess` algorithms).
    public var cnonce: String?
    /// The nonce count (`nc`), sent with qop; raised for each reuse of a nonce.
    public var nonceCount: UInt32?
    /// `auth`, or nil for an RFC 2069-style answer to a challenge without qop.
    public var qop: String?
    /// The challenge's opaque value, returned unchanged (RFC 2617 §3.2.1).
    public var opaque: String?

    /// Computes the answer to `challenge` for a request.
    /// - Parameters:
    ///   - challenge: the WWW-Authenticate or Proxy-Authenticate value being answered.
    ///   - credentials: the user name and password.
    ///   - method: the request's method (A2 = Method ":" digest-uri, RFC 2617 §3.2.2.3).
    ///   - uri: the Request-URI.
    ///   - cnonce: the client nonce, random per answer (RFC 7616 §3.4).
    ///   - nonceCount: how many requests this nonce has answered, from 1 (sent as 8 hex digits).
    /// - Throws: ``DigestError/Code/unsupportedQOP`` when the challenge offers qop but not `auth`.
    public init(
        answering challenge: DigestChallenge,
        method: String,
        uri: String,
        credentials: DigestCredentials,
        cnonce: String,
        nonceCount: UInt32 = 1
    ) throws(DigestError) {
        let qop: String?
        if challenge.qopOptions.isEmpty {
            qop = nil
        } else if challenge.offersAuth {
            qop = "auth"
        } else {
            throw DigestError(.unsupportedQOP, reason: challenge.qopOptions.joined(separator: ","))
        }
        let usesCnonce = qop != nil || challenge.algorithm.isSession
        self.username = credentials.username
        self.realm = challenge.realm
        self.nonce = challenge.nonce
        self.uri = uri
        self.algorithm = challenge.algorithm
        self.cnonce = usesCnonce ? cnonce : nil
        self.nonceCount = qop != nil ? nonceCount : nil
        self.qop = qop
        self.opaque = challenge.opaque
        self.response = Self.requestDigest(
            algorithm: challenge.algorithm,
            username: credentials.username,
            realm: challenge.realm,
            password: credentials.password,
            method: method,
            uri: uri,
            nonce: challenge.nonce,
            cnonce: usesCnonce ? cnonce : nil,
            nonceCount: qop != nil ? nonceCount : nil,
            qop: qop
        )
    }

    /// The request-digest (RFC 2617 §3.2.2.1, RFC 7616 §3.4.1):
    /// - A1 = username ":" realm ":" password, and for `-sess`: H(A1) ":" nonce ":" cnonce (§3.4.2);
    /// - A2 = method ":" digest-uri (§3.4.3, qop=auth);
    /// - with qop: H(H(A1) ":" nonce ":" nc ":" cnonce ":" qop ":" H(A2)); without: H(H(A1) ":" nonce ":" H(A2)).
    public static func requestDigest(
        algorithm: DigestAlgorithm,
        username: String,
        realm: String,
        password: String,
        method: String,
        uri: String,
        nonce: String,
        cnonce: String?,
        nonceCount: UInt32?,
        qop: String?
    ) -> String {
        var ha1 = algorithm.hexDigest("\(username):\(realm):\(password)")
        if algorithm.isSession {
            ha1 = algorithm.hexDigest("\(ha1):\(nonce):\(cnonce ?? "")")
        }
        let ha2 = algorithm.hexDigest("\(method):\(uri)")
        if let qop {
            let nc = Self.nonceCountText(nonceCount ?? 1)
            return algorithm.hexDigest("\(ha1):\(nonce):\(nc):\(cnonce ?? ""):\(qop):\(ha2)")
        }
        return algorithm.hexDigest("\(ha1):\(nonce):\(ha2)")
    }

    /// `nc-value`: 8 lower-case hex digits (RFC 2617 §3.2.2).
    static func nonceCountText(_ count: UInt32) -> String {
        let hex = String(count, radix: 16)
        return String(repeating: "0", count: max(0, 8 - hex.utf8.count)) + hex
    }

    /// The header value, e.g. `Digest username="bob", realm="biloxi.com", …, qop=auth, nc=00000001`
    /// (RFC 3261 §25.1 `digest-response`; qop and algorithm unquoted, RFC 7616 §3.4).
    public var headerValue: String {
        var text = "Digest username=\(Self.quoted(self.username)), realm=\(Self.quoted(self.realm))"
        text += ", nonce=\(Self.quoted(self.nonce)), uri=\(Self.quoted(self.uri))"
        text += ", response=\(Self.quoted(self.response)), algorithm=\(self.algorithm.rawValue)"
        if let cnonce { text += ", cnonce=\(Self.quoted(cnonce))" }
        if let opaque { text += ", opaque=\(Self.quoted(opaque))" }
        if let qop { text += ", qop=\(qop)" }
        if let nonceCount { text += ", nc=\(Self.nonceCountText(nonceCount))" }
        return text
    }

    /// A quoted-string with `"` and `\` escaped (RFC 3261 §25.1).
    static func quoted(_ value: String) -> String {
        var text = "\""
        for character in value {
            if character == "\"" || character == "\\" { text.append("\\") }
            text.append(character)
        }
        text.append("\"")
        return text
    }
}
