import NIOCore

@testable import SIPCore

// The message parser as it was before it read fields in place (String per value, eager checks), kept verbatim
// as the reference the in-place parser must agree with (`ParserEquivalenceTests`).
struct ReferenceSIPMessageParser: Sendable {
    typealias Limits = SIPMessageParser.Limits

    /// How the end of the body is found (RFC 3261 §18.3).
    enum Framing {
        /// Content-Length optional: without it the body runs to the end of the datagram; extra octets dropped.
        case datagram
        /// Content-Length mandatory; the frame holds exactly the message.
        case stream
    }

    var limits: Limits

    init(limits: Limits = .init()) {
        self.limits = limits
    }

    /// Parses a UDP datagram's payload as one message (RFC 3261 §18.3): the body is Content-Length octets
    /// (extra octets are discarded, RFC 4475 §3.1.1.8; too few is an error, §3.1.2.2), or the rest of the
    /// datagram when Content-Length is absent (§3.4.1).
    ///
    /// Requests are validated as RFC 3261 §8.2 and RFC 4475 require: the request line, one each of From, To,
    /// Call-ID and CSeq, at least one Via, all parsable, the CSeq method equal to the request method, and
    /// Max-Forwards, Content-Length and Contact well formed where present. Responses get the same header checks
    /// minus the method rule.
    /// - Throws: ``SIPParseError``; its ``SIPParseError/statusCode`` is the answer for a request (400, 505, 513).
    ///   A response that fails is simply dropped (RFC 3261 §18.1.2).
    func parseDatagram(_ bytes: [UInt8]) throws(SIPParseError) -> SIPMessage {
        try self.parse(bytes, framing: .datagram)
    }

    /// Parses the readable bytes of `buffer` as one datagram; see ``parseDatagram(_:)-([UInt8])``.
    func parseDatagram(_ buffer: ByteBuffer) throws(SIPParseError) -> SIPMessage {
        try self.parse(buffer.getBytes(at: buffer.readerIndex, length: buffer.readableBytes) ?? [], framing: .datagram)
    }

    /// Parses one complete message cut from a stream by ``SIPStreamFramer``; Content-Length is mandatory
    /// (RFC 3261 §18.3, §20.14).
    func parseStreamMessage(_ buffer: ByteBuffer) throws(SIPParseError) -> SIPMessage {
        try self.parse(buffer.getBytes(at: buffer.readerIndex, length: buffer.readableBytes) ?? [], framing: .stream)
    }

    // MARK: - Message

    func parse(_ bytes: [UInt8], framing: Framing) throws(SIPParseError) -> SIPMessage {
        guard bytes.count <= self.limits.maxMessageBytes else {
            throw SIPParseError(.messageTooLarge, offset: self.limits.maxMessageBytes)
        }
        let head = try self.scanHead(bytes, lenient: false)
        let startLine = String(decoding: head.startLine, as: UTF8.self)
        let body = try self.frameBody(bytes, head: head, framing: framing)
        if Self.looksLikeStatusLine(head.startLine) {
            let (version, code, reason) = try Self.parseStatusLine(startLine, offset: head.startOffset)
            let response = SIPResponse(
                statusCode: code,
                reasonPhrase: reason,
                version: version,
                headers: head.fields,
                body: body
            )
            try self.validateCommonHeaders(head)
            return .response(response)
        }
        let (method, uri, version) = try Self.parseRequestLine(startLine, offset: head.startOffset)
        let request = SIPRequest(method: method, uri: uri, version: version, headers: head.fields, body: body)
        try self.validateRequest(request, head: head)
        return .request(request)
    }

    /// The header scan is the one SIPMessageParser still uses to salvage broken requests: the same code the
    /// old parser ran, so the reference keeps it instead of carrying a copy.
    typealias Head = SIPMessageParser.Head

    func scanHead(_ bytes: [UInt8], lenient: Bool) throws(SIPParseError) -> Head {
        try SIPMessageParser(limits: self.limits).scanHead(bytes, lenient: lenient)
    }

