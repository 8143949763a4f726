import Foundation
import Logging
public import NIOCore
import NIOPosix
import RTP
import SIPCore

/// The conference bridge: answers calls to room extensions, runs each caller's way in, and mixes the rooms.
///
/// This is the object an embedding application starts. Signalling runs on one event loop (the SIP loop);
/// each room runs on a loop of its own from the group, chosen when the room first gets a caller.
public final class ConferenceBridge: TransactionUser, @unchecked Sendable {
    // Confinement: all mutable state below is touched only on `sipLoop`, which every entry point checks or
    // hops to; that is what the @unchecked Sendable conformance rests on.
    /// What the bridge was started with.
    public let configuration: ConferenceConfiguration
    /// Where room definitions live; read when a call arrives, so edits apply to the next caller.
    public let store: any RoomStore
    /// Prompts and music at 8 kHz; rooms at other rates get a resampled copy.
    public let prompts: PromptLibrary
    /// The loops rooms are spread over.
    public let group: any EventLoopGroup
    /// The loop that runs signalling and owns the bridge's state.
    public let sipLoop: any EventLoop
    /// The SIP user agent that hands the bridge its requests; usable for the embedder's own requests too.
    public let userAgent: UserAgentCore
    let ports: RTPPortAllocator
    var logger: Logger
    /// Live rooms by extension; only touched on `sipLoop`.
    var roomsByExtension: [String: ConferenceRoom] = [:]
    /// The prompt library at each mixing rate a room asked for (8 kHz is `prompts`), made once per rate.
    var promptsByRate: [Int: PromptLibrary] = [:]
    var calls: [String: Call] = [:]
    private var channel: (any Channel)?
    private var streamChannels: [any Channel] = []
    private var registration: RegistrationDriver?
    private var trunkState: RegistrationDriver.Event?
    private var nextParticipant: UInt64 = 1
    /// Set by ``drain(retryAfterSeconds:)``: the Retry-After, in seconds, sent with the 503 that refuses new calls.
    var drainRetryAfter: Int?
    /// How new calls ended up, by the final status of their INVITE (200: answered); for metrics.
    var inviteResults: [Int: Int] = [:]
    let sessionIDBase = UInt64.random(in: 1...UInt64(Int32.max))
    /// Bridge-wide PIN guessing limits.
    public let pinGuard: PINGuard
    /// Packet, loss, jitter and mixing-tick figures of every room, for a metrics exporter.
    public let metrics = BridgeMetrics()
    private let eventHandler: (@Sendable (ConferenceEvent) -> Void)?

    /// Methods a caller may use with us (the Allow header).
    public static let allowedMethods = "INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, REFER, NOTIFY, PRACK, UPDATE"
    /// Extensions we implement (the Supported header): 100rel (RFC 3262), timer (RFC 4028), replaces (RFC 3891).
    public static let supportedExtensions = SIPOptionTag.supportedHeaderValue

    /// Makes a bridge; nothing listens until ``start()``.
    public init(
        configuration: ConferenceConfiguration,
        store: any RoomStore,
        prompts: PromptLibrary,
        group: any EventLoopGroup,
        logger: Logger = Logger(label: "parley.bridge"),
        eventHandler: (@Sendable (ConferenceEvent) -> Void)? = nil
    ) {
        self.pinGuard = PINGuard(policy: configuration.pinGuessing)
        self.eventHandler = eventHandler
        self.configuration = configuration
        self.store = store
        self.prompts = prompts
        self.group = group
        self.sipLoop = group.next()
        self.logger = logger
        self.ports = RTPPortAllocator(range: configuration.rtpPorts)
        self.userAgent = UserAgentCore(
            eventLoop: self.sipLoop,
            advertisedHost: configuration.advertisedAddress ?? configuration.sipHost,
            advertisedPort: configuration.sipPort,
            overloadPolicy: configuration.overloadWithTrunk
        )
        self.userAgent.onSourceBlocked = { [logger] source in
            logger.warning("SIP source blocked for flooding", metadata: ["source": "\(source)"])
        }
    }

