import NIOCore
import Testing

@testable import RTP

@Suite("RFC 4733 §2.3 telephone-event payload")
struct TelephoneEventTests {
    @Test("§2.3: parses event, E bit, volume and duration")
    func parse() throws {
        let bytes: [UInt8] = [0x05, 0x8A, 0x03, 0x20]
        let event = try #require(bytes.withUnsafeBytes { TelephoneEvent(parsing: $0) })
        #expect(event.event == 5)
        #expect(event.isEnd)
        #expect(event.volume == 10)
        #expect(event.duration == 800)
        #expect(event.digit == "5")
    }

    @Test("§2.3.3: the reserved R bit is ignored on receipt and zero on send")
    func reservedBit() throws {
        let bytes: [UInt8] = [0x0B, 0x4A, 0x00, 0xA0]
        let event = try #require(bytes.withUnsafeBytes { TelephoneEvent(parsing: $0) })
        #expect(!event.isEnd)
        #expect(event.volume == 10)
        var out = [UInt8](repeating: 0xFF, count: 4)
        _ = out.withUnsafeMutableBytes { event.write(into: $0) }
        #expect(out == [0x0B, 0x0A, 0x00, 0xA0])
    }

    @Test("a payload shorter than 4 bytes is refused", arguments: [0, 1, 3])
    func truncated(length: Int) {
        let bytes = [UInt8](repeating: 0, count: length)
        #expect(bytes.withUnsafeBytes { TelephoneEvent(parsing: $0) } == nil)
        let error: RTPError? = bytes.withUnsafeBytes { raw in
            do throws(RTPError) {
                _ = try TelephoneEvent(validating: raw)
                return nil
            } catch {
                return error
            }
        }
        #expect(error?.code == .truncatedPayload)
    }

    @Test("§3.2: DTMF event codes map to 0-9 * # A-D")
    func digits() {
        let all = (0...15).compactMap { TelephoneEvent.digit(forEvent: UInt8($0)) }
        #expect(String(all) == "0123456789*#ABCD")
        #expect(TelephoneEvent.digit(forEvent: 16) == nil)
        for (code, character) in all.enumerated() {
            #expect(TelephoneEvent.eventCode(for: character) == UInt8(code))
        }
        #expect(TelephoneEvent.eventCode(for: "d") == 15)
        #expect(TelephoneEvent.eventCode(for: "E") == nil)
        #expect(TelephoneEvent(digit: "x") == nil)
    }

    @Test("writing to a ByteBuffer and to raw bytes agree, and parse back")
    func writeRoundTrip() throws {
        let event = try #require(TelephoneEvent(digit: "#", isEnd: true, volume: 63, duration: 65535))
        var buffer = ByteBuffer()
        event.write(into: &buffer)
        #expect(Array(buffer.readableBytesView) == [11, 0xBF, 0xFF, 0xFF])
        #expect(TelephoneEvent(buffer: buffer) == event)
        var short = [UInt8](repeating: 0, count: 3)
        #expect(short.withUnsafeMutableBytes { event.write(into: $0) } == nil)
    }
}

@Suite("RFC 4733 §2.5.2 telephone-event receiver")
struct TelephoneEventReceiverTests {
    /// Feeds (event, end, duration, timestamp) packets, collecting the digits reported.
    func feed(_ packets: [(UInt8, Bool, UInt16, UInt32)], into receiver: inout TelephoneEventReceiver) -> String {
        var digits = ""
        for (event, end, duration, timestamp) in packets {
            if let digit = receiver.receivedPacket(event: event, end: end, duration: duration, timestamp: timestamp) {
                digits.append(digit)
            }
        }
        return digits
    }

    static func digitPackets(_ event: UInt8, timestamp: UInt32) -> [(UInt8, Bool, UInt16, UInt32)] {
        [
            (event, false, 160, timestamp), (event, false, 320, timestamp), (event, false, 480, timestamp),
            (event, true, 640, timestamp), (event, true, 640, timestamp), (event, true, 640, timestamp),
        ]
    }

    @Test("§2.5.2: one digit per event despite updates and three end packets")
    func oncePerEvent() {
        var receiver = TelephoneEventReceiver()
        #expect(self.feed(Self.digitPackets(1, timestamp: 1000), into: &receiver) == "1")
        #expect(receiver.ignoredPackets == 5)
    }

    @Test("§2.5.2: the same digit twice is two events (new timestamp)")
    func repeatedDigit() {
        var receiver = TelephoneEventReceiver()
        let packets = Self.digitPackets(7, timestamp: 1000) + Self.digitPackets(7, timestamp: 2000)
        #expect(self.feed(packets, into: &receiver) == "77")
    }

    @Test("a lost first packet still reports the digit")
    func lostStart() {
        var receiver = TelephoneEventReceiver()
        #expect(self.feed(Array(Self.digitPackets(11, timestamp: 5).dropFirst(2)), into: &receiver) == "#")
    }

