@testable import SIPCore

/// Feeds one input to the digest header reader (RFC 3261 §22, RFC 8760): the `WWW-Authenticate` and
/// `Proxy-Authenticate` challenges a trunk sends, whose auth-param grammar `Authorization` shares. A challenge
/// that parses is answered as the registration client does, and the `Authorization` value built from it
/// must read back with the same parameters.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDigest(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? DigestChallenge.parseParameters(text)
    guard let challenge = try? DigestChallenge(parsing: text) else { return 0 }
    let credentials = DigestCredentials(username: "1000", password: "secret")
    guard
        let authorization = try? DigestAuthorization(
            answering: challenge,
            method: "REGISTER",
            uri: "sip:192.0.2.1",
            credentials: credentials,
            cnonce: "0a4f113b",
            nonceCount: 1
        )
    else { return 0 }
    let value = authorization.headerValue
    guard value.hasPrefix("Digest ") else { fatalError("Authorization without the Digest scheme: \(value)") }
    if (try? DigestChallenge.parseParameters(value)) == nil {
        fatalError("our own Authorization value does not parse: \(value)")
    }
    return 0
}
