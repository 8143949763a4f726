public import NIOCore

/// The RTCP side of one two-party RTP session (a bridge leg, or a test caller): what to report, when, and what
/// the peer's reports say (RFC 3550 §6).
///
/// A plain state machine (STYLE §4) with no clock, socket or random source: the driver tells it about the RTP
/// it sends and receives, hands it the RTCP datagrams that arrive, and asks it at each of its own ticks whether
/// a report is due, passing the time, the wall clock and a random fraction. Reports are written straight into
/// the driver's buffer.
///
/// - **Sending** (§6.2, §6.3, §6.4): a compound packet every randomised interval (at least
///   ``Configuration/minimumInterval``, half of it before the first): an SR when we sent RTP since the last
///   report (else an RR), with one report block about the peer's stream once it is valid, then an SDES with our
///   CNAME (§6.1). Leaving, ``writeBye(reason:now:wallClock:into:)`` writes the same followed by a BYE (§6.6).
/// - **Receiving**: the peer's SR is remembered for our next block's LSR and DLSR; a block about our SSRC gives
///   the round-trip time (A − LSR − DLSR, §6.4.1) and the loss and jitter the peer sees of our stream; a BYE
///   is reported to the driver.
/// - With two members there is nothing to reconsider (§6.3.3 to §6.3.7 matter for large groups), so the
///   interval is simply drawn again after each report.
public struct RTCPSession: Sendable {
    /// Fixed parameters of the session.
    public struct Configuration: Hashable, Sendable {
        /// RTP clock rate of both streams (8000 for G.711 and G.722, 48 000 for Opus).
        public var clockRate: Int
        /// Our canonical name (SDES CNAME, §6.5.1), e.g. `parley@192.0.2.1`.
        public var cname: String
        /// Tmin (§6.2): 5 s by default; smaller values are the RFC's "reduced minimum".
        public var minimumInterval: TimeAmount
        /// The session bandwidth in octets per second; RTCP gets 5 % of it (§6.2). 64 kbit/s audio plus headers.
        public var sessionBandwidth: Double

        /// Makes a configuration; the CNAME identifies the endpoint across SSRC changes (RFC 3550 §6.5.1).
        public init(
            clockRate: Int = 8000,
            cname: String,
            minimumInterval: TimeAmount = .seconds(5),
            sessionBandwidth: Double = 10_000
        ) {
            self.clockRate = max(1, clockRate)
            self.cname = cname
            self.minimumInterval = minimumInterval
            self.sessionBandwidth = sessionBandwidth
        }
    }

    /// What the peer's RTCP told us: its reports about our stream, and its own sending.
    public struct PeerReport: Hashable, Sendable {
        /// The peer's SSRC, from its last SR or RR.
        public var ssrc: UInt32?
        /// Round-trip time from the last report block about our stream that echoed one of our SRs.
        public var roundTripTime: TimeAmount?
        /// Fraction of our packets the peer lost in its last interval, times 256 (§6.4.1).
        public var fractionLost: UInt8 = 0
        /// Our packets the peer lost since the start (negative with duplicates).
        public var cumulativeLost: Int32 = 0
        /// Interarrival jitter the peer measured on our stream, in timestamp units.
        public var interarrivalJitter: UInt32 = 0
        /// The sender information of the peer's last SR.
        public var lastSenderInfo: RTCPSenderInfo?
        /// SRs and RRs received.
        public var senderReports = 0
        /// Receiver reports (RR) received.
        public var receiverReports = 0
        /// Report blocks about our stream received.
        public var reportBlocks = 0
        /// Whether the peer said BYE.
        public var saidBye = false
    }

    /// What a received RTCP datagram was.
    public enum Received: Hashable, Sendable {
        /// Reports (and descriptions) only; ``peer`` is updated.
        case reports
        /// The peer left (RTCP BYE), with its reason if it gave one.
        case bye(reason: String?)
        /// Not a valid compound RTCP packet (dropped and counted).
        case invalid(RTCPError)
    }

    /// The clock rate, CNAME and pacing this session runs with.
    public private(set) var configuration: Configuration
    /// Our SSRC: the one in our RTP packets.
    public let ssrc: UInt32
    /// What the peer reported.
    public private(set) var peer = PeerReport()
    /// What we know about the peer's RTP stream, once it sent some.
    public private(set) var reception: ReceptionStatistics?
    /// The report block of our last report, for statistics (what we told the peer).
    public private(set) var lastSentBlock: RTCPReportBlock?
    /// Compound packets we sent, and valid ones received.
    public private(set) var reportsSent = 0
    /// Valid compound packets received.
    public private(set) var reportsReceived = 0
    /// Datagrams refused as invalid RTCP.
    public private(set) var invalidReceived = 0
    /// RTP data packets and payload octets sent, as SR sender info counts them (wrapping, §6.4.1).
    public private(set) var packetsSent: UInt32 = 0
    /// Payload octets sent, wrapping like ``packetsSent``.
    public private(set) var octetsSent: UInt32 = 0
    /// When the next report is due.
    public private(set) var nextReport: NIODeadline

