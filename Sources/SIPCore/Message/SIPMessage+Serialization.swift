import NIOCore

extension SIPRequest {
    /// Writes the request in wire form (RFC 3261 §7): request line, header fields with canonical names, a
    /// Content-Length that always matches ``body`` (any stored one is replaced; §18.3 and §20.14), an empty
    /// line and the body.
    public func serialize(into buffer: inout ByteBuffer) {
        buffer.writeString(self.method.token)
        buffer.writeString(" ")
        buffer.writeString(self.uri.description)
        buffer.writeString(" ")
        buffer.writeString(self.version)
        buffer.writeString("\r\n")
        SIPHeaderFields.serialize(self.headers, bodyCount: self.body.count, into: &buffer)
        buffer.writeBytes(self.body)
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
        SIPHeaderFields.serialize(self.headers, bodyCount: self.body.count, into: &buffer)
        buffer.writeBytes(self.body)
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
        for field in headers where field.name != .contentLength {
            buffer.writeString(field.name.canonical)
            buffer.writeString(": ")
            buffer.writeString(field.value)
            buffer.writeString("\r\n")
        }
        buffer.writeString("Content-Length: ")
        buffer.writeString(String(bodyCount))
        buffer.writeString("\r\n\r\n")
    }
}
