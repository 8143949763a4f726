import NIOCore
import RTP
import SIPCore

/// Calls Parley places itself: an admin's dial-out into a room, and the party a participant brings in with
/// REFER (RFC 3515). The callee needs no PIN: they were invited.
extension ConferenceBridge {
    /// Why a dial-out did not connect.
    public struct DialOutError: Error, Sendable, CustomStringConvertible {
        /// The final status from the callee (408 when no answer came).
        public var status: Int
        /// The reason phrase that came with it.
        public var reason: String
        public var description: String { "\(self.status) \(self.reason)" }
    }

    /// Calls `target` and puts whoever answers into room `extensionNumber`, admitted without a PIN.
    ///
    /// - Parameters:
    ///   - target: the SIP URI to call.
    ///   - extensionNumber: the room the answered call joins.
    ///   - destination: where to send the INVITE; nil means the target URI's host and port, which
    ///     must then be an IP address (this bridge does no DNS).
    ///   - displayName: shown to the callee in From, when given.
    ///   - ringTimeout: how long to ring; a call not answered in time is cancelled (CANCEL, RFC 3261 §9) and
    ///     fails with 408, so nothing rings on for ever; one answered too late is hung up at once.
    ///
    /// A `sips:` target, or one with `;transport=tls`, is called over SIP over TLS (the bridge needs its TLS
    /// listener), and its audio is offered as SRTP only (`RTP/SAVP` with an SDES key per suite, RFC 4568): the
    /// callee's answer key protects what it sends, ours what we send, and an answer without a usable key is hung
    /// up (488) rather than falling back to clear audio. Any other target is called over UDP with plain RTP.
    /// - Returns: the new participant's ID once the call is answered.
    public func dialOut(
        _ target: SIPURI,
        into extensionNumber: String,
        via destination: SocketAddress? = nil,
        displayName: String? = nil,
        ringTimeout: Duration? = nil
    ) -> EventLoopFuture<ParticipantID> {
        self.sipLoop.flatSubmit {
            let promise = self.sipLoop.makePromise(of: ParticipantID.self)
            self.placeCall(
                target,
                into: extensionNumber,
                via: destination,
                displayName: displayName,
                ringTimeout: ringTimeout
            ) { result in
                promise.completeWith(result.mapError { $0 as any Error })
            }
            return promise.futureResult
        }
    }

    /// Starts an outbound call on the SIP loop; `completion` runs once, with the participant or the failure.
    func placeCall(
        _ target: SIPURI,
        into extensionNumber: String,
        via destination: SocketAddress?,
        displayName: String?,
        ringTimeout: Duration? = nil,
        progress: ((Int, String) -> Void)? = nil,
        completion: @escaping (Result<ParticipantID, DialOutError>) -> Void
    ) {
        let definition: RoomDefinition?
        do {
            definition = try self.store.room(extensionNumber: extensionNumber)
        } catch {
            completion(.failure(DialOutError(status: 500, reason: "room store unavailable")))
            return
        }
        guard let definition else {
            completion(.failure(DialOutError(status: 404, reason: "no room at extension \(extensionNumber)")))
            return
        }
        let address: SocketAddress
        if let destination {
            address = destination
        } else if let resolved = Self.socketAddress(of: target) {
            address = resolved
        } else {
            completion(.failure(DialOutError(status: 416, reason: "target host must be an IP address: \(target.host)")))
            return
        }
        let secure = target.scheme == "sips" || target.parameters["transport"]?.lowercased() == "tls"
        guard !secure || self.configuration.tls != nil else {
            completion(.failure(DialOutError(status: 503, reason: "a sips: or TLS target needs the TLS listener")))
            return
        }
        let room = self.room(for: definition)
        let id = self.newParticipantID()
        let callID = SIPToken.random(length: 20) + "@parley"
        let localTag = SIPToken.random(length: 10)
        let local = "\"Parley \(definition.name)\" <sip:\(extensionNumber)@\(self.userAgent.hostPort)>;tag=\(localTag)"
        let call = Call(
            callID: callID,
            room: room,
            participantID: id,
            localTag: localTag,
            invite: nil,
            localAddressHeader: local,
            remoteAddressHeader: "<\(target)>",
            remoteTarget: target,
            destination: address,
            displayName: displayName ?? target.user ?? "guest"
        )
        call.admitted = .user
        if secure { call.transport = .tls }
        self.calls[callID] = call
        // RTCP on port + 1 until the answer says whether it takes rtcp-mux (RFC 5761 §5.1.1).
        RTPSocket.bind(
            host: self.configuration.rtpHost,
            allocator: self.ports,
            on: room.eventLoop,
            makeRTCPHandler: { RTPReceiveHandler(room: room, id: id, rtcp: true) }
        ) {
            RTPReceiveHandler(room: room, id: id)
        }.hop(to: self.sipLoop).whenComplete { result in
            switch result {
            case .failure:
                self.end(call)
                completion(.failure(DialOutError(status: 503, reason: "no media port free")))
            case .success(let bound):
                call.rtpPort = bound.port
                guard call.state == .settingUp else {
                    bound.close()
                    return
                }
                self.sendInvite(
                    for: call,
                    bound: bound,
                    ringTimeout: ringTimeout,
                    progress: progress,
                    completion: completion
                )
            }
        }
    }

