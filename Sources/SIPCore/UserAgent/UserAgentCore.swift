public import NIOCore

/// The transaction layer and transport core of a SIP user agent (RFC 3261 §8, §17, §18) over UDP, TCP and TLS.
///
/// It parses datagrams and stream frames, answers malformed requests with 400, matches messages to
/// transactions, runs their timers on its event loop, and hands new requests to its ``TransactionUser``. It knows nothing of what the
/// application does with a call.
///
/// Confinement: every method runs on ``eventLoop`` (checked by preconditions); that is what makes the
/// `@unchecked Sendable` conformance sound: other threads may hold a reference, but only hop onto the loop.
public final class UserAgentCore: @unchecked Sendable {
    /// The loop everything runs on: transports, transactions, timers and calls to the ``transactionUser``.
    public let eventLoop: any EventLoop
    /// T1, T2 and T4, from which every transaction timer is derived (RFC 3261 §17).
    public let timerSettings: SIPTimerSettings
    /// The address the transport is bound to (with the real port when bound to port 0).
    public private(set) var localAddress: SocketAddress?
    /// The host and port put in Via and Contact headers.
    public private(set) var advertisedHost: String
    /// The port put in Via and Contact headers; the bound port when it was given as 0.
    public private(set) var advertisedPort: Int
    /// The Server / User-Agent header value.
    public var productName = "Parley"

    /// Receives new server transactions and stray requests; weak, so the application owns it.
    public weak var transactionUser: (any TransactionUser)?

    private var channel: (any Channel)?
    /// The TCP and TLS transports attached by ``SIPTCPTransport`` and ``SIPTLSTransport``.
    private var streamTransports: [SIPTransportKind: SIPStreamTransport] = [:]
    private let parser: SIPMessageParser
    private var serverTransactions: [String: ServerTransaction] = [:]
    private var clientTransactions: [String: ClientEntry] = [:]
    private var timers: [TimerKey: Scheduled<Void>] = [:]
    private var acceptedInvites: [String: AcceptedInvite] = [:]
    /// INVITEs with reliable provisional responses, by Call-ID and CSeq number, for matching PRACKs.
    var reliableInvites: [String: ServerTransaction] = [:]
    /// Counts of what was dropped or refused, for logs and metrics.
    public private(set) var statistics = Statistics()
    /// Flood and overload limits (per-source blocking, global INVITE rate, transaction cap) and their counts.
    public private(set) var overload: OverloadControl
    /// Called once when a source becomes blocked for flooding, with its IP address (for the log).
    public var onSourceBlocked: ((String) -> Void)?

    /// Counts for logs and metrics; read them on the loop.
    public struct Statistics: Sendable {
        /// Datagrams that did not parse as SIP (answered 400 when a request could be salvaged, RFC 3261 §21.4.1).
        public var malformedRequests = 0
        /// Unparsable datagrams dropped unanswered: no request could be salvaged from them.
        public var droppedDatagrams = 0
        /// Responses that matched no client transaction (RFC 3261 §18.1.2: dropped).
        public var strayResponses = 0
        /// Request retransmissions a server transaction answered itself, without the application.
        public var retransmissionsAbsorbed = 0
        /// Frames from a stream that did not parse (answered 400 when a request could be salvaged).
        public var malformedStreamMessages = 0
        /// Messages that could not be sent (no connection, a failed write).
        public var transportErrors = 0
    }

    final class ClientEntry {
        var machine: ClientMachine
        let destination: SocketAddress
        let transport: SIPTransportKind
        let completion: (ClientTransactionResult) -> Void
        init(
            machine: ClientMachine,
            destination: SocketAddress,
            transport: SIPTransportKind,
            completion: @escaping (ClientTransactionResult) -> Void
        ) {
            self.machine = machine
            self.destination = destination
            self.transport = transport
            self.completion = completion
        }
    }

    enum ClientMachine {
        case invite(ClientInviteTransaction)
        case nonInvite(ClientNonInviteTransaction)
    }

    /// A 2xx to an INVITE that we retransmit until its ACK arrives (RFC 3261 §13.3.1.4).
    final class AcceptedInvite {
        let transaction: ServerTransaction
        var retransmitter: UASInviteResponseRetransmitter
        init(transaction: ServerTransaction, retransmitter: UASInviteResponseRetransmitter) {
            self.transaction = transaction
            self.retransmitter = retransmitter
        }
    }

