/// A moment's view of a room, for the admin API, the CLI and tests.
public struct RoomSnapshot: Sendable, Equatable {
    /// Where a caller is on their way in.
    public enum Stage: String, Sendable, Equatable {
        case answered, recordingName, enteringPIN, joining, inConference, leaving
    }

    public struct Member: Sendable, Equatable {
        public var stage: Stage
        public var id: ParticipantID
        public var displayName: String
        public var inConference: Bool
        public var isAdmin: Bool
        public var muted: Bool
        public var onHold: Bool
        public var waitingForMarked: Bool
        public var packetsReceived: Int
        /// Packets refused: malformed, or from an address other than the caller's (strict RTP).
        public var packetsDropped: Int
        public var packetsSent: Int
        /// The caller's jitter buffer delay at the moment of the snapshot (frames held or awaited), in ms.
        public var jitterBufferMilliseconds: Int = 0
        /// Round-trip time, loss and jitter from RTCP (RFC 3550 §6.4), both ways.
        public var rtcp = RTCPStatistics()
        /// The SRTP suite protecting the caller's audio (RFC 3711, e.g. `AES_CM_128_HMAC_SHA1_80`); nil in clear.
        public var srtpSuite: String? = nil
    }
    public var extensionNumber: String
    public var members: [Member]
    public var locked: Bool
    /// The file being recorded, if the room is recording.
    public var recording: String?
    public var lateTicks: Int
    public var ticks: Int64
    /// Frames handed to the mixer with their level from the caller's decoder, since the room opened.
    public var framesWithLevel: Int = 0
    /// Frames whose level the mixer measured itself (a second pass over their samples; denoised callers),
    /// since the room opened.
    public var framesMeasuredByMixer: Int = 0

    /// How many callers are past the PIN and in the mix.
    public var joinedCount: Int { self.members.filter(\.inConference).count }
}
