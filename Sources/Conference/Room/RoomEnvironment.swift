import Logging

/// What every room of a bridge shares: prompts, the PIN guard, where recordings go, and the ways back out.
struct RoomEnvironment: Sendable {
    var prompts: PromptLibrary
    var pinGuard: PINGuard
    var recordingsDirectory: String?
    var digitTimeout: Duration
    /// Media silence (no packets) after which a call is ended.
    var rtpTimeout: Duration
    /// Asks signalling to end a participant's call with BYE.
    var hangUp: @Sendable (ParticipantID) -> Void
    /// Publishes an event (admin API, logs).
    var publish: @Sendable (ConferenceEvent) -> Void
    /// Where the room reports its packet and mixing counts, about once a second.
    var metrics: BridgeMetrics
    /// The bridge's logger: PIN failures and lockouts are logged with the caller's address.
    var logger: Logger
}
