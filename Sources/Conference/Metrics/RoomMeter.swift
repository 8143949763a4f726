/// What one room counted since it last reported to ``BridgeMetrics``: its mixing ticks and its callers' packets.
///
/// A plain value owned by the room and touched only on its event loop; its buckets are allocated once and
/// zeroed in place after each report, so counting allocates nothing.
struct RoomMeter {
    /// RTP packet counts of one leg, or the difference of two readings.
    struct PacketCounts: Equatable {
        var received = 0
        var sent = 0
        var lost = 0
        var dropped = 0

        static func - (lhs: PacketCounts, rhs: PacketCounts) -> PacketCounts {
            PacketCounts(
                received: lhs.received - rhs.received,
                sent: lhs.sent - rhs.sent,
                lost: lhs.lost - rhs.lost,
                dropped: lhs.dropped - rhs.dropped
            )
        }

        static func += (lhs: inout PacketCounts, rhs: PacketCounts) {
            lhs.received += rhs.received
            lhs.sent += rhs.sent
            lhs.lost += rhs.lost
            lhs.dropped += rhs.dropped
        }
    }

    var ticks = 0
    var latenessCounts = [Int](repeating: 0, count: BridgeMetrics.tickLatenessBounds.count + 1)
    var latenessSum = 0.0
    var costCounts = [Int](repeating: 0, count: BridgeMetrics.tickCostBounds.count + 1)
    var costSum = 0.0
    var packets = PacketCounts()

    /// Counts one tick: how late it started and how long its work took, in nanoseconds.
    mutating func recordTick(latenessNanoseconds: Int64, costNanoseconds: Int64) {
        self.ticks += 1
        let lateness = Double(max(0, latenessNanoseconds)) / 1e9
        let cost = Double(max(0, costNanoseconds)) / 1e9
        self.latenessCounts[Self.bucket(lateness, BridgeMetrics.tickLatenessBounds)] += 1
        self.latenessSum += lateness
        self.costCounts[Self.bucket(cost, BridgeMetrics.tickCostBounds)] += 1
        self.costSum += cost
    }

    /// Zeroes the counts in place after a report.
    mutating func reset() {
        self.ticks = 0
        for index in self.latenessCounts.indices { self.latenessCounts[index] = 0 }
        for index in self.costCounts.indices { self.costCounts[index] = 0 }
        self.latenessSum = 0
        self.costSum = 0
        self.packets = PacketCounts()
    }

    private static func bucket(_ value: Double, _ bounds: [Double]) -> Int {
        var index = 0
        while index < bounds.count, value > bounds[index] { index += 1 }
        return index
    }
}