    /// Cuts the body by Content-Length (RFC 3261 §18.3, §20.14).
    func frameBody(_ bytes: [UInt8], head: Head, framing: Framing) throws(SIPParseError) -> [UInt8] {
        let values = head.fields.fieldValues(.contentLength)
        let offset = head.offset(of: .contentLength)
        guard values.count <= 1 else {
            // Two lengths leave the framing unknown (RFC 4475 §3.3.9).
            throw SIPParseError(.duplicateHeader, offset: offset, header: .contentLength)
        }
        let available = max(0, bytes.count - head.bodyStart)
        guard let text = values.first else {
            switch framing {
            case .datagram: return Array(bytes[min(head.bodyStart, bytes.count)...])
            case .stream: throw SIPParseError(.missingHeader, offset: head.bodyStart, header: .contentLength)
            }
        }
        // Negative, non-numeric or absurd values are refused, never used as a count (RFC 4475 §3.1.2.3).
        guard let length = text.sipDecimal(max: UInt64(self.limits.maxMessageBytes)) else {
            throw SIPParseError(.invalidContentLength, offset: offset, header: .contentLength)
        }
        guard Int(length) <= available else {
            throw SIPParseError(.bodyTooShort, offset: bytes.count, header: .contentLength)
        }
        return Array(bytes[head.bodyStart..<(head.bodyStart + Int(length))])
    }

    // MARK: - Start lines

    static func looksLikeStatusLine(_ line: ArraySlice<UInt8>) -> Bool {
        let prefix: [UInt8] = Array("SIP/".utf8)
        guard line.count >= prefix.count else { return false }
        return zip(line.prefix(prefix.count), prefix).allSatisfy { ASCII.lower($0) == ASCII.lower($1) }
    }

    /// `SIP-Version SP Status-Code SP Reason-Phrase` (RFC 3261 §7.2). The phrase may be empty (RFC 4475
    /// §3.1.1.13) or UTF-8 (§3.1.1.12); the code must be three digits, so 4294967301 cannot overflow (§3.1.2.19).
    static func parseStatusLine(_ line: String, offset: Int) throws(SIPParseError) -> (String, Int, String) {
        let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2 else { throw SIPParseError(.invalidStartLine, offset: offset) }
        let version = String(parts[0])
        guard version.uppercased() == "SIP/2.0" else { throw SIPParseError(.versionNotSupported, offset: offset) }
        let codeText = parts[1]
        guard codeText.utf8.count == 3, let code = String(codeText).sipDecimal(max: 699), code >= 100 else {
            throw SIPParseError(.invalidStatusCode, offset: offset + version.utf8.count + 1)
        }
        let reason = parts.count == 3 ? String(parts[2]) : ""
        return ("SIP/2.0", Int(code), reason)
    }

    /// `Method SP Request-URI SP SIP-Version` (RFC 3261 §7.1).
    ///
    /// Tolerated: several SPs between elements and trailing SPs (RFC 4475 §3.1.2.9/§3.1.2.10 let us ignore
    /// them). Refused: LWS inside the URI, which leaves more than three elements (§3.1.2.8), and `<>` around it
    /// (§3.1.2.7). A version other than SIP/2.0 gets 505 (§3.1.2.16).
    static func parseRequestLine(_ line: String, offset: Int) throws(SIPParseError) -> (SIPMethod, SIPURI, String) {
        let parts = line.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 3 else {
            throw SIPParseError(.invalidStartLine, offset: offset, detail: "request line needs three elements")
        }
        let methodText = parts[0]
        guard methodText.utf8.allSatisfy(ASCII.isTokenChar) else {
            throw SIPParseError(.invalidStartLine, offset: offset, detail: "method is not a token")
        }
        let version = parts[2]
        guard version.uppercased() == "SIP/2.0" else {
            if version.uppercased().hasPrefix("SIP/") {
                throw SIPParseError(.versionNotSupported, offset: offset)
            }
            throw SIPParseError(.invalidStartLine, offset: offset, detail: "no SIP version")
        }
        let uri: SIPURI
        do throws(SIPParseError) {
            uri = try SIPURI(parsing: String(parts[1]))
        } catch {
            throw SIPParseError(
                .invalidRequestURI,
                offset: offset + methodText.utf8.count + 1 + error.offset,
                detail: error.detail
            )
        }
        return (SIPMethod(String(methodText)), uri, "SIP/2.0")
    }