    /// Binds the SIP sockets (UDP, and TCP/TLS when configured) and registers with the trunk, if any.
    /// The future fails with the bind error (for example, the port is busy).
    public func start() -> EventLoopFuture<Void> {
        self.sipLoop.flatSubmit {
            self.userAgent.transactionUser = self
            return SIPUDPTransport.bind(
                self.userAgent,
                host: self.configuration.sipHost,
                port: self.configuration.sipPort
            )
            .flatMap { channel -> EventLoopFuture<Void> in
                self.channel = channel
                self.logger.info(
                    "SIP listening",
                    metadata: ["address": "udp:\(channel.localAddress.map { String(describing: $0) } ?? "?")"]
                )
                var streams: [EventLoopFuture<Void>] = []
                if self.configuration.tcp {
                    // Same port as UDP (the bound one when configured with 0).
                    let port = channel.localAddress?.port ?? self.configuration.sipPort
                    streams.append(
                        SIPTCPTransport.bind(
                            self.userAgent,
                            host: self.configuration.sipHost,
                            port: port,
                            configuration: self.configuration.streamLimits
                        )
                            .map { self.streamChannels.append($0) }
                    )
                }
                if let tls = self.configuration.tls {
                    streams.append(
                        SIPTLSTransport.bind(
                            self.userAgent,
                            host: self.configuration.sipHost,
                            port: tls.port,
                            tls: tls.configuration,
                            configuration: self.configuration.streamLimits
                        ).map { self.streamChannels.append($0) }
                    )
                }
                return EventLoopFuture.andAllSucceed(streams, on: self.sipLoop)
            }
            .map { self.registerWithTrunk() }
        }
    }

    /// Starts the REGISTER client for the configured trunk (RFC 3261 §10, digest per RFC 2617/8760).
    private func registerWithTrunk() {
        guard let trunk = self.configuration.trunk,
            let registrar = try? SocketAddress(ipAddress: trunk.registrarHost, port: trunk.registrarPort)
        else { return }
        let host = self.userAgent.hostPort
        let configuration = RegistrationClient.Configuration(
            registrar: SIPURI(scheme: "sip", host: trunk.registrarHost, port: trunk.registrarPort),
            addressOfRecord: SIPURI(scheme: "sip", user: trunk.username, host: trunk.registrarHost),
            contact: (try? SIPURI(parsing: "sip:\(trunk.username)@\(host)"))
                ?? SIPURI(scheme: "sip", user: trunk.username, host: self.configuration.sipHost),
            credentials: trunk.password.map { DigestCredentials(username: trunk.username, password: $0) },
            requestedExpires: trunk.expires
        )
        let driver = RegistrationDriver(
            userAgent: self.userAgent,
            configuration: configuration,
            registrarAddress: registrar
        )
        driver.onEvent = { [weak self] event in
            self?.trunkState = event
            self?.logger.info("trunk registration", metadata: ["event": "\(event)"])
        }
        self.registration = driver
        driver.start()
    }

    /// The trunk registration's last event (nil: none yet, or no trunk).
    public func trunkRegistration() async throws -> RegistrationDriver.Event? {
        try await self.sipLoop.submit { self.trunkState }.get()
    }

    /// The bound SIP port (useful when configured with port 0).
    public var sipPort: Int { self.userAgent.advertisedPort }

    /// Hangs up every call and closes the SIP socket.
    public func shutdown() -> EventLoopFuture<Void> {
        self.sipLoop.flatSubmit {
            for call in self.calls.values where call.state == .answered { self.sendBye(call) }
            for call in Array(self.calls.values) { self.end(call) }
            self.registration?.stop()
            self.userAgent.shutdown()
            for stream in self.streamChannels { stream.close(promise: nil) }
            return self.channel?.close() ?? self.sipLoop.makeSucceededVoidFuture()
        }
    }

