/// One `m=` section of a session description (RFC 8866 §5.14) with its `c=`, `a=` and other lines.
public struct MediaDescription: Sendable, Equatable, CustomStringConvertible {
    /// "audio", "video", "application", ...
    public var media: String
    /// The transport port; 0 rejects or disables the stream (RFC 3264 §5.1, §6).
    public var port: Int
    /// The `/<number of ports>` suffix, if any.
    public var portCount: Int?
    /// "RTP/AVP", "RTP/SAVP", "UDP/TLS/RTP/SAVPF", ...
    public var proto: String
    /// The format list: RTP payload type numbers for RTP protocols.
    public var formats: [Int]
    /// Formats that are not numbers (other protocols), kept to serialize them back.
    public var otherFormats: [String]
    /// A media-level `c=`, which overrides the session-level one (RFC 8866 §5.7).
    public var connection: SDPConnection?
    /// The section's `a=` lines in order (rtpmap, fmtp, direction, ptime, ...).
    public var attributes: [SDPAttribute]
    /// `i=`, `b=`, `k=` and unknown lines of this section, kept in order before the attributes.
    public var otherLines: [SDPLine]

    /// Makes an `m=` section from its parts.
    public init(
        media: String,
        port: Int,
        proto: String = "RTP/AVP",
        formats: [Int],
        connection: SDPConnection? = nil,
        attributes: [SDPAttribute] = []
    ) {
        self.media = media
        self.port = port
        self.portCount = nil
        self.proto = proto
        self.formats = formats
        self.otherFormats = []
        self.connection = connection
        self.attributes = attributes
        self.otherLines = []
    }

    /// Parses the value of an `m=` line: `<media> <port>[/<count>] <proto> <fmt> ...`.
    init(mLine value: String, line: Int) throws(SDPError) {
        let parts = value.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count >= 3 else { throw SDPError(.invalidMedia, line: line, detail: "too few fields") }
        let portField = parts[1].split(separator: "/", omittingEmptySubsequences: false)
        guard let port = Int(portField[0]), (0...65535).contains(port) else {
            throw SDPError(.invalidMedia, line: line, detail: "bad port")
        }
        var count: Int? = nil
        if portField.count > 1 {
            guard let value = Int(portField[1]), value > 0 else { throw SDPError(.invalidMedia, line: line) }
            count = value
        }
        self.init(media: String(parts[0]), port: port, proto: String(parts[2]), formats: [])
        self.portCount = count
        for format in parts.dropFirst(3) {
            if let number = Int(format), (0...127).contains(number) {
                self.formats.append(number)
            } else {
                self.otherFormats.append(String(format))
            }
        }
    }

    /// The first attribute called `name`'s value ("" for a flag), or nil.
    public func attribute(_ name: String) -> String? {
        guard let attribute = self.attributes.first(where: { $0.name == name }) else { return nil }
        return attribute.value ?? ""
    }

    /// Every attribute value called `name`.
    public func attributes(named name: String) -> [String] {
        self.attributes.compactMap { $0.name == name ? ($0.value ?? "") : nil }
    }

    /// Codecs by payload type: every well-formed `a=rtpmap`, plus RFC 3551 static types (0 PCMU, 8 PCMA,
    /// 9 G722, ...) listed in the formats without an rtpmap. A malformed rtpmap is ignored.
    public var rtpmaps: [Int: RTPMap] {
        var result: [Int: RTPMap] = [:]
        for value in self.attributes(named: "rtpmap") {
            if let map = RTPMap(parsing: value), result[map.payloadType] == nil { result[map.payloadType] = map }
        }
        for format in self.formats where result[format] == nil {
            if let map = RTPMap.staticPayloadType(format) { result[format] = map }
        }
        return result
    }

    /// The `a=fmtp` parameters for `payloadType` (RFC 8866 §6.15), e.g. "0-16" for telephone-event.
    public func fmtp(for payloadType: Int) -> String? {
        for value in self.attributes(named: "fmtp") {
            let parts = value.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            if let first = parts.first, Int(first) == payloadType {
                return parts.count > 1 ? String(parts[1]) : ""
            }
        }
        return nil
    }

    /// The media-level direction attribute, or nil when this section has none (RFC 3264 §5.1).
    public var explicitDirection: SDPDirection? {
        for attribute in self.attributes.reversed() where attribute.value == nil {
            if let direction = SDPDirection(rawValue: attribute.name) { return direction }
        }
        return nil
    }

    /// The stream's direction: the media-level attribute, else `sendrecv` (RFC 3264 §5.1). Use
    /// ``SessionDescription/direction(of:)`` to honour a session-level attribute too.
    public var direction: SDPDirection { self.explicitDirection ?? .sendrecv }

    /// `a=ptime` in milliseconds (RFC 8866 §6.4).
    public var ptime: Int? { self.attribute("ptime").flatMap { Int($0) } }

    /// Whether the section has `a=rtcp-mux`: RTP and RTCP on one port (RFC 5761 §5.1.1).
    public var rtcpMux: Bool { self.attribute("rtcp-mux") != nil }

    /// The RTCP port of `a=rtcp` (RFC 3605) when the peer does not use RTP port + 1; nil when absent or bad.
    public var rtcpPort: Int? {
        guard let value = self.attribute("rtcp"), let first = value.split(separator: " ").first,
            let port = Int(first), (1...65535).contains(port)
        else { return nil }
        return port
    }

    /// Replaces any direction attribute with `direction`.
    public mutating func setDirection(_ direction: SDPDirection) {
        self.attributes.removeAll { $0.value == nil && SDPDirection(rawValue: $0.name) != nil }
        self.attributes.append(SDPAttribute(direction.rawValue))
    }

    /// The section's lines, CRLF-terminated (RFC 8866 §5: order m, i, c, b, k, a).
    public var description: String {
        var text = "m=\(self.media) \(self.port)"
        if let portCount { text += "/\(portCount)" }
        text += " \(self.proto)"
        for format in self.formats { text += " \(format)" }
        for format in self.otherFormats { text += " \(format)" }
        text += "\r\n"
        for line in self.otherLines where line.type == "i" { text += "\(line)\r\n" }
        if let connection { text += "c=\(connection)\r\n" }
        for line in self.otherLines where line.type != "i" { text += "\(line)\r\n" }
        for attribute in self.attributes { text += "a=\(attribute)\r\n" }
        return text
    }
}
