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

    // MARK: - Lenient header scan (salvage only)

    /// The header section, split into the start line and unfolded fields.
    struct Head {
        var startOffset: Int
        var startLine: ArraySlice<UInt8>
        var fields: SIPHeaderFields
        /// Byte offset of each field's line, parallel to `fields`.
        var offsets: [Int]
        /// Index of the first body octet.
        var bodyStart: Int

        func offset(of name: HeaderName) -> Int {
            for (index, field) in self.fields.fields.enumerated() where field.name == name {
                return index < self.offsets.count ? self.offsets[index] : 0
            }
            return 0
        }
    }

    /// Splits the header section into lines and unfolds them (RFC 3261 §7.3.1). CRLFs before the start line are
    /// skipped (§7.5). A bare LF ends a line too, for robustness.
    ///
    /// In `lenient` mode (used to salvage a broken request) malformed lines are skipped and a missing empty line
    /// ends the section at the end of the bytes, instead of failing.
    func scanHead(_ bytes: [UInt8], lenient: Bool) throws(SIPParseError) -> Head {
        var index = 0
        while index < bytes.count, bytes[index] == ASCII.cr || bytes[index] == ASCII.lf { index += 1 }
        guard index < bytes.count else { throw SIPParseError(.emptyMessage, offset: index) }

        var startLine: ArraySlice<UInt8>? = nil
        let startOffset = index
        var fields = SIPHeaderFields()
        var offsets: [Int] = []
        var pendingName: HeaderName? = nil
        var pendingValue: [UInt8] = []
        var pendingOffset = 0
        var bodyStart: Int? = nil

        func flush() {
            if let name = pendingName {
                fields.add(name, Self.trimmed(pendingValue))
                offsets.append(pendingOffset)
            }
            pendingName = nil
            pendingValue.removeAll(keepingCapacity: true)
        }

        while index < bytes.count {
            var lineEnd = index
            while lineEnd < bytes.count, bytes[lineEnd] != ASCII.lf { lineEnd += 1 }
            guard lineEnd < bytes.count else {
                if lenient { break }
                throw SIPParseError(.invalidHeaderLine, offset: index, detail: "header section not terminated")
            }
            let next = lineEnd + 1
            var contentEnd = lineEnd
            if contentEnd > index, bytes[contentEnd - 1] == ASCII.cr { contentEnd -= 1 }
            if contentEnd - index > self.limits.maxLineLength {
                if !lenient { throw SIPParseError(.lineTooLong, offset: index) }
                index = next
                continue
            }
            let line = bytes[index..<contentEnd]
            defer { index = next }
            if startLine == nil {
                startLine = line
                continue
            }
            if line.isEmpty {
                bodyStart = next
                break
            }
            if let first = line.first, first == ASCII.space || first == ASCII.tab {
                // A continuation line: its leading white space and the CRLF fold into one SP (§7.3.1).
                guard pendingName != nil else {
                    if lenient { continue }
                    throw SIPParseError(.invalidHeaderLine, offset: index, detail: "continuation without header")
                }
                pendingValue.append(ASCII.space)
                pendingValue.append(contentsOf: line)
                continue
            }
            flush()
            guard let colon = line.firstIndex(of: ASCII.colon) else {
                if lenient { continue }
                throw SIPParseError(.invalidHeaderLine, offset: index, detail: "no colon")
            }
            var nameEnd = colon
            while nameEnd > line.startIndex, bytes[nameEnd - 1] == ASCII.space || bytes[nameEnd - 1] == ASCII.tab {
                nameEnd -= 1
            }
            let nameBytes = bytes[line.startIndex..<nameEnd]
            guard !nameBytes.isEmpty, nameBytes.allSatisfy(ASCII.isTokenChar) else {
                if lenient { continue }
                throw SIPParseError(.invalidHeaderLine, offset: index, detail: "header name is not a token")
            }
            guard fields.count < self.limits.maxHeaderCount else {
                if lenient { break }
                throw SIPParseError(.tooManyHeaders, offset: index)
            }
            pendingName = HeaderName(String(decoding: nameBytes, as: UTF8.self))
            pendingValue.append(contentsOf: bytes[(colon + 1)..<contentEnd])
            pendingOffset = index
        }
        flush()
        guard let startLine else { throw SIPParseError(.emptyMessage, offset: startOffset) }
        guard let bodyStart else {
            if lenient {
                return Head(
                    startOffset: startOffset,
                    startLine: startLine,
                    fields: fields,
                    offsets: offsets,
                    bodyStart: bytes.count
                )
            }
            throw SIPParseError(.invalidHeaderLine, offset: bytes.count, detail: "header section not terminated")
        }
        return Head(
            startOffset: startOffset,
            startLine: startLine,
            fields: fields,
            offsets: offsets,
            bodyStart: bodyStart
        )
    }

    static func trimmed(_ bytes: [UInt8]) -> String {
        var lower = 0
        var upper = bytes.count
        while lower < upper, ASCII.isWhitespace(bytes[lower]) { lower += 1 }
        while upper > lower, ASCII.isWhitespace(bytes[upper - 1]) { upper -= 1 }
        return String(decoding: bytes[lower..<upper], as: UTF8.self)
    }
}
