/// How a bridge listens and behaves; ConfServer fills it from the command line and the config file.
public struct ConferenceConfiguration: Sendable {
    /// Address the SIP UDP socket binds to.
    public var sipHost: String
    public var sipPort: Int
    /// Address RTP sockets bind to; also put in SDP unless `advertisedAddress` is set.
    public var rtpHost: String
    public var rtpPorts: ClosedRange<Int>
    /// The address peers should send to (for NAT or a wildcard bind), in SIP Contact/Via and SDP.
    public var advertisedAddress: String?
    /// Time between 180 Ringing and 200 OK; zero answers at once.
    public var ringDuration: Duration
    /// How long a caller may stay silent at the PIN prompt before it counts as a try.
    public var digitTimeout: Duration
    /// Codecs in preference order (the first that the caller offers wins).
    public var codecPreference: [String]
    /// Where room recordings are written; nil disables recording.
    public var recordingsDirectory: String?
    /// Limits on PIN guessing across calls.
    public var pinGuessing: PINAttemptLimiter.Policy
    /// A call whose media stops for this long (not on hold) is hung up.
    public var rtpTimeout: Duration
    /// Addresses of the SIP trunk: calls that reach a room by one of its DIDs are accepted only from these.
    public var trunkAddresses: [String]

    public init(
        sipHost: String = "127.0.0.1",
        sipPort: Int = 5060,
        rtpHost: String? = nil,
        rtpPorts: ClosedRange<Int> = 20000...20999,
        advertisedAddress: String? = nil,
        ringDuration: Duration = .zero,
        digitTimeout: Duration = .seconds(10),
        codecPreference: [String] = ["PCMU", "PCMA", "G722", "OPUS"],
        recordingsDirectory: String? = nil,
        pinGuessing: PINAttemptLimiter.Policy = .init(),
        rtpTimeout: Duration = .seconds(60),
        trunkAddresses: [String] = []
    ) {
        self.sipHost = sipHost
        self.sipPort = sipPort
        self.rtpHost = rtpHost ?? sipHost
        self.rtpPorts = rtpPorts
        self.advertisedAddress = advertisedAddress
        self.ringDuration = ringDuration
        self.digitTimeout = digitTimeout
        self.codecPreference = codecPreference
        self.recordingsDirectory = recordingsDirectory
        self.pinGuessing = pinGuessing
        self.rtpTimeout = rtpTimeout
        self.trunkAddresses = trunkAddresses
    }

    /// The address written into SDP and SIP headers.
    public var mediaAddress: String { self.advertisedAddress ?? self.rtpHost }
}
