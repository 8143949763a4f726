/// Retransmits a UAS's 2xx response to an INVITE until the ACK arrives (RFC 3261 §13.3.1.4).
///
/// The 2xx to an INVITE is not retransmitted by the server transaction (which, in RFC 6026's Accepted state,
/// only forwards what the core hands it) but by the UAS core, end to end, because proxies forward it statelessly
/// and some hop on the way may be unreliable. So this runs whatever the local transport: even over TCP the
/// response is retransmitted, starting at T1 and doubling up to T2, until the ACK arrives. If no ACK comes within
/// 64·T1 the dialog is confirmed but the session SHOULD be ended: the machine reports ``Action/ackTimedOut`` and
/// the core sends BYE.
///
/// The first transmission is not this machine's: the core sends the 2xx through the
/// ``ServerInviteTransaction`` (``ServerInviteTransaction/sentResponse(_:)``), then calls ``start()``. Each
/// retransmission it asks for should also go through that transaction while it is in Accepted, and straight to
/// the transport after it has ended.
public struct UASInviteResponseRetransmitter: Sendable {
    /// The two timers this machine runs. RFC 3261 gives them no letters.
    public enum Timer: Hashable, Sendable, CustomStringConvertible {
        /// Time for the next retransmission of the 2xx: T1, doubling up to T2.
        case retransmission
        /// 64·T1 after the first transmission: give up waiting for the ACK.
        case ackTimeout

        public var description: String {
            switch self {
            case .retransmission: "2xx retransmission timer"
            case .ackTimeout: "2xx ACK timeout"
            }
        }
    }

    /// What the machine asks its driver (the UAS core) to do.
    public enum Action: Sendable {
        /// Send this 2xx again (through the server transaction while it exists).
        case send(SIPResponse)
        /// Start `timer` to fire `after` from now, replacing any running instance, and call `timerFired(timer)`.
        case schedule(Timer, after: Duration)
        /// Stop `timer` if it is running. A cancelled timer that still fires is ignored.
        case cancel(Timer)
        /// No ACK arrived within 64·T1: end the session with BYE (§13.3.1.4). A ``terminate`` follows.
        case ackTimedOut
        /// Drop the retransmitter and every timer it scheduled; it ignores further events.
        case terminate
    }

    /// Where the retransmitter is.
    public enum State: Hashable, Sendable {
        /// Created; ``UASInviteResponseRetransmitter/start()`` has not been called. Successors: ``waitingForACK``.
        case idle
        /// Retransmitting the 2xx until the ACK arrives. Successors: ``acknowledged`` (ACK), ``timedOut``
        /// (64·T1 without ACK).
        case waitingForACK
        /// The ACK arrived; the retransmitter is done. No successors.
        case acknowledged
        /// No ACK arrived within 64·T1; the retransmitter is done. No successors.
        case timedOut
    }

    /// The 2xx response being retransmitted.
    public let response: SIPResponse
    /// The base timer values.
    public let timers: SIPTimerSettings
    /// The current state.
    public private(set) var state: State
    /// The interval the retransmission timer was last scheduled with.
    private var interval: Duration

    /// Creates the retransmitter for a 2xx response the core has just sent, in ``State/idle``.
    ///
    /// - Parameters:
    ///   - response: The 2xx response to the INVITE.
    ///   - timers: The base timer values.
    public init(response: SIPResponse, timers: SIPTimerSettings = SIPTimerSettings()) {
        self.response = response
        self.timers = timers
        self.state = .idle
        self.interval = timers.T1
    }

    /// Starts waiting for the ACK: the first retransmission after T1, the give-up after 64·T1. A second call
    /// does nothing.
    ///
    /// - Returns: The actions to carry out.
    public mutating func start() -> [Action] {
        switch self.state {
        case .idle:
            self.state = .waitingForACK
            self.interval = self.timers.T1
            return [
                .schedule(.retransmission, after: self.interval),
                .schedule(.ackTimeout, after: self.timers.transactionTimeout),
            ]
        case .waitingForACK, .acknowledged, .timedOut:
            return []
        }
    }

    /// The ACK for the 2xx arrived (matched by the core on dialog and CSeq): retransmissions cease.
    ///
    /// - Returns: ``Action/terminate`` while waiting; nothing otherwise (a retransmitted ACK is absorbed).
    public mutating func receivedACK() -> [Action] {
        switch self.state {
        case .waitingForACK:
            self.state = .acknowledged
            return [.terminate]
        case .idle, .acknowledged, .timedOut:
            return []
        }
    }

    /// A timer fired: on ``Timer/retransmission`` resend and reschedule at MIN(2·interval, T2); on
    /// ``Timer/ackTimeout`` report ``Action/ackTimedOut`` and terminate. Ignored unless waiting for the ACK.
    ///
    /// - Parameter timer: The timer that fired.
    /// - Returns: The actions to carry out.
    public mutating func timerFired(_ timer: Timer) -> [Action] {
        switch self.state {
        case .waitingForACK:
            switch timer {
            case .retransmission:
                self.interval = self.timers.doubledCappedAtT2(self.interval)
                return [.send(self.response), .schedule(.retransmission, after: self.interval)]
            case .ackTimeout:
                self.state = .timedOut
                return [.ackTimedOut, .terminate]
            }
        case .idle, .acknowledged, .timedOut:
            return []
        }
    }
}
