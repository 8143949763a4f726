public import NIOCore

/// One RFC 4733 named-event payload: the 4 octets carried in a `telephone-event` RTP packet.
///
/// RFC 4733 §2.3:
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// |     event     |E|R| volume    |          duration             |
/// ```
/// DTMF events are codes 0–15 (§3.2): digits 0–9, then `*` (10), `#` (11) and `A`–`D` (12–15).
public struct TelephoneEvent: Hashable, Sendable {
    /// Payload size in bytes (§2.3).
    public static let size = 4
    /// The DTMF characters by event code (§3.2, Table 7).
    static let dtmfCharacters: [Character] = [
        "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#", "A", "B", "C", "D",
    ]

    /// Event code (§2.3.1); 0–15 are the DTMF digits.
    public var event: UInt8
    /// E bit: this packet ends the event (§2.3.2).
    public var isEnd: Bool
    /// Power level of the tone in −dBm0, 0–63 (§2.3.4); larger is quieter.
    public var volume: UInt8
    /// Duration so far, in RTP timestamp units from the event's timestamp (§2.3.5).
    public var duration: UInt16

    /// Makes an event payload; `volume` is the power level in −dBm0 and keeps its low six bits (0...63, §2.3.4).
    public init(event: UInt8, isEnd: Bool = false, volume: UInt8 = 10, duration: UInt16) {
        self.event = event
        self.isEnd = isEnd
        self.volume = volume & 0x3F
        self.duration = duration
    }

    /// The event for a DTMF character (`0`–`9`, `*`, `#`, `A`–`D`, lowercase accepted), or `nil`.
    public init?(digit: Character, isEnd: Bool = false, volume: UInt8 = 10, duration: UInt16 = 0) {
        guard let code = Self.eventCode(for: digit) else { return nil }
        self.init(event: code, isEnd: isEnd, volume: volume, duration: duration)
    }

    /// The DTMF character of this event, or `nil` for codes above 15 (§3.2).
    public var digit: Character? { Self.digit(forEvent: self.event) }

    /// The DTMF character for an event code, or `nil` for codes above 15.
    public static func digit(forEvent event: UInt8) -> Character? {
        Int(event) < dtmfCharacters.count ? dtmfCharacters[Int(event)] : nil
    }

    /// The event code for a DTMF character, or `nil`.
    public static func eventCode(for digit: Character) -> UInt8? {
        switch digit {
        case "0"..."9": digit.asciiValue.map { $0 - 48 }
        case "*": 10
        case "#": 11
        case "A"..."D": digit.asciiValue.map { $0 - 65 + 12 }
        case "a"..."d": digit.asciiValue.map { $0 - 97 + 12 }
        default: nil
        }
    }

    /// Parses the first 4 bytes of an RTP payload (§2.3). The R bit is ignored as §2.3.3 requires.
    ///
    /// Extra bytes (further events of a multi-event packet, §2.5.1.6) are not read.
    /// - Throws: ``RTPError/Code/truncatedPayload`` if fewer than 4 bytes.
    public init(validating payload: UnsafeRawBufferPointer) throws(RTPError) {
        guard payload.count >= Self.size else { throw RTPError(.truncatedPayload, offset: payload.count) }
        self.event = payload[0]
        self.isEnd = payload[1] & 0x80 != 0
        self.volume = payload[1] & 0x3F
        self.duration = UInt16(payload[2]) << 8 | UInt16(payload[3])
    }

    /// Parses an event payload, or `nil` if it is shorter than 4 bytes.
    public init?(parsing payload: UnsafeRawBufferPointer) {
        do {
            try self.init(validating: payload)
        } catch {
            return nil
        }
    }

    /// Parses the readable bytes of `buffer` without moving its reader index.
    public init?(buffer: ByteBuffer) {
        let parsed: TelephoneEvent? = buffer.withUnsafeReadableBytes { TelephoneEvent(parsing: $0) }
        guard let parsed else { return nil }
        self = parsed
    }

    /// The second octet: E, R=0 (§2.3.3: senders set R to zero) and volume.
    private var flagsOctet: UInt8 { (self.isEnd ? 0x80 : 0) | (self.volume & 0x3F) }

    /// Appends the 4-byte payload to `buffer`.
    public func write(into buffer: inout ByteBuffer) {
        buffer.writeInteger(self.event)
        buffer.writeInteger(self.flagsOctet)
        buffer.writeInteger(self.duration)
    }

    /// Writes the 4-byte payload at the start of `bytes`.
    ///
    /// - Returns: 4, or `nil` if `bytes` is shorter than 4 bytes.
    @discardableResult
    public func write(into bytes: UnsafeMutableRawBufferPointer) -> Int? {
        guard bytes.count >= Self.size else { return nil }
        bytes[0] = self.event
        bytes[1] = self.flagsOctet
        bytes[2] = UInt8(truncatingIfNeeded: self.duration >> 8)
        bytes[3] = UInt8(truncatingIfNeeded: self.duration)
        return Self.size
    }
}
