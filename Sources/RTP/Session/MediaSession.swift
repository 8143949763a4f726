public import NIOCore

/// The source checks of one media leg: symmetric RTP, strict RTP and the RTP inactivity timeout.
///
/// A plain state machine (STYLE §4): the leg's driver feeds it events with the time they happened and carries
/// out the action each returns. It reads no clock, touches no socket and never fails: everything a peer can
/// send is an ordinary event with a defined action and a counter.
///
/// - **Symmetric RTP** (RFC 4961): a caller behind
///   NAT is reached only at the address its packets come from, so once the source is known the driver is told
///   to ``Action/latch(_:)`` and send there instead of the address in the SDP.
/// - **Strict RTP**: the source is learnt over a probation of ``Configuration/probationPackets`` packets with
///   consecutive sequence numbers from one address and SSRC, the RFC 3550 Appendix A.1 `MIN_SEQUENTIAL` idea
///   applied to the transport address too. Until then packets are dropped; afterwards packets from any other
///   address are dropped, so a stranger who guesses the port cannot inject audio ("RTP bleed"). A new SSRC from
///   the learnt address is accepted at once after a pause of ``Configuration/ssrcChangePause`` (a phone that
///   restarted its stream, or chose a new SSRC after a collision, RFC 3550 §8.2), or otherwise after its own
///   probation. Another address is learnt only after ``renegotiated()`` or, if configured, after the source has
///   been silent for ``Configuration/relearnAfterSilence`` (a caller whose NAT binding changed).
/// - Without strict RTP every packet is accepted; with symmetric RTP the first valid one latches.
/// - **Inactivity**: no accepted packet for ``Configuration/inactivityTimeout`` ends the call. While the caller
///   has put us on hold (`a=sendonly`/`inactive`, RFC 3264 §8.4) it sends no media, so the timeout is paused
///   (or replaced by ``Configuration/holdTimeout``) and restarts on resume.
///
/// `Address` is whatever the driver keys sources by: NIOCore's `SocketAddress` in production, a small value in
/// tests.
public struct MediaSession<Address: Hashable & Sendable>: Sendable {
    /// Fixed parameters, chosen from configuration and the negotiated SDP.
    public struct Configuration: Hashable, Sendable {
        /// Latch the send address to the learnt source (callers behind NAT).
        public var symmetricRTP: Bool
        /// Accept media only from the learnt source, learnt over a probation.
        public var strictRTP: Bool
        /// Consecutive packets from one address and SSRC that make a source valid under strict RTP (at least 1).
        public var probationPackets: Int
        /// Silence after which a new SSRC from the learnt address is taken over at once.
        public var ssrcChangePause: TimeAmount
        /// Time without accepted media that ends the call; `nil` disables the check.
        public var inactivityTimeout: TimeAmount?
        /// Time on hold that ends the call; `nil` (the default) waits for as long as the hold lasts.
        public var holdTimeout: TimeAmount?
        /// Strict RTP: silence of the learnt source after which another address may be learnt (over a new
        /// probation), for a caller whose NAT binding or network changed mid-call. `nil` (the default) never
        /// relearns without a ``MediaSession/renegotiated()``.
        public var relearnAfterSilence: TimeAmount?

        /// Makes a configuration; by default symmetric and strict RTP are on and a source is learnt after four
        /// packets in sequence (the RFC 3550 Appendix A.1 probation).
        public init(
            symmetricRTP: Bool = true,
            strictRTP: Bool = true,
            probationPackets: Int = 4,
            ssrcChangePause: TimeAmount = .milliseconds(500),
            inactivityTimeout: TimeAmount? = .seconds(30),
            holdTimeout: TimeAmount? = nil,
            relearnAfterSilence: TimeAmount? = nil
        ) {
            self.symmetricRTP = symmetricRTP
            self.strictRTP = strictRTP
            self.probationPackets = max(1, probationPackets)
            self.ssrcChangePause = ssrcChangePause
            self.inactivityTimeout = inactivityTimeout
            self.holdTimeout = holdTimeout
            self.relearnAfterSilence = relearnAfterSilence
        }
    }

    /// What the driver does with a received packet.
    public enum Action: Hashable, Sendable {
        /// Hand the packet on (jitter buffer, RFC 4733 events).
        case accept
        /// Hand the packet on, and from now on send this leg's media to `address` (symmetric RTP). The packet
        /// starts the stream from this source: reset per-stream state if any is left from a previous source.
        case latch(Address)
        /// Hand the packet on: it starts a new stream (new SSRC) from the learnt source, so reset per-stream
        /// state (jitter buffer, reception statistics) first.
        case restartStream(ssrc: UInt32)
        /// Discard the packet; `reason` says why and is counted.
        case drop(DropReason)
    }

    /// Why a packet was dropped.
    public enum DropReason: Hashable, Sendable {
        /// Strict RTP is still learning the source; this packet counts toward (or restarts) the probation.
        case probation
        /// Strict RTP: the packet comes from another address than the learnt source (no RTP bleed).
        case unexpectedAddress
        /// Strict RTP: another SSRC from the learnt address, without a pause; it is on probation.
        case unexpectedSSRC
    }

