extension SIPResponse {
    /// Builds a response to `request` as RFC 3261 §8.2.6.2 prescribes: every Via in order, From, To, Call-ID
    /// and CSeq copied, and a To tag added when `toTag` is given and the request's To has none.
    ///
    /// Headers are copied as raw text, so this works on a request salvaged after a parse failure
    /// (``SIPMessageParser/salvageRequestHeaders(_:)``) when the To field itself does not parse (then the tag is
    /// appended textually).
    /// - Parameters:
    ///   - request: the request answered; its Via, From, To, Call-ID and CSeq are copied.
    ///   - statusCode: 100–699.
    ///   - reasonPhrase: defaults to ``SIPStatus/defaultReasonPhrase(for:)``.
    ///   - toTag: the UAS's tag (§8.2.6.2); omit for 100 Trying.
    public init(replyingTo request: SIPRequest, statusCode: Int, reasonPhrase: String? = nil, toTag: String? = nil) {
        var headers = SIPHeaderFields()
        for via in request.headers.fieldValues(.via) { headers.add(.via, via) }
        if let from = request.headers[.from] { headers.add(.from, from) }
        if let to = request.headers[.to] {
            var value = to
            if let toTag {
                if var parsed = try? NameAddress(parsing: to, header: .to) {
                    if parsed.tag == nil {
                        parsed.tag = toTag
                        value = parsed.description
                    }
                } else if !to.contains(";tag=") {
                    value = to.trimmingSIPWhitespace() + ";tag=" + toTag
                }
            }
            headers.add(.to, value)
        }
        if let callID = request.headers[.callID] { headers.add(.callID, callID) }
        if let cseq = request.headers[.cseq] { headers.add(.cseq, cseq) }
        self.init(
            statusCode: statusCode,
            reasonPhrase: reasonPhrase ?? SIPStatus.defaultReasonPhrase(for: statusCode),
            headers: headers
        )
    }

    /// Builds the response a parse failure calls for (400, 505, 513), naming the fault in the reason phrase.
    public init(replyingTo request: SIPRequest, error: SIPParseError, toTag: String? = nil) {
        self.init(replyingTo: request, statusCode: error.statusCode, reasonPhrase: error.reasonPhrase, toTag: toTag)
    }
}
