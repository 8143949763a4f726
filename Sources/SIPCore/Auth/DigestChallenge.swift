/// A Digest challenge from a WWW-Authenticate or Proxy-Authenticate header (RFC 3261 §22.2, §22.3, §25.1;
/// RFC 7616 §3.3; RFC 8760 §2).
public struct DigestChallenge: Sendable, Equatable {
    /// The protection space the credentials must belong to; shown to users and part of the digest.
    public var realm: String
    /// The server's one-time value, repeated in the answer and part of the digest.
    public var nonce: String
    /// A value the server wants back unchanged.
    public var opaque: String?
    /// The algorithm; the parameter is optional and defaults to MD5.
    public var algorithm: DigestAlgorithm
    /// The qop options offered (`auth`, `auth-int`), lower-cased; empty for an RFC 2069-style challenge.
    public var qopOptions: [String]
    /// `stale=true`: the nonce expired but the credentials were right; retry with the new nonce.
    public var stale: Bool
    /// Parameters we do not interpret (domain, userhash, extensions), names lower-cased, values unquoted.
    public var otherParameters: [(name: String, value: String)]

    /// Makes a challenge; a server uses it to build WWW-Authenticate, tests to stand in for one.
    public init(
        realm: String,
        nonce: String,
        opaque: String? = nil,
        algorithm: DigestAlgorithm = .md5,
        qopOptions: [String] = [],
        stale: Bool = false
    ) {
        self.realm = realm
        self.nonce = nonce
        self.opaque = opaque
        self.algorithm = algorithm
        self.qopOptions = qopOptions
        self.stale = stale
        self.otherParameters = []
    }

    /// Whether `qop=auth` can be used; RFC 8760 §2.6 makes qop mandatory for new algorithms but we still
    /// answer an MD5 challenge without qop the RFC 2069 way (RFC 2617 §3.2.2.1), as old trunks send them.
    public var offersAuth: Bool { self.qopOptions.contains("auth") }

    /// Parses `Digest realm="…", nonce="…", …` (RFC 3261 §25.1 `challenge`, `digest-cln`): the scheme is
    /// matched case-insensitively, parameter names too; values are tokens or quoted strings with `\` escapes.
    /// - Throws: ``DigestError`` with ``DigestError/Code/notDigest``, ``DigestError/Code/malformed``,
    ///   ``DigestError/Code/missingParameter`` or ``DigestError/Code/unsupportedAlgorithm``.
    public init(parsing text: String) throws(DigestError) {
        let parameters = try Self.parseParameters(text)
        var realm: String?
        var nonce: String?
        var opaque: String?
        var algorithmToken: String?
        var qop: [String] = []
        var stale = false
        var others: [(name: String, value: String)] = []
        for (name, value) in parameters {
            switch name {
            case "realm": realm = value
            case "nonce": nonce = value
            case "opaque": opaque = value
            case "algorithm": algorithmToken = value
            case "qop":
                qop = value.split(separator: ",").map { String($0).trimmingSIPWhitespace().lowercased() }
                    .filter { !$0.isEmpty }
            case "stale": stale = value.lowercased() == "true"
            default: others.append((name, value))
            }
        }
        guard let realm, let nonce else {
            throw DigestError(.missingParameter, reason: realm == nil ? "realm" : "nonce")
        }
        guard let algorithm = DigestAlgorithm(token: algorithmToken) else {
            throw DigestError(.unsupportedAlgorithm, reason: algorithmToken ?? "")
        }
        self.init(realm: realm, nonce: nonce, opaque: opaque, algorithm: algorithm, qopOptions: qop, stale: stale)
        self.otherParameters = others
    }

    public static func == (lhs: DigestChallenge, rhs: DigestChallenge) -> Bool {
        lhs.realm == rhs.realm && lhs.nonce == rhs.nonce && lhs.opaque == rhs.opaque
            && lhs.algorithm == rhs.algorithm && lhs.qopOptions == rhs.qopOptions && lhs.stale == rhs.stale
            && lhs.otherParameters.map(\.name) == rhs.otherParameters.map(\.name)
            && lhs.otherParameters.map(\.value) == rhs.otherParameters.map(\.value)
    }

    /// Splits `Digest a=b, c="d"` into lower-cased names and unquoted values.
    static func parseParameters(_ text: String) throws(DigestError) -> [(String, String)] {
        let bytes = Array(text.utf8)
        var index = 0
        func skipWhitespace() {
            while index < bytes.count,
                bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0D
                    || bytes[index] == 0x0A
            {
                index += 1
            }
        }
        func readToken() -> String {
            let start = index
            while index < bytes.count, ASCII.isTokenChar(bytes[index]) { index += 1 }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }
        skipWhitespace()
        let scheme = readToken()
        guard scheme.lowercased() == "digest" else {
            throw DigestError(.notDigest, reason: scheme)
        }
        var result: [(String, String)] = []
        while true {
            skipWhitespace()
            if index >= bytes.count { break }
            let name = readToken().lowercased()
            guard !name.isEmpty else { throw DigestError(.malformed, reason: "expected a parameter name") }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else {
                throw DigestError(.malformed, reason: "expected = after \(name)")
            }
            index += 1
            skipWhitespace()
            var value: [UInt8] = []
            if index < bytes.count, bytes[index] == UInt8(ascii: "\"") {
                index += 1
                var closed = false
                while index < bytes.count {
                    let byte = bytes[index]
                    index += 1
                    if byte == UInt8(ascii: "\\") {
                        guard index < bytes.count else { break }
                        value.append(bytes[index])
                        index += 1
                    } else if byte == UInt8(ascii: "\"") {
                        closed = true
                        break
                    } else {
                        value.append(byte)
                    }
                }
                guard closed else { throw DigestError(.malformed, reason: "unterminated quoted string") }
            } else {
                let token = readToken()
                guard !token.isEmpty else { throw DigestError(.malformed, reason: "empty value for \(name)") }
                value = Array(token.utf8)
            }
            result.append((name, String(decoding: value, as: UTF8.self)))
            skipWhitespace()
            if index < bytes.count {
                guard bytes[index] == UInt8(ascii: ",") else {
                    throw DigestError(.malformed, reason: "expected , after \(name)")
                }
                index += 1
            }
        }
        return result
    }
}
