import Mixer
import NIOCore
import RTP

/// A caller in a room: their media leg, where they are in the caller flow, and what they hear next.
///
/// Owned and touched only by its ``ConferenceRoom`` (so only on the room's event loop).
final class Participant {
    let id: ParticipantID
    let media: MediaLeg
    /// The caller's address without port, for PIN-guessing limits.
    let source: String
    let displayName: String
    var flow: CallerFlow
    var prompts = PromptPlayer()
    var role: CallerFlow.Role = .user
    /// Past the PIN and in the room (possibly waiting for a marked user).
    var inMix = false
    var waitingForMarked = false
    var muted = false
    /// The leg's packet counts when the room last reported them to the bridge's metrics.
    var meteredPackets = RoomMeter.PacketCounts()
    var onHold = false
    /// ConfBridge-style volume steps, -4 ... +4.
    var talkLevel = 0
    var listenLevel = 0
    var hasInput = false
    /// This tick's input frame and its average magnitude, measured by the leg's decoder. A G.711 leg in a faster
    /// room fills `input` only when the room needs the frame there (name recording, denoiser); a mixed frame goes
    /// straight into the mixer (`ConferenceMixer.withSelectedInput`).
    var input: [Int16]
    var inputLevel = 0
    var output: [Int16]
    var digitTimer: Scheduled<Void>?
    var hangingUp = false
    /// The recorded name, played to the room on join and leave when names are announced.
    var name: [Int16] = []
    var nameFramesLeft = 0
    /// Join order, for "kick the last joined".
    var joinSequence = 0
    /// Each lone listener keeps their own place in the music.
    var music = MusicPlayer()
    /// The room tick at which the caller arrived (the RTP timeout counts from here until media flows).
    var joinedTick: Int64 = 0
    /// This participant's slot in the room's ``ConferenceMixer``.
    var slot: Int
    /// ConfBridge's `denoise`: speexdsp noise suppression on what the caller sends.
    var denoiser: NoiseSuppressor?
    /// In-band DTMF detection, for phones that send keys as audio (no telephone-event negotiated).
    var inbandDTMF: DTMFDetector?

    init(
        id: ParticipantID,
        media: MediaLeg,
        source: String,
        flow: CallerFlow,
        frameSize: Int,
        displayName: String,
        slot: Int,
        inbandDTMF: Bool
    ) {
        self.id = id
        self.media = media
        self.source = source
        self.flow = flow
        self.input = [Int16](repeating: 0, count: frameSize)
        self.output = [Int16](repeating: 0, count: frameSize)
        self.displayName = displayName
        self.slot = slot
        self.inbandDTMF = inbandDTMF ? DTMFDetector() : nil
    }

    /// Whether this caller's audio may go into the mix (the mixer still picks the loudest few).
    var mayTalk: Bool { self.inMix && !self.waitingForMarked && !self.muted && !self.onHold }

    /// The mixer settings that follow from this participant's state.
    var mixerSettings: ConferenceMixer.SlotSettings {
        ConferenceMixer.SlotSettings(
            isMuted: !self.mayTalk,
            talkGain: Gain(level: self.talkLevel),
            listenGain: Gain(level: self.listenLevel)
        )
    }
}
