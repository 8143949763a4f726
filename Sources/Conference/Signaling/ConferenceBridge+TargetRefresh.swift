import Logging
import NIOCore
import SIPCore

/// Requests that change a confirmed dialog: re-INVITE (RFC 3261 §14) and UPDATE (RFC 3311), each a target
/// refresh, possibly carrying an SDP offer (hold, resume, a new address) and a session refresh (RFC 4028).
extension ConferenceBridge {
    /// An UPDATE (RFC 3311 §5.2). In a confirmed dialog it is answered like a re-INVITE, but in one
    /// transaction (no ACK). Before our 2xx the session is still being set up: one without an offer (a session
    /// refresh or target refresh) is accepted; an offer is refused with 491, as we make no early offers.
    func receivedUpdate(_ transaction: ServerTransaction) {
        guard let callID = transaction.request.headers.callID, let call = self.calls[callID] else {
            transaction.respond(status: 481, reason: "Call/Transaction Does Not Exist")
            return
        }
        guard call.state == .answered else {
            if transaction.request.body.isEmpty {
                self.refreshTarget(call, from: transaction.request)
                transaction.respond(
                    status: 200,
                    toTag: call.localTag,
                    extraHeaders: [(.supported, Self.supportedExtensions)]
                )
            } else {
                transaction.respond(
                    status: 491,
                    reason: "Request Pending - session not yet established",
                    toTag: call.localTag
                )
            }
            return
        }
        self.answerTargetRefresh(transaction, call: call)
    }

    /// Answers a re-INVITE or UPDATE in an answered call: negotiates the session timer (422 when too short),
    /// answers an SDP offer (488 when none of it is acceptable), refreshes the remote target, then applies the
    /// direction and address to the media and restarts the session timer.
    func answerTargetRefresh(_ transaction: ServerTransaction, call: Call) {
        let request = transaction.request
        guard let previous = call.answer, let port = call.rtpPort else {
            transaction.respond(status: 491, reason: "Request Pending", toTag: call.localTag)
            return
        }
        let timer = SessionTimerNegotiation.decide(for: request, policy: self.configuration.sessionTimers)
        if case .reject(let minimum) = timer {
            Self.rejectSessionInterval(transaction, minimum: minimum, toTag: call.localTag)
            return
        }
        var media: NegotiatedAudio?
        var answer = previous
        if !request.body.isEmpty {
            let negotiated: NegotiatedAudio
            do {
                let offer = try SessionDescription(parsing: String(decoding: request.body, as: UTF8.self))
                (answer, negotiated) = try SDPOfferAnswer.answer(
                    offer: offer,
                    supported: self.supportedCodecs,
                    telephoneEvent: true,
                    localAddress: self.configuration.mediaAddress,
                    localPort: port,
                    sessionID: self.sessionIDBase &+ call.participantID.rawValue,
                    sdes: self.sdesKeying(transport: call.transport, key: call.srtpKeyMaterial)
                )
            } catch {
                transaction.respond(status: 488, reason: "Not Acceptable Here - \(error)", toTag: call.localTag)
                return
            }
            // RFC 3264 §8: a changed description carries a higher o= version than the last one we sent.
            answer.origin.sessionVersion = String((UInt64(previous.origin.sessionVersion) ?? 0) &+ 1)
            call.answer = answer
            media = negotiated
        }
        switch timer {
        case .accept(let header, let requireTimer):
            call.sessionExpires = header
            call.requireTimer = requireTimer
        case .none, .reject:
            call.sessionExpires = nil
            call.requireTimer = false
        }
        self.refreshTarget(call, from: request)
        if request.method == .update && request.body.isEmpty {
            // An UPDATE without an offer gets no SDP back (RFC 3311 §5.2).
            var response = SIPResponse(replyingTo: request, statusCode: 200, toTag: call.localTag)
            response.headers.add(.contact, self.contactValue(for: call))
            response.headers.add(.allow, Self.allowedMethods)
            self.addSessionHeaders(to: &response, call: call)
            transaction.respond(response)
        } else {
            // A re-INVITE without an offer gets ours again (RFC 3264 §8); the caller answers in the ACK.
            transaction.respond(self.okWithSDP(for: request, call: call, sdp: answer))
        }
        self.startSessionTimer(call)
        guard let media else { return }
        self.applyNegotiatedMedia(media, to: call)
    }

    /// The 2xx to our own re-INVITE (a session refresh, RFC 4028 §7.4) answers the SDP we offered in it
    /// (RFC 3264 §8): its address, port, codec and direction become the media leg's, as a caller's new offer's do.
    /// An answer that does not fit our offer changes nothing (the dialog's earlier media stays).
    func applyReInviteAnswer(_ response: SIPResponse, offer: SessionDescription, to call: Call) {
        guard !response.body.isEmpty else { return }
        do {
            let answer = try SessionDescription(parsing: String(decoding: response.body, as: UTF8.self))
            let negotiated = try SDPOfferAnswer.negotiated(answer: answer, offer: offer)
            self.applyNegotiatedMedia(negotiated, to: call)
        } catch {
            self.logger.info(
                "unusable SDP in the answer to our re-INVITE; media unchanged",
                metadata: ["call-id": "\(call.callID)", "error": "\(error)"]
            )
        }
    }

    /// Hands a renegotiated stream to the call's room: hold when our side must not send (recvonly or inactive,
    /// or the RFC 2543 way, a connection address of 0.0.0.0), the new remote address, SRTP keys and codec.
    func applyNegotiatedMedia(_ negotiated: NegotiatedAudio, to call: Call) {
        let onHold =
            negotiated.direction == .recvonly || negotiated.direction == .inactive
            || negotiated.remoteAddress == "0.0.0.0" || negotiated.remotePort == 0
        let remote =
            onHold ? nil : try? SocketAddress(ipAddress: negotiated.remoteAddress, port: negotiated.remotePort)
        let parameters = MediaParameters(negotiated: negotiated, remote: remote)
        let room = call.room
        let id = call.participantID
        let callID = call.callID
        let logger = self.logger
        room.eventLoop.execute {
            room.assumeIsolated { room in
                room.setHold(onHold, for: id)
                room.updateRemote(remote, for: id)
                room.updateSecureMedia(parameters.secure, for: id)
                if !room.updateCodec(parameters, for: id) {
                    logger.warning(
                        "renegotiated codec could not be set up; keeping the call's codec",
                        metadata: ["call-id": "\(callID)", "codec": "\(negotiated.codecName)"]
                    )
                }
            }
        }
    }

    /// A target refresh request's Contact becomes where our next requests go (RFC 3261 §12.2.2).
    func refreshTarget(_ call: Call, from request: SIPRequest) {
        call.refreshMethod.learn(from: request.headers)
        if let contact = request.headers.contacts.first?.uri { call.remoteTarget = contact }
    }
}
