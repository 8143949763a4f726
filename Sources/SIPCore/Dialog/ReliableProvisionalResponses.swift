/// The UAS side of reliable provisional responses for one INVITE (RFC 3262 §3).
///
/// When the caller requires or supports `100rel`, a 1xx other than 100 can be sent reliably: it carries
/// `Require: 100rel` and an RSeq, and is retransmitted at T1, 2·T1, 4·T1 and so on (no T2 cap) until a PRACK
/// names it. A second reliable provisional waits until the first is acknowledged. A 2xx sent while one is
/// unacknowledged is held and goes out with the PRACK, so the caller never sees the 2xx before the 1xx it is
/// still acknowledging (RFC 3262 permits the UAS to wait). After 64·T1 without PRACK the machine reports
/// ``Action/timedOut``: the application should reject the INVITE with a 5xx.
///
/// A plain value: the driver (``UserAgentCore``) sends what ``Action/send(_:)`` says through the INVITE server
/// transaction, runs the timers and answers PRACKs with what ``receivedPRACK(_:)`` decides.
public struct ReliableProvisionalResponses: Sendable {
    /// The machine's two timers.
    public enum Timer: Hashable, Sendable, CustomStringConvertible {
        /// Retransmit the unacknowledged provisional response.
        case retransmission
        /// 64·T1 after it was first sent: stop and report ``Action/timedOut``.
        case timeout

        public var description: String {
            switch self {
            case .retransmission: "reliable 1xx retransmission timer"
            case .timeout: "reliable 1xx PRACK timeout"
            }
        }
    }

    /// What the driver does.
    public enum Action: Sendable {
        /// Send this response through the INVITE server transaction (a reliable 1xx, its retransmission, or a
        /// final response that was held or passed through).
        case send(SIPResponse)
        /// Start `timer`, replacing a running instance.
        case schedule(Timer, after: Duration)
        /// Stop `timer`.
        case cancel(Timer)
        /// No PRACK within 64·T1: a held 2xx is dropped; reject the INVITE with a 5xx (RFC 3262 §3).
        case timedOut
    }

    /// How to answer a PRACK.
    public enum PRACKVerdict: Hashable, Sendable {
        /// It acknowledges a reliable provisional response (possibly again): answer 200.
        case accept
        /// It matches none: answer 481 (RFC 3262 §3).
        case reject
    }

    /// The CSeq number of the INVITE; RAck must repeat it.
    public let inviteSequence: UInt32
    /// T1 and T2, which pace the retransmissions like Timer G (RFC 3262 §3).
    public let timers: SIPTimerSettings
    /// The RSeq the next reliable provisional response gets.
    public private(set) var nextResponseSequence: UInt32
    /// The RSeq of the reliable provisional response waiting for its PRACK, if any.
    public var awaitingResponseSequence: UInt32? { self.unacknowledged?.responseSequence }
    /// Whether a final response has gone out (or the machine timed out); later events do nothing.
    public private(set) var isFinished = false

    private var unacknowledged: (response: SIPResponse, responseSequence: UInt32)?
    private var acknowledged: Set<UInt32> = []
    private var queued: [SIPResponse] = []
    private var heldFinal: SIPResponse?
    private var interval: Duration

    /// - Parameters:
    ///   - inviteSequence: The INVITE's CSeq number.
    ///   - initialResponseSequence: The first RSeq; RFC 3262 §3 asks for a random value up to 2^31-1.
    ///   - timers: T1 drives retransmission and the 64·T1 timeout.
    public init(
        inviteSequence: UInt32,
        initialResponseSequence: UInt32 = UInt32.random(in: 1...0x7FFF_FFFF),
        timers: SIPTimerSettings = SIPTimerSettings()
    ) {
        self.inviteSequence = inviteSequence
        self.nextResponseSequence = max(1, initialResponseSequence)
        self.timers = timers
        self.interval = timers.T1
    }

    /// Sends `response` (a 1xx above 100) reliably: adds `Require: 100rel` and the next RSeq. It waits if an
    /// earlier reliable response is still unacknowledged.
    public mutating func sendProvisional(_ response: SIPResponse) -> [Action] {
        guard !self.isFinished, response.statusCode > 100, response.statusCode < 200 else { return [] }
        if self.unacknowledged != nil {
            self.queued.append(response)
            return []
        }
        return self.transmit(response)
    }

    /// A final response from the application. A 2xx waits while a reliable 1xx is unacknowledged; anything
    /// else goes at once and stops the retransmissions.
    public mutating func sendFinal(_ response: SIPResponse) -> [Action] {
        guard !self.isFinished else { return [.send(response)] }
        if self.unacknowledged != nil, response.statusCode < 300 {
            self.heldFinal = response
            return []
        }
        self.isFinished = true
        self.unacknowledged = nil
        self.queued.removeAll()
        return [.cancel(.retransmission), .cancel(.timeout), .send(response)]
    }

    /// A PRACK with this RAck arrived. Returns the verdict and what to send next (a queued 1xx or a held 2xx).
    public mutating func receivedPRACK(_ rack: RAckHeader) -> (PRACKVerdict, [Action]) {
        guard rack.method == .invite, rack.sequence == self.inviteSequence else { return (.reject, []) }
        if let pending = self.unacknowledged, pending.responseSequence == rack.responseSequence {
            self.unacknowledged = nil
            self.acknowledged.insert(rack.responseSequence)
            var actions: [Action] = [.cancel(.retransmission), .cancel(.timeout)]
            if !self.queued.isEmpty {
                actions += self.transmit(self.queued.removeFirst())
            } else if let final = self.heldFinal {
                self.heldFinal = nil
                self.isFinished = true
                actions.append(.send(final))
            }
            return (.accept, actions)
        }
        return (self.acknowledged.contains(rack.responseSequence) ? .accept : .reject, [])
    }

    /// A timer fired.
    public mutating func timerFired(_ timer: Timer) -> [Action] {
        guard !self.isFinished, let pending = self.unacknowledged else { return [] }
        switch timer {
        case .retransmission:
            self.interval = self.interval * 2
            return [.send(pending.response), .schedule(.retransmission, after: self.interval)]
        case .timeout:
            self.isFinished = true
            self.unacknowledged = nil
            self.queued.removeAll()
            self.heldFinal = nil
            return [.cancel(.retransmission), .timedOut]
        }
    }

    private mutating func transmit(_ response: SIPResponse) -> [Action] {
        var reliable = response
        let sequence = self.nextResponseSequence
        self.nextResponseSequence = sequence == UInt32.max ? 1 : sequence + 1
        reliable.headers.rseq = sequence
        if !SIPOptionTag.lists(SIPOptionTag.reliableProvisional, in: .require, of: reliable.headers) {
            reliable.headers.add(.require, SIPOptionTag.reliableProvisional)
        }
        self.unacknowledged = (reliable, sequence)
        self.interval = self.timers.T1
        return [
            .send(reliable),
            .schedule(.retransmission, after: self.interval),
            .schedule(.timeout, after: self.timers.transactionTimeout),
        ]
    }
}
