public import NIOCore

/// The transaction layer and transport core of a SIP user agent (RFC 3261 §8, §17, §18) over UDP.
///
/// It parses datagrams, answers malformed requests with 400, matches messages to transactions, runs their
/// timers on its event loop, and hands new requests to its ``TransactionUser``. It knows nothing of what the
/// application does with a call.
///
/// Confinement: every method runs on ``eventLoop`` (checked by preconditions); that is what makes the
/// `@unchecked Sendable` conformance sound: other threads may hold a reference, but only hop onto the loop.
public final class UserAgentCore: @unchecked Sendable {
    public let eventLoop: any EventLoop
    public let timerSettings: SIPTimerSettings
    /// The address the transport is bound to (with the real port when bound to port 0).
    public private(set) var localAddress: SocketAddress?
    /// The host and port put in Via and Contact headers.
    public private(set) var advertisedHost: String
    public private(set) var advertisedPort: Int
    /// The Server / User-Agent header value.
    public var productName = "Parley"

    public weak var transactionUser: (any TransactionUser)?

    private var channel: (any Channel)?
    private let parser: SIPMessageParser
    private var serverTransactions: [String: ServerTransaction] = [:]
    private var clientTransactions: [String: ClientEntry] = [:]
    private var timers: [TimerKey: Scheduled<Void>] = [:]
    private var acceptedInvites: [String: AcceptedInvite] = [:]
    /// Counts of what was dropped or refused, for logs and metrics.
    public private(set) var statistics = Statistics()

    public struct Statistics: Sendable {
        public var malformedRequests = 0
        public var droppedDatagrams = 0
        public var strayResponses = 0
        public var retransmissionsAbsorbed = 0
    }

    final class ClientEntry {
        var machine: ClientMachine
        let destination: SocketAddress
        let completion: (ClientTransactionResult) -> Void
        init(machine: ClientMachine, destination: SocketAddress, completion: @escaping (ClientTransactionResult) -> Void) {
            self.machine = machine
            self.destination = destination
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
        }
        enum Name: Hashable {
            case sip(SIPTimer)
            case retransmission(UASInviteResponseRetransmitter.Timer)
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
    }

    public init(
        eventLoop: any EventLoop,
        advertisedHost: String,
        advertisedPort: Int,
        timerSettings: SIPTimerSettings = SIPTimerSettings(),
        parserLimits: SIPMessageParser.Limits = .init()
    ) {
        self.eventLoop = eventLoop
        self.advertisedHost = advertisedHost
        self.advertisedPort = advertisedPort
        self.timerSettings = timerSettings
        self.parser = SIPMessageParser(limits: parserLimits)
    }

    /// Attaches the datagram channel the core sends on (the ``SIPUDPTransport`` does this).
    func attach(channel: any Channel, localAddress: SocketAddress?) {
        self.eventLoop.preconditionInEventLoop()
        self.channel = channel
        self.localAddress = localAddress
        if let port = localAddress?.port, self.advertisedPort == 0 { self.advertisedPort = port }
    }

    /// Stops every timer and forgets every transaction (used at shutdown).
    public func shutdown() {
        self.eventLoop.preconditionInEventLoop()
        for (_, scheduled) in self.timers { scheduled.cancel() }
        self.timers.removeAll()
        self.serverTransactions.removeAll()
        self.clientTransactions.removeAll()
        self.acceptedInvites.removeAll()
    }

    // MARK: - Receiving

    /// Handles one datagram from the transport.
    func receivedDatagram(_ bytes: [UInt8], from source: SocketAddress) {
        self.eventLoop.preconditionInEventLoop()
        // RFC 5626 keep-alives: a bare CRLF (or CRLFCRLF) is not a message.
        if bytes.allSatisfy({ $0 == 0x0D || $0 == 0x0A }) { return }
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
        case .request(let request): self.receivedRequest(request, from: source)
        case .response(let response): self.receivedResponse(response)
        }
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