    private var interval = RTCPTransmissionInterval()
    private var sentSinceReport = false
    private var lastSentTimestamp: UInt32 = 0
    private var lastSentAt: NIODeadline?

    /// Starts a session at `now`; the first report goes out after half the minimum interval, randomised.
    ///
    /// - Parameters:
    ///   - ssrc: our SSRC.
    ///   - configuration: clock rate, CNAME and interval.
    ///   - now: the session's start.
    ///   - random: a uniform random number in 0..<1 for the first interval.
    public init(ssrc: UInt32, configuration: Configuration, now: NIODeadline, random: Double) {
        self.ssrc = ssrc
        self.configuration = configuration
        self.nextReport = now
        self.nextReport = now + self.drawInterval(initial: true, random: random)
    }

    // MARK: Observations

    /// Whether a report is due at `now`.
    public func isReportDue(now: NIODeadline) -> Bool { now >= self.nextReport }

    /// The peer's interarrival jitter on its own stream as we measure it, in seconds.
    public var receptionJitterSeconds: Double {
        Double(self.reception?.interarrivalJitter ?? 0) / Double(self.configuration.clockRate)
    }

    /// The jitter the peer measured on our stream, in seconds.
    public var peerJitterSeconds: Double {
        Double(self.peer.interarrivalJitter) / Double(self.configuration.clockRate)
    }

    /// The stream's codec changed to one on another RTP clock (a renegotiation, RFC 3264 §8.3.2): SR timestamps
    /// and jitter are counted at `clockRate` from now on, and the reception statistics keep their counts with the
    /// jitter rescaled to the new clock.
    public mutating func changeClockRate(_ clockRate: Int) {
        let rate = max(1, clockRate)
        guard rate != self.configuration.clockRate else { return }
        self.configuration.clockRate = rate
        self.reception?.changeClockRate(rate)
    }

    // MARK: Events

    /// We sent an RTP data packet with `payloadOctets` of payload and media timestamp `timestamp` at `now`.
    public mutating func sentPacket(payloadOctets: Int, timestamp: UInt32, now: NIODeadline) {
        self.packetsSent &+= 1
        self.octetsSent &+= UInt32(truncatingIfNeeded: payloadOctets)
        self.lastSentTimestamp = timestamp
        self.lastSentAt = now
        self.sentSinceReport = true
    }

    /// An RTP packet from the peer was accepted (after the driver's own source checks).
    ///
    /// A new SSRC starts the statistics afresh (the peer restarted its stream, RFC 3550 §8.2).
    ///
    /// - Parameters:
    ///   - ssrc: the packet's SSRC.
    ///   - sequenceNumber: its sequence number, for loss and reordering counts (§A.1).
    ///   - timestamp: its RTP timestamp, for the interarrival jitter (§A.8).
    ///   - arrival: the receive time in monotonic nanoseconds.
    public mutating func receivedPacket(ssrc: UInt32, sequenceNumber: UInt16, timestamp: UInt32, arrival: UInt64) {
        if self.reception?.ssrc != ssrc {
            self.reception = ReceptionStatistics(
                ssrc: ssrc,
                clockRate: self.configuration.clockRate,
                firstSequenceNumber: sequenceNumber
            )
        }
        self.reception?.receivedPacket(sequenceNumber: sequenceNumber, timestamp: timestamp, arrival: arrival)
    }

    /// A datagram arrived on the RTCP port (or was told apart from RTP on a multiplexed one): reads it as a
    /// compound RTCP packet (after SRTCP, if any, was removed).
    ///
    /// - Parameters:
    ///   - buffer: the datagram.
    ///   - now: its arrival, monotonic.
    ///   - wallClock: its arrival as NTP time, from the same clock that stamps our SRs.
    public mutating func receivedCompound(
        _ buffer: ByteBuffer,
        now: NIODeadline,
        wallClock: NTPTimestamp
    )
        -> Received
    {
        var bye = false
        var reasonBytes: [UInt8]? = nil
        var peer = self.peer
        var reception = self.reception
        let ours = self.ssrc
        do {
            try RTCPCompoundPacket.forEachPacket(in: buffer) { packet, bytes in
                switch packet.packetType {
                case .senderReport, .receiverReport:
                    guard let sender = packet.ssrc(in: bytes) else { return }
                    peer.ssrc = sender
                    if let info = packet.senderInfo(in: bytes) {
                        peer.senderReports += 1
                        peer.lastSenderInfo = info
                        if reception?.ssrc == sender { reception?.receivedSenderReport(info, now: now) }
                    } else {
                        peer.receiverReports += 1
                    }
                    for index in 0..<packet.reportBlockCount {
                        guard let block = packet.reportBlock(at: index, in: bytes), block.ssrc == ours else {
                            continue
                        }
                        peer.reportBlocks += 1
                        peer.fractionLost = block.fractionLost
                        peer.cumulativeLost = block.cumulativeLost
                        peer.interarrivalJitter = block.interarrivalJitter
                        if let roundTrip = block.roundTripTime(arrival: wallClock) {
                            peer.roundTripTime = roundTrip
                        }
                    }
                case .bye:
                    bye = true
                    if let reason = packet.byeReason(in: bytes) { reasonBytes = Array(reason) }
                default:
                    break
                }
            }
        } catch {
            self.invalidReceived += 1
            return .invalid(error)
        }
        self.reportsReceived += 1
        self.interval.observedPacket(octets: buffer.readableBytes + Self.lowerLayerOctets)
        if bye { peer.saidBye = true }
        self.peer = peer
        self.reception = reception
        guard bye else { return .reports }
        return .bye(reason: reasonBytes.map { String(decoding: $0, as: UTF8.self) })
    }

