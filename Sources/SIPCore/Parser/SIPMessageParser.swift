import NIOCore

// Design note (STYLE.md §6): the parser keeps the received bytes as they are (no copy for a `[UInt8]`) and
// records where each header field lies in them (``SIPWireHeaders``). Names are classified from bytes, values
// become `String`s only when read, and folded lines are joined only then. Validation runs on the bytes through
// ``SIPFastSyntax``, which recognises the plain forms real phones send; anything else goes through the typed
// parsers (``ViaHeader``, ``NameAddress``, ``SIPURI``, ``CSeqHeader``), which decide and name the fault.
// So a plain INVITE costs one allocation (the field table) and odd ones cost what they always did.

/// Parses one SIP message from bytes (RFC 3261 §7, §25) and checks what a UAS must check before acting (§8.2).
///
/// Works on the raw bytes of a UDP datagram (framed per RFC 3261 §18.3) or of a stream frame cut by
/// `SIPStreamFramer`. The header section is split into lines, folded lines are joined (§7.3.1), names are
/// matched case-insensitively with compact forms (§7.3.3), and each header value is kept as text in
/// ``SIPHeaderFields``; the body is kept as raw octets, whatever they are (RFC 4475 §3.1.1.11).
///
/// Every read is bounds-checked and every count is limited by ``Limits``, so no datagram can crash the parser,
/// make it loop or grow memory beyond its own size (RFC 4475 §1). Failures are typed ``SIPParseError``s
/// carrying the status code to answer with; ``salvageRequestHeaders(_:)`` recovers enough of a broken request to
/// send that answer.
public struct SIPMessageParser: Sendable {
    /// Bounds on what one message may hold. The defaults fit every RFC 4475 message, including `longreq.dat`.
    public struct Limits: Sendable, Equatable {
        /// Larger messages are refused with 513 (RFC 3261 §21.4.11); 65,535 is the UDP payload ceiling.
        public var maxMessageBytes: Int
        /// Header fields (after unfolding) a message may carry.
        public var maxHeaderCount: Int
        /// Octets one physical line may hold.
        public var maxLineLength: Int

        /// Makes limits; the defaults fit any message a real peer sends over UDP.
        public init(maxMessageBytes: Int = 65535, maxHeaderCount: Int = 128, maxLineLength: Int = 8192) {
            self.maxMessageBytes = maxMessageBytes
            self.maxHeaderCount = maxHeaderCount
            self.maxLineLength = maxLineLength
        }
    }

    /// How the end of the body is found (RFC 3261 §18.3).
    enum Framing {
        /// Content-Length optional: without it the body runs to the end of the datagram; extra octets dropped.
        case datagram
        /// Content-Length mandatory; the frame holds exactly the message.
        case stream
    }

    /// Caps checked while parsing; a message beyond them fails rather than costing memory.
    public var limits: Limits