    struct TimerKey: Hashable {
        enum Owner: Hashable {
            case server(String)
            case client(String)
            case accepted(String)
            case reliable(String)
        }
        enum Name: Hashable {
            case sip(SIPTimer)
            case retransmission(UASInviteResponseRetransmitter.Timer)
            case reliableProvisional(ReliableProvisionalResponses.Timer)
        }
        var owner: Owner
        var name: Name

        init(owner: Owner, timer: SIPTimer) {
            self.owner = owner
            self.name = .sip(timer)
        }

        init(owner: Owner, retransmission: UASInviteResponseRetransmitter.Timer) {
            self.owner = owner
            self.name = .retransmission(retransmission)
        }

        init(owner: Owner, reliable: ReliableProvisionalResponses.Timer) {
            self.owner = owner
            self.name = .reliableProvisional(reliable)
        }
    }

    /// Makes a core on `eventLoop`; call ``SIPUDPTransport/bind(_:host:port:)`` (and TCP or TLS if wanted) next.
    /// - Parameters:
    ///   - eventLoop: the loop the core and its transports run on.
    ///   - advertisedHost: the host put in Via and Contact (what peers can reach).
    ///   - advertisedPort: the port put there; 0 takes the bound port.
    ///   - timerSettings: T1, T2 and T4; the defaults are RFC 3261's.
    ///   - parserLimits: caps on message size, header count and line length.
    ///   - overloadPolicy: per-source rate limits and the INVITE rate past which new requests get 503.
    public init(
        eventLoop: any EventLoop,
        advertisedHost: String,
        advertisedPort: Int,
        timerSettings: SIPTimerSettings = SIPTimerSettings(),
        parserLimits: SIPMessageParser.Limits = .init(),
        overloadPolicy: OverloadPolicy = OverloadPolicy()
    ) {
        self.eventLoop = eventLoop
        self.advertisedHost = advertisedHost
        self.advertisedPort = advertisedPort
        self.timerSettings = timerSettings
        self.parser = SIPMessageParser(limits: parserLimits)
        self.overload = OverloadControl(policy: overloadPolicy)
    }

    /// Whether a message from `source` may be looked at; counts it against the source's rate. Runs before
    /// parsing, so a flood costs a dictionary lookup per datagram, not a parse.
    private func admitFromSource(_ source: SocketAddress) -> Bool {
        guard let ip = source.ipAddress else { return true }
        let now = NIODeadline.now().uptimeNanoseconds
        switch self.overload.receivedMessage(from: ip, now: now) {
        case .accept:
            return true
        case .drop(let newlyBlocked):
            if newlyBlocked { self.onSourceBlocked?(ip) }
            return false
        }
    }

    /// 503 with Retry-After, sent without a transaction (RFC 3261 §21.5.4; RFC 6357 §4: refusing must cost
    /// less than serving).
    private func refuseOverloaded(
        _ request: SIPRequest,
        from source: SocketAddress,
        transport: SIPTransportKind,
        connection: SIPStreamConnection?
    ) {
        var response = SIPResponse(replyingTo: request, statusCode: 503, reasonPhrase: "Service Unavailable")
        response.headers.add(.retryAfter, String(self.overload.policy.retryAfterSeconds))
        self.write(.response(response), to: source, transport: transport, connection: connection, onFailure: nil)
    }

    /// Attaches the datagram channel the core sends on (the ``SIPUDPTransport`` does this).
    func attach(channel: any Channel, localAddress: SocketAddress?) {
        self.eventLoop.preconditionInEventLoop()
        self.channel = channel
        self.localAddress = localAddress
        if let port = localAddress?.port, self.advertisedPort == 0 { self.advertisedPort = port }
    }

    /// Attaches a TCP or TLS transport (``SIPTCPTransport`` and ``SIPTLSTransport`` do this).
    func attach(streamTransport: SIPStreamTransport) {
        self.eventLoop.preconditionInEventLoop()
        self.streamTransports[streamTransport.kind] = streamTransport
    }

    /// The attached TCP or TLS transport, if any.
    public func streamTransport(_ kind: SIPTransportKind) -> SIPStreamTransport? {
        self.eventLoop.preconditionInEventLoop()
        return self.streamTransports[kind]
    }

    /// The limits the core parses and frames messages with.
    var parserLimits: SIPMessageParser.Limits { self.parser.limits }