    /// What the driver does when the inactivity timer fires or a hold begins or ends.
    public enum TimerAction: Hashable, Sendable {
        /// Check again at this deadline (via ``checkInactivity(now:)``).
        case schedule(NIODeadline)
        /// No check is due (no timeout configured, or on hold without a hold timeout).
        case cancel
        /// Media stopped for too long: end the call (send BYE).
        case endCall
    }

    /// Counters for metrics and the admin API.
    public struct Counters: Hashable, Sendable {
        /// Packets offered to ``receivedPacket(from:ssrc:sequenceNumber:now:)``.
        public var received = 0
        /// Packets accepted (including those that latched or restarted the stream).
        public var accepted = 0
        /// Packets dropped while strict RTP was learning.
        public var droppedInProbation = 0
        /// Packets dropped because they came from another address than the learnt source.
        public var droppedUnexpectedAddress = 0
        /// Packets dropped because they carried another SSRC than the learnt one.
        public var droppedUnexpectedSSRC = 0
        /// Times the source was learnt (the first time and after each ``renegotiated()``).
        public var sourcesLearnt = 0
        /// Times a new SSRC from the learnt address was taken over.
        public var ssrcChanges = 0
        /// Times the inactivity check ended the call.
        public var inactivityTimeouts = 0
    }

    /// The learnt source: address, SSRC and the last sequence number seen from it.
    public struct Source: Hashable, Sendable {
        /// Where the source sends from, and where symmetric RTP answers.
        public var address: Address
        /// The source's SSRC.
        public var ssrc: UInt32
        /// The last sequence number seen from it.
        public var lastSequenceNumber: UInt16
    }

    /// Where source learning stands.
    enum State: Hashable, Sendable {
        /// No packet yet, or the candidate seen so far with its count of consecutive packets.
        /// Followed by `learning` (another candidate) or `learnt`.
        case learning(candidate: Source?, count: Int)
        /// The source is known; `pending` is a new SSRC from the same address on its own probation.
        /// Followed by `learning` after ``renegotiated()``.
        case learnt(Source, pending: Source?, pendingCount: Int)
    }

    /// The learning rules this session follows.
    public let configuration: Configuration
    /// Packets accepted and dropped, for metrics.
    public private(set) var counters = Counters()
    private var state: State = .learning(candidate: nil, count: 0)
    /// When media last arrived, or the session (or resume) started.
    private var lastActivity: NIODeadline
    /// When the hold began, while on hold.
    private var holdStart: NIODeadline?
    /// Whether the send address has been latched since the last (re)negotiation.
    private var latched = false

    /// Starts a session at `now`; the inactivity clock starts too (no media at all also times out).
    public init(configuration: Configuration = Configuration(), now: NIODeadline) {
        self.configuration = configuration
        self.lastActivity = now
    }

    // MARK: Observations

    /// The learnt source, once known (for strict RTP after the probation; otherwise the first packet's).
    public var source: Source? {
        switch self.state {
        case .learning: nil
        case .learnt(let source, _, _): source
        }
    }

    /// Whether the caller has put the session on hold.
    public var isOnHold: Bool { self.holdStart != nil }

    /// When the inactivity check is next due, or `nil` if none is.
    public var inactivityDeadline: NIODeadline? {
        if let holdStart = self.holdStart {
            return self.configuration.holdTimeout.map { holdStart + $0 }
        }
        return self.configuration.inactivityTimeout.map { self.lastActivity + $0 }
    }

    // MARK: Events

