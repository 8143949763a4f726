/// Something that happened in a room, for the admin API's event stream, logs and tests.
public struct ConferenceEvent: Sendable, Equatable, CustomStringConvertible {
    /// What happened; the raw value is the event's name in the admin API.
    public enum Kind: String, Sendable, Equatable {
        /// A caller joined the conference.
        case joined
        /// A caller left the conference.
        case left
        /// A caller's level crossed the talking threshold.
        case startedTalking
        /// A caller fell silent for the hangover time.
        case stoppedTalking
        /// A caller was muted (by themselves or an admin).
        case muted
        /// A caller was unmuted.
        case unmuted
        /// The room was locked: no one else may join.
        case locked
        /// The room was unlocked.
        case unlocked
        /// The room started recording; `detail` is the file.
        case recordingStarted
        /// The room stopped recording; `detail` is the file.
        case recordingStopped
        /// A caller put the call on hold; they are mixed out.
        case held
        /// A caller resumed the call; they are mixed in again.
        case resumed
    }

    /// What happened.
    public var kind: Kind
    /// The room's extension.
    public var room: String
    /// Who it happened to, if it concerns one caller.
    public var participant: ParticipantID?
    /// Extra text: a file name, a reason.
    public var detail: String?

    /// Makes an event.
    public init(_ kind: Kind, room: String, participant: ParticipantID? = nil, detail: String? = nil) {
        self.kind = kind
        self.room = room
        self.participant = participant
        self.detail = detail
    }

    public var description: String {
        var text = "\(self.kind.rawValue) room=\(self.room)"
        if let participant = self.participant { text += " participant=\(participant)" }
        if let detail = self.detail { text += " \(detail)" }
        return text
    }
}
