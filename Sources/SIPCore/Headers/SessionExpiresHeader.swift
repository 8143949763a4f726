/// The Session-Expires header field: how long a session lasts without a refresh, and who refreshes it
/// (RFC 4028 §4).
///
/// `Session-Expires: 1800;refresher=uac`. The interval is in seconds; the refresher parameter is absent in a
/// request whose sender leaves the choice to the UAS, and always present in a 2xx (§9).
public struct SessionExpiresHeader: Sendable, Hashable, CustomStringConvertible {
    /// Which side sends the refreshing re-INVITE or UPDATE (RFC 4028 §4, `refresher-param`).
    public enum Refresher: String, Sendable, Hashable {
        /// The side that sent the INVITE that created the dialog.
        case uac
        /// The side that answered it.
        case uas
    }

    /// The session interval in seconds (`delta-seconds`, at least 1).
    public var seconds: UInt32
    /// Who refreshes, when stated.
    public var refresher: Refresher?
    /// Other parameters, kept as they came (`name` or `name=value`).
    public var otherParameters: [String]

    /// Makes `Session-Expires: <seconds>` with the refresher when given.
    public init(seconds: UInt32, refresher: Refresher? = nil) {
        self.seconds = seconds
        self.refresher = refresher
        self.otherParameters = []
    }

    /// The interval as a duration.
    public var interval: Duration { .seconds(Int64(self.seconds)) }

    /// Parses `delta-seconds *(SEMI se-params)` (RFC 4028 §4). An unknown refresher value is an error; other
    /// parameters are kept.
    /// - Throws: ``SIPParseError`` with header ``HeaderName/sessionExpires``.
    public init(parsing text: String) throws(SIPParseError) {
        let pieces = text.split(separator: ";", omittingEmptySubsequences: false)
        guard let first = pieces.first,
            let value = ExtensionHeaderText.decimal(ExtensionHeaderText.trimmed(first), max: UInt64(UInt32.max)),
            value > 0
        else {
            throw SIPParseError(
                .invalidHeaderValue,
                offset: 0,
                header: .sessionExpires,
                detail: "Session-Expires needs delta-seconds"
            )
        }
        self.seconds = UInt32(value)
        self.refresher = nil
        self.otherParameters = []
        for piece in pieces.dropFirst() {
            let parameter = ExtensionHeaderText.trimmed(piece)
            guard !parameter.isEmpty else { continue }
            let parts = parameter.split(separator: "=", maxSplits: 1)
            let name = ExtensionHeaderText.trimmed(parts[0])
            if ExtensionHeaderText.equalsIgnoringCase(name, "refresher"), parts.count == 2 {
                guard let refresher = Refresher(rawValue: ExtensionHeaderText.trimmed(parts[1]).lowercased()) else {
                    throw SIPParseError(
                        .invalidHeaderValue,
                        offset: 0,
                        header: .sessionExpires,
                        detail: "refresher must be uac or uas"
                    )
                }
                self.refresher = refresher
            } else {
                self.otherParameters.append(String(parameter))
            }
        }
    }

    public var description: String {
        var text = String(self.seconds)
        if let refresher = self.refresher { text += ";refresher=\(refresher.rawValue)" }
        for parameter in self.otherParameters { text += ";\(parameter)" }
        return text
    }
}
