/// An error found while reading an RTCP packet from the network.
///
/// Hot-path error (STYLE §7): a code and the byte offset of the fault, no strings, so garbage allocates nothing.
/// `==` compares codes only, so tests can match on ``RTCPError/Code``.
public struct RTCPError: Error, Hashable, Sendable {
    /// What was wrong. A struct around a private enum, so adding a code breaks no `switch`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: UInt8, Hashable, Sendable {
            case truncated
            case unsupportedVersion
            case invalidLength
            case invalidPadding
            case notCompound
            case truncatedReportBlocks
            case invalidSourceDescription
            case invalidBye
        }

        private let backing: Backing
        private init(_ backing: Backing) { self.backing = backing }

        /// Fewer than the 4 bytes of a common header, or fewer than a packet type's fixed part (RFC 3550 §6.4).
        public static let truncated = Code(.truncated)
        /// The version field is not 2 (RFC 3550 §6.4.1).
        public static let unsupportedVersion = Code(.unsupportedVersion)
        /// A length field runs past the datagram, or the lengths do not add up to it (RFC 3550 Appendix A.2).
        public static let invalidLength = Code(.invalidLength)
        /// Padding on a packet other than the last, or a padding count that does not fit (RFC 3550 §6.4.1).
        public static let invalidPadding = Code(.invalidPadding)
        /// A compound packet that does not begin with SR or RR (RFC 3550 §6.1, Appendix A.2).
        public static let notCompound = Code(.notCompound)
        /// The RC field announces more report blocks than the packet holds (RFC 3550 §6.4.1, §6.4.2).
        public static let truncatedReportBlocks = Code(.truncatedReportBlocks)
        /// An SDES chunk or item runs past its packet (RFC 3550 §6.5).
        public static let invalidSourceDescription = Code(.invalidSourceDescription)
        /// A BYE's SSRC list or reason runs past its packet (RFC 3550 §6.6).
        public static let invalidBye = Code(.invalidBye)

        public var description: String {
            switch self.backing {
            case .truncated: "truncated"
            case .unsupportedVersion: "unsupportedVersion"
            case .invalidLength: "invalidLength"
            case .invalidPadding: "invalidPadding"
            case .notCompound: "notCompound"
            case .truncatedReportBlocks: "truncatedReportBlocks"
            case .invalidSourceDescription: "invalidSourceDescription"
            case .invalidBye: "invalidBye"
            }
        }
    }

    /// What was wrong.
    public let code: Code
    /// The byte offset in the datagram where the fault was found.
    public let offset: Int

    /// Makes an error found at byte `offset` of the datagram.
    public init(_ code: Code, offset: Int) {
        self.code = code
        self.offset = offset
    }

    public static func == (lhs: RTCPError, rhs: RTCPError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(self.code) }
}