    /// Stops every timer, forgets every transaction and closes every TCP/TLS connection (used at shutdown).
    public func shutdown() {
        self.eventLoop.preconditionInEventLoop()
        for transport in self.streamTransports.values { transport.closeAll() }
        for (_, scheduled) in self.timers { scheduled.cancel() }
        self.timers.removeAll()
        self.serverTransactions.removeAll()
        self.clientTransactions.removeAll()
        self.acceptedInvites.removeAll()
        self.reliableInvites.removeAll()
    }

    // MARK: - Receiving

    /// Handles one datagram from the transport.
    func receivedDatagram(_ bytes: [UInt8], from source: SocketAddress) {
        self.eventLoop.preconditionInEventLoop()
        // RFC 5626 keep-alives: a bare CRLF (or CRLFCRLF) is not a message.
        if bytes.allSatisfy({ $0 == 0x0D || $0 == 0x0A }) { return }
        guard self.admitFromSource(source) else { return }
        let message: SIPMessage
        do {
            message = try self.parser.parseDatagram(bytes)
        } catch {
            self.statistics.malformedRequests += 1
            if var salvaged = self.parser.salvageRequestHeaders(bytes), salvaged.method != .ack {
                salvaged.body = []
                let response = SIPResponse(
                    replyingTo: salvaged,
                    statusCode: error.statusCode,
                    reasonPhrase: error.reasonPhrase
                )
                self.write(response, to: source)
            } else {
                self.statistics.droppedDatagrams += 1
            }
            return
        }
        switch message {
        case .request(let request): self.receivedRequest(request, from: source, transport: .udp, connection: nil)
        case .response(let response): self.receivedResponse(response)
        }
    }

    /// Handles one framed message from a TCP or TLS connection (RFC 3261 §18.3). A frame that does not parse
    /// is answered with 400 on the same connection when its request headers can be salvaged; the connection
    /// stays open, since framing (Content-Length) was sound.
    func receivedStreamMessage(_ frame: ByteBuffer, over connection: SIPStreamConnection) {
        self.eventLoop.preconditionInEventLoop()
        guard self.admitFromSource(connection.remoteAddress) else { return }
        let message: SIPMessage
        do {
            message = try self.parser.parseStreamMessage(frame)
        } catch {
            self.statistics.malformedStreamMessages += 1
            let bytes = frame.getBytes(at: frame.readerIndex, length: frame.readableBytes) ?? []
            if var salvaged = self.parser.salvageRequestHeaders(bytes), salvaged.method != .ack {
                salvaged.body = []
                let response = SIPResponse(
                    replyingTo: salvaged,
                    statusCode: error.statusCode,
                    reasonPhrase: error.reasonPhrase
                )
                self.write(
                    .response(response),
                    to: connection.remoteAddress,
                    transport: connection.kind,
                    connection: connection,
                    onFailure: nil
                )
            }
            return
        }
        switch message {
        case .request(let request):
            self.receivedRequest(
                request,
                from: connection.remoteAddress,
                transport: connection.kind,
                connection: connection
            )
        case .response(let response):
            self.receivedResponse(response)
        }
    }

    /// Adds `received` and `rport` to the top Via of a request from `source` (RFC 3261 §18.2.1: received when
    /// the sent-by host is not the source address; RFC 3581 §4: both, always, when the client asked with a
    /// bare `rport`). Responses copy the Via, so they carry what the client needs to see its public address.
    static func stampingReceived(_ request: SIPRequest, source: SocketAddress) -> SIPRequest {
        guard var via = request.headers.topVia, let sourceIP = source.ipAddress else { return request }
        var changed = false
        if via.rport == .requested, let port = source.port {
            via.rport = .value(port)
            via.received = sourceIP
            changed = true
        } else {
            var host = Substring(via.host)
            if host.hasPrefix("["), host.hasSuffix("]") { host = host.dropFirst().dropLast() }
            if host != sourceIP, via.received == nil {
                via.received = sourceIP
                changed = true
            }
        }
        guard changed else { return request }
        var stamped = request
        stamped.headers.replaceTopVia(with: via)
        return stamped
    }

