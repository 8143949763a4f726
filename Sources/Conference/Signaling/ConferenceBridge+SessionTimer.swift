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

    /// As refresher (the caller named us, `refresher=uas`): an UPDATE without a body (RFC 4028 §7.4 allows
    /// it), naming us refresher again. Its 2xx restarts the timer with the interval it confirms.
    private func sendSessionRefresh(_ call: Call) {
        guard call.state == .answered, let header = call.sessionExpires else { return }
        var update = self.inDialogRequest(.update, in: call)
        update.headers.add(
            .contact,
            "<sip:\(call.room.extensionNumber)@\(self.userAgent.hostPort(for: call.transport))>"
        )
        update.headers.add(.supported, Self.supportedExtensions)
        // In the UPDATE we send, `uac` is us.
        update.headers.sessionExpires = SessionExpiresHeader(seconds: header.seconds, refresher: .uac)
        update.headers.minSE = self.configuration.sessionTimers.minimumSeconds
        self.userAgent.sendRequest(update, to: call.destination, transport: call.transport) {
            [weak self, weak call] result in
            guard let self, let call, call.state == .answered, var timer = call.sessionTimer else { return }
            guard case .response(let response) = result, response.statusCode >= 200 else { return }
            guard response.statusCode < 300 else {
                // A failed refresh leaves the expiry timer running: the session ends with BYE if none succeeds.
                self.logger.debug("session refresh refused", metadata: ["status": "\(response.statusCode)"])
                return
            }
            let confirmed = response.headers.sessionExpires ?? SessionExpiresHeader(seconds: header.seconds)
            // In its 2xx, `uac` still names us, the sender of the UPDATE.
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
}