    private func sendInvite(
        for call: Call,
        bound: RTPSocket.Bound,
        ringTimeout: Duration?,
        progress: ((Int, String) -> Void)?,
        completion: @escaping (Result<ParticipantID, DialOutError>) -> Void
    ) {
        // Over TLS the audio is offered as SRTP only, one a=crypto line per suite we support, our key in each
        // (RFC 4568 §6.1): only the line the answer picks is ever used.
        let crypto =
            call.transport == .tls
            ? SRTPProfile.allCases.enumerated().map { offset, profile in
                SDPCryptoAttribute(tag: offset + 1, suite: profile.name, keyMaterial: call.srtpKeyMaterial)
            } : []
        let offer = SDPOfferAnswer.offer(
            codecs: self.supportedCodecs,
            localAddress: self.configuration.mediaAddress,
            localPort: bound.port,
            sessionID: self.sessionIDBase &+ call.participantID.rawValue,
            crypto: crypto,
            rtcpMux: self.configuration.rtcpMux
        )
        var invite = SIPRequest(method: .invite, uri: call.remoteTarget)
        invite.headers.add(.from, call.localAddressHeader)
        invite.headers.add(.to, call.remoteAddressHeader)
        invite.headers.add(.callID, call.callID)
        invite.headers.add(.cseq, "\(call.localCSeq) INVITE")
        invite.headers.add(.contact, self.contactValue(for: call))
        invite.headers.add(.allow, Self.allowedMethods)
        invite.headers.add(.contentType, "application/sdp")
        invite.body = Array(String(describing: offer).utf8)
        // RFC 3262 and RFC 4028 as the caller: offer 100rel and timer, ask for a session interval.
        var extensions = UACInviteExtensions(sessionTimers: self.configuration.sessionTimers)
        extensions.prepare(&invite)
        var finished = false
        var abandoned = false
        // The request in flight and its branch: a digest or 422 retry replaces both, and a CANCEL must name the
        // transaction that is ringing.
        var current = invite
        var branch = SIPToken.branch()
        var challengesLeft = 2
        let credentials = self.trunkCredentials(for: call.destination)
        if let ringTimeout {
            self.sipLoop.assumeIsolated().scheduleTask(in: TimeAmount(ringTimeout)) {
                guard !finished else { return }
                finished = true
                abandoned = true
                self.cancelInvite(current, branch: branch, to: call.destination, transport: call.transport)
                bound.close()
                self.end(call)
                completion(.failure(DialOutError(status: 408, reason: "no answer within \(ringTimeout)")))
            }
        }
        func transmit() {
            self.userAgent.sendRequest(current, to: call.destination, transport: call.transport, branch: branch) {
                result in
                handle(result)
            }
        }
        func handle(_ result: ClientTransactionResult) {
            // RFC 3261 §22.2, §22.3: the trunk wants the account's digest. The INVITE transaction has already
            // acknowledged the 401/407; the retry is a new transaction with CSeq one higher, the same Call-ID and
            // From tag. Credentials go only to the trunk's own address.
            if case .response(let response) = result, response.statusCode == 401 || response.statusCode == 407,
                !finished, challengesLeft > 0, let credentials,
                let retry = try? current.authorizedRetry(after: response, credentials: credentials)
            {
                challengesLeft -= 1
                current = retry
                branch = SIPToken.branch()
                call.localCSeq = retry.headers.cseq?.sequence ?? call.localCSeq &+ 1
                transmit()
                return
            }
            switch result {
            case .response(let response) where response.statusCode < 200:
                switch extensions.receivedProvisional(response) {
                case .ignore: return
                case .process: break
                case .acknowledge(let rack):
                    guard !finished else { break }
                    call.localCSeq += 1
                    let prack = UACInviteExtensions.prack(
                        acknowledging: response,
                        rack: rack,
                        invite: current,
                        sequence: call.localCSeq
                    )
                    // RFC 3261 §12.1.2: behind a record-routing proxy the PRACK goes to that proxy (the first
                    // entry of the early dialog's route set); without one, to where the INVITE went.
                    let hop = UACInviteExtensions.earlyDialogRoute(of: response, invite: current).nextHop
                    let nextHop =
                        response.headers.values(.recordRoute).isEmpty
                        ? call.destination
                        : Self.socketAddress(of: hop) ?? call.destination
                    self.userAgent.sendRequest(prack, to: nextHop, transport: call.transport) { _ in }
                }
                progress?(response.statusCode, response.reasonPhrase)
            case .response(let response) where response.statusCode < 300:
                // The ACK carries the CSeq number of the INVITE it answers (2 and up after a retry), not a
                // PRACK's.
                self.acknowledge(response, call: call, sequence: current.headers.cseq?.sequence ?? call.localCSeq)
                if abandoned {
                    // Answered after we gave up (the 200 crossed our CANCEL): hang up at once.
                    abandoned = false
                    call.state = .answered
                    self.sendBye(call)
                    call.state = .ended
                    return
                }
                guard !finished else { return }
                finished = true
                guard call.state == .settingUp else { return }
                do {
                    let answer = try SessionDescription(parsing: String(decoding: response.body, as: UTF8.self))
                    let negotiated = try SDPOfferAnswer.negotiated(answer: answer, offer: offer)
                    let remote = try? SocketAddress(ipAddress: negotiated.remoteAddress, port: negotiated.remotePort)
                    let parameters = MediaParameters(negotiated: negotiated, remote: remote)
                    if !crypto.isEmpty, parameters.secure == nil {
                        // We offered SRTP only: an answer without a usable key must not become a call in clear.
                        throw DialOutError(status: 488, reason: "SRTP offered, but the answer has no usable key")
                    }
                    call.answer = offer
                    call.state = .answered
                    call.refreshMethod.learn(from: response.headers)
                    if let timer = UACInviteExtensions.sessionTimer(for: response) {
                        // Stored as in the rest of the bridge: `uas` names us.
                        call.sessionExpires = SessionExpiresHeader(
                            seconds: timer.header.seconds,
                            refresher: timer.role == .refresher ? .uas : .uac
                        )
                    }
                    self.startSessionTimer(call)
                    self.handToRoom(
                        call,
                        leg: self.makeLeg(bound: bound, parameters: parameters, room: call.room)
                    )
                    progress?(response.statusCode, response.reasonPhrase)
                    completion(.success(call.participantID))
                } catch {
                    call.state = .answered
                    self.sendBye(call)
                    bound.close()
                    self.end(call)
                    completion(
                        .failure((error as? DialOutError) ?? DialOutError(status: 488, reason: "unusable SDP answer"))
                    )
                }
            case .response(let response):
                guard !finished else { return }
                if let retry = extensions.retry(after: response, invite: current, sequence: call.localCSeq + 1) {
                    // RFC 4028 §7.3: 422 names the callee's minimum; ask again with at least that.
                    call.localCSeq += 1
                    current = retry
                    branch = SIPToken.branch()
                    transmit()
                    return
                }
                finished = true
                bound.close()
                self.end(call)
                progress?(response.statusCode, response.reasonPhrase)
                completion(.failure(DialOutError(status: response.statusCode, reason: response.reasonPhrase)))
            case .timedOut, .transportError:
                guard !finished else { return }
                finished = true
                bound.close()
                self.end(call)
                progress?(408, "Request Timeout")
                completion(.failure(DialOutError(status: 408, reason: "no answer")))
            }
        }
        transmit()
    }