    // MARK: - Header validation

    /// Checks the fields both requests and responses need for transaction matching (RFC 3261 §8.1.1, §17).
    func validateCommonHeaders(_ head: Head) throws(SIPParseError) {
        let fields = head.fields
        for name in [HeaderName.to, .from, .callID, .cseq] {
            let count = fields.fieldValues(name).count
            if count == 0 { throw SIPParseError(.missingHeader, offset: head.bodyStart, header: name) }
            // Single-valued fields may appear once (RFC 3261 §7.3.1, RFC 4475 §3.3.8).
            if count > 1 { throw SIPParseError(.duplicateHeader, offset: head.offset(of: name), header: name) }
        }
        let vias = fields.fieldValues(.via)
        guard !vias.isEmpty else { throw SIPParseError(.missingHeader, offset: head.bodyStart, header: .via) }
        for via in vias {
            do throws(SIPParseError) { _ = try ViaHeader.parseList(via) } catch {
                throw error.located(header: .via, offset: head.offset(of: .via))
            }
        }
        for name in [HeaderName.from, .to] {
            guard let value = fields[name] else { continue }
            do throws(SIPParseError) {
                _ = try NameAddress(parsing: value, header: name)
            } catch {
                throw error.located(header: name, offset: head.offset(of: name))
            }
        }
        if let callID = fields[.callID] {
            guard !callID.isEmpty, !callID.utf8.contains(where: ASCII.isWhitespace) else {
                throw SIPParseError(.invalidHeaderValue, offset: head.offset(of: .callID), header: .callID)
            }
        }
        if let cseq = fields[.cseq] {
            do throws(SIPParseError) { _ = try CSeqHeader(parsing: cseq) } catch {
                throw error.located(header: .cseq, offset: head.offset(of: .cseq))
            }
        }
        for contact in fields.fieldValues(.contact) {
            do throws(SIPParseError) {
                _ = try NameAddress.parseList(contact, header: .contact)
            } catch {
                throw error.located(header: .contact, offset: head.offset(of: .contact))
            }
        }
    }

    /// Adds the request-only checks of RFC 3261 §8.2: CSeq method equals the request method (RFC 4475
    /// §3.1.2.17) and Max-Forwards, when present, is one number from 0 to 255 (§20.22). Max-Forwards may be
    /// absent: RFC 2543 peers omit it (RFC 4475 §3.4.1).
    func validateRequest(_ request: SIPRequest, head: Head) throws(SIPParseError) {
        try self.validateCommonHeaders(head)
        let maxForwards = request.headers.fieldValues(.maxForwards)
        let offset = head.offset(of: .maxForwards)
        if maxForwards.count > 1 { throw SIPParseError(.duplicateHeader, offset: offset, header: .maxForwards) }
        if let value = maxForwards.first {
            guard !value.isEmpty, value.utf8.allSatisfy(ASCII.isDigit) else {
                throw SIPParseError(.invalidHeaderValue, offset: offset, header: .maxForwards)
            }
            guard value.sipDecimal(max: 255) != nil else {
                throw SIPParseError(.valueOutOfRange, offset: offset, header: .maxForwards)
            }
        }
        if let cseq = request.headers.cseq, cseq.method != request.method {
            throw SIPParseError(.methodMismatch, offset: head.offset(of: .cseq), header: .cseq)
        }
    }
}
