/// A session description (RFC 8866, formerly RFC 4566): the offer or answer a SIP body carries (RFC 3264).
///
/// The reader is tolerant where real and torture messages need it: the last line may lack its CRLF, bare LF
/// ends lines too, unknown lines are kept, and a malformed `a=rtpmap` is ignored (a UDP datagram may have cut
/// the body short, RFC 5118 §4.6 as framed by RFC 3261 §18.3). It is strict only where a value would be
/// misread: the `v=`, `o=`, `c=` and `m=` lines.
public struct SessionDescription: Sendable, Equatable, CustomStringConvertible {
    /// `v=`: always 0.
    public var version: Int
    /// `o=`: who made the description and its version, which a re-offer must raise (RFC 3264 §8).
    public var origin: SDPOrigin
    /// `s=`; "-" when there is nothing to say.
    public var sessionName: String
    /// The session-level `c=`, used by media sections without their own.
    public var connection: SDPConnection?
    /// `t=` lines; one `0 0` for a call.
    public var times: [SDPTiming]
    /// Session-level `a=` lines.
    public var attributes: [SDPAttribute]
    /// The `m=` sections in order; an answer keeps the offer's order and count (RFC 3264 §6).
    public var media: [MediaDescription]
    /// Session-level lines without a field here (`i=`, `u=`, `e=`, `p=`, `b=`, `r=`, `z=`, `k=`, unknown).
    public var otherLines: [SDPLine]

    /// Makes a description from its parts; `v=` is 0.
    public init(
        origin: SDPOrigin,
        sessionName: String = "-",
        connection: SDPConnection? = nil,
        times: [SDPTiming] = [SDPTiming()],
        attributes: [SDPAttribute] = [],
        media: [MediaDescription] = []
    ) {
        self.version = 0
        self.origin = origin
        self.sessionName = sessionName
        self.connection = connection
        self.times = times
        self.attributes = attributes
        self.media = media
        self.otherLines = []
    }

    /// Parses a description from text (RFC 8866 §5).
    /// - Throws: ``SDPError`` for a missing `v=`/`o=`, or a malformed `o=`, `c=` or `m=` line.
    public init(parsing text: String) throws(SDPError) {
        var version: Int? = nil
        var origin: SDPOrigin? = nil
        var sessionName = "-"
        var connection: SDPConnection? = nil
        var times: [SDPTiming] = []
        var attributes: [SDPAttribute] = []
        var media: [MediaDescription] = []
        var otherLines: [SDPLine] = []

        var lineNumber = 0
        // Split on LF octets: in Swift a CRLF is one Character, so a Character split would miss it.
        for rawLine in text.utf8.split(separator: ASCII.lf, omittingEmptySubsequences: false) {
            lineNumber += 1
            var lineBytes = rawLine
            if lineBytes.last == ASCII.cr { lineBytes = lineBytes.dropLast() }
            guard lineBytes.count >= 2, let typeByte = lineBytes.first, ASCII.isAlpha(typeByte),
                lineBytes.dropFirst().first == ASCII.equals
            else { continue }
            let type = Character(Unicode.Scalar(typeByte))
            let value = String(decoding: lineBytes.dropFirst(2), as: UTF8.self)
            switch type {
            case "v":
                guard let number = Int(value) else { throw SDPError(.missingVersion, line: lineNumber) }
                guard number == 0 else { throw SDPError(.unsupportedVersion, line: lineNumber) }
                version = number
            case "o":
                let parts = value.split(separator: " ", omittingEmptySubsequences: true)
                guard parts.count == 6 else { throw SDPError(.invalidOrigin, line: lineNumber) }
                origin = SDPOrigin(
                    username: String(parts[0]),
                    sessionID: String(parts[1]),
                    sessionVersion: String(parts[2]),
                    networkType: String(parts[3]),
                    addressType: String(parts[4]),
                    address: String(parts[5])
                )
            case "s" where media.isEmpty:
                sessionName = value
            case "c":
                let parts = value.split(separator: " ", omittingEmptySubsequences: true)
                guard parts.count == 3 else { throw SDPError(.invalidConnection, line: lineNumber) }
                let parsed = SDPConnection(
                    networkType: String(parts[0]),
                    addressType: String(parts[1]),
                    address: String(parts[2])
                )
                if media.isEmpty {
                    connection = parsed
                } else {
                    media[media.count - 1].connection = parsed
                }
            case "t" where media.isEmpty:
                let parts = value.split(separator: " ", omittingEmptySubsequences: true)
                if parts.count == 2 {
                    times.append(SDPTiming(start: String(parts[0]), stop: String(parts[1])))
                } else {
                    otherLines.append(SDPLine(type: type, value: value))
                }
            case "m":
                media.append(try MediaDescription(mLine: value, line: lineNumber))
            case "a":
                let attribute: SDPAttribute
                if let colon = value.firstIndex(of: ":") {
                    attribute = SDPAttribute(String(value[..<colon]), String(value[value.index(after: colon)...]))
                } else {
                    attribute = SDPAttribute(value)
                }
                if media.isEmpty {
                    attributes.append(attribute)
                } else {
                    media[media.count - 1].attributes.append(attribute)
                }
            default:
                if media.isEmpty {
                    otherLines.append(SDPLine(type: type, value: value))
                } else {
                    media[media.count - 1].otherLines.append(SDPLine(type: type, value: value))
                }
            }
        }
        guard let version else { throw SDPError(.missingVersion) }
        guard let origin else { throw SDPError(.missingOrigin) }
        self.version = version
        self.origin = origin
        self.sessionName = sessionName
        self.connection = connection
        self.times = times.isEmpty ? [SDPTiming()] : times
        self.attributes = attributes
        self.media = media
        self.otherLines = otherLines
    }

    /// Parses a SIP body's octets as UTF-8 text.
    public init(parsing bytes: [UInt8]) throws(SDPError) {
        try self.init(parsing: String(decoding: bytes, as: UTF8.self))
    }

    /// The connection that applies to `media`: its own `c=`, else the session's (RFC 8866 §5.7).
    public func connection(for media: MediaDescription) -> SDPConnection? {
        media.connection ?? self.connection
    }

    /// The direction of `media`: its own attribute, else the session-level one, else sendrecv (RFC 3264 §5.1).
    public func direction(of media: MediaDescription) -> SDPDirection {
        if let direction = media.explicitDirection { return direction }
        for attribute in self.attributes.reversed() where attribute.value == nil {
            if let direction = SDPDirection(rawValue: attribute.name) { return direction }
        }
        return .sendrecv
    }

    /// The description in wire form, every line CRLF-terminated, in RFC 8866 §5 order.
    public var description: String {
        var text = "v=\(self.version)\r\no=\(self.origin)\r\ns=\(self.sessionName)\r\n"
        let beforeConnection: Set<Character> = ["i", "u", "e", "p"]
        for line in self.otherLines where beforeConnection.contains(line.type) { text += "\(line)\r\n" }
        if let connection { text += "c=\(connection)\r\n" }
        for line in self.otherLines where line.type == "b" { text += "\(line)\r\n" }
        for time in self.times { text += "t=\(time)\r\n" }
        for line in self.otherLines where !beforeConnection.contains(line.type) && line.type != "b" {
            text += "\(line)\r\n"
        }
        for attribute in self.attributes { text += "a=\(attribute)\r\n" }
        for media in self.media { text += media.description }
        return text
    }

    /// The description as body octets.
    public var bytes: [UInt8] { Array(self.description.utf8) }
}