    private func receivedRequest(_ request: SIPRequest, from source: SocketAddress) {
        switch request.method {
        case .ack:
            self.receivedACK(request, from: source)
        case .cancel:
            self.receivedCancel(request, from: source)
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
            let machine: ServerTransaction.Machine =
                request.method == .invite
                ? .invite(ServerInviteTransaction(request: request, reliableTransport: false, timers: self.timerSettings))
                : .nonInvite(
                    ServerNonInviteTransaction(request: request, reliableTransport: false, timers: self.timerSettings)
                )
            let transaction = ServerTransaction(
                request: request,
                source: source,
                key: key,
                machine: machine,
                userAgent: self
            )
            self.serverTransactions[key] = transaction
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

    private func receivedCancel(_ cancel: SIPRequest, from source: SocketAddress) {
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
            key: cancelKey,
            machine: .nonInvite(
                ServerNonInviteTransaction(request: cancel, reliableTransport: false, timers: self.timerSettings)
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
                self.write(response, to: accepted.transaction.source)
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
    /// A Via with a fresh branch is put on top; Max-Forwards is added if missing.
    public func sendRequest(
        _ request: SIPRequest,
        to destination: SocketAddress,
        completion: @escaping (ClientTransactionResult) -> Void
    ) {
        self.eventLoop.preconditionInEventLoop()
        var request = request
        let branch = SIPToken.branch()
        request.headers.prepend(.via, self.viaValue(branch: branch))
        if !request.headers.contains(.maxForwards) { request.headers.add(.maxForwards, "70") }
        if !request.headers.contains(.userAgent) { request.headers.add(.userAgent, self.productName) }
        let key = "\(branch)|\(request.method.token)"
        let entry: ClientEntry
        let actions: [ClientTransactionAction]
        if request.method == .invite {
            var machine = ClientInviteTransaction(request: request, reliableTransport: false, timers: self.timerSettings)
            actions = machine.start()
            entry = ClientEntry(machine: .invite(machine), destination: destination, completion: completion)
        } else {
            var machine = ClientNonInviteTransaction(
                request: request,
                reliableTransport: false,
                timers: self.timerSettings
            )
            actions = machine.start()
            entry = ClientEntry(machine: .nonInvite(machine), destination: destination, completion: completion)
        }
        self.clientTransactions[key] = entry
        self.runClient(actions, key: key, entry: entry)
    }

    /// Sends a request outside any transaction: the ACK for a 2xx (RFC 3261 §13.2.2.4), which the UAC core
    /// builds itself. A Via with a fresh branch is added if the request has none.
    public func sendStateless(_ request: SIPRequest, to destination: SocketAddress) {
        self.eventLoop.preconditionInEventLoop()
        var request = request
        if !request.headers.contains(.via) { request.headers.prepend(.via, self.viaValue(branch: SIPToken.branch())) }
        if !request.headers.contains(.maxForwards) { request.headers.add(.maxForwards, "70") }
        self.write(request, to: destination)
    }

    /// A Via header value for a request we originate, asking for rport (RFC 3581).
    public func viaValue(branch: String) -> String {
        "SIP/2.0/UDP \(self.hostPort);branch=\(branch);rport"
    }

    /// `host:port` as advertised, with IPv6 hosts bracketed.
    public var hostPort: String {
        let host = self.advertisedHost.contains(":") && !self.advertisedHost.hasPrefix("[")
            ? "[\(self.advertisedHost)]" : self.advertisedHost
        return "\(host):\(self.advertisedPort)"
    }

    private func run(_ actions: [ServerTransactionAction], for transaction: ServerTransaction) {
        for action in actions {
            switch action {
            case .send(let response):
                self.write(response, to: transaction.source)
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
                self.write(request, to: entry.destination)
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

    private func schedule(_ key: TimerKey, after delay: Duration, fire: @escaping (UserAgentCore) -> Void) {
        self.timers[key]?.cancel()
        let scheduled = self.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(delay)) { [weak self] in
            guard let self else { return }
            self.timers[key] = nil
            fire(self)
        }
        self.timers[key] = scheduled
    }

    private func cancelTimer(_ key: TimerKey) {
        self.timers.removeValue(forKey: key)?.cancel()
    }

    private func cancelTimers(owner: TimerKey.Owner) {
        for timer in [SIPTimer.A, .B, .D, .E, .F, .G, .H, .I, .J, .K, .L, .M] {
            self.cancelTimer(TimerKey(owner: owner, timer: timer))
        }
        self.cancelTimer(TimerKey(owner: owner, retransmission: .retransmission))
        self.cancelTimer(TimerKey(owner: owner, retransmission: .ackTimeout))
    }

    private func write(_ response: SIPResponse, to destination: SocketAddress) {
        guard let channel = self.channel else { return }
        var buffer = channel.allocator.buffer(capacity: 512 + response.body.count)
        response.serialize(into: &buffer)
        channel.writeAndFlush(AddressedEnvelope(remoteAddress: destination, data: buffer), promise: nil)
    }

    private func write(_ request: SIPRequest, to destination: SocketAddress) {
        guard let channel = self.channel else { return }
        var buffer = channel.allocator.buffer(capacity: 512 + request.body.count)
        request.serialize(into: &buffer)
        channel.writeAndFlush(AddressedEnvelope(remoteAddress: destination, data: buffer), promise: nil)
    }
}
