/// Why an SRTP or SRTCP packet could not be protected or was dropped on receipt.
///
/// Hot-path error (STYLE §7): a code only, no strings and no boxes, so a flood of forged packets allocates
/// nothing. `==` compares codes.
public struct SRTPError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What was wrong. A struct around a private enum, so adding a code breaks no `switch`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: UInt8, Hashable, Sendable {
            case truncated
            case invalidHeader
            case authenticationFailed
            case replayed
            case tooOld
            case noRoomForTag
        }

        private let backing: Backing
        private init(_ backing: Backing) { self.backing = backing }

        /// Shorter than a header plus the tag (and, for SRTCP, the index).
        public static let truncated = Code(.truncated)
        /// Not an RTP/RTCP version 2 header, or CSRCs or an extension that run past the payload.
        public static let invalidHeader = Code(.invalidHeader)
        /// The authentication tag does not match (RFC 3711 §3.3 step 5): tampered, or under another key.
        public static let authenticationFailed = Code(.authenticationFailed)
        /// The index was already accepted (RFC 3711 §3.3.2).
        public static let replayed = Code(.replayed)
        /// The index lies below the replay window.
        public static let tooOld = Code(.tooOld)
        /// The buffer has no room after the packet for the tag.
        public static let noRoomForTag = Code(.noRoomForTag)

        public var description: String {
            switch self.backing {
            case .truncated: "truncated"
            case .invalidHeader: "invalidHeader"
            case .authenticationFailed: "authenticationFailed"
            case .replayed: "replayed"
            case .tooOld: "tooOld"
            case .noRoomForTag: "noRoomForTag"
            }
        }
    }

    /// What went wrong.
    public let code: Code

    /// Makes an error.
    public init(_ code: Code) { self.code = code }

    public var description: String { "SRTPError(\(self.code))" }
}
