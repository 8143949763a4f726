/// The identity of a dialog: Call-ID, local tag and remote tag (RFC 3261 §12).
///
/// The local tag is the one this user agent chose (From tag on requests we send as UAC, To tag of our responses
/// as UAS), so the same dialog has mirrored IDs at its two ends. A request received inside a dialog is matched
/// with `DialogID(callID: request Call-ID, localTag: request To tag, remoteTag: request From tag)` (§12.2.2).
public struct DialogID: Hashable, Sendable, CustomStringConvertible {
    /// The Call-ID, compared byte by byte (§20.8).
    public var callID: String
    /// The tag this user agent contributed.
    public var localTag: String
    /// The tag the peer contributed. Empty only for a dialog with an RFC 2543 peer that sent no tag (§12.1.1).
    public var remoteTag: String

    /// Creates a dialog ID.
    ///
    /// - Parameters:
    ///   - callID: The Call-ID.
    ///   - localTag: Our tag.
    ///   - remoteTag: The peer's tag.
    public init(callID: String, localTag: String, remoteTag: String) {
        self.callID = callID
        self.localTag = localTag
        self.remoteTag = remoteTag
    }

    public var description: String { "\(self.callID);local=\(self.localTag);remote=\(self.remoteTag)" }
}
