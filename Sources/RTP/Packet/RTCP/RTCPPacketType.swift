/// The packet type (PT) octet of an RTCP packet (RFC 3550 §12.1).
///
/// A struct rather than an enum: types Parley does not handle (APP, RFC 4585 feedback, RFC 3611 XR) are carried
/// and skipped, not rejected.
public struct RTCPPacketType: Hashable, Sendable, CustomStringConvertible {
    /// The octet as carried.
    public var rawValue: UInt8

    /// Wraps a packet type octet.
    public init(_ rawValue: UInt8) { self.rawValue = rawValue }

    /// SR, sender report (RFC 3550 §6.4.1).
    public static let senderReport = RTCPPacketType(200)
    /// RR, receiver report (RFC 3550 §6.4.2).
    public static let receiverReport = RTCPPacketType(201)
    /// SDES, source description (RFC 3550 §6.5).
    public static let sourceDescription = RTCPPacketType(202)
    /// BYE, goodbye (RFC 3550 §6.6).
    public static let bye = RTCPPacketType(203)
    /// APP, application-defined (RFC 3550 §6.7).
    public static let applicationDefined = RTCPPacketType(204)

    public var description: String {
        switch self.rawValue {
        case 200: "SR"
        case 201: "RR"
        case 202: "SDES"
        case 203: "BYE"
        case 204: "APP"
        default: String(self.rawValue)
        }
    }
}