    private func serverKey(for request: SIPRequest, method: SIPMethod) -> String {
        let via = request.headers.topVia
        let branch = via?.branch ?? ""
        let sentBy = via?.sentBy ?? ""
        if branch.hasPrefix("z9hG4bK") {
            return "\(branch)|\(sentBy)|\(method.token)"
        }
        // RFC 2543 fallback (RFC 3261 §17.2.3): no magic cookie, so match on the dialog-ish fields.
        let toTag = method == .invite ? "" : (request.headers.to?.tag ?? "")
        let cseq = request.headers.cseq?.sequence ?? 0
        return "2543|\(request.uri)|\(toTag)|\(request.headers.from?.tag ?? "")|"
            + "\(request.headers.callID ?? "")|\(cseq)|\(via.map { String(describing: $0) } ?? "")|\(method.token)"
    }

    private func receivedRequest(
        _ request: SIPRequest,
        from source: SocketAddress,
        transport: SIPTransportKind,
        connection: SIPStreamConnection?
    ) {
        let request = Self.stampingReceived(request, source: source)
        switch request.method {
        case .ack:
            self.receivedACK(request, from: source)
        case .cancel:
            self.receivedCancel(request, from: source, transport: transport, connection: connection)
        default:
            let key = self.serverKey(for: request, method: request.method)
            if let existing = self.serverTransactions[key] {
                self.statistics.retransmissionsAbsorbed += 1
                switch existing.machine {
                case .invite(var machine):
                    let actions = machine.receivedRetransmission()
                    existing.machine = .invite(machine)
                    self.run(actions, for: existing)
                case .nonInvite(var machine):
                    let actions = machine.receivedRetransmission()
                    existing.machine = .nonInvite(machine)
                    self.run(actions, for: existing)
                }
                return
            }
            if !self.overload.admitTransaction(openCount: self.serverTransactions.count) {
                self.refuseOverloaded(request, from: source, transport: transport, connection: connection)
                return
            }
            if request.method == .invite, request.headers.to?.tag == nil {
                let now = NIODeadline.now().uptimeNanoseconds
                if !self.overload.admitNewInvite(now: now) {
                    self.refuseOverloaded(request, from: source, transport: transport, connection: connection)
                    return
                }
            }
            let reliable = transport.isReliable
            let machine: ServerTransaction.Machine =
                request.method == .invite
                ? .invite(
                    ServerInviteTransaction(request: request, reliableTransport: reliable, timers: self.timerSettings)
                )
                : .nonInvite(
                    ServerNonInviteTransaction(
                        request: request,
                        reliableTransport: reliable,
                        timers: self.timerSettings
                    )
                )
            let transaction = ServerTransaction(
                request: request,
                source: source,
                transport: transport,
                connection: connection,
                key: key,
                machine: machine,
                userAgent: self
            )
            self.serverTransactions[key] = transaction
            if request.method == .prack {
                self.receivedPRACK(transaction)
                return
            }
            if request.method == .invite {
                // RFC 3261 §17.2.1: answer at once with 100 so the client stops retransmitting.
                transaction.respond(status: 100)
            }
            if let user = self.transactionUser {
                user.userAgent(self, received: transaction)
            } else {
                transaction.respond(status: 503, reason: "Service Unavailable - no application")
            }
        }
    }

    private func receivedACK(_ ack: SIPRequest, from source: SocketAddress) {
        // An ACK for a non-2xx final response belongs to the INVITE transaction (same branch).
        let key = self.serverKey(for: ack, method: .invite)
        if let transaction = self.serverTransactions[key], case .invite(var machine) = transaction.machine,
            let status = transaction.finalStatus, status >= 300
        {
            let actions = machine.receivedACK(ack)
            transaction.machine = .invite(machine)
            self.run(actions, for: transaction)
            return
        }
        self.receivedACKForAccepted(ack, from: source)
    }

    /// An ACK for a 2xx is its own transaction (RFC 3261 §13.3.1.4, §17.1.1.3): match it to the accepted
    /// INVITE by Call-ID and CSeq number, stop retransmitting, and tell the application once.
    private func receivedACKForAccepted(_ ack: SIPRequest, from source: SocketAddress) {
        let acceptedKey = Self.acceptedKey(callID: ack.headers.callID, sequence: ack.headers.cseq?.sequence)
        guard let accepted = self.acceptedInvites.removeValue(forKey: acceptedKey) else { return }
        _ = accepted.retransmitter.receivedACK()
        self.cancelTimers(owner: .accepted(acceptedKey))
        self.transactionUser?.userAgent(self, receivedACK: ack, from: source)
    }

