/// A moment's view of a room, for the admin API, the CLI and tests.
public struct RoomSnapshot: Sendable, Equatable {
    /// Where a caller is on their way in.
    public enum Stage: String, Sendable, Equatable {
        case answered, recordingName, enteringPIN, joining, inConference, leaving
    }

    /// One caller in the room, at the moment of the snapshot.
    public struct Member: Sendable, Equatable {
        /// Where the caller is on their way in.
        public var stage: Stage
        /// The caller's identifier, stable for the call.
        public var id: ParticipantID
        /// The caller's display name from the From header, or their user part.
        public var displayName: String
        /// Whether the caller has joined and is mixed.
        public var inConference: Bool
        /// Whether the caller entered with admin rights.
        public var isAdmin: Bool
        /// Whether the caller is muted.
        public var muted: Bool
        /// Whether the caller has put the call on hold.
        public var onHold: Bool
        /// Whether the caller waits for a marked user before the conference starts.
        public var waitingForMarked: Bool
        /// RTP packets accepted from the caller.
        public var packetsReceived: Int
        /// Packets refused: malformed, or from an address other than the caller's (strict RTP).
        public var packetsDropped: Int
        /// RTP packets sent to the caller.
        public var packetsSent: Int
        /// The caller's jitter buffer delay at the moment of the snapshot (frames held or awaited), in ms.
        public var jitterBufferMilliseconds: Int = 0
        /// Round-trip time, loss and jitter from RTCP (RFC 3550 §6.4), both ways.
        public var rtcp = RTCPStatistics()
        /// The SRTP suite protecting the caller's audio (RFC 3711, e.g. `AES_CM_128_HMAC_SHA1_80`); nil in clear.
        public var srtpSuite: String? = nil
    }
    /// The room's extension.
    public var extensionNumber: String
    /// Everyone in the room, joined or on their way in.
    public var members: [Member]
    /// Whether the room is locked.
    public var locked: Bool
    /// The file being recorded, if the room is recording.
    public var recording: String?
    /// Mixing ticks that started late by more than a frame, since the room opened.
    public var lateTicks: Int
    /// Mixing ticks since the room opened.
    public var ticks: Int64
    /// Frames handed to the mixer with their level from the caller's decoder, since the room opened.
    public var framesWithLevel: Int = 0
    /// Frames whose level the mixer measured itself (a second pass over their samples; denoised callers),
    /// since the room opened.
    public var framesMeasuredByMixer: Int = 0
    /// In a room faster than 8 kHz, G.711 frames converted to the room's rate (the mixed ones, and those a name
    /// recording or the denoiser needs), since the room opened.
    public var framesResampled: Int = 0
    /// G.711 frames in a room faster than 8 kHz that stayed at 8 kHz: their level kept them out of the mix, so
    /// nobody resampled them. The resampling grows with talkers, not with listeners.
    public var framesLeftAtCodecRate: Int = 0

    /// How many callers are past the PIN and in the mix.
    public var joinedCount: Int { self.members.filter(\.inConference).count }
}
