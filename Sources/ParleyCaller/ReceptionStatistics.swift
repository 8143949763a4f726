/// What one call received over RTP since it was last reset: packets, loss and interarrival jitter (RFC 3550).
///
/// A plain value fed one packet at a time on the caller's event loop; the load generator sums many of them. Loss is
/// RFC 3550 §6.4.1's cumulative figure (expected from the sequence numbers minus received, duplicates making it
/// smaller, never below zero) and jitter its §A.8 running estimate, in milliseconds rather than timestamp units.
public struct ReceptionStatistics: Hashable, Sendable {
    /// Packets received (every payload type).
    public private(set) var packets = 0
    /// Packets the sequence numbers say were sent, first to highest.
    public var expected: Int {
        guard let first = self.firstSequence else { return 0 }
        return Int(self.highestSequence - first + 1)
    }
    /// Packets missing from the sequence (0 when every expected packet arrived).
    public var lost: Int { max(0, self.expected - self.packets) }
    /// The RFC 3550 interarrival jitter estimate, in milliseconds.
    public var jitterMilliseconds: Double { self.jitter / 1_000_000 }

    private var firstSequence: Int64?
    /// Extended highest sequence number (with wrap-arounds counted).
    private var highestSequence: Int64 = 0
    /// The last packet's transit time (arrival minus RTP timestamp), nanoseconds.
    private var lastTransit: Double?
    /// Running jitter estimate, nanoseconds.
    private var jitter: Double = 0

    /// An empty record.
    public init() {}

    /// Counts one packet.
    ///
    /// - Parameters:
    ///   - sequence: its RTP sequence number.
    ///   - timestamp: its RTP timestamp.
    ///   - clockRate: the payload's RTP clock rate (8000 for G.711 and G.722, 48 000 for Opus).
    ///   - arrivalNanoseconds: when it arrived, on any monotonic clock.
    public mutating func record(sequence: UInt16, timestamp: UInt32, clockRate: Int, arrivalNanoseconds: UInt64) {
        self.packets += 1
        let sequence = Int64(sequence)
        if self.firstSequence == nil {
            self.firstSequence = sequence
            self.highestSequence = sequence
        } else {
            // Extend the 16-bit number to the candidate nearest the highest seen so far.
            let base = self.highestSequence & ~0xFFFF
            var extended = base | sequence
            if extended < self.highestSequence - 0x8000 { extended += 0x1_0000 }
            if extended > self.highestSequence + 0x8000 { extended -= 0x1_0000 }
            self.highestSequence = max(self.highestSequence, extended)
        }
        // Transit in nanoseconds; the RTP timestamp is taken modulo 2^32 like the arrival, so only differences count.
        let media = Double(timestamp) * 1_000_000_000 / Double(max(clockRate, 1))
        let transit = Double(arrivalNanoseconds) - media
        if let last = self.lastTransit {
            var difference = abs(transit - last)
            // A timestamp wrap-around (2^32 ticks) shows as a huge jump: not jitter.
            if difference > 1_000_000_000 { difference = 0 }
            self.jitter += (difference - self.jitter) / 16
        }
        self.lastTransit = transit
    }
}
