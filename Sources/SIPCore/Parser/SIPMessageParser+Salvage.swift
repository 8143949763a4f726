extension SIPMessageParser {
    /// Recovers enough of a request that failed ``parseDatagram(_:)-([UInt8])`` to answer it.
    ///
    /// RFC 3261 §8.2 and RFC 4475 want a 400 (or 505, 513) for a malformed request, and a response needs the
    /// request's Via, From, To, Call-ID and CSeq (§8.2.6.2). This reads the header section leniently: lines that
    /// do not parse are skipped, the raw values are kept untouched, and no value is validated.
    ///
    /// - Returns: a request whose ``SIPRequest/headers`` hold every readable field (raw) and whose method is the
    ///   start line's first word, when the start line looks like a request (`<token> ... SIP/<version>`) and at
    ///   least one Via is present (From, To, Call-ID and CSeq are carried when present). The URI is the parsed Request-URI, or
    ///   `sip:invalid` when it does not parse. Nil otherwise: the message cannot be answered and is dropped.
    ///   Pass the result to ``SIPResponse/init(replyingTo:error:toTag:)``.
    public func salvageRequestHeaders(_ bytes: [UInt8]) -> SIPRequest? {
        guard let head = try? self.scanHead(bytes, lenient: true) else { return nil }
        if Self.looksLikeStatusLine(head.startLine) { return nil }
        let parts = String(decoding: head.startLine, as: UTF8.self).split(separator: " ")
        guard parts.count >= 3, let methodText = parts.first, let versionText = parts.last,
            methodText.utf8.allSatisfy(ASCII.isTokenChar), versionText.uppercased().hasPrefix("SIP/")
        else { return nil }
        // Only a Via is indispensable: it says where the answer goes (§18.2.2). RFC 4475 §3.3.1 asks for a 400
        // even when From, To and Call-ID are missing, so whatever of them exists is copied and nothing more.
        guard let via = head.fields[.via], !via.isEmpty else { return nil }
        let uri = (try? SIPURI(parsing: String(parts[1]))) ?? SIPURI(scheme: "sip", host: "invalid")
        return SIPRequest(method: SIPMethod(String(methodText)), uri: uri, headers: head.fields)
    }
}
