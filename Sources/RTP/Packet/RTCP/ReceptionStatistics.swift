public import NIOCore

/// What a receiver knows about one RTP source, kept to write its RTCP report block (RFC 3550 §6.4.1).
///
/// - Sequence tracking follows RFC 3550 Appendix A.1: a new source is valid after `MIN_SEQUENTIAL` packets in
///   sequence (probation); a jump of less than `MAX_DROPOUT` ahead is accepted (counting a wrap-around when the
///   number goes down); a jump back of less than `MAX_MISORDER` is a duplicate or reordered packet; any larger
///   jump is accepted only when the next packet follows it, and then the source restarts its sequence.
/// - Loss follows Appendix A.3: expected = extended highest − base + 1; lost = expected − received (signed,
///   clamped to 24 bits); the fraction lost is over the interval since the previous report.
/// - Jitter follows Appendix A.8 in its integer form: `J += |D| − (J + 8) / 16`, with J kept scaled by 16.
/// - LSR and DLSR come from the last SR received from the source (§6.4.1).
///
/// A value type with no clock: arrival times come in as monotonic nanoseconds, report times as `NIODeadline`.
public struct ReceptionStatistics: Sendable {
    /// Packets in sequence before a new source is valid (A.1 `MIN_SEQUENTIAL`).
    public static let minimumSequential = 2
    /// Largest forward jump taken as loss rather than a restart (A.1 `MAX_DROPOUT`).
    public static let maximumDropout: UInt16 = 3000
    /// Largest backward jump taken as reordering (A.1 `MAX_MISORDER`).
    public static let maximumMisorder: UInt16 = 100
    private static let sequenceModulus: UInt32 = 1 << 16

    /// The source reported on.
    public let ssrc: UInt32
    /// The RTP clock rate of its timestamps (8000 for PCMU, PCMA and G.722; 48000 for Opus).
    public private(set) var clockRate: Int

    private var maxSequence: UInt16 = 0
    /// Wrap-arounds, shifted left by 16.
    private var cycles: UInt32 = 0
    private var baseSequence: UInt32 = 0
    /// The last "bad" sequence number + 1, or 2^16 + 1 for none.
    private var badSequence: UInt32 = ReceptionStatistics.sequenceModulus + 1
    private var probation: Int
    /// Valid packets received, including late ones and duplicates.
    public private(set) var received: UInt32 = 0
    private var expectedPrior: UInt32 = 0
    private var receivedPrior: UInt32 = 0
    private var transit: UInt32? = nil
    /// Jitter times 16 (A.8 integer form).
    private var scaledJitter: UInt32 = 0
    private var lastSenderReport: (middle32: UInt32, arrival: NIODeadline)? = nil

    /// Starts tracking a source, heard from for the first time with `firstSequenceNumber`.
    public init(ssrc: UInt32, clockRate: Int, firstSequenceNumber: UInt16) {
        precondition(clockRate > 0)
        self.ssrc = ssrc
        self.clockRate = clockRate
        // A.1: init_seq, then max_seq = seq - 1 and probation = MIN_SEQUENTIAL, so the first packet counts.
        self.probation = Self.minimumSequential
        self.restart(at: firstSequenceNumber)
        self.maxSequence = firstSequenceNumber &- 1
    }

    // MARK: Observations

    /// Whether the source has passed probation.
    public var isValid: Bool { self.probation == 0 }

    /// Highest sequence number received, with the wrap-around count in the top 16 bits.
    public var extendedHighestSequenceNumber: UInt32 { self.cycles &+ UInt32(self.maxSequence) }

    /// Packets expected: extended highest − base + 1 (A.3).
    public var expected: UInt32 {
        guard self.isValid else { return 0 }
        return self.extendedHighestSequenceNumber &- self.baseSequence &+ 1
    }

    /// Cumulative packets lost, expected − received, clamped to the signed 24-bit field (A.3).
    public var cumulativeLost: Int32 {
        let lost = Int64(self.expected) - Int64(self.received)
        let range = RTCPReportBlock.cumulativeLostRange
        return Int32(min(max(lost, Int64(range.lowerBound)), Int64(range.upperBound)))
    }

    /// Interarrival jitter J in timestamp units (A.8).
    public var interarrivalJitter: UInt32 { self.scaledJitter >> 4 }

    // MARK: Events

    /// A packet from this source arrived.
    ///
    /// - Parameters:
    ///   - sequenceNumber: its RTP sequence number.
    ///   - timestamp: its RTP timestamp.
    ///   - arrival: the receive time in monotonic nanoseconds.
    /// - Returns: whether the packet is valid under A.1 (false while on probation or after a large jump that
    ///   is not yet confirmed).
    @discardableResult
    public mutating func receivedPacket(sequenceNumber: UInt16, timestamp: UInt32, arrival: UInt64) -> Bool {
        guard self.updateSequence(sequenceNumber) else { return false }
        self.updateJitter(timestamp: timestamp, arrival: arrival)
        return true
    }