    private func receivedCancel(
        _ cancel: SIPRequest,
        from source: SocketAddress,
        transport: SIPTransportKind,
        connection: SIPStreamConnection?
    ) {
        // RFC 3261 §9.2: the CANCEL matches the INVITE transaction with the same branch and sent-by.
        let inviteKey = self.serverKey(for: cancel, method: .invite)
        let cancelKey = self.serverKey(for: cancel, method: .cancel)
        if let existing = self.serverTransactions[cancelKey], case .nonInvite(var machine) = existing.machine {
            let actions = machine.receivedRetransmission()
            existing.machine = .nonInvite(machine)
            self.run(actions, for: existing)
            return
        }
        let transaction = ServerTransaction(
            request: cancel,
            source: source,
            transport: transport,
            connection: connection,
            key: cancelKey,
            machine: .nonInvite(
                ServerNonInviteTransaction(
                    request: cancel,
                    reliableTransport: transport.isReliable,
                    timers: self.timerSettings
                )
            ),
            userAgent: self
        )
        self.serverTransactions[cancelKey] = transaction
        guard let invite = self.serverTransactions[inviteKey] else {
            transaction.respond(status: 481, reason: "Call/Transaction Does Not Exist")
            return
        }
        transaction.respond(status: 200)
        if !invite.isAnswered {
            self.transactionUser?.userAgent(self, cancelled: invite)
        }
    }

    private func receivedResponse(_ response: SIPResponse) {
        guard let branch = response.headers.topVia?.branch, let method = response.headers.cseq?.method else {
            self.statistics.strayResponses += 1
            return
        }
        let key = "\(branch)|\(method.token)"
        guard let entry = self.clientTransactions[key] else {
            // RFC 3261 §17.1.1.2 / RFC 6026: a stray response (e.g. a retransmitted 2xx after the
            // transaction ended) is handed up so a UAC can re-ACK it; otherwise absorbed.
            if method == .invite, response.statusCode >= 200, response.statusCode < 300,
                let handler = self.strayInviteSuccessHandler
            {
                handler(response)
            } else {
                self.statistics.strayResponses += 1
            }
            return
        }
        switch entry.machine {
        case .invite(var machine):
            let actions = machine.receivedResponse(response)
            entry.machine = .invite(machine)
            self.run(actions, forClient: key, entry: entry)
        case .nonInvite(var machine):
            let actions = machine.receivedResponse(response)
            entry.machine = .nonInvite(machine)
            self.run(actions, forClient: key, entry: entry)
        }
    }

    /// Called for 2xx responses to INVITEs whose client transaction is gone (a UAC re-ACKs them).
    public var strayInviteSuccessHandler: ((SIPResponse) -> Void)?

    // MARK: - Sending

    /// Sends `response` within `transaction`, driving its state machine.
    func send(_ response: SIPResponse, in transaction: ServerTransaction) {
        self.eventLoop.preconditionInEventLoop()
        if response.statusCode >= 200, transaction.finalStatus == nil, var machine = transaction.reliableProvisionals {
            // RFC 3262 §3: a 2xx waits for the PRACK of an unacknowledged reliable provisional response.
            let actions = machine.sendFinal(response)
            transaction.reliableProvisionals = machine
            self.runReliable(actions, for: transaction)
            return
        }
        self.transmit(response, in: transaction)
    }

    /// Sends `response` through `transaction`'s state machine (and starts 2xx retransmission for an INVITE).
    func transmit(_ response: SIPResponse, in transaction: ServerTransaction) {
        var response = response
        if !response.headers.contains(.server) { response.headers.add(.server, self.productName) }
        if response.statusCode >= 200 {
            guard transaction.finalStatus == nil else { return }
            transaction.finalStatus = response.statusCode
        }
        switch transaction.machine {
        case .invite(var machine):
            let actions = machine.sentResponse(response)
            transaction.machine = .invite(machine)
            self.run(actions, for: transaction)
            if response.statusCode >= 200, response.statusCode < 300 {
                self.startRetransmitting(response, for: transaction)
            }
        case .nonInvite(var machine):
            let actions = machine.sentResponse(response)
            transaction.machine = .nonInvite(machine)
            self.run(actions, for: transaction)
        }
    }

    static func acceptedKey(callID: String?, sequence: UInt32?) -> String {
        "\(callID ?? "")|\(sequence ?? 0)"
    }

