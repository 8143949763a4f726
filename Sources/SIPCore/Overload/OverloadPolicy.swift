/// How a ``UserAgentCore`` defends itself against request floods (RFC 6357's server overload, Kamailio's
/// `pike` module for the per-source part).
///
/// - Per source: every SIP message from one IP address counts in a sliding window. A source above
///   `messagesPerSourceWindow` is blocked for `sourceBlockDuration` and its messages are dropped unanswered:
///   answering a flood doubles its traffic and a spoofed source turns the answers on a victim. The block
///   lasts while the flood does, since dropped messages still count.
/// - Overall: new INVITEs (not re-INVITEs, not retransmissions) above `invitesPerSecond` are refused with
///   `503 Service Unavailable` and `Retry-After` (RFC 3261 §21.5.4), sent statelessly; a well-behaved caller or
///   trunk then waits and tries again, or takes another server.
/// - Bounded state: beyond `maxServerTransactions` open server transactions, new requests get the same 503.
public struct OverloadPolicy: Sendable, Equatable {
    /// Messages one source IP may send per `sourceWindow` before it is blocked; nil turns per-source limiting off.
    public var messagesPerSourceWindow: Int?
    /// The window over which ``messagesPerSourceWindow`` is counted.
    public var sourceWindow: Duration
    /// How long a source stays blocked after it last exceeded its rate.
    public var sourceBlockDuration: Duration
    /// Source IPs never limited per source (a trunk, a proxy in front of Parley).
    public var trustedSources: Set<String>
    /// Whether loopback sources (127.0.0.0/8, ::1) are trusted too: on a server, the usual loopback peer is a
    /// local proxy such as Kamailio, or a load generator.
    public var trustLoopback: Bool
    /// Source IPs remembered at once; when full, sources that are neither blocked nor recent are forgotten.
    public var maxTrackedSources: Int
    /// New INVITEs accepted per second from everyone together; nil turns the global limit off.
    public var invitesPerSecond: Int?
    /// Server transactions open at once; requests beyond get 503.
    public var maxServerTransactions: Int
    /// The Retry-After value (seconds) sent with 503.
    public var retryAfterSeconds: Int

    /// Makes a policy; the defaults suit a bridge behind no proxy (60 messages per 2 s per source, blocked for 30 s).
    public init(
        messagesPerSourceWindow: Int? = 60,
        sourceWindow: Duration = .seconds(2),
        sourceBlockDuration: Duration = .seconds(30),
        trustedSources: Set<String> = [],
        trustLoopback: Bool = true,
        maxTrackedSources: Int = 20_000,
        invitesPerSecond: Int? = 100,
        maxServerTransactions: Int = 20_000,
        retryAfterSeconds: Int = 5
    ) {
        self.messagesPerSourceWindow = messagesPerSourceWindow
        self.sourceWindow = sourceWindow
        self.sourceBlockDuration = sourceBlockDuration
        self.trustedSources = trustedSources
        self.trustLoopback = trustLoopback
        self.maxTrackedSources = maxTrackedSources
        self.invitesPerSecond = invitesPerSecond
        self.maxServerTransactions = maxServerTransactions
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// No limits at all (tests and benchmarks that flood on purpose).
    public static let unlimited = OverloadPolicy(
        messagesPerSourceWindow: nil,
        invitesPerSecond: nil,
        maxServerTransactions: .max
    )
}
