/// Why a session description could not be read or negotiated (RFC 8866, RFC 3264).
///
/// Same shape as ``SIPParseError``: a struct around an extensible code; `==` compares codes only.
public struct SDPError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong; compare with the static members. A struct rather than an enum so a new code breaks no switch.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Backing: Hashable, Sendable {
            case missingVersion
            case unsupportedVersion
            case missingOrigin
            case invalidOrigin
            case invalidConnection
            case invalidMedia
            case noCommonCodec
            case noMedia
        }

        let backing: Backing

        /// No `v=` line (RFC 8866 §5.1).
        public static let missingVersion = Code(backing: .missingVersion)
        /// `v=` other than 0.
        public static let unsupportedVersion = Code(backing: .unsupportedVersion)
        /// No `o=` line (RFC 8866 §5.2).
        public static let missingOrigin = Code(backing: .missingOrigin)
        /// An `o=` line without its six fields.
        public static let invalidOrigin = Code(backing: .invalidOrigin)
        /// A `c=` line that is not `<nettype> <addrtype> <address>` (RFC 8866 §5.7).
        public static let invalidConnection = Code(backing: .invalidConnection)
        /// An `m=` line that is not `<media> <port> <proto> <fmt> ...` (RFC 8866 §5.14).
        public static let invalidMedia = Code(backing: .invalidMedia)
        /// No offered audio stream carries a codec we support; a UAS answers 488 (RFC 3261 §13.3.1.1).
        public static let noCommonCodec = Code(backing: .noCommonCodec)
        /// An answer accepts no audio stream (RFC 3264 §6: port 0 everywhere).
        public static let noMedia = Code(backing: .noMedia)

        public var description: String { String(describing: self.backing) }
    }

    /// What went wrong.
    public var code: Code
    /// The 1-based line number of the fault, or 0 for a fault of the whole description.
    public var line: Int
    /// A short note for logs.
    public var detail: String

    /// Makes an error with its code, line (0 for the whole description) and note.
    public init(_ code: Code, line: Int = 0, detail: String = "") {
        self.code = code
        self.line = line
        self.detail = detail
    }

    public static func == (lhs: SDPError, rhs: SDPError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(self.code) }

    /// The SIP status a UAS answers an unusable offer with: 488 Not Acceptable Here (RFC 3261 §21.4.26) for
    /// negotiation failures, 400 for a description that does not parse.
    public var sipStatusCode: Int {
        switch self.code.backing {
        case .noCommonCodec, .noMedia: 488
        default: 400
        }
    }

    public var description: String {
        "SDPError(\(self.code)\(self.line > 0 ? ", line \(self.line)" : "")\(self.detail.isEmpty ? "" : ", \(self.detail)"))"
    }
}
