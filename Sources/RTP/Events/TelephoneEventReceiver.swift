/// Turns a stream of RFC 4733 event packets into DTMF digits, each reported exactly once.
///
/// RFC 4733 §2.5.2: all packets of one event share its RTP timestamp, the start of the event; a new
/// timestamp means a new event. The sender repeats updates (growing duration) and sends the final packet,
/// with the E bit, three times (§2.5.1.4). So the receiver reports a digit the first time it sees a timestamp,
/// whatever that packet is: this survives a lost first packet (the first update or end packet reports it), lost
/// end packets (the digit was already reported) and the redundant end packets (same timestamp, ignored).
/// A packet whose timestamp is at most ``staleWindow`` older than the last event seen (a late, reordered
/// packet of a previous event) is ignored; one older still is taken as a new event, so a sender that restarts
/// its timestamps (a re-INVITE, a new SSRC the session did not ``reset()`` for) is not silenced.
///
/// Not handled: long events split into segments when the duration would exceed 0xFFFF (§2.5.1.3) start a new
/// timestamp and would report the digit again; no DTMF key is held for 8 s, so this does not arise in practice.
public struct TelephoneEventReceiver: Hashable, Sendable {
    /// RTP timestamp of the most recent event reported.
    public private(set) var lastEventTimestamp: UInt32?
    /// Packets ignored because they belonged to an event already reported or to an older one.
    public private(set) var ignoredPackets: Int = 0
    /// How far back, in timestamp units, a packet still counts as belonging to an earlier event.
    public let staleWindow: Int

    /// - Parameter staleWindow: default 80 000 (10 s at 8000 Hz, longer than any key press).
    public init(staleWindow: Int = 80_000) {
        self.staleWindow = staleWindow
    }

    /// Forgets the last event (call when the stream's SSRC changes).
    public mutating func reset() {
        self.lastEventTimestamp = nil
    }

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
            let distance = RTPTimestamp(last).distance(to: RTPTimestamp(timestamp))
            if distance <= 0 && distance >= -self.staleWindow {
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