    @Test("only end packets received still reports the digit once")
    func onlyEnd() {
        var receiver = TelephoneEventReceiver()
        #expect(self.feed(Array(Self.digitPackets(10, timestamp: 5).suffix(3)), into: &receiver) == "*")
    }

    @Test("lost end packets do not lose or repeat the digit")
    func lostEnd() {
        var receiver = TelephoneEventReceiver()
        let packets = Array(Self.digitPackets(2, timestamp: 100).prefix(2)) + Self.digitPackets(3, timestamp: 900)
        #expect(self.feed(packets, into: &receiver) == "23")
    }

    @Test("a late packet of an earlier event is ignored")
    func lateOldEvent() {
        var receiver = TelephoneEventReceiver()
        let packets: [(UInt8, Bool, UInt16, UInt32)] = [(4, false, 160, 2000), (9, true, 640, 1000)]
        #expect(self.feed(packets, into: &receiver) == "4")
    }

    @Test("timestamps wrap around 2^32")
    func timestampWrap() {
        var receiver = TelephoneEventReceiver()
        let packets = Self.digitPackets(1, timestamp: UInt32.max - 100) + Self.digitPackets(2, timestamp: 60)
        #expect(self.feed(packets, into: &receiver) == "12")
    }

    @Test("a timestamp far in the past is a restarted stream, not a stale packet")
    func restartedTimestamps() {
        var receiver = TelephoneEventReceiver()
        let packets = Self.digitPackets(1, timestamp: 1_000_000) + Self.digitPackets(2, timestamp: 500)
        #expect(self.feed(packets, into: &receiver) == "12")
    }

    @Test("reset forgets the last event")
    func reset() {
        var receiver = TelephoneEventReceiver()
        #expect(self.feed(Self.digitPackets(3, timestamp: 10), into: &receiver) == "3")
        receiver.reset()
        #expect(self.feed(Self.digitPackets(3, timestamp: 10), into: &receiver) == "3")
    }

    @Test("non-DTMF events report nothing")
    func nonDTMF() {
        var receiver = TelephoneEventReceiver()
        #expect(self.feed([(32, false, 160, 10)], into: &receiver) == "")
    }
}

@Suite("RFC 4733 §2.5.1 telephone-event sender")
struct TelephoneEventSenderTests {
    @Test("§2.5.1: marker first, growing duration, three end packets with one timestamp")
    func packetSequence() throws {
        var sender = TelephoneEventSender()
        let started = sender.start(digit: "9", timestamp: 48000, durationSamples: 800, volume: 10)
        #expect(started)
        var packets: [TelephoneEventSender.Packet] = []
        while let packet = sender.nextPacket() { packets.append(packet) }
        #expect(packets.map(\.event.duration) == [160, 320, 480, 640, 800, 800, 800])
        #expect(packets.map(\.event.isEnd) == [false, false, false, false, true, true, true])
        #expect(packets.map(\.marker) == [true, false, false, false, false, false, false])
        #expect(packets.allSatisfy { $0.timestamp == 48000 && $0.event.event == 9 && $0.event.volume == 10 })
        #expect(!sender.isSending)
        #expect(sender.nextPacket() == nil)
    }

    @Test("a short tone is one packet plus repeats, all end packets")
    func shortTone() {
        var sender = TelephoneEventSender()
        sender.start(digit: "A", timestamp: 0, durationSamples: 1)
        var packets: [TelephoneEventSender.Packet] = []
        while let packet = sender.nextPacket() { packets.append(packet) }
        #expect(packets.count == 3)
        #expect(packets[0].marker)
        #expect(packets.allSatisfy { $0.event.isEnd && $0.event.duration == 160 })
    }

    @Test("refuses non-DTMF characters and a second digit while sending")
    func refusals() {
        var sender = TelephoneEventSender()
        let refusedLetter = sender.start(digit: "Z", timestamp: 0)
        let first = sender.start(digit: "1", timestamp: 0)
        let second = sender.start(digit: "2", timestamp: 160)
        #expect(!refusedLetter)
        #expect(first)
        #expect(!second)
    }

    @Test("sender output through bytes into a receiver gives each digit once")
    func senderToReceiver() throws {
        var sender = TelephoneEventSender()
        var receiver = TelephoneEventReceiver()
        var heard = ""
        var timestamp: UInt32 = 1234
        var payload = [UInt8](repeating: 0, count: 4)
        for digit in "0123456789*#ABCD11" {
            let started = sender.start(digit: digit, timestamp: timestamp)
            #expect(started)
            while let packet = sender.nextPacket() {
                _ = payload.withUnsafeMutableBytes { packet.event.write(into: $0) }
                let parsed = try #require(payload.withUnsafeBytes { TelephoneEvent(parsing: $0) })
                if let digit = receiver.receivedPacket(parsed, timestamp: packet.timestamp) { heard.append(digit) }
                timestamp &+= 160
            }
            timestamp &+= 800  // inter-digit gap
        }
        #expect(heard == "0123456789*#ABCD11")
    }
}
