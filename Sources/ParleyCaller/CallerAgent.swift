public import NIOCore
import NIOPosix
import RTP
import SIPCore

/// A SIP user agent client that places calls, sends audio and DTMF, and records what it hears.
///
/// It is the project's own test peer (and the core of the load generator): one UDP SIP socket and one event
/// loop for all its calls, with a single 20 ms clock driving every call's sender.
public final class CallerAgent: TransactionUser, @unchecked Sendable {
    // Safety: mutable state is touched only on `eventLoop`; public methods hop there.
    public let eventLoop: any EventLoop
    public let userAgent: UserAgentCore
    let host: String
    private var calls: [String: OutboundCall] = [:]
    private var clock: Scheduled<Void>?
    private var clockStart = NIODeadline.now()
    private var clockTicks: Int64 = 0
    private var lateTicks = 0
    private var sipChannel: (any Channel)?
    private var tlsChannel: (any Channel)?

    private init(eventLoop: any EventLoop, host: String) {
        self.eventLoop = eventLoop
        self.host = host
        // A test caller talks to one server, which may well send it more than a flooder would: no limits.
        self.userAgent = UserAgentCore(
            eventLoop: eventLoop,
            advertisedHost: host,
            advertisedPort: 0,
            overloadPolicy: .unlimited
        )
        self.userAgent.productName = "Parley-Caller"
    }

    /// Starts an agent bound to `host` on a free port; with `tls`, it can also place calls over SIP over TLS
    /// (it then listens for TLS on a free port too, with that certificate).
    public static func start(
        on eventLoop: any EventLoop,
        host: String = "127.0.0.1",
        tls: SIPTLSConfiguration? = nil
    ) async throws -> CallerAgent {
        let agent = CallerAgent(eventLoop: eventLoop, host: host)
        try await eventLoop.flatSubmit { () -> EventLoopFuture<Void> in
            agent.userAgent.transactionUser = agent
            agent.userAgent.strayInviteSuccessHandler = { [weak agent] response in agent?.reAck(response) }
            return SIPUDPTransport.bind(agent.userAgent, host: host, port: 0).flatMap { channel in
                agent.sipChannel = channel
                agent.startClock()
                guard let tls else { return eventLoop.makeSucceededVoidFuture() }
                return SIPTLSTransport.bind(agent.userAgent, host: host, port: 0, tls: tls).map {
                    agent.tlsChannel = $0
                }
            }
        }.get()
        return agent
    }

    public func shutdown() async throws {
        try await self.eventLoop.flatSubmit { () -> EventLoopFuture<Void> in
            self.clock?.cancel()
            self.clock = nil
            for call in self.calls.values { call.finish(byRemote: false) }
            self.calls.removeAll()
            self.userAgent.shutdown()
            self.tlsChannel?.close(promise: nil)
            return self.sipChannel?.close() ?? self.eventLoop.makeSucceededVoidFuture()
        }.get()
    }

