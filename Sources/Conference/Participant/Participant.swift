import NIOCore

/// A caller in a room: their media leg, where they are in the caller flow, and what they hear next.
///
/// Owned and touched only by its ``ConferenceRoom`` (so only on the room's event loop).
final class Participant {
    let id: ParticipantID
    let media: MediaLeg
    var flow: CallerFlow
    var prompts = PromptPlayer()
    var inMix = false
    var hasInput = false
    var input: [Int16]
    var output: [Int16]
    var digitTimer: Scheduled<Void>?
    var hangingUp = false
    let displayName: String

    init(id: ParticipantID, media: MediaLeg, flow: CallerFlow, frameSize: Int, displayName: String) {
        self.id = id
        self.media = media
        self.flow = flow
        self.input = [Int16](repeating: 0, count: frameSize)
        self.output = [Int16](repeating: 0, count: frameSize)
        self.displayName = displayName
    }
}
