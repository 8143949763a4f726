import SIPCore
import Testing

@Suite("RFC 2617 / RFC 7616 / RFC 8760 digest authentication")
struct DigestTests {
    @Test("RFC 2617 §3.5: the published MD5 qop=auth example")
    func rfc2617Example() throws {
        let challenge = try DigestChallenge(
            parsing: #"Digest realm="testrealm@host.com", qop="auth,auth-int", "#
                + #"nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41""#
        )
        #expect(challenge.algorithm == .md5)
        #expect(challenge.qopOptions == ["auth", "auth-int"])
        let answer = try DigestAuthorization(
            answering: challenge,
            method: "GET",
            uri: "/dir/index.html",
            credentials: DigestCredentials(username: "Mufasa", password: "Circle Of Life"),
            cnonce: "0a4f113b",
            nonceCount: 1
        )
        #expect(answer.response == "6629fae49393a05397450978507c4ef1")
        #expect(answer.qop == "auth")
        #expect(answer.headerValue.contains(#"response="6629fae49393a05397450978507c4ef1""#))
        #expect(answer.headerValue.contains("nc=00000001"))
        #expect(answer.headerValue.contains(#"opaque="5ccc069c403ebaf9f0171e9517f40e41""#))
    }

    static let rfc7616Challenge =
        #"Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=%@, "#
        + #"nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", "#
        + #"opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS""#

    @Test(
        "RFC 7616 §3.9.1: the published SHA-256 and MD5 examples",
        arguments: [
            ("SHA-256", DigestAlgorithm.sha256, "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"),
            ("MD5", DigestAlgorithm.md5, "8ca523f5e9506fed4657c9700eebdbec"),
        ]
    )
    func rfc7616Example(token: String, algorithm: DigestAlgorithm, expected: String) throws {
        let text = Self.rfc7616Challenge.replacingPlaceholder(with: token)
        let challenge = try DigestChallenge(parsing: text)
        #expect(challenge.algorithm == algorithm)
        let answer = try DigestAuthorization(
            answering: challenge,
            method: "GET",
            uri: "/dir/index.html",
            credentials: DigestCredentials(username: "Mufasa", password: "Circle of Life"),
            cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
            nonceCount: 1
        )
        #expect(answer.response == expected)
        #expect(answer.headerValue.contains("algorithm=\(token)"))
    }

    @Test("RFC 7616 §3.4.2: -sess hashes H(A1) with nonce and cnonce")
    func sessionVariant() {
        let plain = DigestAuthorization.requestDigest(
            algorithm: .sha256,
            username: "u",
            realm: "r",
            password: "p",
            method: "REGISTER",
            uri: "sip:example.com",
            nonce: "n",
            cnonce: "c",
            nonceCount: 1,
            qop: "auth"
        )
        let session = DigestAuthorization.requestDigest(
            algorithm: .sha256Session,
            username: "u",
            realm: "r",
            password: "p",
            method: "REGISTER",
            uri: "sip:example.com",
            nonce: "n",
            cnonce: "c",
            nonceCount: 1,
            qop: "auth"
        )
        let ha1 = DigestAlgorithm.sha256.hexDigest(DigestAlgorithm.sha256.hexDigest("u:r:p") + ":n:c")
        let ha2 = DigestAlgorithm.sha256.hexDigest("REGISTER:sip:example.com")
        #expect(session == DigestAlgorithm.sha256.hexDigest("\(ha1):n:00000001:c:auth:\(ha2)"))
        #expect(session != plain)
        #expect(session.utf8.count == 64)
    }

    @Test("RFC 2617 §3.2.2.1: no qop gives the RFC 2069 digest, without cnonce and nc")
    func noQop() throws {
        let challenge = try DigestChallenge(
            parsing: #"Digest realm="atlanta.com", nonce="84a4cc6f3082121f32b42a2187831a9e""#
        )
        let answer = try DigestAuthorization(
            answering: challenge,
            method: "INVITE",
            uri: "sip:bob@biloxi.com",
            credentials: DigestCredentials(username: "alice", password: "secret"),
            cnonce: "x"
        )
        let ha1 = DigestAlgorithm.md5.hexDigest("alice:atlanta.com:secret")
        let ha2 = DigestAlgorithm.md5.hexDigest("INVITE:sip:bob@biloxi.com")
        #expect(answer.response == DigestAlgorithm.md5.hexDigest("\(ha1):84a4cc6f3082121f32b42a2187831a9e:\(ha2)"))
        #expect(answer.cnonce == nil && answer.nonceCount == nil && answer.qop == nil)
        #expect(!answer.headerValue.contains("nc="))
    }

    @Test("RFC 3261 §25.1: parameters in any order and case, LWS, tokens, escapes, stale, unknown kept")
    func parseEdgeCases() throws {
        let challenge = try DigestChallenge(
            parsing: "digest  NONCE = \"a\\\"b\" ,\r\n REALM=\"sip.example\",ALGORITHM=sha-256,stale=TRUE,"
                + "domain=\"sip:example.com\", qop=auth"
        )
        #expect(challenge.nonce == "a\"b")
        #expect(challenge.realm == "sip.example")
        #expect(challenge.algorithm == .sha256)
        #expect(challenge.stale)
        #expect(challenge.qopOptions == ["auth"])
        #expect(challenge.otherParameters.first?.name == "domain")
        #expect(challenge.otherParameters.first?.value == "sip:example.com")
    }