    /// Calls `user` at `server`, offering `codecs` (PCMU, PCMA), and returns once the call is answered.
    ///
    /// With `widebandAudio`, a call that settles on G.722 (Opus) sends and records at 16 (48) kHz, so a test
    /// can hear what an 8 kHz path would lose.
    ///
    /// With `transport: .tls` the signalling goes over SIP over TLS (the agent must have been started with a
    /// certificate); with `srtp` the audio is offered as SRTP (`RTP/SAVP`) with a fresh SDES key for each
    /// suite listed, in that order (RFC 4568), and the call fails unless the answer accepts one.
    ///
    /// With `audioRate`, a G.722 or Opus call sends and records at that rate instead (8000, 16000 or 48000; Opus
    /// codes it natively, G.722 is resampled from and to 16 kHz when it differs); G.711 calls stay at 8 kHz.
    ///
    /// An Opus call sends with in-band FEC (RFC 7587 §3.4), sized by libopus for `opusExpectedLossPercent` of
    /// the packets lost, so the far end can rebuild a lost frame from the next packet; it codes at `opusBitrate`
    /// bit/s with libopus complexity `opusComplexity` (0 to 10).
    ///
    /// The call speaks RTCP (RFC 3550 §6): reports every `rtcpInterval` (randomised), on the RTP port + 1, or on
    /// the RTP port when `rtcpMux` is offered and the answer accepts it (RFC 5761); an RTCP BYE on hang-up.
    /// The INVITE offers 100rel and timer: a reliable provisional response is PRACKed (RFC 3262), a 422 is
    /// retried with the server's Min-SE, and when the 2xx names the caller refresher it refreshes by UPDATE (or
    /// re-INVITE) at half the interval (RFC 4028); `sessionTimers` sets the interval it asks for.
    /// - Throws: ``CallerError`` with the final status if the server refuses the call.
    public func call(
        user: String,
        server: SocketAddress,
        source: AudioSource = .silence,
        codecs: [String] = ["PCMU", "PCMA"],
        telephoneEvent: Bool = true,
        displayName: String = "Test Caller",
        extraHeaders: [(HeaderName, String)] = [],
        widebandAudio: Bool = false,
        transport: SIPTransportKind = .udp,
        srtp: [SRTPProfile] = [],
        rtcpMux: Bool = false,
        rtcpInterval: Duration = .seconds(5),
        sessionTimers: SessionTimerNegotiation.Policy = .init(),
        opusExpectedLossPercent: Int = 10,
        audioRate: Int? = nil,
        opusBitrate: Int = 32000,
        opusComplexity: Int = 5
    ) async throws -> OutboundCall {
        let loop = self.eventLoop
        let (call, answered) = try await loop.flatSubmit {
            () -> EventLoopFuture<(OutboundCall, EventLoopFuture<Void>)> in
            let callID = SIPToken.random(length: 16) + "@" + self.host
            let localTag = SIPToken.random(length: 8)
            let serverHost = server.ipAddress ?? "127.0.0.1"
            let serverPort = server.port ?? 5060
            var invite = SIPRequest(
                method: .invite,
                uri: SIPURI(scheme: "sip", user: user, host: serverHost, port: serverPort)
            )
            invite.headers.add(.from, "\"\(displayName)\" <sip:caller@\(self.userAgent.hostPort)>;tag=\(localTag)")
            invite.headers.add(.to, "<sip:\(user)@\(serverHost):\(serverPort)>")
            invite.headers.add(.callID, callID)
            invite.headers.add(.cseq, "1 INVITE")
            let contact =
                transport == .udp
                ? "<sip:caller@\(self.userAgent.hostPort)>"
                : "<sip:caller@\(self.userAgent.hostPort(for: transport));transport=\(transport.viaToken.lowercased())>"
            invite.headers.add(.contact, contact)
            invite.headers.add(.allow, "INVITE, ACK, BYE, CANCEL, OPTIONS, INFO")
            invite.headers.add(.contentType, "application/sdp")
            for (name, value) in extraHeaders { invite.headers.add(name, value) }
            // RFC 3262 and RFC 4028 as the caller: offer 100rel and timer, ask for a session interval.
            let extensions = UACInviteExtensions(sessionTimers: sessionTimers)
            extensions.prepare(&invite)
            let prepared = invite
            let call = OutboundCall(
                agent: self,
                callID: callID,
                target: user,
                invite: invite,
                localTag: localTag,
                source: source
            )
            call.wantsWidebandAudio = widebandAudio
            call.opusExpectedLossPercent = opusExpectedLossPercent
            call.requestedAudioRate = audioRate
            call.opusBitrate = opusBitrate
            call.opusComplexity = opusComplexity
            call.extensions = extensions
            call.transport = transport
            call.server = server
            call.rtcpInterval = TimeAmount(rtcpInterval)
            let promise = loop.makePromise(of: Void.self)
            call.answerPromise = promise
            // RTCP on port + 1 until the answer says whether it takes rtcp-mux (RFC 5761 §5.1.1).
            return RTPSocket.bind(
                host: self.host,
                allocator: CallerAgent.ports,
                on: loop,
                makeRTCPHandler: { CallerMediaHandler(call: call, rtcp: true) }
            ) {
                CallerMediaHandler(call: call)
            }.flatMapErrorThrowing { error in
                // No media socket: the call never starts, and its answer promise must not be left pending.
                call.answerPromise = nil
                promise.fail(error)
                throw error
            }.map { bound in
                call.channel = bound.channel
                call.sender = bound.sender
                call.mediaPort = bound.port
                call.rtcpChannel = bound.rtcpChannel
                var offered = prepared
                let offer = SDPOfferAnswer.offer(
                    codecs: codecs.compactMap { name -> SupportedCodec? in
                        switch name {
                        case "PCMU": .pcmu
                        case "PCMA": .pcma
                        case "G722": .g722
                        case "OPUS": .opus
                        default: nil
                        }
                    },
                    telephoneEvent: telephoneEvent,
                    localAddress: self.host,
                    localPort: bound.port,
                    sessionID: UInt64.random(in: 1...UInt64(Int32.max)),
                    crypto: srtp.enumerated().map { offset, profile in
                        SDPCryptoAttribute(
                            tag: offset + 1,
                            suite: profile.name,
                            keyMaterial: SRTPMasterKey.random().concatenated
                        )
                    },
                    rtcpMux: rtcpMux
                )
                call.offer = offer
                offered.body = Array(String(describing: offer).utf8)
                call.inviteRequest = offered
                self.calls[callID] = call
                self.userAgent.sendRequest(offered, to: server, transport: transport) { [weak self] result in
                    self?.inviteResult(result, call: call, server: server)
                }
                return (call, promise.futureResult)
            }
        }.get()
        try await answered.get()
        return call
    }