    private func startRetransmitting(_ response: SIPResponse, for transaction: ServerTransaction) {
        let key = Self.acceptedKey(
            callID: transaction.request.headers.callID,
            sequence: transaction.request.headers.cseq?.sequence
        )
        var retransmitter = UASInviteResponseRetransmitter(response: response, timers: self.timerSettings)
        let actions = retransmitter.start()
        let accepted = AcceptedInvite(transaction: transaction, retransmitter: retransmitter)
        self.acceptedInvites[key] = accepted
        self.runRetransmitter(actions, key: key, accepted: accepted)
    }

    private func runRetransmitter(
        _ actions: [UASInviteResponseRetransmitter.Action],
        key: String,
        accepted: AcceptedInvite
    ) {
        for action in actions {
            switch action {
            case .send(let response):
                self.write(response, for: accepted.transaction)
            case .schedule(let timer, let delay):
                self.schedule(TimerKey(owner: .accepted(key), retransmission: timer), after: delay) { core in
                    guard let accepted = core.acceptedInvites[key] else { return }
                    let next = accepted.retransmitter.timerFired(timer)
                    core.runRetransmitter(next, key: key, accepted: accepted)
                }
            case .cancel(let timer):
                self.cancelTimer(TimerKey(owner: .accepted(key), retransmission: timer))
            case .ackTimedOut:
                self.acceptedInvites[key] = nil
                self.cancelTimers(owner: .accepted(key))
                self.transactionUser?.userAgent(self, ackTimedOutFor: accepted.transaction)
            case .terminate:
                self.acceptedInvites[key] = nil
                self.cancelTimers(owner: .accepted(key))
            }
        }
    }

    /// Sends a request in a new client transaction and reports its responses to `completion`.
    ///
    /// A Via with a fresh branch and the transport's token is put on top; Max-Forwards is added if missing.
    /// Over TCP or TLS an open connection to `destination` is reused, or one is opened (RFC 3261 §18.1.1);
    /// if that fails the transaction reports ``ClientTransactionResult/transportError``.
    /// - Parameters:
    ///   - request: the request to send; its Via is added here.
    ///   - destination: the next hop's address.
    ///   - transport: `.udp` by default; `.tcp` or `.tls` need the matching transport bound first.
    ///   - completion: called on the core's event loop for each response and for the transaction's end.
    ///   - branch: the Via branch; fresh by default. A CANCEL passes its INVITE's branch (RFC 3261 §9.1).
    public func sendRequest(
        _ request: SIPRequest,
        to destination: SocketAddress,
        transport: SIPTransportKind = .udp,
        branch: String? = nil,
        completion: @escaping (ClientTransactionResult) -> Void
    ) {
        self.eventLoop.preconditionInEventLoop()
        var request = request
        let branch = branch ?? SIPToken.branch()
        request.headers.prepend(.via, self.viaValue(branch: branch, transport: transport))
        if !request.headers.contains(.maxForwards) { request.headers.add(.maxForwards, "70") }
        if !request.headers.contains(.userAgent) { request.headers.add(.userAgent, self.productName) }
        let key = "\(branch)|\(request.method.token)"
        let entry: ClientEntry
        let actions: [ClientTransactionAction]
        let reliable = transport.isReliable
        if request.method == .invite {
            var machine = ClientInviteTransaction(
                request: request,
                reliableTransport: reliable,
                timers: self.timerSettings
            )
            actions = machine.start()
            entry = ClientEntry(
                machine: .invite(machine),
                destination: destination,
                transport: transport,
                completion: completion
            )
        } else {
            var machine = ClientNonInviteTransaction(
                request: request,
                reliableTransport: reliable,
                timers: self.timerSettings
            )
            actions = machine.start()
            entry = ClientEntry(
                machine: .nonInvite(machine),
                destination: destination,
                transport: transport,
                completion: completion
            )
        }
        self.clientTransactions[key] = entry
        self.runClient(actions, key: key, entry: entry)
    }

    /// Sends a request outside any transaction: the ACK for a 2xx (RFC 3261 §13.2.2.4), which the UAC core
    /// builds itself. A Via with a fresh branch is added if the request has none.
    public func sendStateless(_ request: SIPRequest, to destination: SocketAddress, transport: SIPTransportKind = .udp)
    {
        self.eventLoop.preconditionInEventLoop()
        var request = request
        if !request.headers.contains(.via) {
            request.headers.prepend(.via, self.viaValue(branch: SIPToken.branch(), transport: transport))
        }
        if !request.headers.contains(.maxForwards) { request.headers.add(.maxForwards, "70") }
        self.write(.request(request), to: destination, transport: transport, connection: nil, onFailure: nil)
    }

