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
        var media: (onHold: Bool, remote: SocketAddress?, secure: SecureMedia?)?
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
            // Our answer mirrors the offer: recvonly (they send only) or inactive means the caller put us on
            // hold; so does the RFC 2543 way, a connection address of 0.0.0.0.
            let onHold =
                negotiated.direction == .recvonly || negotiated.direction == .inactive
                || negotiated.remoteAddress == "0.0.0.0"
            let remote =
                onHold ? nil : try? SocketAddress(ipAddress: negotiated.remoteAddress, port: negotiated.remotePort)
            media = (onHold, remote, negotiated.crypto.flatMap(SecureMedia.init))
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
        let room = call.room
        let id = call.participantID
        room.eventLoop.execute {
            room.assumeIsolated { room in
                room.setHold(media.onHold, for: id)
                room.updateRemote(media.remote, for: id)
                room.updateSecureMedia(media.secure, for: id)
            }
        }
    }

    /// A target refresh request's Contact becomes where our next requests go (RFC 3261 §12.2.2).
    func refreshTarget(_ call: Call, from request: SIPRequest) {
        call.refreshMethod.learn(from: request.headers)
        if let contact = request.headers.contacts.first?.uri { call.remoteTarget = contact }
    }
}