    @Test(
        "Refused challenges name their fault",
        arguments: [
            (#"Basic realm="x""#, DigestError.Code.notDigest),
            (#"Digest realm="x""#, .missingParameter),
            (#"Digest nonce="x""#, .missingParameter),
            (#"Digest realm="x", nonce="y", algorithm=SHA-512-256"#, .unsupportedAlgorithm),
            (#"Digest realm="x, nonce="y""#, .malformed),
            (#"Digest realm="x" nonce="y""#, .malformed),
            (#"Digest realm=, nonce="y""#, .malformed),
            ("Digest realm", .malformed),
        ]
    )
    func refused(text: String, code: DigestError.Code) {
        #expect(throws: DigestError(code)) { try DigestChallenge(parsing: text) }
    }

    @Test("auth-int only is refused: we answer qop=auth (RFC 8760 §2.6)")
    func authIntOnly() throws {
        let challenge = try DigestChallenge(parsing: #"Digest realm="x", nonce="y", qop="auth-int""#)
        #expect(throws: DigestError(.unsupportedQOP)) {
            try DigestAuthorization(
                answering: challenge,
                method: "REGISTER",
                uri: "sip:x",
                credentials: DigestCredentials(username: "a", password: "b"),
                cnonce: "c"
            )
        }
    }

    static func register() throws -> SIPRequest {
        var headers = SIPHeaderFields()
        headers.add(.via, "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKold")
        headers.add(.to, "<sip:alice@example.com>")
        headers.add(.from, "<sip:alice@example.com>;tag=abc")
        headers.add(.callID, "call-1")
        headers.add(.cseq, "7 REGISTER")
        return SIPRequest(method: .register, uri: try SIPURI(parsing: "sip:example.com"), headers: headers)
    }

    @Test("RFC 3261 §22.2: a 401 retry has Authorization, CSeq + 1, same Call-ID, no old Via")
    func retryAfter401() throws {
        let request = try Self.register()
        var response = SIPResponse(replyingTo: request, statusCode: 401)
        response.headers.add(
            .wwwAuthenticate,
            #"Digest realm="example.com", nonce="n1", algorithm=SHA-256, qop="auth""#
        )
        response.headers.add(.wwwAuthenticate, #"Digest realm="example.com", nonce="n1", algorithm=MD5, qop="auth""#)
        let retry = try request.authorizedRetry(
            after: response,
            credentials: DigestCredentials(username: "alice", password: "pw"),
            cnonce: "cn"
        )
        #expect(retry.headers.cseq == CSeqHeader(sequence: 8, method: .register))
        #expect(retry.headers.callID == "call-1")
        #expect(!retry.headers.contains(.via))
        let values = retry.headers.fieldValues(.authorization)
        #expect(values.count == 1)
        // RFC 8760 §2.4: the topmost supported challenge of the realm (SHA-256 here) is answered.
        #expect(values.first?.contains("algorithm=SHA-256") == true)
        #expect(values.first?.contains(#"uri="sip:example.com""#) == true)
    }

    @Test("RFC 3261 §22.3: a 407 is answered with Proxy-Authorization, earlier Authorization kept")
    func retryAfter407() throws {
        var request = try Self.register()
        request.headers.add(.authorization, "Digest username=\"alice\"")
        var response = SIPResponse(replyingTo: request, statusCode: 407)
        response.headers.add(.proxyAuthenticate, #"Digest realm="proxy", nonce="p1""#)
        let retry = try request.authorizedRetry(
            after: response,
            credentials: DigestCredentials(username: "alice", password: "pw"),
            cnonce: "cn"
        )
        #expect(retry.headers.fieldValues(.proxyAuthorization).count == 1)
        #expect(retry.headers.fieldValues(.authorization).count == 1)
    }

    @Test("A 401 without a usable challenge, or credentials for another realm, gives noChallenge")
    func noUsableChallenge() throws {
        let request = try Self.register()
        var response = SIPResponse(replyingTo: request, statusCode: 401)
        response.headers.add(.wwwAuthenticate, #"Digest realm="other", nonce="n""#)
        #expect(throws: DigestError(.noChallenge)) {
            try request.authorizedRetry(
                after: response,
                credentials: DigestCredentials(username: "a", password: "b", realm: "example.com")
            )
        }
        let plain = SIPResponse(replyingTo: request, statusCode: 403)
        #expect(throws: DigestError(.noChallenge)) {
            try request.authorizedRetry(after: plain, credentials: DigestCredentials(username: "a", password: "b"))
        }
    }
}

extension String {
    fileprivate func replacingPlaceholder(with token: String) -> String {
        var result = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: "%@") {
            result += rest[..<range.lowerBound]
            result += token
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
