import NIOCore

/// Reliable provisional responses and PRACK on the UAS side (RFC 3262), driving
/// ``ReliableProvisionalResponses`` for each INVITE that sends one.
extension UserAgentCore {
    /// Sends `response` reliably in `transaction` (see ``ServerTransaction/respondReliably(_:)``).
    func sendReliably(_ response: SIPResponse, in transaction: ServerTransaction) {
        self.eventLoop.preconditionInEventLoop()
        guard transaction.finalStatus == nil else { return }
        var machine =
            transaction.reliableProvisionals
            ?? ReliableProvisionalResponses(
                inviteSequence: transaction.request.headers.cseq?.sequence ?? 0,
                timers: self.timerSettings
            )
        let actions = machine.sendProvisional(response)
        transaction.reliableProvisionals = machine
        let key = Self.acceptedKey(
            callID: transaction.request.headers.callID,
            sequence: transaction.request.headers.cseq?.sequence
        )
        self.reliableInvites[key] = transaction
        self.runReliable(actions, for: transaction)
    }

    /// A PRACK (RFC 3262 §3): matched by Call-ID and RAck to the INVITE, answered 200 when it acknowledges one
    /// of its reliable provisional responses, else 481. It does not reach the transaction user.
    func receivedPRACK(_ prack: ServerTransaction) {
        let headers = prack.request.headers
        guard let rack = headers.rack else {
            prack.respond(status: 400, reason: "Bad Request - PRACK without a valid RAck")
            return
        }
        let key = Self.acceptedKey(callID: headers.callID, sequence: rack.sequence)
        guard let invite = self.reliableInvites[key], var machine = invite.reliableProvisionals else {
            prack.respond(status: 481, reason: "Call/Transaction Does Not Exist - no reliable response to acknowledge")
            return
        }
        let (verdict, actions) = machine.receivedPRACK(rack)
        invite.reliableProvisionals = machine
        switch verdict {
        case .accept: prack.respond(status: 200, toTag: invite.localTag)
        case .reject:
            prack.respond(status: 481, reason: "Call/Transaction Does Not Exist - RAck matches no reliable response")
        }
        self.runReliable(actions, for: invite)
    }

    func runReliable(_ actions: [ReliableProvisionalResponses.Action], for transaction: ServerTransaction) {
        for action in actions {
            switch action {
            case .send(let response):
                self.transmit(response, in: transaction)
            case .schedule(let timer, let delay):
                let key = TimerKey(owner: .reliable(transaction.key), reliable: timer)
                self.schedule(key, after: delay) { [weak transaction] core in
                    guard let transaction, var machine = transaction.reliableProvisionals else { return }
                    let next = machine.timerFired(timer)
                    transaction.reliableProvisionals = machine
                    core.runReliable(next, for: transaction)
                }
            case .cancel(let timer):
                self.cancelTimer(TimerKey(owner: .reliable(transaction.key), reliable: timer))
            case .timedOut:
                if let user = self.transactionUser {
                    user.userAgent(self, noPRACKFor: transaction)
                } else {
                    transaction.respond(status: 500, reason: "Server Internal Error - no PRACK")
                }
            }
        }
    }
}