    /// Makes a parser; it keeps no state between messages.
    public init(limits: Limits = .init()) {
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
    public func parseDatagram(_ bytes: [UInt8]) throws(SIPParseError) -> SIPMessage {
        try self.parse(bytes, framing: .datagram)
    }

    /// Parses the readable bytes of `buffer` as one datagram; see ``parseDatagram(_:)-([UInt8])``.
    public func parseDatagram(_ buffer: ByteBuffer) throws(SIPParseError) -> SIPMessage {
        try self.parse(buffer.getBytes(at: buffer.readerIndex, length: buffer.readableBytes) ?? [], framing: .datagram)
    }

    /// Parses one complete message cut from a stream by `SIPStreamFramer`; Content-Length is mandatory
    /// (RFC 3261 §18.3, §20.14).
    public func parseStreamMessage(_ buffer: ByteBuffer) throws(SIPParseError) -> SIPMessage {
        try self.parse(buffer.getBytes(at: buffer.readerIndex, length: buffer.readableBytes) ?? [], framing: .stream)
    }

    // MARK: - Message

    func parse(_ bytes: [UInt8], framing: Framing) throws(SIPParseError) -> SIPMessage {
        guard bytes.count <= self.limits.maxMessageBytes else {
            throw SIPParseError(.messageTooLarge, offset: self.limits.maxMessageBytes)
        }
        let head = try self.scanWire(bytes)
        let body = try self.frameBody(bytes, head: head, framing: framing)
        let headers = SIPHeaderFields(wire: SIPWireHeaders(bytes: bytes, entries: head.entries))
        let start = head.startLine.lowerBound
        if head.startLine.count >= 4, SIPFastSyntax.equalsIgnoringCase(bytes, start, start + 4, "SIP/") {
            let code: Int
            let reason: String
            if let fast = Self.fastStatusLine(bytes, head.startLine) {
                (code, reason) = fast
            } else {
                let line = String(decoding: bytes[head.startLine], as: UTF8.self)
                (_, code, reason) = try Self.parseStatusLine(line, offset: head.startLine.lowerBound)
            }
            try self.validateCommonHeaders(head, bytes: bytes)
            return .response(SIPResponse(statusCode: code, reasonPhrase: reason, headers: headers, bodyStorage: body))
        }
        let method: SIPMethod
        let methodRange: Range<Int>?
        let uri: SIPURIStorage
        if let fast = Self.fastRequestLine(bytes, head.startLine) {
            method = SIPMethod(String(decoding: bytes[fast.method], as: UTF8.self))
            methodRange = fast.method
            uri = .wire(bytes: bytes, start: fast.uri.lowerBound, end: fast.uri.upperBound)
        } else {
            let line = String(decoding: bytes[head.startLine], as: UTF8.self)
            let (slowMethod, slowURI, _) = try Self.parseRequestLine(line, offset: head.startLine.lowerBound)
            method = slowMethod
            methodRange = nil
            uri = .parsed(slowURI)
        }
        try self.validateRequest(method: method, methodRange: methodRange, head: head, bytes: bytes)
        return .request(SIPRequest(method: method, uriStorage: uri, headers: headers, bodyStorage: body))
    }

    /// The header section as ranges: the start line and one entry per field (continuation lines included).
    struct WireHead {
        var startLine: Range<Int>
        var entries: [SIPWireHeaders.Entry]
        /// Index of the first body octet.
        var bodyStart: Int

        /// The first field called `name` and how many there are.
        func find(_ name: HeaderName) -> (first: SIPWireHeaders.Entry?, count: Int) {
            var first: SIPWireHeaders.Entry? = nil
            var count = 0
            for entry in self.entries where entry.index == name.index {
                if first == nil { first = entry }
                count += 1
            }
            return (first, count)
        }

        /// Offset of the first field called `name`'s line, 0 when absent (as errors have always reported it).
        func offset(of name: HeaderName) -> Int { self.find(name).first?.lineStart ?? 0 }
    }

    /// How many field entries to reserve up front, so a typical message's table takes one allocation.
    private static let typicalFieldCount = 24

    /// Splits the header section into lines and records each field's name and value ranges (RFC 3261 §7.3):
    /// CRLFs before the start line are skipped (§7.5), a bare LF ends a line too, and continuation lines extend
    /// the field before them (§7.3.1). Names are classified by ``HeaderName/knownIndex(_:_:)``.
    func scanWire(_ bytes: [UInt8]) throws(SIPParseError) -> WireHead {
        let count = bytes.count
        var index = 0
        while index < count, bytes[index] == ASCII.cr || bytes[index] == ASCII.lf { index += 1 }
        guard index < count else { throw SIPParseError(.emptyMessage, offset: index) }

        var startLine: Range<Int>? = nil
        var entries: [SIPWireHeaders.Entry] = []
        entries.reserveCapacity(min(self.limits.maxHeaderCount, Self.typicalFieldCount))
        var pending: SIPWireHeaders.Entry? = nil
        var bodyStart: Int? = nil

        func flush() {
            guard var entry = pending else { return }
            // Trim white space at both ends; line breaks inside a folded value count as white space too.
            while entry.valueStart < entry.valueEnd, ASCII.isWhitespace(bytes[entry.valueStart]) {
                entry.valueStart += 1
            }
            while entry.valueEnd > entry.valueStart, ASCII.isWhitespace(bytes[entry.valueEnd - 1]) {
                entry.valueEnd -= 1
            }
            entries.append(entry)
            pending = nil
        }

        let raw = bytes.span.bytes
        while index < count {
            let lineEnd = Self.indexOfLineFeed(raw, from: index)
            guard lineEnd < count else {
                throw SIPParseError(.invalidHeaderLine, offset: index, detail: "header section not terminated")
            }
            let next = lineEnd + 1
            var contentEnd = lineEnd
            if contentEnd > index, bytes[contentEnd - 1] == ASCII.cr { contentEnd -= 1 }
            if contentEnd - index > self.limits.maxLineLength {
                throw SIPParseError(.lineTooLong, offset: index)
            }
            let lineStart = index
            index = next
            if startLine == nil {
                startLine = lineStart..<contentEnd
                continue
            }
            if contentEnd == lineStart {
                bodyStart = next
                break
            }
            let first = bytes[lineStart]
            if first == ASCII.space || first == ASCII.tab {
                // A continuation line: the line break before it reads as one SP (§7.3.1).
                guard pending != nil else {
                    throw SIPParseError(.invalidHeaderLine, offset: lineStart, detail: "continuation without header")
                }
                pending?.valueEnd = contentEnd
                pending?.folded = true
                continue
            }
            flush()
            // One pass for the usual line: a token, optional SP/HTAB, the colon. Anything else takes the
            // slower path below, which finds the first colon and names the fault.
            var nameEnd = lineStart
            while nameEnd < contentEnd, ASCII.isTokenChar(bytes[nameEnd]) { nameEnd += 1 }
            var colon = nameEnd
            while colon < contentEnd, bytes[colon] == ASCII.space || bytes[colon] == ASCII.tab { colon += 1 }
            if nameEnd == lineStart || colon == contentEnd || bytes[colon] != ASCII.colon {
                colon = lineStart
                while colon < contentEnd, bytes[colon] != ASCII.colon { colon += 1 }
                guard colon < contentEnd else {
                    throw SIPParseError(.invalidHeaderLine, offset: lineStart, detail: "no colon")
                }
                nameEnd = colon
                while nameEnd > lineStart, bytes[nameEnd - 1] == ASCII.space || bytes[nameEnd - 1] == ASCII.tab {
                    nameEnd -= 1
                }
                var position = lineStart
                while position < nameEnd, ASCII.isTokenChar(bytes[position]) { position += 1 }
                guard nameEnd > lineStart, position == nameEnd else {
                    throw SIPParseError(.invalidHeaderLine, offset: lineStart, detail: "header name is not a token")
                }
            }
            guard entries.count < self.limits.maxHeaderCount else {
                throw SIPParseError(.tooManyHeaders, offset: lineStart)
            }
            pending = SIPWireHeaders.Entry(
                lineStart: lineStart,
                nameEnd: nameEnd,
                valueStart: colon + 1,
                valueEnd: contentEnd,
                index: HeaderName.knownIndex(bytes, lineStart..<nameEnd),
                folded: false
            )
        }
        flush()
        guard let startLine else { throw SIPParseError(.emptyMessage, offset: 0) }
        guard let bodyStart else {
            throw SIPParseError(.invalidHeaderLine, offset: count, detail: "header section not terminated")
        }
        return WireHead(startLine: startLine, entries: entries, bodyStart: bodyStart)
    }

    /// The offset of the first LF at or after `start` in `raw`, or `raw.byteCount` when there is none.
    ///
    /// Eight bytes at a time (the profile's largest single cost was this search, byte by byte): a word XORed with
    /// LF in every byte has a zero byte exactly where an LF was, and the classic "has a zero byte" test finds the
    /// first one (little-endian loads, so the lowest set bit is the earliest byte). The loads are bounds-checked.
    static func indexOfLineFeed(_ raw: RawSpan, from start: Int) -> Int {
        let count = raw.byteCount
        var position = max(0, start)
        let lineFeeds: UInt64 = 0x0A0A_0A0A_0A0A_0A0A
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while position + 8 <= count {
            let word = UInt64(littleEndian: raw.unsafeLoadUnaligned(fromByteOffset: position, as: UInt64.self))
            let marked = word ^ lineFeeds
            let zeros = (marked &- ones) & ~marked & highs
            if zeros != 0 { return position + zeros.trailingZeroBitCount / 8 }
            position += 8
        }
        while position < count {
            if raw.unsafeLoad(fromByteOffset: position, as: UInt8.self) == ASCII.lf { return position }
            position += 1
        }
        return count
    }

    /// The value of `entry` as a `String` (unfolded), for the typed parsers' slow path.
    private static func text(_ bytes: [UInt8], _ entry: SIPWireHeaders.Entry) -> String {
        SIPWireHeaders(bytes: bytes, entries: []).value(of: entry)
    }

    /// Cuts the body by Content-Length (RFC 3261 §18.3, §20.14), as a range of the received bytes.
    func frameBody(_ bytes: [UInt8], head: WireHead, framing: Framing) throws(SIPParseError) -> SIPBodyStorage {
        let (field, fieldCount) = head.find(.contentLength)
        let offset = field?.lineStart ?? 0
        guard fieldCount <= 1 else {
            // Two lengths leave the framing unknown (RFC 4475 §3.3.9).
            throw SIPParseError(.duplicateHeader, offset: offset, header: .contentLength)
        }
        let bodyStart = min(head.bodyStart, bytes.count)
        let available = max(0, bytes.count - head.bodyStart)
        guard let field else {
            switch framing {
            case .datagram: return .wire(bytes: bytes, start: bodyStart, end: bytes.count)
            case .stream: throw SIPParseError(.missingHeader, offset: head.bodyStart, header: .contentLength)
            }
        }
        // Negative, non-numeric or absurd values are refused, never used as a count (RFC 4475 §3.1.2.3). A folded
        // value holds line breaks, which are no digits, as the SP they stand for is not.
        guard
            let length = SIPFastSyntax.decimal(
                bytes,
                field.valueStart,
                field.valueEnd,
                max: UInt64(max(0, self.limits.maxMessageBytes))
            )
        else {
            throw SIPParseError(.invalidContentLength, offset: offset, header: .contentLength)
        }
        guard Int(length) <= available else {
            throw SIPParseError(.bodyTooShort, offset: bytes.count, header: .contentLength)
        }
        return .wire(bytes: bytes, start: bodyStart, end: bodyStart + Int(length))
    }

    // MARK: - Start lines on bytes

    /// `Method SP Request-URI SP SIP/2.0` with single or repeated SPs, a token method and a plain SIP URI (see
    /// ``SIPFastSyntax/isPlainSIPURI(_:_:_:)``); nil sends the line to ``parseRequestLine(_:offset:)``.
    static func fastRequestLine(_ bytes: [UInt8], _ line: Range<Int>) -> (method: Range<Int>, uri: Range<Int>)? {
        var parts: (Range<Int>, Range<Int>, Range<Int>) = (0..<0, 0..<0, 0..<0)
        var found = 0
        var position = max(0, line.lowerBound)
        let end = min(line.upperBound, bytes.count)
        while position < end {
            if bytes[position] == ASCII.space {
                position += 1
                continue
            }
            let start = position
            while position < end, bytes[position] != ASCII.space { position += 1 }
            switch found {
            case 0: parts.0 = start..<position
            case 1: parts.1 = start..<position
            case 2: parts.2 = start..<position
            default: return nil
            }
            found += 1
        }
        guard found == 3 else { return nil }
        for byte in bytes[parts.0] where !ASCII.isTokenChar(byte) { return nil }
        guard SIPFastSyntax.equalsIgnoringCase(bytes, parts.2.lowerBound, parts.2.upperBound, "SIP/2.0"),
            SIPFastSyntax.isPlainSIPURI(bytes, parts.1.lowerBound, parts.1.upperBound)
        else { return nil }
        return (parts.0, parts.1)
    }

    /// `SIP/2.0 SP 3DIGIT SP Reason-Phrase` with an ASCII phrase; nil sends the line to
    /// ``parseStatusLine(_:offset:)``. A phrase equal to the standard one reuses that string.
    static func fastStatusLine(_ bytes: [UInt8], _ line: Range<Int>) -> (Int, String)? {
        let start = max(0, line.lowerBound)
        let end = min(line.upperBound, bytes.count)
        guard end - start >= 11, SIPFastSyntax.equalsIgnoringCase(bytes, start, start + 7, "SIP/2.0"),
            bytes[start + 7] == ASCII.space
        else { return nil }
        guard let code = SIPFastSyntax.decimal(bytes, start + 8, start + 11, max: 699), code >= 100 else { return nil }
        let reasonStart: Int
        if end == start + 11 {
            reasonStart = end
        } else {
            guard bytes[start + 11] == ASCII.space else { return nil }
            reasonStart = start + 12
        }
        for byte in bytes[reasonStart..<end] where byte >= 0x80 { return nil }
        let standard = SIPStatus.defaultReasonPhrase(for: Int(code))
        if standard.utf8.elementsEqual(bytes[reasonStart..<end]) { return (Int(code), standard) }
        return (Int(code), String(decoding: bytes[reasonStart..<end], as: UTF8.self))
    }

    // MARK: - Header validation

    /// Checks the fields both requests and responses need for transaction matching (RFC 3261 §8.1.1, §17).
    /// Returns the CSeq method's range when the plain check read it.
    @discardableResult
    func validateCommonHeaders(_ head: WireHead, bytes: [UInt8]) throws(SIPParseError) -> Range<Int>? {
        let to = head.find(.to)
        let from = head.find(.from)
        let callID = head.find(.callID)
        let cseq = head.find(.cseq)
        // Single-valued fields may appear once (RFC 3261 §7.3.1, RFC 4475 §3.3.8). (No array literal here: it
        // would allocate on every message.)
        func requireOne(_ name: HeaderName, _ found: (first: SIPWireHeaders.Entry?, count: Int)) throws(SIPParseError) {
            if found.count == 0 { throw SIPParseError(.missingHeader, offset: head.bodyStart, header: name) }
            if found.count > 1 {
                throw SIPParseError(.duplicateHeader, offset: found.first?.lineStart ?? 0, header: name)
            }
        }
        try requireOne(.to, to)
        try requireOne(.from, from)
        try requireOne(.callID, callID)
        try requireOne(.cseq, cseq)
        let viaOffset = head.offset(of: .via)
        var sawVia = false
        for entry in head.entries where entry.index == HeaderName.via.index {
            sawVia = true
            if !entry.folded, SIPFastSyntax.isPlainViaList(bytes, entry.valueStart, entry.valueEnd) { continue }
            do throws(SIPParseError) { _ = try ViaHeader.parseList(Self.text(bytes, entry)) } catch {
                throw error.located(header: .via, offset: viaOffset)
            }
        }
        guard sawVia else { throw SIPParseError(.missingHeader, offset: head.bodyStart, header: .via) }
        func checkAddress(_ name: HeaderName, _ entry: SIPWireHeaders.Entry?) throws(SIPParseError) {
            guard let entry else { return }
            if !entry.folded, SIPFastSyntax.isPlainNameAddress(bytes, entry.valueStart, entry.valueEnd, list: false) {
                return
            }
            do throws(SIPParseError) {
                _ = try NameAddress(parsing: Self.text(bytes, entry), header: name)
            } catch {
                throw error.located(header: name, offset: entry.lineStart)
            }
        }
        try checkAddress(.from, from.first)
        try checkAddress(.to, to.first)
        if let entry = callID.first {
            // Not empty, and no white space (a folded value holds a line break, which counts as one).
            var valid = entry.valueEnd > entry.valueStart
            for position in entry.valueStart..<max(entry.valueStart, entry.valueEnd)
            where position < bytes.count && ASCII.isWhitespace(bytes[position]) {
                valid = false
            }
            guard valid else {
                throw SIPParseError(.invalidHeaderValue, offset: entry.lineStart, header: .callID)
            }
        }
        var cseqMethod: Range<Int>? = nil
        if let entry = cseq.first {
            if !entry.folded, let method = SIPFastSyntax.plainCSeqMethod(bytes, entry.valueStart, entry.valueEnd) {
                cseqMethod = method
            } else {
                do throws(SIPParseError) { _ = try CSeqHeader(parsing: Self.text(bytes, entry)) } catch {
                    throw error.located(header: .cseq, offset: entry.lineStart)
                }
            }
        }
        let contactOffset = head.offset(of: .contact)
        for entry in head.entries where entry.index == HeaderName.contact.index {
            if !entry.folded, SIPFastSyntax.isPlainNameAddress(bytes, entry.valueStart, entry.valueEnd, list: true) {
                continue
            }
            do throws(SIPParseError) {
                _ = try NameAddress.parseList(Self.text(bytes, entry), header: .contact)
            } catch {
                throw error.located(header: .contact, offset: contactOffset)
            }
        }
        return cseqMethod
    }

    /// Adds the request-only checks of RFC 3261 §8.2: CSeq method equals the request method (RFC 4475
    /// §3.1.2.17) and Max-Forwards, when present, is one number from 0 to 255 (§20.22). Max-Forwards may be
    /// absent: RFC 2543 peers omit it (RFC 4475 §3.4.1).
    func validateRequest(
        method: SIPMethod,
        methodRange: Range<Int>?,
        head: WireHead,
        bytes: [UInt8]
    ) throws(SIPParseError) {
        let cseqMethod = try self.validateCommonHeaders(head, bytes: bytes)
        let (maxForwards, maxForwardsCount) = head.find(.maxForwards)
        let offset = maxForwards?.lineStart ?? 0
        if maxForwardsCount > 1 { throw SIPParseError(.duplicateHeader, offset: offset, header: .maxForwards) }
        if let entry = maxForwards {
            var valid = entry.valueEnd > entry.valueStart
            for position in entry.valueStart..<max(entry.valueStart, entry.valueEnd)
            where position >= bytes.count || !ASCII.isDigit(bytes[position]) {
                valid = false
            }
            guard valid else {
                throw SIPParseError(.invalidHeaderValue, offset: offset, header: .maxForwards)
            }
            guard SIPFastSyntax.decimal(bytes, entry.valueStart, entry.valueEnd, max: 255) != nil else {
                throw SIPParseError(.valueOutOfRange, offset: offset, header: .maxForwards)
            }
        }
        let mismatch: Bool
        if let cseqMethod, let methodRange {
            mismatch = !SIPFastSyntax.equalBytes(bytes, cseqMethod, methodRange)
        } else if let entry = head.find(.cseq).first, let cseq = try? CSeqHeader(parsing: Self.text(bytes, entry)) {
            mismatch = cseq.method != method
        } else {
            mismatch = false
        }
        if mismatch { throw SIPParseError(.methodMismatch, offset: head.offset(of: .cseq), header: .cseq) }
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
}
