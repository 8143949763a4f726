/// Produces the RFC 4733 packet sequence for one DTMF digit, one packet per media tick.
///
/// RFC 4733 §2.5.1: the first packet of an event has the marker bit set (§2.5.1.1); every packet of the event
/// carries the event's start timestamp; updates are sent every packetisation interval with the duration so far
/// (§2.5.1.2); the final packet has the E bit and the full duration and is sent three times (§2.5.1.4).
///
/// For a 100 ms digit at 8000 Hz with 20 ms packets the durations are 160 (M), 320, 480, 640, then
/// 800 (E) three times: seven ticks. The caller owns sequence numbers and SSRC, and calls ``nextPacket()``
/// once per tick while ``isSending``; it queues further digits itself, starting the next one after this one
/// is done (plus any gap it wants).
public struct TelephoneEventSender: Hashable, Sendable {
    /// One packet to send: the payload, the header's marker bit and timestamp.
    public struct Packet: Hashable, Sendable {
        /// The 4-byte payload (write it with ``TelephoneEvent``'s `write(into:)`).
        public var event: TelephoneEvent
        /// RTP marker bit: set on the first packet of the event.
        public var marker: Bool
        /// RTP timestamp: the event's start, the same for every packet of it.
        public var timestamp: UInt32
    }

    /// Timestamp units per packet (160 = 20 ms at 8000 Hz).
    public let samplesPerPacket: UInt16
    /// How many times the final packet is sent (§2.5.1.4 recommends three).
    public let endRepetitions: Int

    private var event: UInt8 = 0
    private var volume: UInt8 = 10
    private var timestamp: UInt32 = 0
    private var totalDuration: UInt16 = 0
    private var sentDuration: UInt16 = 0
    private var packetsSent = 0
    private var endPacketsSent = 0
    /// Whether an event is in progress.
    public private(set) var isSending = false

    /// Makes a sender whose packets advance the duration by `samplesPerPacket` (160: 20 ms at 8 kHz) and whose end
    /// packet is sent `endRepetitions` times, as RFC 4733 §2.5.1.4 recommends (3).
    public init(samplesPerPacket: UInt16 = 160, endRepetitions: Int = 3) {
        precondition(samplesPerPacket > 0 && endRepetitions > 0)
        self.samplesPerPacket = samplesPerPacket
        self.endRepetitions = endRepetitions
    }

    /// Starts sending `digit`.
    ///
    /// - Parameters:
    ///   - digit: `0`–`9`, `*`, `#`, `A`–`D`.
    ///   - timestamp: the RTP timestamp of the stream at the start of the tone; every packet carries it.
    ///   - durationSamples: tone length in timestamp units (800 = 100 ms at 8000 Hz); rounded up to whole
    ///     packets and at least one packet.
    ///   - volume: power level in −dBm0, 0–63.
    /// - Returns: `false` (and changes nothing) if the digit is not DTMF or an event is still being sent.
    @discardableResult
    public mutating func start(
        digit: Character,
        timestamp: UInt32,
        durationSamples: UInt16 = 800,
        volume: UInt8 = 10
    )
        -> Bool
    {
        guard !self.isSending, let code = TelephoneEvent.eventCode(for: digit) else { return false }
        let packets = max(1, (Int(durationSamples) + Int(self.samplesPerPacket) - 1) / Int(self.samplesPerPacket))
        self.event = code
        self.volume = volume & 0x3F
        self.timestamp = timestamp
        self.totalDuration = UInt16(clamping: packets * Int(self.samplesPerPacket))
        self.sentDuration = 0
        self.packetsSent = 0
        self.endPacketsSent = 0
        self.isSending = true
        return true
    }

    /// The packet for this tick, or `nil` when no event is in progress.
    public mutating func nextPacket() -> Packet? {
        guard self.isSending else { return nil }
        let marker = self.packetsSent == 0
        self.packetsSent += 1
        if self.sentDuration < self.totalDuration {
            self.sentDuration = UInt16(clamping: Int(self.sentDuration) + Int(self.samplesPerPacket))
        }
        let isEnd = self.sentDuration >= self.totalDuration
        if isEnd {
            self.endPacketsSent += 1
            if self.endPacketsSent >= self.endRepetitions { self.isSending = false }
        }
        return Packet(
            event: TelephoneEvent(event: self.event, isEnd: isEnd, volume: self.volume, duration: self.sentDuration),
            marker: marker,
            timestamp: self.timestamp
        )
    }
}