    /// RTP ports for test callers: 10 000 even ports, a range apart from the server's defaults, enough for the load
    /// generator's 5000 callers.
    static let ports = RTPPortAllocator(range: 40000...59999)

    // MARK: - On the loop

    private func inviteResult(_ result: ClientTransactionResult, call: OutboundCall, server: SocketAddress) {
        switch result {
        case .response(let response) where response.statusCode < 200:
            // RFC 3262 §4: a reliable provisional response is acknowledged with PRACK, in its early dialog.
            guard case .acknowledge(let rack) = call.extensions.receivedProvisional(response), !call.answered
            else { return }
            call.localCSeq += 1
            let prack = UACInviteExtensions.prack(
                acknowledging: response,
                rack: rack,
                invite: call.inviteRequest,
                sequence: call.localCSeq
            )
            if call.transport != .udp {
                self.userAgent.sendRequest(prack, to: server, transport: call.transport) { _ in }
            } else {
                // The early dialog's next hop: its first route (RFC 3261 §12.1.2), else the Contact.
                let target = UACInviteExtensions.earlyDialogRoute(of: response, invite: call.inviteRequest).nextHop
                let address = (try? SocketAddress(ipAddress: target.host, port: target.port ?? 5060)) ?? server
                self.userAgent.sendRequest(prack, to: address) { _ in }
            }
        case .response(let response) where response.statusCode < 300:
            call.remoteTag = response.headers.to?.tag
            call.remoteTarget = response.headers.contacts.first?.uri
            self.sendAck(for: response, call: call, server: server)
            guard !call.answered else { return }
            call.startSessionTimer(after: response)
            let media: NegotiatedAudio
            do {
                let answer = try SessionDescription(parsing: String(decoding: response.body, as: UTF8.self))
                media = try SDPOfferAnswer.negotiated(answer: answer, offer: call.offer)
            } catch {
                call.answerPromise?.fail(CallerError(.badAnswer, "200 OK without a usable SDP answer: \(error)"))
                call.answerPromise = nil
                return
            }
            if call.offer?.media.first?.isSecureRTP == true {
                // We offered SRTP: without a usable answer key the call must not fall back to plain RTP.
                guard let crypto = media.crypto, let profile = SRTPProfile(name: crypto.suite),
                    let local = SRTPMasterKey(concatenated: crypto.localKeyMaterial),
                    let remote = SRTPMasterKey(concatenated: crypto.remoteKeyMaterial)
                else {
                    call.answerPromise?.fail(CallerError(.badAnswer, "SRTP offered, but the answer has no usable key"))
                    call.answerPromise = nil
                    return
                }
                call.srtpSender = SRTPSender(profile: profile, masterKey: local)
                call.srtpReceiver = SRTPReceiver(profile: profile, masterKey: remote)
                call.srtpProfileInUse = profile
            }
            call.remoteMedia = try? SocketAddress(ipAddress: media.remoteAddress, port: media.remotePort)
            call.startRTCP(media)
            call.payloadType = UInt8(truncatingIfNeeded: media.payloadType)
            call.telephoneEventPayloadType = UInt8(truncatingIfNeeded: media.telephoneEventPayloadType ?? 101)
            call.law = media.codecName.uppercased() == "PCMA" ? .aLaw : .muLaw
            call.codecName = media.codecName.uppercased()
            let wide = call.codecName == "G722" || call.codecName == "OPUS"
            let wideRate = call.codecName == "G722" ? 16000 : 48000
            let rate = !wide ? 8000 : call.requestedAudioRate ?? (call.wantsWidebandAudio ? wideRate : 8000)
            call.audioRate = rate
            call.frame = [Int16](repeating: 0, count: rate / 50)
            call.heardFrame = [Int16](repeating: 0, count: rate / 50)
            switch call.codecName {
            case "G722": call.wideband = try? WidebandCodec(.g722, frameSize: rate / 50, audioRate: rate)
            case "OPUS":
                call.wideband = try? WidebandCodec(
                    .opus,
                    frameSize: rate / 50,
                    audioRate: rate,
                    opus: OpusEncoderWrapper.Configuration(
                        bitrate: call.opusBitrate,
                        inbandFEC: true,
                        packetLossPercent: call.opusExpectedLossPercent,
                        complexity: call.opusComplexity
                    )
                )
            default: break
            }
            call.answered = true
            call.answerPromise?.succeed(())
            call.answerPromise = nil
        case .response(let response):
            if !call.answered,
                let retry = call.extensions.retry(
                    after: response,
                    invite: call.inviteRequest,
                    sequence: call.localCSeq + 1
                )
            {
                // RFC 4028 §7.3: 422 names the server's minimum; ask again with at least that.
                call.localCSeq += 1
                call.inviteRequest = retry
                self.userAgent.sendRequest(retry, to: server, transport: call.transport) { [weak self] result in
                    self?.inviteResult(result, call: call, server: server)
                }
                return
            }
            self.calls[call.callID] = nil
            call.answerPromise?.fail(
                CallerError(
                    .rejected,
                    statusCode: response.statusCode,
                    "\(response.statusCode) \(response.reasonPhrase)"
                )
            )
            call.answerPromise = nil
            call.finish(byRemote: true)
        case .timedOut, .transportError:
            self.calls[call.callID] = nil
            call.answerPromise?.fail(CallerError(.timedOut, "no answer to INVITE"))
            call.answerPromise = nil
            call.finish(byRemote: true)
        }
    }