    /// A Via header value for a request we originate, asking for rport (RFC 3581), with the transport's token
    /// and, for TCP or TLS, that listener's advertised port (RFC 3261 §18.1.1).
    public func viaValue(branch: String, transport: SIPTransportKind = .udp) -> String {
        "SIP/2.0/\(transport.viaToken) \(self.hostPort(for: transport));branch=\(branch);rport"
    }

    /// `host:port` as advertised for `transport`: the UDP port, or the stream listener's port.
    public func hostPort(for transport: SIPTransportKind) -> String {
        guard transport != .udp, let port = self.streamTransports[transport]?.advertisedPort else {
            return self.hostPort
        }
        let host =
            self.advertisedHost.contains(":") && !self.advertisedHost.hasPrefix("[")
            ? "[\(self.advertisedHost)]" : self.advertisedHost
        return "\(host):\(port)"
    }

    /// `host:port` as advertised, with IPv6 hosts bracketed.
    public var hostPort: String {
        let host =
            self.advertisedHost.contains(":") && !self.advertisedHost.hasPrefix("[")
            ? "[\(self.advertisedHost)]" : self.advertisedHost
        return "\(host):\(self.advertisedPort)"
    }

    private func run(_ actions: [ServerTransactionAction], for transaction: ServerTransaction) {
        for action in actions {
            switch action {
            case .send(let response):
                self.write(response, for: transaction)
            case .schedule(let timer, let delay):
                self.scheduleServerTimer(timer, after: delay, transaction: transaction)
            case .cancel(let timer):
                self.cancelTimer(TimerKey(owner: .server(transaction.key), timer: timer))
            case .passToTU(let request):
                // RFC 6026 Accepted state: an ACK (or retransmitted one) for our 2xx reaches the core here.
                self.receivedACKForAccepted(request, from: transaction.source)
            case .timedOut, .transportError:
                break
            case .terminate:
                self.terminateServer(transaction)
            }
        }
    }

    private func terminateServer(_ transaction: ServerTransaction) {
        if self.serverTransactions[transaction.key] === transaction {
            self.serverTransactions[transaction.key] = nil
        }
        self.cancelTimers(owner: .server(transaction.key))
        if transaction.reliableProvisionals != nil {
            let key = Self.acceptedKey(
                callID: transaction.request.headers.callID,
                sequence: transaction.request.headers.cseq?.sequence
            )
            if self.reliableInvites[key] === transaction { self.reliableInvites[key] = nil }
            self.cancelTimers(owner: .reliable(transaction.key))
        }
    }

    private func scheduleServerTimer(_ timer: SIPTimer, after delay: Duration, transaction: ServerTransaction) {
        let key = transaction.key
        self.schedule(TimerKey(owner: .server(key), timer: timer), after: delay) { core in
            guard let transaction = core.serverTransactions[key] else { return }
            switch transaction.machine {
            case .invite(var machine):
                let actions = machine.timerFired(timer)
                transaction.machine = .invite(machine)
                core.run(actions, for: transaction)
            case .nonInvite(var machine):
                let actions = machine.timerFired(timer)
                transaction.machine = .nonInvite(machine)
                core.run(actions, for: transaction)
            }
        }
    }

    private func run(_ actions: [ClientTransactionAction], forClient key: String, entry: ClientEntry) {
        self.runClient(actions, key: key, entry: entry)
    }

    private func runClient(_ actions: [ClientTransactionAction], key: String, entry: ClientEntry) {
        for action in actions {
            switch action {
            case .send(let request):
                self.write(.request(request), to: entry.destination, transport: entry.transport, connection: nil) {
                    [weak self] in
                    self?.clientTransportFailed(key: key, entry: entry)
                }
            case .schedule(let timer, let delay):
                self.schedule(TimerKey(owner: .client(key), timer: timer), after: delay) { core in
                    guard let entry = core.clientTransactions[key] else { return }
                    switch entry.machine {
                    case .invite(var machine):
                        let next = machine.timerFired(timer)
                        entry.machine = .invite(machine)
                        core.run(next, forClient: key, entry: entry)
                    case .nonInvite(var machine):
                        let next = machine.timerFired(timer)
                        entry.machine = .nonInvite(machine)
                        core.run(next, forClient: key, entry: entry)
                    }
                }
            case .cancel(let timer):
                self.cancelTimer(TimerKey(owner: .client(key), timer: timer))
            case .deliverToTU(let response):
                entry.completion(.response(response))
            case .timedOut:
                entry.completion(.timedOut)
            case .transportError:
                entry.completion(.transportError)
            case .terminate:
                if self.clientTransactions[key] === entry { self.clientTransactions[key] = nil }
                self.cancelTimers(owner: .client(key))
            }
        }
    }

