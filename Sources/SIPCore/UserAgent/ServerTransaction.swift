public import NIOCore

/// A request the application must answer, with the means to answer it. Confined to the user agent's loop.
public final class ServerTransaction {
    /// The request to answer.
    public let request: SIPRequest
    /// Where the request came from; responses go back there (symmetric response routing, RFC 3581).
    public let source: SocketAddress
    /// The transport the request came over; responses use the same (RFC 3261 §18.2.2).
    public let transport: SIPTransportKind
    /// The TCP or TLS connection the request came on, if any: responses go back over it (RFC 3261 §18.2.2).
    public let connection: SIPStreamConnection?
    let key: String
    weak var userAgent: UserAgentCore?
    /// The To tag of our responses (RFC 3261 §8.2.6.2: every response but 100 carries one; a dialog keeps it).
    public lazy var localTag: String = SIPToken.random(length: 10)
    /// The final status sent, if any.
    public internal(set) var finalStatus: Int?
    var machine: Machine
    /// Reliable provisional responses sent on this INVITE (RFC 3262), once the first is sent.
    var reliableProvisionals: ReliableProvisionalResponses?

    enum Machine {
        case invite(ServerInviteTransaction)
        case nonInvite(ServerNonInviteTransaction)
    }

    init(
        request: SIPRequest,
        source: SocketAddress,
        transport: SIPTransportKind = .udp,
        connection: SIPStreamConnection? = nil,
        key: String,
        machine: Machine,
        userAgent: UserAgentCore
    ) {
        self.request = request
        self.source = source
        self.transport = transport
        self.connection = connection
        self.key = key
        self.machine = machine
        self.userAgent = userAgent
    }

    /// Sends a response; a final one ends the application's part in this transaction.
    public func respond(_ response: SIPResponse) {
        self.userAgent?.send(response, in: self)
    }

    /// Answers with a status code, copying the headers RFC 3261 §8.2.6.2 requires.
    public func respond(
        status: Int,
        reason: String? = nil,
        toTag: String? = nil,
        extraHeaders: [(HeaderName, String)] = []
    ) {
        let tag = toTag ?? (status > 100 ? self.localTag : nil)
        var response = SIPResponse(replyingTo: self.request, statusCode: status, reasonPhrase: reason, toTag: tag)
        for (name, value) in extraHeaders { response.headers.add(name, value) }
        self.respond(response)
    }

    /// Whether a final response has been sent.
    public var isAnswered: Bool { self.finalStatus != nil }

    /// Whether the caller requires reliable provisional responses (`Require: 100rel`, RFC 3262 §4): every 1xx
    /// but 100 must then go through ``respondReliably(_:)``.
    public var peerRequiresReliableProvisionals: Bool {
        SIPOptionTag.lists(SIPOptionTag.reliableProvisional, in: .require, of: self.request.headers)
    }

    /// Whether the caller can take reliable provisional responses (`100rel` in Supported or Require).
    public var peerSupportsReliableProvisionals: Bool {
        self.peerRequiresReliableProvisionals
            || SIPOptionTag.lists(SIPOptionTag.reliableProvisional, in: .supported, of: self.request.headers)
    }

    /// Sends a provisional response (101–199) reliably (RFC 3262 §3): with `Require: 100rel` and an RSeq,
    /// retransmitted until the caller's PRACK, which the core answers itself. A 2xx sent meanwhile is held
    /// until that PRACK. Only for an INVITE whose caller supports `100rel`; otherwise it is sent unreliably.
    public func respondReliably(_ response: SIPResponse) {
        guard self.request.method == .invite, self.peerSupportsReliableProvisionals else {
            self.respond(response)
            return
        }
        self.userAgent?.sendReliably(response, in: self)
    }

    /// Sends a reliable provisional response with a status code (see ``respondReliably(_:)``).
    public func respondReliably(status: Int, reason: String? = nil, extraHeaders: [(HeaderName, String)] = []) {
        var response = SIPResponse(
            replyingTo: self.request,
            statusCode: status,
            reasonPhrase: reason,
            toTag: self.localTag
        )
        for (name, value) in extraHeaders { response.headers.add(name, value) }
        self.respondReliably(response)
    }
}