    /// RFC 3261 §13.2.2.4: the UAC core acknowledges every 2xx (retransmissions too) with its own ACK.
    private func sendAck(for response: SIPResponse, call: OutboundCall, server: SocketAddress) {
        var ack = SIPRequest(method: .ack, uri: call.remoteTarget ?? call.inviteRequest.uri)
        ack.headers.add(.from, call.inviteRequest.headers[.from] ?? "")
        ack.headers.add(.to, response.headers[.to] ?? "")
        ack.headers.add(.callID, call.callID)
        ack.headers.add(.cseq, "\(call.inviteRequest.headers.cseq?.sequence ?? 1) ACK")
        self.userAgent.sendStateless(ack, to: server, transport: call.transport)
    }

    private func reAck(_ response: SIPResponse) {
        guard let callID = response.headers.callID, let call = self.calls[callID],
            let server = call.inviteRequest.uri.port.flatMap({
                try? SocketAddress(ipAddress: call.inviteRequest.uri.host, port: $0)
            })
        else { return }
        self.sendAck(for: response, call: call, server: server)
    }

    func sendACK(_ ack: SIPRequest, for call: OutboundCall) {
        if call.transport != .udp, let server = call.server {
            self.userAgent.sendStateless(ack, to: server, transport: call.transport)
            return
        }
        let uri = ack.uri
        guard let address = try? SocketAddress(ipAddress: uri.host, port: uri.port ?? 5060) else { return }
        self.userAgent.sendStateless(ack, to: address)
    }