    /// A snapshot of a live room, or nil if nobody is in it.
    public func snapshot(extensionNumber: String) -> EventLoopFuture<RoomSnapshot?> {
        self.sipLoop.flatSubmit {
            guard let room = self.roomsByExtension[extensionNumber] else {
                return self.sipLoop.makeSucceededFuture(nil)
            }
            return room.eventLoop.submit { room.assumeIsolated { $0.snapshot() } }.map { Optional($0) }
        }
    }

    // MARK: - TransactionUser

    /// A new request outside a transaction we own: INVITE, OPTIONS, in-dialog requests.
    public func userAgent(_ userAgent: UserAgentCore, received transaction: ServerTransaction) {
        let request = transaction.request
        // RFC 3261 §8.2.2.3: refuse extensions the caller requires that we do not have.
        let unsupported = SIPOptionTag.unsupported(in: request)
        if !unsupported.isEmpty, request.method != .cancel, request.method != .ack {
            transaction.respond(
                status: 420,
                reason: "Bad Extension - \(unsupported.joined(separator: ", ")) not supported",
                extraHeaders: [(.unsupported, unsupported.joined(separator: ", "))]
            )
            return
        }
        switch request.method {
        case .invite: self.receivedInvite(transaction)
        case .bye: self.receivedBye(transaction)
        case .options:
            // A proxy's health probe (out of dialog) learns that a draining node takes no new calls; an OPTIONS
            // inside a call still gets 200, so the calls in progress are not ended by the caller's keepalive.
            if let retryAfter = self.drainRetryAfter, request.headers.to?.tag == nil {
                transaction.respond(
                    status: 503,
                    reason: "Service Unavailable - shutting down",
                    extraHeaders: [(.retryAfter, String(retryAfter))]
                )
                return
            }
            transaction.respond(
                status: 200,
                extraHeaders: [
                    (.allow, Self.allowedMethods), (.accept, "application/sdp"),
                    (.supported, Self.supportedExtensions),
                ]
            )
        case .info: self.receivedInfo(transaction)
        case .update: self.receivedUpdate(transaction)
        case .refer: self.receivedRefer(transaction)
        case .notify:
            // NOTIFYs of our own REFERs are not sent (we place calls ourselves); accept any stray one politely.
            transaction.respond(status: 200)
        default:
            transaction.respond(
                status: 405,
                reason: "Method Not Allowed - \(request.method.token) is not supported here",
                extraHeaders: [(.allow, Self.allowedMethods)]
            )
        }
    }

    /// The ACK of a 2xx we sent: the caller's way in starts.
    public func userAgent(_ userAgent: UserAgentCore, receivedACK ack: SIPRequest, from source: SocketAddress) {}

    /// The caller gave up before the answer: the call is dropped.
    public func userAgent(_ userAgent: UserAgentCore, cancelled invite: ServerTransaction) {
        guard let callID = invite.request.headers.callID, let call = self.calls[callID], call.invite === invite else {
            self.countInvite(status: 487)
            invite.respond(status: 487)
            return
        }
        self.countInvite(status: 487)
        invite.respond(status: 487, toTag: call.localTag)
        self.end(call)
    }

    /// No ACK came for our 2xx (timer H): the call is ended with BYE.
    public func userAgent(_ userAgent: UserAgentCore, ackTimedOutFor invite: ServerTransaction) {
        guard let callID = invite.request.headers.callID, let call = self.calls[callID] else { return }
        self.logger.debug("no ACK for 200 OK; ending call", metadata: ["call-id": "\(callID)"])
        self.sendBye(call)
        self.end(call)
    }

    /// A reliable provisional response was never PRACKed: the INVITE is refused.
    public func userAgent(_ userAgent: UserAgentCore, noPRACKFor invite: ServerTransaction) {
        invite.respond(status: 500, reason: "Server Internal Error - no PRACK for 180 Ringing")
        guard let callID = invite.request.headers.callID, let call = self.calls[callID], call.invite === invite else {
            return
        }
        self.logger.debug("no PRACK for reliable 180; ending call", metadata: ["call-id": "\(callID)"])
        // The 200 OK was held for the PRACK and never went out: the room is left without a BYE.
        call.state = .ringing
        self.end(call)
    }

