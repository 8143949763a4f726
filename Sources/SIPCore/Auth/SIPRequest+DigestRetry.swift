extension SIPRequest {
    /// Builds the retry of this request after a 401 or 407 (RFC 3261 §22.2, §22.3, §8.1.3.5): the same request
    /// with credentials for each challenged realm, CSeq one higher, and no Via (the core adds one with a new
    /// branch, since the retry is a new transaction). Call-ID and From tag stay.
    ///
    /// A 401 answers WWW-Authenticate with Authorization, a 407 Proxy-Authenticate with Proxy-Authorization;
    /// earlier credentials of that kind are replaced, those of the other kind kept. Per realm, the topmost
    /// challenge whose algorithm we support is answered (RFC 8760 §2.4: a UAS lists them most preferred first).
    /// - Parameters:
    ///   - response: the 401 or 407.
    ///   - credentials: the user name and password to answer with.
    ///   - cnonce: a fresh client nonce (random by default).
    ///   - nonceCount: 1 for a new nonce.
    /// - Throws: ``DigestError/Code/noChallenge`` when no challenge could be answered with `credentials`.
    public func authorizedRetry(
        after response: SIPResponse,
        credentials: DigestCredentials,
        cnonce: String = SIPToken.random(length: 16),
        nonceCount: UInt32 = 1
    ) throws(DigestError) -> SIPRequest {
        let challengeHeader: HeaderName
        let answerHeader: HeaderName
        switch response.statusCode {
        case 401:
            challengeHeader = .wwwAuthenticate
            answerHeader = .authorization
        case 407:
            challengeHeader = .proxyAuthenticate
            answerHeader = .proxyAuthorization
        default:
            throw DigestError(.noChallenge, reason: "status \(response.statusCode)")
        }
        var answers: [DigestAuthorization] = []
        var answeredRealms: Set<String> = []
        var lastError = DigestError(.noChallenge)
        for value in response.headers.fieldValues(challengeHeader) {
            let challenge: DigestChallenge
            do {
                challenge = try DigestChallenge(parsing: value)
            } catch {
                lastError = error
                continue
            }
            guard credentials.matches(challenge), !answeredRealms.contains(challenge.realm) else { continue }
            do {
                answers.append(
                    try DigestAuthorization(
                        answering: challenge,
                        method: self.method.token,
                        uri: self.uri.description,
                        credentials: credentials,
                        cnonce: cnonce,
                        nonceCount: nonceCount
                    )
                )
                answeredRealms.insert(challenge.realm)
            } catch {
                lastError = error
            }
        }
        guard !answers.isEmpty else {
            throw DigestError(.noChallenge, reason: lastError.description)
        }
        var retry = self
        retry.headers.remove(.via)
        retry.headers.remove(answerHeader)
        for answer in answers { retry.headers.add(answerHeader, answer.headerValue) }
        if var cseq = retry.headers.cseq {
            cseq.sequence &+= 1
            retry.headers.cseq = cseq
        }
        return retry
    }
}
