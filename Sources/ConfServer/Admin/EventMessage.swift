import Conference

/// One conference event as a WebSocket JSON text message on `/api/v1/events`.
///
/// `type` is the event kind (`joined`, `left`, `startedTalking`, `stoppedTalking`, `muted`, `unmuted`,
/// `locked`, `unlocked`, `recordingStarted`, `recordingStopped`, `held`, `resumed`), or `hello` for the
/// first message of a connection; `sequence` counts events since the server started.
struct EventMessage: Codable, Equatable, Sendable {
    var type: String
    var room: String?
    var participant: String?
    var detail: String?
    var sequence: Int

    init(type: String, room: String?, participant: String?, detail: String?, sequence: Int) {
        self.type = type
        self.room = room
        self.participant = participant
        self.detail = detail
        self.sequence = sequence
    }

    init(_ event: ConferenceEvent, sequence: Int) {
        self.init(
            type: event.kind.rawValue,
            room: event.room,
            participant: event.participant?.description,
            detail: event.detail,
            sequence: sequence
        )
    }
}