    /// If a report is due at `now`, writes the compound packet into `buffer` and draws the next interval.
    ///
    /// - Parameters:
    ///   - now: the driver's present time, monotonic.
    ///   - wallClock: the same instant as NTP time.
    ///   - random: a uniform random number in 0..<1 for the next interval.
    ///   - buffer: where the packet is appended.
    /// - Returns: whether a packet was written.
    public mutating func reportIfDue(
        now: NIODeadline,
        wallClock: NTPTimestamp,
        random: Double,
        into buffer: inout ByteBuffer
    ) -> Bool {
        guard self.isReportDue(now: now) else { return false }
        let start = buffer.writerIndex
        self.writeReport(now: now, wallClock: wallClock, into: &buffer)
        self.reportsSent += 1
        self.interval.observedPacket(octets: buffer.writerIndex - start + Self.lowerLayerOctets)
        self.nextReport = now + self.drawInterval(initial: false, random: random)
        return true
    }

    /// Writes our last compound packet, SR or RR and SDES followed by a BYE (§6.6), into `buffer`.
    ///
    /// - Parameters:
    ///   - reason: why we leave (at most 255 UTF-8 bytes), or nil.
    ///   - now: the driver's present time, monotonic.
    ///   - wallClock: the same instant as NTP time, for the SR.
    ///   - buffer: where the packet is appended.
    public mutating func writeBye(
        reason: String?,
        now: NIODeadline,
        wallClock: NTPTimestamp,
        into buffer: inout ByteBuffer
    ) {
        self.writeReport(now: now, wallClock: wallClock, into: &buffer)
        RTCPPacketBuilder.writeBye(ssrc: self.ssrc, reason: reason, into: &buffer)
        self.reportsSent += 1
    }

    // MARK: Internals

    /// IPv4 and UDP headers, which the average RTCP size includes (§6.2).
    static let lowerLayerOctets = 28

    private mutating func writeReport(now: NIODeadline, wallClock: NTPTimestamp, into buffer: inout ByteBuffer) {
        var block: RTCPReportBlock? = nil
        if let reception = self.reception, reception.isValid {
            block = self.reception?.makeReportBlock(now: now)
        }
        // No array: one block or none, written through a fixed-size collection.
        if let block {
            self.lastSentBlock = block
            self.writeHead(blocks: CollectionOfOne(block), now: now, wallClock: wallClock, into: &buffer)
        } else {
            self.writeHead(blocks: EmptyCollection(), now: now, wallClock: wallClock, into: &buffer)
        }
        RTCPPacketBuilder.writeSourceDescription(ssrc: self.ssrc, cname: self.configuration.cname, into: &buffer)
        self.sentSinceReport = false
    }

    /// The SR (when we sent since the last report) or RR that heads the compound packet.
    private func writeHead(
        blocks: some Collection<RTCPReportBlock>,
        now: NIODeadline,
        wallClock: NTPTimestamp,
        into buffer: inout ByteBuffer
    ) {
        guard self.sentSinceReport, let sentAt = self.lastSentAt else {
            RTCPPacketBuilder.writeReceiverReport(ssrc: self.ssrc, reportBlocks: blocks, into: &buffer)
            return
        }
        // The RTP timestamp of this instant: the last packet's, advanced by the time since at the clock rate.
        let elapsed = max(0, (now - sentAt).nanoseconds)
        let ticks = elapsed * Int64(self.configuration.clockRate) / 1_000_000_000
        let info = RTCPSenderInfo(
            ntpTimestamp: wallClock,
            rtpTimestamp: self.lastSentTimestamp &+ UInt32(truncatingIfNeeded: ticks),
            packetCount: self.packetsSent,
            octetCount: self.octetsSent
        )
        RTCPPacketBuilder.writeSenderReport(ssrc: self.ssrc, senderInfo: info, reportBlocks: blocks, into: &buffer)
    }

    /// A leg has two members; the senders' quarter share (§6.2) applies only when senders are at most a quarter
    /// of the members, which one of two never is, so who sent does not change the interval.
    private func drawInterval(initial: Bool, random: Double) -> TimeAmount {
        self.interval.interval(
            members: 2,
            senders: 0,
            weSent: false,
            rtcpBandwidth: self.configuration.sessionBandwidth * 0.05,
            initial: initial,
            random: random,
            minimumSeconds: Double(self.configuration.minimumInterval.nanoseconds) / 1e9
        )
    }
}
