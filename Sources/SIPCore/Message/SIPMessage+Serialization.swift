import NIOCore

extension SIPRequest {
    /// Writes the request in wire form (RFC 3261 §7): request line, header fields with canonical names, a
    /// Content-Length that always matches ``body`` (any stored one is replaced; §18.3 and §20.14), an empty
    /// line and the body.
    public func serialize(into buffer: inout ByteBuffer) {
        buffer.writeString(self.method.token)
        buffer.writeString(" ")
        switch self.uriStorage {
        case .parsed(let uri): buffer.writeString(uri.description)
        case .wire(let bytes, let start, let end):
            let lower = max(0, min(start, bytes.count))
            buffer.writeBytes(bytes[lower..<max(lower, min(end, bytes.count))])
        }
        buffer.writeString(" ")
        buffer.writeString(self.version)
        buffer.writeString("\r\n")
        SIPHeaderFields.serialize(self.headers, bodyCount: self.bodyStorage.count, into: &buffer)
        self.bodyStorage.withBytes { _ = buffer.writeBytes($0) }
    }

    /// The wire form as bytes; see ``serialize(into:)``.
    public var bytes: [UInt8] {
        var buffer = ByteBufferAllocator().buffer(capacity: 512 + self.body.count)
        self.serialize(into: &buffer)
        return buffer.readBytes(length: buffer.readableBytes) ?? []
    }
}

extension SIPResponse {
    /// Writes the response in wire form (RFC 3261 §7.2), with a Content-Length matching ``body``.
    public func serialize(into buffer: inout ByteBuffer) {
        buffer.writeString(self.version)
        buffer.writeString(" ")
        buffer.writeString(String(self.statusCode))
        buffer.writeString(" ")
        buffer.writeString(self.reasonPhrase)
        buffer.writeString("\r\n")
        SIPHeaderFields.serialize(self.headers, bodyCount: self.bodyStorage.count, into: &buffer)
        self.bodyStorage.withBytes { _ = buffer.writeBytes($0) }
    }

    /// The wire form as bytes; see ``serialize(into:)``.
    public var bytes: [UInt8] {
        var buffer = ByteBufferAllocator().buffer(capacity: 512 + self.body.count)
        self.serialize(into: &buffer)
        return buffer.readBytes(length: buffer.readableBytes) ?? []
    }
}

extension SIPMessage {
    /// Writes either kind of message; see ``SIPRequest/serialize(into:)``.
    public func serialize(into buffer: inout ByteBuffer) {
        switch self {
        case .request(let request): request.serialize(into: &buffer)
        case .response(let response): response.serialize(into: &buffer)
        }
    }

    /// The wire form of either kind of message, as bytes.
    public var bytes: [UInt8] {
        switch self {
        case .request(let request): request.bytes
        case .response(let response): response.bytes
        }
    }
}

extension SIPHeaderFields {
    /// Writes `Name: value` lines, then a fresh Content-Length and the empty line ending the header section.
    static func serialize(_ headers: SIPHeaderFields, bodyCount: Int, into buffer: inout ByteBuffer) {
        switch headers.storage {
        case .list(let fields):
            for field in fields where field.name != .contentLength {
                buffer.writeString(field.name.canonical)
                buffer.writeString(": ")
                buffer.writeString(field.value)
                buffer.writeString("\r\n")
            }
        case .wire(let wire):
            wire.serializeFields(into: &buffer)
        }
        buffer.writeString("Content-Length: ")
        buffer.writeDecimal(bodyCount)
        buffer.writeString("\r\n\r\n")
    }
}

extension ByteBuffer {
    /// Writes a non-negative count in decimal without building a `String`.
    mutating func writeDecimal(_ value: Int) {
        var remaining = max(0, value)
        var divisor = 1
        while divisor <= remaining / 10 { divisor *= 10 }
        repeat {
            self.writeInteger(UInt8(truncatingIfNeeded: remaining / divisor) &+ 0x30)
            remaining %= divisor
            divisor /= 10
        } while divisor > 0
    }
}