    /// Sends an in-dialog request: over a stream transport to the server the call went to (the connection it
    /// is already on), else over UDP to the remote target.
    func send(
        _ request: SIPRequest,
        for call: OutboundCall,
        completion: @escaping (ClientTransactionResult) -> Void
    ) {
        if call.transport != .udp, let server = call.server {
            self.userAgent.sendRequest(request, to: server, transport: call.transport, completion: completion)
            return
        }
        let uri = request.uri
        guard let address = try? SocketAddress(ipAddress: uri.host, port: uri.port ?? 5060) else {
            completion(.transportError)
            return
        }
        self.userAgent.sendRequest(request, to: address, completion: completion)
    }

    /// Sender ticks that ran more than 10 ms after their deadline: when this grows, the generator (not the server)
    /// is the bottleneck.
    public var lateSenderTicks: Int {
        get async throws { try await self.eventLoop.submit { self.lateTicks }.get() }
    }

    /// Calls in progress (answered or not, not yet ended).
    public var callCount: Int {
        get async throws { try await self.eventLoop.submit { self.calls.count }.get() }
    }

    private func startClock() {
        self.clockStart = .now()
        self.clockTicks = 0
        self.scheduleTick()
    }

    /// Deadline-based: tick n fires at start + n·20 ms, so a slow tick never makes the senders drift.
    private func scheduleTick() {
        self.clockTicks += 1
        let deadline = self.clockStart + .milliseconds(20 * self.clockTicks)
        self.clock = self.eventLoop.scheduleTask(deadline: deadline) { [weak self] in
            guard let self, self.clock != nil else { return }
            let now = NIODeadline.now()
            if now - deadline > .milliseconds(10) { self.lateTicks += 1 }
            for call in self.calls.values {
                call.sendTick()
                call.sendRTCPIfDue(now: now)
            }
            // Far behind (a stalled loop): skip the missed ticks instead of sending a burst.
            if now - deadline > .milliseconds(100) {
                self.clockTicks = (now - self.clockStart).nanoseconds / 20_000_000
            }
            self.scheduleTick()
        }
    }

    // MARK: - TransactionUser

    public func userAgent(_ userAgent: UserAgentCore, received transaction: ServerTransaction) {
        let request = transaction.request
        guard let callID = request.headers.callID, let call = self.calls[callID] else {
            transaction.respond(status: 481)
            return
        }
        switch request.method {
        case .bye:
            transaction.respond(status: 200)
            self.calls[callID] = nil
            call.finish(byRemote: true)
        case .notify:
            transaction.respond(status: 200)
            call.notifications.append(String(decoding: request.body, as: UTF8.self))
        case .update, .invite:
            call.answerTargetRefresh(transaction)
        default:
            transaction.respond(status: 200)
        }
    }

    public func userAgent(_ userAgent: UserAgentCore, receivedACK ack: SIPRequest, from source: SocketAddress) {}
    public func userAgent(_ userAgent: UserAgentCore, cancelled invite: ServerTransaction) {
        invite.respond(status: 487)
    }
    public func userAgent(_ userAgent: UserAgentCore, ackTimedOutFor invite: ServerTransaction) {}
}
