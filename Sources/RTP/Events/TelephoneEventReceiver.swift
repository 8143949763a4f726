/// Turns a stream of RFC 4733 event packets into DTMF digits, each reported exactly once.
///
/// RFC 4733 §2.5.2: all packets of one event share its RTP timestamp, the start of the event; a new
/// timestamp means a new event. The sender repeats updates (growing duration) and sends the final packet,
/// with the E bit, three times (§2.5.1.4). So the receiver reports a digit the first time it sees a timestamp,
/// whatever that packet is: this survives a lost first packet (the first update or end packet reports it), lost
/// end packets (the digit was already reported) and the redundant end packets (same timestamp, ignored).
/// A packet whose timestamp is older than the last event seen (a late, reordered packet of a previous event)
/// is ignored.
///
/// Not handled: long events split into segments when the duration would exceed 0xFFFF (§2.5.1.3) start a new
/// timestamp and would report the digit again; no DTMF key is held for 8 s, so this does not arise in practice.
public struct TelephoneEventReceiver: Hashable, Sendable {
    /// RTP timestamp of the most recent event reported.
    public private(set) var lastEventTimestamp: UInt32?
    /// Packets ignored because they belonged to an event already reported or to an older one.
    public private(set) var ignoredPackets: Int = 0

    public init() {}

    /// Processes one received event packet.
    ///
    /// - Parameters:
    ///   - event: the event code (§2.3.1).
    ///   - end: the E bit (§2.3.2).
    ///   - duration: the duration field (§2.3.5).
    ///   - timestamp: the packet's RTP timestamp (the event's start).
    /// - Returns: the digit to report, or `nil` if this event was already reported, is older, or is not DTMF.
    public mutating func receivedPacket(event: UInt8, end: Bool, duration: UInt16, timestamp: UInt32) -> Character? {
        if let last = self.lastEventTimestamp {
            if RTPTimestamp(last).distance(to: RTPTimestamp(timestamp)) <= 0 {
                self.ignoredPackets += 1
                return nil
            }
        }
        self.lastEventTimestamp = timestamp
        return TelephoneEvent.digit(forEvent: event)
    }

    /// Processes one parsed event packet; see ``receivedPacket(event:end:duration:timestamp:)``.
    public mutating func receivedPacket(_ event: TelephoneEvent, timestamp: UInt32) -> Character? {
        self.receivedPacket(event: event.event, end: event.isEnd, duration: event.duration, timestamp: timestamp)
    }
}