    /// An SR from this source arrived at `now`: remember its NTP time for LSR and DLSR (RFC 3550 §6.4.1).
    public mutating func receivedSenderReport(_ senderInfo: RTCPSenderInfo, now: NIODeadline) {
        self.lastSenderReport = (senderInfo.ntpTimestamp.middle32, now)
    }

    /// Makes the report block to send at `now`, and starts a new interval for the fraction lost (A.3).
    public mutating func makeReportBlock(now: NIODeadline) -> RTCPReportBlock {
        let expected = self.expected
        let expectedInterval = expected &- self.expectedPrior
        self.expectedPrior = expected
        let receivedInterval = self.received &- self.receivedPrior
        self.receivedPrior = self.received
        let lostInterval = Int64(expectedInterval) - Int64(receivedInterval)
        var fraction: UInt8 = 0
        if expectedInterval != 0 && lostInterval > 0 {
            fraction = UInt8(truncatingIfNeeded: (lostInterval << 8) / Int64(expectedInterval))
        }
        var lastSenderReport: UInt32 = 0
        var delay: UInt32 = 0
        if let last = self.lastSenderReport {
            lastSenderReport = last.middle32
            // DLSR in 1/65536 s.
            let nanoseconds = max(0, (now - last.arrival).nanoseconds)
            delay = UInt32(clamping: nanoseconds * 65536 / 1_000_000_000)
        }
        return RTCPReportBlock(
            ssrc: self.ssrc,
            fractionLost: fraction,
            cumulativeLost: self.cumulativeLost,
            extendedHighestSequenceNumber: self.extendedHighestSequenceNumber,
            interarrivalJitter: self.interarrivalJitter,
            lastSenderReport: lastSenderReport,
            delaySinceLastSenderReport: delay
        )
    }

    // MARK: Internals

    /// A.1 `init_seq`.
    private mutating func restart(at sequence: UInt16) {
        self.baseSequence = UInt32(sequence)
        self.maxSequence = sequence
        self.badSequence = Self.sequenceModulus + 1
        self.cycles = 0
        self.received = 0
        self.receivedPrior = 0
        self.expectedPrior = 0
    }

    /// A.1 `update_seq`.
    private mutating func updateSequence(_ sequence: UInt16) -> Bool {
        let delta = sequence &- self.maxSequence
        if self.probation > 0 {
            // Source not yet valid: it must send MIN_SEQUENTIAL packets in sequence.
            if sequence == self.maxSequence &+ 1 {
                self.probation -= 1
                self.maxSequence = sequence
                if self.probation == 0 {
                    self.restart(at: sequence)
                    self.received += 1
                    return true
                }
            } else {
                self.probation = Self.minimumSequential - 1
                self.maxSequence = sequence
            }
            return false
        }
        if delta < Self.maximumDropout {
            // In order, with a permissible gap; a smaller number means the 16-bit counter wrapped.
            if sequence < self.maxSequence { self.cycles &+= Self.sequenceModulus }
            self.maxSequence = sequence
        } else if UInt32(delta) <= Self.sequenceModulus - UInt32(Self.maximumMisorder) {
            // A very large jump: believe it only if the next packet follows it (the sender restarted).
            if UInt32(sequence) == self.badSequence {
                self.restart(at: sequence)
            } else {
                self.badSequence = (UInt32(sequence) + 1) & (Self.sequenceModulus - 1)
                return false
            }
        } else {
            // A duplicate or a reordered packet: counted, the highest number stays.
        }
        self.received &+= 1
        return true
    }

    /// The source's codec changed to one on another RTP clock: the jitter estimate is rescaled to the new
    /// units, and the next packet starts a new transit time (the timestamps may jump at the change).
    public mutating func changeClockRate(_ clockRate: Int) {
        precondition(clockRate > 0)
        guard clockRate != self.clockRate else { return }
        let rescaled = UInt64(self.scaledJitter) * UInt64(clockRate) / UInt64(self.clockRate)
        self.scaledJitter = UInt32(clamping: rescaled)
        self.clockRate = clockRate
        self.transit = nil
    }

    /// A.8: D = (Rj − Ri) − (Sj − Si) in timestamp units; J += (|D| − J) / 16.
    private mutating func updateJitter(timestamp: UInt32, arrival: UInt64) {
        let rate = UInt64(self.clockRate)
        let arrivalUnits = (arrival / 1_000_000_000) &* rate &+ (arrival % 1_000_000_000) * rate / 1_000_000_000
        let transit = UInt32(truncatingIfNeeded: arrivalUnits) &- timestamp
        defer { self.transit = transit }
        guard let previous = self.transit else { return }
        let difference = Int32(bitPattern: transit &- previous).magnitude
        // Integer form of A.8: the estimate is kept scaled by 16.
        self.scaledJitter = self.scaledJitter &+ difference &- ((self.scaledJitter &+ 8) >> 4)
    }
}