    /// The trunk's digest credentials when `destination` is the trunk's address: a dial-out through the trunk
    /// answers its 401/407 with them, and no other host is ever sent them.
    func trunkCredentials(for destination: SocketAddress) -> DigestCredentials? {
        guard let trunk = self.configuration.trunk, let password = trunk.password,
            let address = try? SocketAddress(ipAddress: trunk.registrarHost, port: trunk.registrarPort),
            address == destination
        else { return nil }
        return DigestCredentials(username: trunk.username, password: password)
    }

    /// RFC 3261 §9.1: a CANCEL copies the INVITE's Request-URI, Call-ID, From, To and CSeq number, and goes
    /// in a transaction whose top Via has the INVITE's branch.
    private func cancelInvite(
        _ invite: SIPRequest,
        branch: String,
        to destination: SocketAddress,
        transport: SIPTransportKind
    ) {
        var cancel = SIPRequest(method: .cancel, uri: invite.uri)
        for name in [HeaderName.from, .to, .callID] {
            if let value = invite.headers[name] { cancel.headers.add(name, value) }
        }
        cancel.headers.add(.cseq, "\(invite.headers.cseq?.sequence ?? 1) CANCEL")
        self.userAgent.sendRequest(cancel, to: destination, transport: transport, branch: branch) { _ in }
    }