    // MARK: - INVITE

    private func receivedInvite(_ transaction: ServerTransaction) {
        let request = transaction.request
        guard let callID = request.headers.callID else {
            self.countInvite(status: 400)
            transaction.respond(status: 400, reason: "Bad Request - missing Call-ID")
            return
        }
        if let existing = self.calls[callID] {
            // A re-INVITE in an existing dialog: keep the media as it is and confirm the session.
            self.answerReInvite(transaction, call: existing)
            return
        }
        // Draining for a shutdown: calls in progress go on, new ones are sent elsewhere or asked to come back.
        if let retryAfter = self.drainRetryAfter {
            self.countInvite(status: 503)
            transaction.respond(
                status: 503,
                reason: "Service Unavailable - shutting down",
                extraHeaders: [(.retryAfter, String(retryAfter))]
            )
            return
        }
        // RFC 3891: an attended transfer names the dialog it takes over.
        var replacing: Call?
        if let value = request.headers[.replaces] {
            guard let replaces = ReplacesHeader(parsing: value) else {
                self.countInvite(status: 400)
                transaction.respond(status: 400, reason: "Bad Request - malformed Replaces header")
                return
            }
            guard let target = self.calls.values.first(where: { $0.matches(replaces) }), target.state == .answered,
                !replaces.earlyOnly
            else {
                self.countInvite(status: 481)
                transaction.respond(status: 481, reason: "Call/Transaction Does Not Exist - nothing to replace")
                return
            }
            replacing = target
        }
        let dialled = replacing?.room.extensionNumber ?? request.uri.decodedUser ?? ""
        let definition: RoomDefinition?
        do {
            definition = try self.store.room(extensionNumber: dialled)
        } catch {
            self.logger.error("room store failed", metadata: ["error": "\(error)"])
            self.countInvite(status: 500)
            transaction.respond(status: 500, reason: "Server Internal Error - room store unavailable")
            return
        }
        guard let definition else {
            self.countInvite(status: 404)
            transaction.respond(status: 404, reason: "Not Found - no conference at extension \(dialled)")
            return
        }
        // A room reached by one of its DIDs is the trunk's way in: only the trunk may use it.
        if replacing == nil, definition.extensionNumber != dialled,
            !self.configuration.trunkAddresses.contains(transaction.source.ipAddress ?? "")
        {
            self.countInvite(status: 403)
            transaction.respond(status: 403, reason: "Forbidden - DID calls are accepted from the trunk only")
            return
        }
        let sessionTimer = SessionTimerNegotiation.decide(for: request, policy: self.configuration.sessionTimers)
        if case .reject(let minimum) = sessionTimer {
            Self.rejectSessionInterval(transaction, minimum: minimum, toTag: nil)
            return
        }
        guard request.headers.contentType?.lowercased().hasPrefix("application/sdp") == true, !request.body.isEmpty
        else {
            self.countInvite(status: 488)
            transaction.respond(status: 488, reason: "Not Acceptable Here - an SDP offer is required")
            return
        }
        let offer: SessionDescription
        do {
            offer = try SessionDescription(parsing: String(decoding: request.body, as: UTF8.self))
        } catch {
            self.countInvite(status: 400)
            transaction.respond(status: 400, reason: "Bad Request - malformed SDP: \(error)")
            return
        }
        // Negotiate once before binding, so a call without a common codec costs no socket.
        let supported = self.supportedCodecs
        let multiplexed: Bool
        do {
            multiplexed = try SDPOfferAnswer.answer(
                offer: offer,
                supported: supported,
                telephoneEvent: true,
                localAddress: self.configuration.mediaAddress,
                localPort: 9,
                sessionID: self.sessionIDBase,
                sdes: self.sdesKeying(transport: transaction.transport, key: SRTPMasterKey.random().concatenated),
                rtcpMux: self.configuration.rtcpMux
            ).negotiated.rtcpMux
        } catch {
            self.countInvite(status: 488)
            let securePlainOffer =
                transaction.transport != .tls && offer.media.contains { $0.media == "audio" && $0.isSecureRTP }
            transaction.respond(
                status: 488,
                reason: securePlainOffer
                    ? "Not Acceptable Here - RTP/SAVP (SDES keys) only over SIP over TLS"
                    : "Not Acceptable Here - no common codec (we offer PCMU, PCMA)"
            )
            return
        }
        let room = self.room(for: definition)
        let id = self.newParticipantID()
        let call = Call(inbound: transaction, callID: callID, room: room, participantID: id)
        call.replacing = replacing
        if case .accept(let header, let requireTimer) = sessionTimer {
            call.sessionExpires = header
            call.requireTimer = requireTimer
        }
        self.calls[callID] = call

        let sessionID = self.sessionIDBase &+ id.rawValue
        // RTCP on port + 1 unless the answer will multiplex it on the RTP port (RFC 5761).
        let rtcpHandler: (@Sendable () -> any ChannelHandler)? =
            multiplexed
            ? nil : { @Sendable () -> any ChannelHandler in RTPReceiveHandler(room: room, id: id, rtcp: true) }
        RTPSocket.bind(
            host: self.configuration.rtpHost,
            allocator: self.ports,
            on: room.eventLoop,
            makeRTCPHandler: rtcpHandler
        ) {
            RTPReceiveHandler(room: room, id: id)
        }.hop(to: self.sipLoop).whenComplete { result in
            switch result {
            case .failure(let error):
                self.logger.warning("cannot open RTP socket", metadata: ["error": "\(error)"])
                if call.state != .ended {
                    self.countInvite(status: 503)
                    transaction.respond(status: 503, reason: "Service Unavailable - no media port free")
                    self.end(call)
                }
            case .success(let bound):
                call.rtpPort = bound.port
                guard call.state == .settingUp else {
                    // Cancelled while the socket was opening.
                    bound.close()
                    self.ports.release(bound.port)
                    return
                }
                self.mediaReady(call, offer: offer, bound: bound, sessionID: sessionID)
            }
        }
    }

