import Conference
import NIOCore
import SIPCore

/// The body of `POST /rooms/{ext}/dial-out`: whom to call into the room, and how long to let it ring.
///
/// The target is checked strictly before anything is sent: a `sip:` URI whose host is an IP address (Parley
/// does no DNS), or a number (digits, optionally with a leading +) to dial through the configured trunk. The
/// ring time is bounded, so a request never leaves a call ringing for ever.
struct DialOutInput: Codable, Equatable, Sendable {
    var target: String
    var displayName: String?
    /// Seconds to wait for an answer (1 to 120; default 30); then the call is cancelled.
    var ringTimeout: Int?

    enum CodingKeys: String, CodingKey {
        case target
        case displayName = "display_name"
        case ringTimeout = "ring_timeout"
    }

    static let defaultRingTimeout = 30
    static let ringTimeoutRange = 1...120

    /// The checked ring time.
    func checkedRingTimeout() throws(AdminError) -> Duration {
        let seconds = self.ringTimeout ?? Self.defaultRingTimeout
        guard Self.ringTimeoutRange.contains(seconds) else {
            throw AdminError(.invalidTarget, "ring_timeout must be 1 to 120 seconds, got \(seconds)")
        }
        return .seconds(seconds)
    }

    /// The URI to call and, for a trunk number, the trunk's address to send the INVITE to.
    func resolvedTarget(trunk: ConferenceConfiguration.Trunk?) throws(AdminError) -> (SIPURI, SocketAddress?) {
        let text = self.target
        if let name = self.displayName, name.count > 64 || name.contains(where: { $0 == "\"" || $0.isNewline }) {
            throw AdminError(.invalidTarget, "display_name must be at most 64 characters without quotes or newlines")
        }
        let digits = text.hasPrefix("+") ? String(text.dropFirst()) : text
        if !digits.isEmpty, digits.count <= 32, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            guard let trunk else {
                throw AdminError(.invalidTarget, "target '\(text)' is a number, but no trunk is configured to dial it")
            }
            guard let registrar = try? SocketAddress(ipAddress: trunk.registrarHost, port: trunk.registrarPort) else {
                throw AdminError(.invalidTarget, "the trunk's registrar \(trunk.registrarHost) is not an IP address")
            }
            let uri = SIPURI(scheme: "sip", user: text, host: trunk.registrarHost, port: trunk.registrarPort)
            return (uri, registrar)
        }
        guard text.utf8.count <= 256, let uri = try? SIPURI(parsing: text), uri.scheme.lowercased() == "sip" else {
            throw AdminError(
                .invalidTarget,
                "target '\(text)' must be a sip: URI (sip:user@192.0.2.10:5060) or a number to dial through the trunk"
            )
        }
        guard let user = uri.user, !user.isEmpty else {
            throw AdminError(.invalidTarget, "target '\(text)' has no user part")
        }
        let host = uri.host.hasPrefix("[") && uri.host.hasSuffix("]") ? String(uri.host.dropFirst().dropLast()) : uri.host
        guard (try? SocketAddress(ipAddress: host, port: 5060)) != nil else {
            throw AdminError(.invalidTarget, "target '\(text)': the host must be an IP address (Parley does no DNS)")
        }
        if let port = uri.port, !(1...65535).contains(port) {
            throw AdminError(.invalidTarget, "target '\(text)': port \(port) is out of range")
        }
        return (uri, nil)
    }
}