    /// RFC 3261 §13.2.2.4: every 2xx to our INVITE (retransmissions too) is acknowledged by the core.
    private func acknowledge(_ response: SIPResponse, call: Call, sequence: UInt32) {
        if let tag = response.headers.to?.tag, call.remoteTag == nil {
            call.remoteTag = tag
            call.remoteAddressHeader = response.headers[.to] ?? call.remoteAddressHeader
            call.routeSet = response.headers.values(.recordRoute).reversed()
        }
        if let contact = response.headers.contacts.first { call.remoteTarget = contact.uri }
        var ack = SIPRequest(method: .ack, uri: call.remoteTarget)
        ack.headers.add(.from, call.localAddressHeader)
        ack.headers.add(.to, call.remoteAddressHeader)
        ack.headers.add(.callID, call.callID)
        ack.headers.add(.cseq, "\(sequence) ACK")
        let nextHop = self.route(&ack, in: call)
        self.userAgent.sendStateless(ack, to: nextHop, transport: call.transport)
    }

    /// A host without IPv6 brackets, for `SocketAddress(ipAddress:port:)`.
    static func bareHost(_ host: String) -> String {
        host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
    }

    /// Where to send to a target or hop URI whose host is an IP literal (IPv6 with or without brackets), on
    /// its port or 5060; nil for a host name, which Parley does not resolve.
    static func socketAddress(of uri: SIPURI) -> SocketAddress? {
        try? SocketAddress(ipAddress: bareHost(uri.host), port: uri.port ?? 5060)
    }

    // MARK: - REFER (RFC 3515)

    /// A participant asks Parley to bring someone into the room: accept, call them, and report progress to
    /// the referrer by NOTIFY with message/sipfrag bodies (RFC 3515 §2.4.5).
    func receivedRefer(_ transaction: ServerTransaction) {
        guard let callID = transaction.request.headers.callID, let call = self.calls[callID], call.state == .answered
        else {
            transaction.respond(status: 481, reason: "Call/Transaction Does Not Exist")
            return
        }
        guard let referTo = transaction.request.headers[.referTo],
            let target = try? NameAddress(parsing: referTo).uri, target.isSIP
        else {
            transaction.respond(status: 400, reason: "Bad Request - Refer-To must be a SIP URI")
            return
        }
        // A participant may bring a guest into the room, but not place calls on the trunk's account: the trunk
        // would be answered with its digest, or trusts Parley's address, so anyone who knows a room's PIN could
        // dial any number at the operator's cost.
        guard !self.configuration.trunkAddresses.contains(Self.bareHost(target.host)) else {
            transaction.respond(status: 403, reason: "Forbidden - no transfer through the trunk")
            return
        }
        transaction.respond(status: 202, reason: "Accepted")
        self.notifyReferrer(call, status: 100, reason: "Trying", final: false)
        self.placeCall(
            target,
            into: call.room.extensionNumber,
            via: nil,
            displayName: nil,
            progress: { [weak self] status, reason in
                guard let self, status >= 180, status < 200 else { return }
                self.notifyReferrer(call, status: status, reason: reason, final: false)
            },
            completion: { [weak self] result in
                switch result {
                case .success: self?.notifyReferrer(call, status: 200, reason: "OK", final: true)
                case .failure(let error):
                    self?.notifyReferrer(call, status: error.status, reason: error.reason, final: true)
                }
            }
        )
    }

    private func notifyReferrer(_ call: Call, status: Int, reason: String, final: Bool) {
        guard call.state == .answered else { return }
        var notify = self.inDialogRequest(.notify, in: call)
        notify.headers.add(.event, "refer")
        notify.headers.add(.subscriptionState, final ? "terminated;reason=noresource" : "active;expires=60")
        notify.headers.add(.contentType, "message/sipfrag;version=2.0")
        notify.body = Array("SIP/2.0 \(status) \(reason)\r\n".utf8)
        let nextHop = self.route(&notify, in: call)
        self.userAgent.sendRequest(notify, to: nextHop, transport: call.transport) { _ in }
    }
}