    var supportedCodecs: [SupportedCodec] {
        self.configuration.codecPreference.compactMap { name in
            switch name.uppercased() {
            case "PCMU": SupportedCodec.pcmu
            case "PCMA": SupportedCodec.pcma
            case "G722": SupportedCodec.g722
            case "OPUS": SupportedCodec.opus
            default: nil
            }
        }
    }

    /// The media leg of a call on `bound`'s sockets, with the bridge's RTCP settings.
    func makeLeg(bound: RTPSocket.Bound, parameters: MediaParameters, room: ConferenceRoom) -> MediaLeg {
        MediaLeg(
            channel: bound.channel,
            sender: bound.sender,
            localPort: bound.port,
            parameters: parameters,
            audioRate: room.sampleRate,
            rtcpChannel: bound.rtcpChannel,
            cname: "parley@\(self.configuration.mediaAddress)",
            rtcpInterval: TimeAmount(self.configuration.rtcpInterval),
            frameMilliseconds: room.mixingInterval
        )
    }

    /// SDES keying for a call whose signalling came over `transport`: SRTP is offered and accepted only when
    /// the SDP travelled over TLS, since an SDES key in clear text protects nothing (RFC 4568 §8.3). An
    /// `RTP/SAVP` offer over UDP or TCP therefore finds no acceptable stream and is answered 488 (RFC 3264
    /// forbids answering a secure stream with plain `RTP/AVP`, so that is the honest answer).
    func sdesKeying(transport: SIPTransportKind, key: [UInt8]) -> SDESKeying? {
        guard transport == .tls else { return nil }
        return SDESKeying(suites: SRTPProfile.allCases.map(\.name), localKeyMaterial: key)
    }