    /// A valid RTP packet (already parsed, RFC 3550 §5.1) arrived from `address`.
    ///
    /// - Returns: whether to accept it, latch the send address to it, restart the stream, or drop it.
    public mutating func receivedPacket(
        from address: Address,
        ssrc: UInt32,
        sequenceNumber: UInt16,
        now: NIODeadline
    ) -> Action {
        self.counters.received += 1
        let packet = Source(address: address, ssrc: ssrc, lastSequenceNumber: sequenceNumber)
        switch self.state {
        case .learning(let candidate, let count):
            let needed = self.configuration.strictRTP ? self.configuration.probationPackets : 1
            // RFC 3550 A.1: a source is valid after MIN_SEQUENTIAL packets in sequence; here also from one address.
            var newCount = 1
            if let candidate, candidate.address == address, candidate.ssrc == ssrc,
                sequenceNumber == candidate.lastSequenceNumber &+ 1
            {
                newCount = count + 1
            }
            guard newCount >= needed else {
                self.state = .learning(candidate: packet, count: newCount)
                self.counters.droppedInProbation += 1
                return .drop(.probation)
            }
            self.state = .learnt(packet, pending: nil, pendingCount: 0)
            self.counters.sourcesLearnt += 1
            return self.accept(packet, now: now, latching: true)

        case .learnt(var source, let pending, let pendingCount):
            if source.address == address && source.ssrc == ssrc {
                source.lastSequenceNumber = sequenceNumber
                self.state = .learnt(source, pending: pending, pendingCount: pendingCount)
                return self.accept(source, now: now, latching: false)
            }
            guard self.configuration.strictRTP else {
                // Not strict: everything plays; a new SSRC from anywhere restarts the stream.
                if source.ssrc != ssrc {
                    self.state = .learnt(packet, pending: nil, pendingCount: 0)
                    self.counters.ssrcChanges += 1
                    _ = self.accept(packet, now: now, latching: false)
                    return .restartStream(ssrc: ssrc)
                }
                return self.accept(source, now: now, latching: false)
            }
            guard source.address == address else {
                return self.receivedFromOtherAddress(
                    packet,
                    learnt: source,
                    pending: pending,
                    pendingCount: pendingCount,
                    now: now
                )
            }
            // Same address, new SSRC: the phone restarted its stream. Take it at once after a pause, or after
            // its own probation while the old SSRC still plays.
            let paused = now - self.lastActivity >= self.configuration.ssrcChangePause
            var count = 1
            if let pending, pending.address == address, pending.ssrc == ssrc,
                sequenceNumber == pending.lastSequenceNumber &+ 1
            {
                count = pendingCount + 1
            }
            guard paused || count >= self.configuration.probationPackets else {
                self.state = .learnt(source, pending: packet, pendingCount: count)
                self.counters.droppedUnexpectedSSRC += 1
                return .drop(.unexpectedSSRC)
            }
            self.state = .learnt(packet, pending: nil, pendingCount: 0)
            self.counters.ssrcChanges += 1
            _ = self.accept(packet, now: now, latching: false)
            return .restartStream(ssrc: ssrc)
        }
    }

    /// The inactivity timer fired; same as ``checkInactivity(now:)``.
    public mutating func timerFired(now: NIODeadline) -> TimerAction {
        self.checkInactivity(now: now)
    }

    /// Checks for RTP inactivity at `now`.
    ///
    /// - Returns: `.endCall` if no media arrived within the timeout (or the hold outlasted
    ///   ``Configuration/holdTimeout``), otherwise when to check again, or `.cancel` if no check is due.
    public mutating func checkInactivity(now: NIODeadline) -> TimerAction {
        guard let deadline = self.inactivityDeadline else { return .cancel }
        if now >= deadline {
            self.counters.inactivityTimeouts += 1
            return .endCall
        }
        return .schedule(deadline)
    }

    /// The caller put the session on hold (its SDP says `sendonly` or `inactive`): pause the inactivity check.
    public mutating func holdStarted(now: NIODeadline) -> TimerAction {
        if self.holdStart == nil { self.holdStart = now }
        return self.inactivityDeadline.map { .schedule($0) } ?? .cancel
    }

    /// The caller resumed (`sendrecv` again): the inactivity clock restarts from `now`.
    public mutating func holdEnded(now: NIODeadline) -> TimerAction {
        self.holdStart = nil
        self.lastActivity = now
        return self.inactivityDeadline.map { .schedule($0) } ?? .cancel
    }

    /// The remote side renegotiated its media address (re-INVITE): learn the source again.
    ///
    /// Counters and the inactivity clock are kept.
    public mutating func renegotiated() {
        self.state = .learning(candidate: nil, count: 0)
        self.latched = false
    }

    // MARK: Internals

    /// Strict RTP, a packet from another address than the learnt source: dropped (no RTP bleed), unless the
    /// source has been silent for ``Configuration/relearnAfterSilence``; then the new address goes through a
    /// probation of its own and, once past it, becomes the source.
    private mutating func receivedFromOtherAddress(
        _ packet: Source,
        learnt source: Source,
        pending: Source?,
        pendingCount: Int,
        now: NIODeadline
    ) -> Action {
        guard let relearn = self.configuration.relearnAfterSilence, now - self.lastActivity >= relearn else {
            self.counters.droppedUnexpectedAddress += 1
            return .drop(.unexpectedAddress)
        }
        var count = 1
        if let pending, pending.address == packet.address, pending.ssrc == packet.ssrc,
            packet.lastSequenceNumber == pending.lastSequenceNumber &+ 1
        {
            count = pendingCount + 1
        }
        guard count >= self.configuration.probationPackets else {
            self.state = .learnt(source, pending: packet, pendingCount: count)
            self.counters.droppedInProbation += 1
            return .drop(.probation)
        }
        self.state = .learnt(packet, pending: nil, pendingCount: 0)
        self.counters.sourcesLearnt += 1
        self.latched = false
        let action = self.accept(packet, now: now, latching: true)
        return action == .accept ? .restartStream(ssrc: packet.ssrc) : action
    }

    private mutating func accept(_ source: Source, now: NIODeadline, latching: Bool) -> Action {
        self.counters.accepted += 1
        self.lastActivity = now
        if latching && self.configuration.symmetricRTP && !self.latched {
            self.latched = true
            return .latch(source.address)
        }
        return .accept
    }
}
