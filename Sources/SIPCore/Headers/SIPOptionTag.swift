/// The SIP extensions Parley implements, by their option tags (RFC 3261 §19.2), and the checks that go with
/// them.
///
/// A request that lists in Require an option tag we lack is refused with 420 Bad Extension, naming the tags in
/// Unsupported (RFC 3261 §8.2.2.3); the tags we do have are advertised in Supported so a peer knows it may
/// require them.
public enum SIPOptionTag {
    /// Reliable provisional responses and PRACK (RFC 3262).
    public static let reliableProvisional = "100rel"
    /// Session timers (RFC 4028).
    public static let timer = "timer"
    /// The Replaces header (RFC 3891).
    public static let replaces = "replaces"

    /// Every option tag this stack implements, in the order they are advertised.
    public static let implemented = [reliableProvisional, timer, replaces]

    /// The Supported header value advertising ``implemented``.
    public static var supportedHeaderValue: String { implemented.joined(separator: ", ") }

    /// The option tags in `request`'s Require fields that are not in `supported`, in the order they came,
    /// without duplicates. Option tags compare case-insensitively here, to be lenient with peers.
    ///
    /// - Parameters:
    ///   - request: The request to check.
    ///   - supported: The option tags the application handles; by default every tag this stack implements.
    /// - Returns: The tags to list in Unsupported; empty when the request can be processed.
    public static func unsupported(in request: SIPRequest, supported: [String] = implemented) -> [String] {
        var missing: [String] = []
        for tag in request.headers.values(.require) {
            let trimmed = String(ExtensionHeaderText.trimmed(tag))
            guard !trimmed.isEmpty else { continue }
            let known = supported.contains { ExtensionHeaderText.equalsIgnoringCase($0, trimmed) }
            if !known, !missing.contains(where: { ExtensionHeaderText.equalsIgnoringCase($0, trimmed) }) {
                missing.append(trimmed)
            }
        }
        return missing
    }

    /// Whether `tag` appears in the `name` fields (Require, Supported) of `headers`.
    public static func lists(_ tag: String, in name: HeaderName, of headers: SIPHeaderFields) -> Bool {
        headers.values(name).contains { ExtensionHeaderText.equalsIgnoringCase(ExtensionHeaderText.trimmed($0), tag) }
    }
}
