import Synchronization

/// Media and mixing figures of a whole bridge, for a metrics exporter (Parley's /metrics).
///
/// Nothing here is touched per packet: each room counts on its own event loop and adds what it
/// counted once a second, and when a caller leaves or the room empties. A scrape reads a copy of the totals.
public final class BridgeMetrics: Sendable {
    /// Upper bounds of the mixing-tick lateness histogram buckets, in seconds (a last bucket takes the rest).
    public static let tickLatenessBounds: [Double] = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05]
    /// Upper bounds of the per-tick mixing cost histogram buckets, in seconds.
    public static let tickCostBounds: [Double] = [0.00005, 0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01]

    /// Everything counted since the bridge started; counters only grow.
    public struct Totals: Sendable, Equatable {
        /// RTP packets accepted from callers.
        public var rtpPacketsReceived = 0
        /// RTP packets sent to callers.
        public var rtpPacketsSent = 0
        /// Frames the jitter buffer had to conceal: packets lost on the way or arriving too late to play.
        public var rtpPacketsLost = 0
        /// Packets refused: from an unexpected source or SSRC, late, duplicate or malformed.
        public var rtpPacketsDropped = 0
        /// Mixing ticks run.
        public var ticks = 0
        /// Ticks per lateness bucket (``tickLatenessBounds``, then one for the rest); not cumulative.
        public var tickLatenessCounts = [Int](repeating: 0, count: BridgeMetrics.tickLatenessBounds.count + 1)
        /// The sum of every tick's lateness, in seconds (the histogram's sum).
        public var tickLatenessSum = 0.0
        /// Ticks per cost bucket (``tickCostBounds``, then one for the rest); not cumulative.
        public var tickCostCounts = [Int](repeating: 0, count: BridgeMetrics.tickCostBounds.count + 1)
        /// The sum of every tick's CPU time, in seconds (the histogram's sum).
        public var tickCostSum = 0.0
        /// The latest interarrival jitter (RFC 3550) per live room, in milliseconds: the worst of its callers.
        public var jitterMilliseconds: [String: Double] = [:]
        /// The latest RTCP round-trip time (RFC 3550 §6.4.1) per live room, in milliseconds: the worst caller's.
        public var roundTripMilliseconds: [String: Double] = [:]
        /// The latest fraction lost that callers report of Parley's audio (RTCP), per live room: the worst.
        public var remoteFractionLost: [String: Double] = [:]

        /// All zero.
        public init() {}
    }

    private let totals = Mutex(Totals())

    /// A bridge's metrics, all zero.
    public init() {}

    /// A copy of the totals.
    public func snapshot() -> Totals {
        self.totals.withLock { $0 }
    }

    /// Adds what a room counted since its last report (called on the room's loop, about once a second).
    func add(
        _ meter: RoomMeter,
        room: String,
        jitterMilliseconds: Double?,
        roundTripMilliseconds: Double? = nil,
        remoteFractionLost: Double? = nil
    ) {
        self.totals.withLock { totals in
            totals.rtpPacketsReceived += meter.packets.received
            totals.rtpPacketsSent += meter.packets.sent
            totals.rtpPacketsLost += meter.packets.lost
            totals.rtpPacketsDropped += meter.packets.dropped
            totals.ticks += meter.ticks
            for index in totals.tickLatenessCounts.indices where index < meter.latenessCounts.count {
                totals.tickLatenessCounts[index] += meter.latenessCounts[index]
            }
            totals.tickLatenessSum += meter.latenessSum
            for index in totals.tickCostCounts.indices where index < meter.costCounts.count {
                totals.tickCostCounts[index] += meter.costCounts[index]
            }
            totals.tickCostSum += meter.costSum
            if let jitterMilliseconds {
                totals.jitterMilliseconds[room] = jitterMilliseconds
            } else {
                totals.jitterMilliseconds[room] = nil
            }
            totals.roundTripMilliseconds[room] = roundTripMilliseconds
            totals.remoteFractionLost[room] = remoteFractionLost
        }
    }
}