    private func mediaReady(_ call: Call, offer: SessionDescription, bound: RTPSocket.Bound, sessionID: UInt64) {
        let negotiated: NegotiatedAudio
        let answer: SessionDescription
        do {
            (answer, negotiated) = try SDPOfferAnswer.answer(
                offer: offer,
                supported: self.supportedCodecs,
                telephoneEvent: true,
                localAddress: self.configuration.mediaAddress,
                localPort: bound.port,
                sessionID: sessionID,
                sdes: self.sdesKeying(transport: call.transport, key: call.srtpKeyMaterial),
                rtcpMux: self.configuration.rtcpMux
            )
        } catch {
            self.countInvite(status: 488)
            call.invite?.respond(status: 488, reason: "Not Acceptable Here - no common codec")
            bound.close()
            self.end(call)
            return
        }
        let remote = try? SocketAddress(ipAddress: negotiated.remoteAddress, port: negotiated.remotePort)
        let parameters = MediaParameters(negotiated: negotiated, remote: remote)
        call.answer = answer
        call.leg = self.makeLeg(bound: bound, parameters: parameters, room: call.room)
        if self.configuration.ringDuration > .zero {
            call.state = .ringing
            if let invite = call.invite {
                let reliable =
                    invite.peerRequiresReliableProvisionals
                    || (self.configuration.reliableProvisionals == .whenSupported
                        && invite.peerSupportsReliableProvisionals)
                let headers: [(HeaderName, String)] = [
                    (.contact, "<sip:\(call.room.extensionNumber)@\(self.userAgent.hostPort(for: invite.transport))>"),
                    (.allow, Self.allowedMethods), (.supported, Self.supportedExtensions),
                ]
                if reliable {
                    // RFC 3262: the 200 OK below is held by the core until this 180 is PRACKed.
                    invite.respondReliably(status: 180, extraHeaders: headers)
                } else {
                    invite.respond(status: 180, extraHeaders: headers)
                }
            }
            self.sipLoop.assumeIsolated().scheduleTask(in: TimeAmount(self.configuration.ringDuration)) {
                self.answer(call)
            }
        } else {
            self.answer(call)
        }
    }

    private func answer(_ call: Call) {
        guard call.state == .settingUp || call.state == .ringing, let answer = call.answer, let leg = call.leg else {
            return
        }
        call.state = .answered
        self.countInvite(status: 200)
        if let invite = call.invite { invite.respond(self.okWithSDP(for: invite.request, call: call, sdp: answer)) }
        self.startSessionTimer(call)
        if let old = call.replacing {
            // The transferred party takes the old caller's place; the old call is released with BYE.
            call.replacing = nil
            call.replacedParticipant = old.participantID
            self.sendBye(old)
            self.end(old, announce: false, replacedBy: call.participantID)
        }
        self.handToRoom(call, leg: leg)
    }

    /// Gives the media leg to the room's loop and starts the caller's way in; from here only the room
    /// touches the leg.
    func handToRoom(_ call: Call, leg: MediaLeg) {
        let room = call.room
        let id = call.participantID
        let name = call.displayName
        let source = call.destination.ipAddress ?? "unknown"
        let admitted = call.admitted
        let replaced = call.replacedParticipant
        let handOver = HandOver(leg)
        call.leg = nil
        room.eventLoop.execute {
            room.assumeIsolated {
                $0.add(
                    id: id,
                    media: handOver.take(),
                    source: source,
                    displayName: name,
                    admitted: admitted,
                    replacing: replaced
                )
            }
        }
    }

    /// Our Contact in a call's dialog; a TLS dialog's in-dialog requests must reach the TLS listener
    /// (RFC 3261 §12.1.1, §26.2.1).
    func contactValue(for call: Call) -> String {
        call.transport == .tls
            ? "<sip:\(call.room.extensionNumber)@\(self.userAgent.hostPort(for: .tls));transport=tls>"
            : "<sip:\(call.room.extensionNumber)@\(self.userAgent.hostPort)>"
    }

