/// Something that happened in a room, for the admin API's event stream, logs and tests.
public struct ConferenceEvent: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        case joined
        case left
        case startedTalking
        case stoppedTalking
        case muted
        case unmuted
        case locked
        case unlocked
        case recordingStarted
        case recordingStopped
        case held
        case resumed
    }

    public var kind: Kind
    public var room: String
    public var participant: ParticipantID?
    public var detail: String?

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
