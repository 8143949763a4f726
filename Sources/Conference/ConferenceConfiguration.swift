public import SIPCore

/// How a bridge listens and behaves; ConfServer fills it from the command line and the config file.
public struct ConferenceConfiguration: Sendable {
    /// A SIP trunk Parley registers with, so the trunk's DIDs reach rooms.
    public struct Trunk: Sendable {
        /// The registrar's address (an IP address; Parley does no DNS).
        public var registrarHost: String
        /// The registrar's SIP port.
        public var registrarPort: Int
        /// The account: the address of record's user part, and the digest credentials.
        public var username: String
        /// The digest password; nil registers without credentials.
        public var password: String?
        /// Seconds asked for in REGISTER's Expires; refreshed at 90%.
        public var expires: Int

        /// Describes a trunk account; REGISTER starts when the bridge starts.
        public init(
            registrarHost: String,
            registrarPort: Int = 5060,
            username: String,
            password: String?,
            expires: Int = 3600
        ) {
            self.registrarHost = registrarHost
            self.registrarPort = registrarPort
            self.username = username
            self.password = password
            self.expires = expires
        }
    }

    /// Address the SIP UDP socket binds to.
    public var sipHost: String
    /// Port of the SIP UDP socket (and of TCP, when `tcp` is set).
    public var sipPort: Int
    /// Address RTP sockets bind to; also put in SDP unless `advertisedAddress` is set.
    public var rtpHost: String
    /// The RTP ports the bridge may use, two per caller when RTCP is not multiplexed.
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
    /// Also listen for SIP over TCP on the same address and port (RFC 3261 §18).
    public var tcp: Bool
    /// Also listen for SIP over TLS on this port, with this certificate and key.
    public var tls: (port: Int, configuration: SIPTLSConfiguration)?
    /// The trunk to register with, if any (its registrar's address is trusted for DID calls too).
    public var trunk: Trunk?
    /// When the 180 Ringing is sent reliably with PRACK (RFC 3262).
    public var reliableProvisionals: ReliableProvisionalPolicy = .whenSupported
    /// Session timers (RFC 4028): our Min-SE, the interval we propose, or off.
    public var sessionTimers = SessionTimerNegotiation.Policy()
    /// The minimum interval between RTCP reports on each leg (RFC 3550 §6.2: 5 s; less is the RFC's "reduced
    /// minimum", for fresher round-trip and loss figures at a little more RTCP traffic).
    public var rtcpInterval: Duration = .seconds(5)
    /// Whether to accept rtcp-mux (RFC 5761) when a caller offers it, and offer it when dialling out.
    public var rtcpMux = true

    /// When provisional responses are sent reliably (RFC 3262).
    public enum ReliableProvisionalPolicy: Sendable, Hashable {
        /// Only when the caller's INVITE has `Require: 100rel`.
        case whenRequired
        /// Also when it lists `100rel` in Supported.
        case whenSupported
    }
    /// Flood limits for SIP: per-source blocking, the global new-INVITE rate, the transaction cap. The trunk's
    /// addresses are trusted on top of `overload.trustedSources`.
    public var overload: OverloadPolicy
    /// Connection caps and idle timeout of the TCP and TLS listeners.
    public var streamLimits: SIPStreamTransportConfiguration

    /// Makes a configuration; every default is what the bundled server uses without a config file.
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
        trunkAddresses: [String] = [],
        tcp: Bool = false,
        tls: (port: Int, configuration: SIPTLSConfiguration)? = nil,
        trunk: Trunk? = nil,
        overload: OverloadPolicy = OverloadPolicy(),
        streamLimits: SIPStreamTransportConfiguration = SIPStreamTransportConfiguration()
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
        self.trunkAddresses = trunkAddresses + (trunk.map { [$0.registrarHost] } ?? [])
        self.tcp = tcp
        self.tls = tls
        self.trunk = trunk
        self.overload = overload
        self.streamLimits = streamLimits
    }

    /// `overload` with the trunk's addresses trusted too: a trunk carries many callers from one address.
    var overloadWithTrunk: OverloadPolicy {
        var policy = self.overload
        policy.trustedSources.formUnion(self.trunkAddresses)
        return policy
    }

    /// The address written into SDP and SIP headers.
    public var mediaAddress: String { self.advertisedAddress ?? self.rtpHost }
}