    func okWithSDP(for request: SIPRequest, call: Call, sdp: SessionDescription) -> SIPResponse {
        var response = SIPResponse(replyingTo: request, statusCode: 200, toTag: call.localTag)
        response.headers.add(.contact, self.contactValue(for: call))
        response.headers.add(.allow, Self.allowedMethods)
        self.addSessionHeaders(to: &response, call: call)
        response.headers.add(.contentType, "application/sdp")
        response.body = Array(String(describing: sdp).utf8)
        return response
    }

    /// A re-INVITE (RFC 3261 §14): a target refresh, hold and resume by direction (RFC 3264 §8.4), a new media
    /// address, and a session refresh (RFC 4028).
    private func answerReInvite(_ transaction: ServerTransaction, call: Call) {
        guard call.state == .answered else {
            // RFC 3261 §14.2: a second INVITE while the first is pending.
            transaction.respond(status: 491, reason: "Request Pending", toTag: call.localTag)
            return
        }
        self.answerTargetRefresh(transaction, call: call)
    }

    // MARK: - BYE, INFO

    private func receivedBye(_ transaction: ServerTransaction) {
        guard let callID = transaction.request.headers.callID, let call = self.calls[callID] else {
            transaction.respond(status: 481, reason: "Call/Transaction Does Not Exist")
            return
        }
        transaction.respond(status: 200)
        if call.state != .answered {
            // BYE before our final answer ends the INVITE too (RFC 3261 §15.1.2).
            call.invite?.respond(status: 487)
        }
        self.end(call)
    }

    private func receivedInfo(_ transaction: ServerTransaction) {
        guard let callID = transaction.request.headers.callID, let call = self.calls[callID] else {
            transaction.respond(status: 481, reason: "Call/Transaction Does Not Exist")
            return
        }
        transaction.respond(status: 200)
        guard let digit = Self.infoDigit(transaction.request) else { return }
        let room = call.room
        let id = call.participantID
        room.eventLoop.execute { room.assumeIsolated { $0.receivedDigit(digit, for: id) } }
    }

