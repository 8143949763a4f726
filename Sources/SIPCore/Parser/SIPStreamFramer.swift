import NIOCore

/// Cuts a TCP or TLS byte stream into whole SIP messages (RFC 3261 §18.3), one `ByteBuffer` frame each.
///
/// On a stream, Content-Length is mandatory and gives the body length; a message without it cannot be framed
/// and the connection must close, which a thrown error makes the pipeline do. CRLFs between messages, the
/// keep-alive pings of RFC 5626 §3.5.1, are skipped (RFC 3261 §7.5 lets a receiver ignore them before a start
/// line). Frames are slices of the received buffer, not copies; parse one with
/// ``SIPMessageParser/parseStreamMessage(_:)``, which can still answer a malformed request with 400 on the
/// same connection.
///
/// State is a single "header length known" value plus how far the header search has got, so feeding the
/// stream one byte at a time costs linear time.
package struct SIPStreamFramer: NIOSingleStepByteToMessageDecoder {
    package typealias InboundOut = ByteBuffer

    private let limits: SIPMessageParser.Limits
    /// Bytes of the current message already searched for the end of the header section.
    private var searched = 0
    /// Total length (header section plus body) of the current message, once its header section is complete.
    private var frameLength: Int? = nil

    package init(limits: SIPMessageParser.Limits = .init()) {
        self.limits = limits
    }

    /// Returns the next whole message, or nil when more bytes are needed.
    /// - Throws: ``SIPParseError`` when the stream cannot be framed: no or bad Content-Length, or a message
    ///   larger than ``SIPMessageParser/Limits/maxMessageBytes`` (the connection should then close).
    package mutating func decode(buffer: inout ByteBuffer) throws(SIPParseError) -> ByteBuffer? {
        if self.frameLength == nil {
            if self.searched == 0 { Self.skipKeepAlives(&buffer) }
            guard let headerEnd = self.findHeaderEnd(buffer) else {
                if buffer.readableBytes > self.limits.maxMessageBytes {
                    throw SIPParseError(.messageTooLarge, offset: buffer.readableBytes)
                }
                return nil
            }
            let bodyLength = try Self.contentLength(buffer, headerEnd: headerEnd)
            let total = headerEnd + bodyLength
            guard total <= self.limits.maxMessageBytes else {
                throw SIPParseError(.messageTooLarge, offset: total, header: .contentLength)
            }
            self.frameLength = total
        }
        guard let frameLength = self.frameLength, buffer.readableBytes >= frameLength,
            let frame = buffer.readSlice(length: frameLength)
        else { return nil }
        self.frameLength = nil
        self.searched = 0
        return frame
    }

    /// At end of stream, returns any last whole message; a partial one is discarded with the connection.
    package mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws(SIPParseError) -> ByteBuffer? {
        if let frame = try self.decode(buffer: &buffer) { return frame }
        if self.frameLength == nil && self.searched == 0 { Self.skipKeepAlives(&buffer) }
        return nil
    }

    private static func skipKeepAlives(_ buffer: inout ByteBuffer) {
        while let byte = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self), byte == ASCII.cr || byte == ASCII.lf
        {
            buffer.moveReaderIndex(forwardBy: 1)
        }
    }

    /// The length of the header section including its empty line, or nil when it is not complete yet.
    private mutating func findHeaderEnd(_ buffer: ByteBuffer) -> Int? {
        let view = buffer.readableBytesView
        let count = view.count
        // Resume three bytes back so a CRLFCRLF split across reads is found.
        var position = max(0, self.searched - 3)
        while position + 3 < count {
            let base = view.startIndex + position
            if view[base] == ASCII.cr, view[base + 1] == ASCII.lf, view[base + 2] == ASCII.cr,
                view[base + 3] == ASCII.lf
            {
                return position + 4
            }
            position += 1
        }
        self.searched = max(self.searched, count)
        return nil
    }

    /// Reads Content-Length (or its compact form `l`) from the header section (RFC 3261 §20.14, §7.3.3).
    private static func contentLength(_ buffer: ByteBuffer, headerEnd: Int) throws(SIPParseError) -> Int {
        let header = buffer.getBytes(at: buffer.readerIndex, length: headerEnd) ?? []
        var found: UInt64? = nil
        var lineStart = 0
        while lineStart < header.count {
            var lineEnd = lineStart
            while lineEnd < header.count, header[lineEnd] != ASCII.lf { lineEnd += 1 }
            let line = header[lineStart..<lineEnd]
            lineStart = lineEnd + 1
            guard let colon = line.firstIndex(of: ASCII.colon) else { continue }
            let name = String(decoding: line[line.startIndex..<colon], as: UTF8.self).trimmingSIPWhitespace()
            guard name.sipCaseInsensitiveEquals("content-length") || name.sipCaseInsensitiveEquals("l") else {
                continue
            }
            let valueText = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingSIPWhitespace()
            guard let value = valueText.sipDecimal(max: UInt64(Int32.max)) else {
                throw SIPParseError(.invalidContentLength, offset: lineStart, header: .contentLength)
            }
            if let found, found != value {
                throw SIPParseError(.duplicateHeader, offset: lineStart, header: .contentLength)
            }
            found = value
        }
        guard let found else {
            throw SIPParseError(
                .missingHeader,
                offset: headerEnd,
                header: .contentLength,
                detail: "required on streams"
            )
        }
        return Int(found)
    }
}
