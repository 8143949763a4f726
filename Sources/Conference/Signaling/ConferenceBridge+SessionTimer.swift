import Logging
import NIOCore
import SIPCore

/// Session timers (RFC 4028) for answered calls: the headers of our 2xx, and the timers that refresh the
/// session (when we are the refresher) or end it with BYE when the caller's refresh does not come (§10), so a
/// call whose phone vanished leaves its room.
extension ConferenceBridge {
    /// 422 Session Interval Too Small, with our Min-SE (RFC 4028 §9).
    static func rejectSessionInterval(_ transaction: ServerTransaction, minimum: UInt32, toTag: String?) {
        transaction.respond(
            status: 422,
            reason: "Session Interval Too Small - at least \(minimum) seconds",
            toTag: toTag,
            extraHeaders: [(.minSE, String(minimum))]
        )
    }

    /// Supported on every 2xx; Session-Expires and `Require: timer` when the dialog has a session timer.
    func addSessionHeaders(to response: inout SIPResponse, call: Call) {
        response.headers.add(.supported, Self.supportedExtensions)
        guard let header = call.sessionExpires else { return }
        response.headers.sessionExpires = header
        if call.requireTimer { response.headers.add(.require, SIPOptionTag.timer) }
    }

    /// (Re)starts the call's session timer from the Session-Expires of the 2xx just sent, or stops it when
    /// the last negotiation turned it off.
    func startSessionTimer(_ call: Call) {
        guard let header = call.sessionExpires, call.state == .answered else {
            self.stopSessionTimer(call)
            return
        }
        let role = SessionTimerNegotiation.uasRole(for: header)
        var timer = call.sessionTimer ?? SessionTimer(interval: header.interval, role: role)
        let actions = timer.refreshed(interval: header.interval, role: role)
        call.sessionTimer = timer
        self.runSessionTimer(actions, call: call)
    }

    func stopSessionTimer(_ call: Call) {
        guard var timer = call.sessionTimer else { return }
        let actions = timer.stop()
        call.sessionTimer = timer
        self.runSessionTimer(actions, call: call)
    }

    private func runSessionTimer(_ actions: [SessionTimer.Action], call: Call) {
        for action in actions {
            switch action {
            case .schedule(let name, let delay):
                call.sessionTimerTasks[name]?.cancel()
                call.sessionTimerTasks[name] = self.sipLoop.assumeIsolated().scheduleTask(in: TimeAmount(delay)) {
                    [weak self, weak call] in
                    guard let self, let call, call.state == .answered, var timer = call.sessionTimer else { return }
                    call.sessionTimerTasks[name] = nil
                    let next = timer.timerFired(name)
                    call.sessionTimer = timer
                    self.runSessionTimer(next, call: call)
                }
            case .cancel(let name):
                call.sessionTimerTasks.removeValue(forKey: name)?.cancel()
            case .sendRefresh:
                self.sendSessionRefresh(call)
            case .expired:
                self.logger.info(
                    "session expired without refresh; ending call",
                    metadata: ["call-id": "\(call.callID)"]
                )
                self.sendBye(call)
                self.end(call)
            }
        }
    }

    /// As refresher: an UPDATE without a body (RFC 4028 §7.4 allows it) when the peer takes UPDATE, else a
    /// re-INVITE offering our current SDP unchanged (same o= version, RFC 3264 §8); both name us refresher
    /// again. A 405 or 501 to the UPDATE switches the dialog to re-INVITEs and refreshes again at once. The 2xx
    /// restarts the timer with the interval it confirms; a failed refresh leaves the expiry timer running.
    func sendSessionRefresh(_ call: Call) {
        guard call.state == .answered, let header = call.sessionExpires else { return }
        let method = call.refreshMethod.method
        var refresh = self.inDialogRequest(method, in: call)
        let sequence = call.localCSeq
        refresh.headers.add(.contact, self.contactValue(for: call))
        refresh.headers.add(.allow, Self.allowedMethods)
        refresh.headers.add(.supported, Self.supportedExtensions)
        // In the request we send, `uac` is us.
        refresh.headers.sessionExpires = SessionExpiresHeader(seconds: header.seconds, refresher: .uac)
        refresh.headers.minSE = self.configuration.sessionTimers.minimumSeconds
        let offer = method == .invite ? call.answer : nil
        if let offer {
            refresh.headers.add(.contentType, "application/sdp")
            refresh.body = Array(String(describing: offer).utf8)
        }
        let nextHop = self.route(&refresh, in: call)
        self.userAgent.sendRequest(refresh, to: nextHop, transport: call.transport) {
            [weak self, weak call] result in
            guard let self, let call, call.state == .answered else { return }
            guard case .response(let response) = result, response.statusCode >= 200 else { return }
            if method == .invite, response.statusCode < 300 {
                self.acknowledgeReInvite(call, sequence: sequence)
                if let offer { self.applyReInviteAnswer(response, offer: offer, to: call) }
            }
            guard response.statusCode < 300 else {
                if call.refreshMethod.refreshAnswered(method, status: response.statusCode) {
                    self.logger.debug("peer does not take UPDATE; refreshing by re-INVITE")
                    self.sendSessionRefresh(call)
                } else {
                    self.logger.debug("session refresh refused", metadata: ["status": "\(response.statusCode)"])
                }
                return
            }
            call.refreshMethod.learn(from: response.headers)
            guard var timer = call.sessionTimer else { return }
            guard let confirmed = response.headers.sessionExpires else {
                // RFC 4028 §7.2: a 2xx without Session-Expires turns the session timer off.
                call.sessionExpires = nil
                self.stopSessionTimer(call)
                return
            }
            // In its 2xx, `uac` still names us, the sender of the refresh.
            let role: SessionTimer.Role = confirmed.refresher == .uas ? .watcher : .refresher
            call.sessionExpires = SessionExpiresHeader(
                seconds: confirmed.seconds,
                refresher: role == .refresher ? .uas : .uac
            )
            let actions = timer.refreshed(interval: confirmed.interval, role: role)
            call.sessionTimer = timer
            self.runSessionTimer(actions, call: call)
        }
    }

    /// The ACK for a 2xx to our re-INVITE (RFC 3261 §13.2.2.4): the re-INVITE's CSeq number, no new offer.
    func acknowledgeReInvite(_ call: Call, sequence: UInt32) {
        var ack = SIPRequest(method: .ack, uri: call.remoteTarget)
        ack.headers.add(.from, call.localAddressHeader)
        ack.headers.add(.to, call.remoteAddressHeader)
        ack.headers.add(.callID, call.callID)
        ack.headers.add(.cseq, "\(sequence) ACK")
        let nextHop = self.route(&ack, in: call)
        self.userAgent.sendStateless(ack, to: nextHop, transport: call.transport)
    }
}