    // MARK: - Timers and wire

    func schedule(_ key: TimerKey, after delay: Duration, fire: @escaping (UserAgentCore) -> Void) {
        self.timers[key]?.cancel()
        let scheduled = self.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(delay)) { [weak self] in
            guard let self else { return }
            self.timers[key] = nil
            fire(self)
        }
        self.timers[key] = scheduled
    }

    func cancelTimer(_ key: TimerKey) {
        self.timers.removeValue(forKey: key)?.cancel()
    }

    private func cancelTimers(owner: TimerKey.Owner) {
        for timer in [SIPTimer.A, .B, .D, .E, .F, .G, .H, .I, .J, .K, .L, .M] {
            self.cancelTimer(TimerKey(owner: owner, timer: timer))
        }
        self.cancelTimer(TimerKey(owner: owner, retransmission: .retransmission))
        self.cancelTimer(TimerKey(owner: owner, retransmission: .ackTimeout))
        self.cancelTimer(TimerKey(owner: owner, reliable: .retransmission))
        self.cancelTimer(TimerKey(owner: owner, reliable: .timeout))
    }

    /// A transport failure of a client transaction's request (RFC 3261 §17.1.4): its machine reports it.
    private func clientTransportFailed(key: String, entry: ClientEntry) {
        self.statistics.transportErrors += 1
        guard self.clientTransactions[key] === entry else { return }
        switch entry.machine {
        case .invite(var machine):
            let next = machine.transportFailed()
            entry.machine = .invite(machine)
            self.run(next, forClient: key, entry: entry)
        case .nonInvite(var machine):
            let next = machine.transportFailed()
            entry.machine = .nonInvite(machine)
            self.run(next, forClient: key, entry: entry)
        }
    }

    /// A response within `transaction`: back over the request's connection, or to its source on UDP.
    private func write(_ response: SIPResponse, for transaction: ServerTransaction) {
        self.write(
            .response(response),
            to: transaction.source,
            transport: transaction.transport,
            connection: transaction.connection,
            onFailure: nil
        )
    }

    private func write(_ response: SIPResponse, to destination: SocketAddress) {
        self.write(.response(response), to: destination, transport: .udp, connection: nil, onFailure: nil)
    }

    /// Serializes `message` and hands it to the transport: a datagram to `destination` on UDP; on TCP/TLS,
    /// `connection` while open, else a (new) connection to `destination` (RFC 3261 §18.2.2).
    private func write(
        _ message: SIPMessage,
        to destination: SocketAddress,
        transport: SIPTransportKind,
        connection: SIPStreamConnection?,
        onFailure: (() -> Void)?
    ) {
        switch transport {
        case .udp:
            guard let channel = self.channel else {
                self.statistics.transportErrors += 1
                onFailure?()
                return
            }
            let buffer = Self.serialize(message, allocator: channel.allocator)
            channel.writeAndFlush(AddressedEnvelope(remoteAddress: destination, data: buffer), promise: nil)
        case .tcp, .tls:
            guard let stream = self.streamTransports[transport] else {
                self.statistics.transportErrors += 1
                onFailure?()
                return
            }
            let allocator = connection?.channel.allocator ?? ByteBufferAllocator()
            let buffer = Self.serialize(message, allocator: allocator)
            stream.send(buffer, to: destination, preferring: connection) { [weak self] in
                self?.statistics.transportErrors += 1
                onFailure?()
            }
        }
    }

    private static func serialize(_ message: SIPMessage, allocator: ByteBufferAllocator) -> ByteBuffer {
        switch message {
        case .request(let request):
            var buffer = allocator.buffer(capacity: 512 + request.body.count)
            request.serialize(into: &buffer)
            return buffer
        case .response(let response):
            var buffer = allocator.buffer(capacity: 512 + response.body.count)
            response.serialize(into: &buffer)
            return buffer
        }
    }
}