    /// The digit in an INFO body of type application/dtmf-relay ("Signal=5") or application/dtmf ("5").
    static func infoDigit(_ request: SIPRequest) -> Character? {
        let type = request.headers.contentType?.lowercased() ?? ""
        let body = String(decoding: request.body, as: UTF8.self)
        var candidate: Substring?
        if type.hasPrefix("application/dtmf-relay") {
            for line in body.split(whereSeparator: { $0.isNewline }) {
                let parts = line.split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces).lowercased() == "signal" {
                    candidate = parts[1].trimmingCharacters(in: .whitespaces)[...]
                }
            }
        } else if type.hasPrefix("application/dtmf") {
            candidate = body.trimmingCharacters(in: .whitespacesAndNewlines)[...]
        }
        guard let candidate, candidate.count == 1, let digit = candidate.first, "0123456789*#ABCD".contains(digit)
        else { return nil }
        return digit
    }

    // MARK: - Ending calls

    /// Called from a room (any loop) when the caller flow wants the call gone.
    func roomRequestedHangUp(_ id: ParticipantID) {
        self.sipLoop.execute {
            guard let call = self.calls.values.first(where: { $0.participantID == id }) else { return }
            self.sendBye(call)
            self.end(call)
        }
    }

    func sendBye(_ call: Call) {
        guard call.state == .answered else { return }
        var bye = self.inDialogRequest(.bye, in: call)
        let nextHop = self.route(&bye, in: call)
        self.userAgent.sendRequest(bye, to: nextHop, transport: call.transport) { _ in }
    }

    /// Routes `request` through `call`'s route set (RFC 3261 §12.2.1.1): adds the Route headers, sets the
    /// Request-URI, and returns where to send it. Without a route set the request is unchanged and goes to the
    /// call's destination, as the peer's messages came from there.
    func route(_ request: inout SIPRequest, in call: Call) -> SocketAddress {
        guard !call.routeSet.isEmpty else { return call.destination }
        let target = request.uri
        let route = DialogRoute(routeSet: call.routeSet, remoteTarget: target)
        route.apply(to: &request)
        let hop = route.nextHop
        // A hop equal to the target means the first route did not parse: keep today's destination.
        guard hop != target,
            let address = Self.socketAddress(of: hop)
        else {
            self.logger.debug(
                "first route has no IP address; sending to the peer's source",
                metadata: ["call-id": "\(call.callID)", "hop": "\(hop)"]
            )
            return call.destination
        }
        return address
    }

    /// A request in `call`'s dialog (RFC 3261 §12.2.1.1): our tags, the next CSeq, the peer's Contact.
    func inDialogRequest(_ method: SIPMethod, in call: Call) -> SIPRequest {
        var request = SIPRequest(method: method, uri: call.remoteTarget)
        request.headers.add(.from, call.localAddressHeader)
        request.headers.add(.to, call.remoteAddressHeader)
        request.headers.add(.callID, call.callID)
        call.localCSeq += 1
        request.headers.add(.cseq, "\(call.localCSeq) \(method.token)")
        return request
    }

    func end(_ call: Call, announce: Bool = true, replacedBy: ParticipantID? = nil) {
        guard call.state != .ended else { return }
        call.state = .ended
        self.calls[call.callID] = nil
        self.stopSessionTimer(call)
        call.leg?.close()
        call.leg = nil
        if let port = call.rtpPort { self.ports.release(port) }
        let room = call.room
        let id = call.participantID
        if replacedBy == nil {
            room.eventLoop.execute { room.assumeIsolated { $0.remove(id: id, announce: announce) } }
        }
        // A room with no calls left is forgotten; the next caller starts it afresh (on any loop).
        if !self.calls.values.contains(where: { $0.room === room }) {
            self.roomsByExtension[room.extensionNumber] = nil
        }
    }

    func newParticipantID() -> ParticipantID {
        let id = ParticipantID(self.nextParticipant)
        self.nextParticipant += 1
        return id
    }

    func room(for definition: RoomDefinition) -> ConferenceRoom {
        if let room = self.roomsByExtension[definition.extensionNumber] {
            room.eventLoop.execute { room.assumeIsolated { $0.updateDefinition(definition) } }
            return room
        }
        let rate = definition.options.internalSampleRate
        let prompts: PromptLibrary
        if rate == self.prompts.sampleRate {
            prompts = self.prompts
        } else if let cached = self.promptsByRate[rate] {
            prompts = cached
        } else {
            prompts = self.prompts.resampled(to: rate)
            self.promptsByRate[rate] = prompts
        }
        let environment = RoomEnvironment(
            prompts: prompts,
            pinGuard: self.pinGuard,
            recordingsDirectory: self.configuration.recordingsDirectory,
            digitTimeout: self.configuration.digitTimeout,
            rtpTimeout: self.configuration.rtpTimeout,
            hangUp: { [weak self] id in self?.roomRequestedHangUp(id) },
            publish: { [eventHandler = self.eventHandler] event in eventHandler?(event) },
            metrics: self.metrics,
            logger: self.logger
        )
        let room = ConferenceRoom(definition: definition, eventLoop: self.group.next(), environment: environment)
        self.roomsByExtension[definition.extensionNumber] = room
        return room
    }
}

/// Moves a loop-confined object from the SIP loop to a room's loop exactly once.
///
/// Safety: the sender drops its reference before the hop, and only the receiving loop reads it afterwards.
final class HandOver<Value>: @unchecked Sendable {
    private var value: Value?
    init(_ value: Value) { self.value = value }
    func take() -> Value {
        guard let value = self.value else { preconditionFailure("HandOver.take() called twice") }
        self.value = nil
        return value
    }
}
