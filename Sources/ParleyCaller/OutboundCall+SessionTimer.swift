import NIOCore
import SIPCore

/// Session timers (RFC 4028) for a test caller's call: as the refresher named in the 2xx it refreshes at half
/// the interval (UPDATE, or re-INVITE when the server does not take UPDATE); as watcher it hangs up when no
/// refresh came in time (§10). Refreshes from the server are answered with their Session-Expires.
extension OutboundCall {
    /// Starts (or stops) the session timer from the 2xx to our INVITE.
    func startSessionTimer(after response: SIPResponse) {
        self.refreshMethod.learn(from: response.headers)
        guard let negotiated = UACInviteExtensions.sessionTimer(for: response) else {
            self.stopSessionTimer()
            return
        }
        self.restartSessionTimer(seconds: negotiated.header.seconds, role: negotiated.role)
    }

    func restartSessionTimer(seconds: UInt32, role: SessionTimer.Role) {
        let interval = Duration.seconds(Int64(seconds))
        var timer = self.sessionTimer ?? SessionTimer(interval: interval, role: role)
        let actions = timer.refreshed(interval: interval, role: role)
        self.sessionTimer = timer
        self.sessionSeconds = seconds
        self.runSessionTimer(actions)
    }

    func stopSessionTimer() {
        guard var timer = self.sessionTimer else { return }
        let actions = timer.stop()
        self.sessionTimer = timer
        self.runSessionTimer(actions)
    }

    /// A re-INVITE or UPDATE from the server: 200, echoing its Session-Expires (we are the answerer of that
    /// request, so `uas` names us) and restarting our timer; without Session-Expires the timer stops.
    func answerTargetRefresh(_ transaction: ServerTransaction) {
        let headers = transaction.request.headers
        self.refreshMethod.learn(from: headers)
        guard let requested = headers.sessionExpires else {
            self.stopSessionTimer()
            transaction.respond(status: 200)
            return
        }
        var answer = requested
        answer.refresher = requested.refresher ?? .uac
        transaction.respond(
            status: 200,
            extraHeaders: [(.sessionExpires, answer.description), (.require, SIPOptionTag.timer)]
        )
        self.restartSessionTimer(seconds: answer.seconds, role: answer.refresher == .uas ? .refresher : .watcher)
    }

    private func runSessionTimer(_ actions: [SessionTimer.Action]) {
        for action in actions {
            switch action {
            case .schedule(let name, let delay):
                self.sessionTimerTasks[name]?.cancel()
                self.sessionTimerTasks[name] = self.agent.eventLoop.scheduleTask(in: TimeAmount(delay)) {
                    [weak self] in
                    guard let self, !self.ended, var timer = self.sessionTimer else { return }
                    self.sessionTimerTasks[name] = nil
                    let next = timer.timerFired(name)
                    self.sessionTimer = timer
                    self.runSessionTimer(next)
                }
            case .cancel(let name):
                self.sessionTimerTasks.removeValue(forKey: name)?.cancel()
            case .sendRefresh:
                self.sendSessionRefresh()
            case .expired:
                // RFC 4028 §10: the session is over; say so with BYE.
                let bye = self.inDialogRequest(.bye)
                self.agent.send(bye, for: self) { _ in }
                self.finish(byRemote: false)
            }
        }
    }

    private func sendSessionRefresh() {
        guard !self.ended, let seconds = self.sessionSeconds else { return }
        let method = self.refreshMethod.method
        var refresh = self.inDialogRequest(method)
        let sequence = self.localCSeq
        refresh.headers.add(.contact, self.inviteRequest.headers[.contact] ?? "")
        refresh.headers.add(.supported, SIPOptionTag.supportedHeaderValue)
        refresh.headers.sessionExpires = SessionExpiresHeader(seconds: seconds, refresher: .uac)
        if method == .invite, let offer = self.offer {
            refresh.headers.add(.contentType, "application/sdp")
            refresh.body = Array(String(describing: offer).utf8)
        }
        self.agent.send(refresh, for: self) { [weak self] result in
            guard let self, !self.ended else { return }
            guard case .response(let response) = result, response.statusCode >= 200 else { return }
            if method == .invite, response.statusCode < 300 {
                var ack = self.inDialogRequest(.ack)
                ack.headers.set(.cseq, "\(sequence) ACK")
                self.localCSeq -= 1
                self.agent.sendACK(ack, for: self)
            }
            guard response.statusCode < 300 else {
                if self.refreshMethod.refreshAnswered(method, status: response.statusCode) { self.sendSessionRefresh() }
                return
            }
            self.refreshMethod.learn(from: response.headers)
            guard let confirmed = response.headers.sessionExpires else {
                self.stopSessionTimer()
                return
            }
            self.restartSessionTimer(
                seconds: confirmed.seconds,
                role: confirmed.refresher == .uas ? .watcher : .refresher
            )
        }
    }
}
