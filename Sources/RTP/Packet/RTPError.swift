/// An error found while reading an RTP packet from the network.
///
/// Hot-path error (STYLE §7): a code and the byte offset of the fault, no strings, no boxes, so a flood of
/// garbage allocates nothing. `==` compares codes only, so tests can match on ``RTPError/Code``.
public struct RTPError: Error, Hashable, Sendable {
    /// What was wrong. A struct around a private enum, so adding a code breaks no `switch`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: UInt8, Hashable, Sendable {
            case truncated
            case unsupportedVersion
            case invalidPadding
            case truncatedExtension
            case truncatedCSRCList
            case truncatedPayload
        }

        private let backing: Backing
        private init(_ backing: Backing) { self.backing = backing }

        /// Fewer than the 12 bytes of the fixed header (RFC 3550 §5.1).
        public static let truncated = Code(.truncated)
        /// The version field is not 2 (RFC 3550 §5.1).
        public static let unsupportedVersion = Code(.unsupportedVersion)
        /// The P bit is set but the padding count is 0 or exceeds the bytes after the header (RFC 3550 §5.1).
        public static let invalidPadding = Code(.invalidPadding)
        /// The X bit is set but the header extension runs past the end of the packet (RFC 3550 §5.3.1).
        public static let truncatedExtension = Code(.truncatedExtension)
        /// The CC field announces more CSRC identifiers than the packet holds (RFC 3550 §5.1).
        public static let truncatedCSRCList = Code(.truncatedCSRCList)
        /// A payload (e.g. an RFC 4733 event) is shorter than its format requires.
        public static let truncatedPayload = Code(.truncatedPayload)

        public var description: String {
            switch self.backing {
            case .truncated: "truncated"
            case .unsupportedVersion: "unsupportedVersion"
            case .invalidPadding: "invalidPadding"
            case .truncatedExtension: "truncatedExtension"
            case .truncatedCSRCList: "truncatedCSRCList"
            case .truncatedPayload: "truncatedPayload"
            }
        }
    }

    /// What was wrong.
    public let code: Code
    /// The byte offset in the packet where the fault was found.
    public let offset: Int

    /// Makes an error found at byte `offset`.
    public init(_ code: Code, offset: Int) {
        self.code = code
        self.offset = offset
    }

    public static func == (lhs: RTPError, rhs: RTPError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(self.code) }
}
