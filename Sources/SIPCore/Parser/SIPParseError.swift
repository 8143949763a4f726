/// Why a SIP message or one of its header fields could not be parsed, and how to answer it.
///
/// Shaped like swift-certificates' `CertificateError`: a struct around a code that is itself a struct over a
/// private enum, so adding a code breaks no `switch`, and `==` compares codes only so tests match on the code.
/// It stays lean for the hot path (STYLE.md §7): the detail is a static string and nothing is boxed.
public struct SIPParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of fault; each maps to the status code the UAS answers with (RFC 3261 §8.2, §21.4, §21.5).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Backing: Hashable, Sendable {
            case emptyMessage
            case invalidStartLine
            case invalidRequestURI
            case versionNotSupported
            case invalidStatusCode
            case invalidHeaderLine
            case invalidHeaderValue
            case missingHeader
            case duplicateHeader
            case methodMismatch
            case invalidContentLength
            case bodyTooShort
            case messageTooLarge
            case tooManyHeaders
            case lineTooLong
            case valueOutOfRange
            case invalidURI
        }

        let backing: Backing

        /// Nothing but CRLFs, or no bytes at all.
        public static let emptyMessage = Code(backing: .emptyMessage)
        /// The request line or status line does not follow RFC 3261 §7.1/§7.2.
        public static let invalidStartLine = Code(backing: .invalidStartLine)
        /// The Request-URI is not a URI (RFC 3261 §19.1, §25.1).
        public static let invalidRequestURI = Code(backing: .invalidRequestURI)
        /// The SIP-Version is not SIP/2.0; answered with 505 (RFC 3261 §21.5.7).
        public static let versionNotSupported = Code(backing: .versionNotSupported)
        /// The status code is not three digits from 100 to 699 (RFC 3261 §7.2).
        public static let invalidStatusCode = Code(backing: .invalidStatusCode)
        /// A header line has no colon or its name is not a token (RFC 3261 §7.3.1).
        public static let invalidHeaderLine = Code(backing: .invalidHeaderLine)
        /// A header value does not follow its grammar (RFC 3261 §25.1).
        public static let invalidHeaderValue = Code(backing: .invalidHeaderValue)
        /// A header a request must carry is absent (RFC 3261 §8.1.1).
        public static let missingHeader = Code(backing: .missingHeader)
        /// A single-valued header appears more than once (RFC 3261 §7.3.1, RFC 4475 §3.3.8).
        public static let duplicateHeader = Code(backing: .duplicateHeader)
        /// The CSeq method differs from the request method (RFC 3261 §8.1.1.5, RFC 4475 §3.1.2.17).
        public static let methodMismatch = Code(backing: .methodMismatch)
        /// Content-Length is not a non-negative decimal number (RFC 3261 §20.14).
        public static let invalidContentLength = Code(backing: .invalidContentLength)
        /// The datagram ends before the body Content-Length announces (RFC 3261 §18.3).
        public static let bodyTooShort = Code(backing: .bodyTooShort)
        /// The message exceeds ``SIPMessageParser/Limits/maxMessageBytes``; answered with 513 (RFC 3261 §21.4.11).
        public static let messageTooLarge = Code(backing: .messageTooLarge)
        /// More header fields than ``SIPMessageParser/Limits/maxHeaderCount``.
        public static let tooManyHeaders = Code(backing: .tooManyHeaders)
        /// A line longer than ``SIPMessageParser/Limits/maxLineLength``.
        public static let lineTooLong = Code(backing: .lineTooLong)
        /// A number is too large for its field, e.g. a CSeq of 2^31 or more (RFC 3261 §8.1.1.5, RFC 4475 §3.1.2.4).
        public static let valueOutOfRange = Code(backing: .valueOutOfRange)
        /// A URI inside a header field does not follow RFC 3261 §19.1.
        public static let invalidURI = Code(backing: .invalidURI)

        public var description: String { String(describing: self.backing) }
    }

    /// What went wrong.
    public var code: Code
    /// Byte offset into the message (or into the parsed string) where the fault was found.
    public var offset: Int
    /// The header field at fault, if the fault is inside one.
    public var header: HeaderName?
    /// A short static note for logs; never shown to the peer.
    public var detail: String

    /// Makes an error at byte `offset`, in `header` when known.
    public init(_ code: Code, offset: Int = 0, header: HeaderName? = nil, detail: String = "") {
        self.code = code
        self.offset = offset
        self.header = header
        self.detail = detail
    }

    /// Errors are equal when their codes are, so tests can match `SIPParseError(.methodMismatch)`.
    public static func == (lhs: SIPParseError, rhs: SIPParseError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(self.code) }

    /// The final response a UAS sends for this fault (RFC 3261 §21.4.1, §21.4.11, §21.5.7).
    public var statusCode: Int {
        switch self.code.backing {
        case .versionNotSupported: 505
        case .messageTooLarge: 513
        default: 400
        }
    }

    /// A reason phrase that names the fault, e.g. "Bad Request - invalid CSeq" (RFC 3261 §21.4.1 lets the
    /// phrase say which header was at fault).
    public var reasonPhrase: String {
        switch self.code.backing {
        case .versionNotSupported: return "Version Not Supported"
        case .messageTooLarge: return "Message Too Large"
        case .missingHeader:
            if let header { return "Bad Request - missing \(header.canonical)" }
            return "Bad Request - missing header"
        case .duplicateHeader:
            if let header { return "Bad Request - duplicate \(header.canonical)" }
            return "Bad Request - duplicate header"
        case .methodMismatch: return "Bad Request - CSeq method mismatch"
        case .invalidContentLength: return "Bad Request - invalid Content-Length"
        case .bodyTooShort: return "Bad Request - body shorter than Content-Length"
        case .invalidRequestURI: return "Bad Request - invalid Request-URI"
        case .invalidStartLine: return "Bad Request - invalid start line"
        case .invalidStatusCode: return "Bad Request - invalid status code"
        case .emptyMessage: return "Bad Request - empty message"
        case .tooManyHeaders: return "Bad Request - too many header fields"
        case .lineTooLong: return "Bad Request - line too long"
        case .invalidHeaderLine: return "Bad Request - malformed header line"
        case .valueOutOfRange, .invalidHeaderValue, .invalidURI:
            if let header { return "Bad Request - invalid \(header.canonical)" }
            return "Bad Request - invalid header value"
        }
    }

    public var description: String {
        var text = "SIPParseError(\(self.code), offset: \(self.offset)"
        if let header { text += ", header: \(header.canonical)" }
        if !self.detail.isEmpty { text += ", \(self.detail)" }
        return text + ")"
    }

    /// The same error attributed to `header` at `offset`, as the message parser reports header faults.
    func located(header: HeaderName, offset: Int) -> SIPParseError {
        SIPParseError(self.code, offset: offset + self.offset, header: header, detail: self.detail)
    }
}
