import NIOCore
import Testing

@testable import RTP

@Suite("RFC 3550 §6 RTCP packets")
struct RTCPTests {
    static let block = RTCPReportBlock(
        ssrc: 0xAABB_CCDD,
        fractionLost: 25,
        cumulativeLost: -3,
        extendedHighestSequenceNumber: 0x0001_0005,
        interarrivalJitter: 42,
        lastSenderReport: 0x1234_5678,
        delaySinceLastSenderReport: 65536
    )
    static let info = RTCPSenderInfo(
        ntpTimestamp: NTPTimestamp(seconds: 3_900_000_000, fraction: 0x8000_0000),
        rtpTimestamp: 160_000,
        packetCount: 1000,
        octetCount: 160_000
    )

    func bytes(_ buffer: ByteBuffer) -> [UInt8] { Array(buffer.readableBytesView) }

    func compound(_ bytes: [UInt8]) throws(RTCPError) -> [RTCPPacketView] {
        let result: Result<[RTCPPacketView], RTCPError> = bytes.withUnsafeBytes { raw in
            do throws(RTCPError) {
                return .success(Array(try RTCPCompoundPacket(validating: raw)))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    @Test("§6.4.1: an SR with two report blocks round-trips")
    func senderReportRoundTrip() throws {
        var buffer = ByteBuffer()
        var second = Self.block
        second.ssrc = 7
        second.cumulativeLost = 0x7F_FFFF
        RTCPPacketBuilder.writeSenderReport(
            ssrc: 99,
            senderInfo: Self.info,
            reportBlocks: [Self.block, second],
            into: &buffer
        )
        let data = self.bytes(buffer)
        #expect(data.count == 4 + 4 + 20 + 2 * 24)
        #expect(data[0] == 0x82 && data[1] == 200)
        #expect(Int(data[2]) << 8 | Int(data[3]) == data.count / 4 - 1)
        let packets = try self.compound(data)
        #expect(packets.count == 1)
        let packet = try #require(packets.first)
        data.withUnsafeBytes { raw in
            #expect(packet.packetType == .senderReport)
            #expect(packet.ssrc(in: raw) == 99)
            #expect(packet.senderInfo(in: raw) == Self.info)
            #expect(packet.reportBlock(at: 0, in: raw) == Self.block)
            #expect(packet.reportBlock(at: 1, in: raw) == second)
            #expect(packet.reportBlock(at: 2, in: raw) == nil)
        }
    }

    @Test("§6.4.2: an RR, an SDES CNAME and a BYE form one compound packet")
    func compoundRoundTrip() throws {
        var buffer = ByteBuffer()
        RTCPPacketBuilder.writeReceiverReport(ssrc: 5, reportBlocks: CollectionOfOne(Self.block), into: &buffer)
        RTCPPacketBuilder.writeSourceDescription(ssrc: 5, cname: "parley@198.51.100.1", into: &buffer)
        RTCPPacketBuilder.writeBye(ssrc: 5, reason: "hung up", into: &buffer)
        let data = self.bytes(buffer)
        #expect(data.count % 4 == 0)
        let packets = try self.compound(data)
        #expect(packets.map(\.packetType) == [.receiverReport, .sourceDescription, .bye])
        data.withUnsafeBytes { raw in
            #expect(packets[0].reportBlock(at: 0, in: raw) == Self.block)
            let cname = packets[1].cname(in: raw)
            #expect(cname?.ssrc == 5)
            #expect(cname.map { String(decoding: $0.value, as: UTF8.self) } == "parley@198.51.100.1")
            #expect(packets[2].byeSource(at: 0, in: raw) == 5)
            #expect(packets[2].byeReason(in: raw).map { String(decoding: $0, as: UTF8.self) } == "hung up")
        }
    }

    @Test("§6.6: a BYE without reason, and an empty RR")
    func minimalPackets() throws {
        var buffer = ByteBuffer()
        RTCPPacketBuilder.writeReceiverReport(ssrc: 1, reportBlocks: EmptyCollection(), into: &buffer)
        RTCPPacketBuilder.writeBye(ssrc: 1, into: &buffer)
        let data = self.bytes(buffer)
        #expect(data == [0x80, 201, 0, 1, 0, 0, 0, 1, 0x81, 203, 0, 1, 0, 0, 0, 1])
        let packets = try self.compound(data)
        data.withUnsafeBytes { raw in
            #expect(packets[0].reportBlockCount == 0)
            #expect(packets[1].byeReason(in: raw) == nil)
        }
    }

    @Test(
        "SDES CNAME lengths pad each chunk to 32 bits with at least one null octet",
        arguments: [0, 1, 2, 3, 4, 5, 30, 255]
    )
    func sdesPadding(length: Int) throws {
        var buffer = ByteBuffer()
        RTCPPacketBuilder.writeReceiverReport(ssrc: 1, reportBlocks: EmptyCollection(), into: &buffer)
        let name = String(repeating: "x", count: length)
        RTCPPacketBuilder.writeSourceDescription(ssrc: 1, cname: name, into: &buffer)
        let data = self.bytes(buffer)
        #expect(data.count % 4 == 0)
        #expect(data.last == 0)
        let packets = try self.compound(data)
        data.withUnsafeBytes { raw in
            #expect(packets[1].cname(in: raw).map { $0.value.count } == length)
        }
    }

    @Test("A.2: a compound packet must begin with SR or RR")
    func mustStartWithReport() {
        var buffer = ByteBuffer()
        RTCPPacketBuilder.writeBye(ssrc: 1, into: &buffer)
        #expect(throws: RTCPError(.notCompound, offset: 0)) { try self.compound(self.bytes(buffer)) }
    }

    @Test("A.2: the version must be 2")
    func version() {
        var data: [UInt8] = [0x80, 201, 0, 1, 0, 0, 0, 1]
        data[0] = 0x40
        #expect(throws: RTCPError(.unsupportedVersion, offset: 0)) { try self.compound(data) }
    }

    @Test("A.2: lengths must add up to the datagram")
    func lengths() {
        #expect(throws: RTCPError(.invalidLength, offset: 0)) { try self.compound([0x80, 201, 0, 2, 0, 0, 0, 1]) }
        #expect(throws: RTCPError(.truncated, offset: 0)) { try self.compound([0x80, 201, 0, 1, 0, 0, 0, 1, 0x80]) }
        #expect(throws: RTCPError(.truncated, offset: 0)) { try self.compound([0x80, 201]) }
    }

    @Test("§6.4.1: an RC larger than the packet is refused")
    func lyingReportCount() {
        #expect(throws: RTCPError(.truncatedReportBlocks, offset: 0)) {
            try self.compound([0x81, 201, 0, 1, 0, 0, 0, 1])
        }
    }

    @Test("A.2: padding only on the last packet, with a count that fits")
    func padding() {
        // RR with P set and 4 padding octets, then a BYE: padding not on the last packet.
        let padded: [UInt8] = [0xA0, 201, 0, 2, 0, 0, 0, 1, 0, 0, 0, 4]
        #expect(throws: Never.self) { try self.compound(padded) }
        #expect(throws: RTCPError(.invalidPadding, offset: 0)) {
            try self.compound(padded + [0x81, 203, 0, 1, 0, 0, 0, 1])
        }
        #expect(throws: RTCPError(.invalidPadding, offset: 0)) { try self.compound([0xA0, 201, 0, 1, 0, 0, 0, 9]) }
    }

    @Test("§6.5: an SDES item that runs past its packet is refused")
    func brokenSourceDescription() {
        let rr: [UInt8] = [0x80, 201, 0, 1, 0, 0, 0, 1]
        let sdes: [UInt8] = [0x81, 202, 0, 2, 0, 0, 0, 1, 1, 40, 0x61, 0x62]
        #expect(throws: RTCPError(.invalidSourceDescription, offset: 0)) { try self.compound(rr + sdes) }
    }

    @Test("§6.6: a BYE reason that runs past its packet is refused")
    func brokenBye() {
        let rr: [UInt8] = [0x80, 201, 0, 1, 0, 0, 0, 1]
        let bye: [UInt8] = [0x81, 203, 0, 2, 0, 0, 0, 1, 9, 0x61, 0x62, 0x63]
        #expect(throws: RTCPError(.invalidBye, offset: 0)) { try self.compound(rr + bye) }
    }

    @Test("garbage of every length never crashes the parser")
    func fuzz() {
        var generator = SplitMix64(seed: 5761)
        for length in 0..<200 {
            var data = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            if length > 1 { data[0] = 0x80 | (data[0] & 0x3F) }
            _ = try? self.compound(data)
        }
    }

    @Test("§6.4.1: the 24-bit cumulative loss is signed and clamped")
    func cumulativeLostField() throws {
        var buffer = ByteBuffer()
        var block = Self.block
        block.cumulativeLost = -0x80_0000
        block.write(into: &buffer)
        let data = self.bytes(buffer)
        #expect(Array(data[4..<8]) == [25, 0x80, 0, 0])
        let clamped = RTCPReportBlock(
            ssrc: 1,
            fractionLost: 0,
            cumulativeLost: 50_000_000,
            extendedHighestSequenceNumber: 0,
            interarrivalJitter: 0,
            lastSenderReport: 0,
            delaySinceLastSenderReport: 0
        )
        #expect(clamped.cumulativeLost == 0x7F_FFFF)
    }

    @Test("§6.4.1: round-trip time is A − LSR − DLSR")
    func roundTripTime() {
        // The RFC's example: SR sent at LSR, held DLSR = 5.25 s, arrives back 5.5 s after LSR: RTT 0.25 s.
        let lsr = NTPTimestamp(seconds: 3_900_000_100, fraction: 0)
        var block = Self.block
        block.lastSenderReport = lsr.middle32
        block.delaySinceLastSenderReport = 5 * 65536 + 16384
        let arrival = NTPTimestamp(seconds: 3_900_000_105, fraction: 0x8000_0000)
        #expect(block.roundTripTime(arrival: arrival) == .milliseconds(250))
        block.lastSenderReport = 0
        #expect(block.roundTripTime(arrival: arrival) == nil)
    }
}

@Suite("RFC 5761 §4 rtcp-mux demultiplexing")
struct RTCPMultiplexingTests {
    @Test(
        "the second octet in 192...223 means RTCP",
        arguments: [
            (UInt8(200), RTCPMultiplexing.Kind.rtcp), (201, .rtcp), (203, .rtcp), (192, .rtcp), (223, .rtcp),
            (0, .rtp), (8, .rtp), (0x80, .rtp), (96 | 0x80, .rtp), (101, .rtp), (224, .rtp), (191, .rtp),
        ] as [(UInt8, RTCPMultiplexing.Kind)]
    )
    func secondOctet(octet: UInt8, kind: RTCPMultiplexing.Kind) {
        let bytes: [UInt8] = [0x80, octet, 0, 0]
        #expect(bytes.withUnsafeBytes { RTCPMultiplexing.classify($0) } == kind)
    }

    @Test("STUN, DTLS and short datagrams are neither")
    func other() {
        for bytes: [UInt8] in [[0x00, 0x01, 0, 0], [0x16, 0xFE, 0xFD], [0x80]] {
            #expect(bytes.withUnsafeBytes { RTCPMultiplexing.classify($0) } == .other)
        }
    }

    @Test("payload types 64-95 are unusable with rtcp-mux")
    func payloadTypes() {
        #expect(RTCPMultiplexing.isUsableWithMultiplexing(payloadType: 0))
        #expect(RTCPMultiplexing.isUsableWithMultiplexing(payloadType: 101))
        #expect(!RTCPMultiplexing.isUsableWithMultiplexing(payloadType: 72))
        #expect(!RTCPMultiplexing.isUsableWithMultiplexing(payloadType: 64))
        #expect(!RTCPMultiplexing.isUsableWithMultiplexing(payloadType: 95))
    }
}

@Suite("RFC 3550 A.1, A.3, A.8 reception statistics")
struct ReceptionStatisticsTests {
    static let frame: UInt64 = 20_000_000

    func feed(_ statistics: inout ReceptionStatistics, _ sequences: [UInt16], start: UInt64 = 0) -> [Bool] {
        sequences.enumerated().map { index, sequence in
            statistics.receivedPacket(
                sequenceNumber: sequence,
                timestamp: UInt32(truncatingIfNeeded: Int(sequence) * 160),
                arrival: start + UInt64(index) * Self.frame
            )
        }
    }

    @Test("A.1: a new source is valid after two packets in sequence")
    func probation() {
        var statistics = ReceptionStatistics(ssrc: 1, clockRate: 8000, firstSequenceNumber: 100)
        #expect(self.feed(&statistics, [100, 101, 102]) == [false, true, true])
        #expect(statistics.isValid)
        #expect(statistics.received == 2)
        #expect(statistics.expected == 2)
    }

    @Test("A.1: out-of-sequence packets restart the probation")
    func probationRestart() {
        var statistics = ReceptionStatistics(ssrc: 1, clockRate: 8000, firstSequenceNumber: 100)
        #expect(self.feed(&statistics, [100, 105, 106]) == [false, false, true])
    }

    @Test("A.1: the extended sequence number counts wrap-arounds")
    func wrap() {
        var statistics = ReceptionStatistics(ssrc: 1, clockRate: 8000, firstSequenceNumber: 65534)
        _ = self.feed(&statistics, [65534, 65535, 0, 1])
        #expect(statistics.extendedHighestSequenceNumber == 0x0001_0001)
        #expect(statistics.expected == 3)
        #expect(statistics.cumulativeLost == 0)
    }

    @Test("A.1: a large jump is believed only when the next packet follows it")
    func restart() {
        var statistics = ReceptionStatistics(ssrc: 1, clockRate: 8000, firstSequenceNumber: 10)
        #expect(self.feed(&statistics, [10, 11, 12, 30000, 30001, 30002]) == [false, true, true, false, true, true])
        #expect(statistics.extendedHighestSequenceNumber == 30002)
        #expect(statistics.received == 2)
    }

    @Test("A.3: loss, duplicates and the fraction lost per interval")
    func loss() {
        var statistics = ReceptionStatistics(ssrc: 9, clockRate: 8000, firstSequenceNumber: 0)
        // Packets 0...20 with 5, 6, 7 lost: expected 20 (1...20 after probation), received 17.
        _ = self.feed(&statistics, (0...20).filter { !(5...7).contains($0) }.map { UInt16($0) })
        var block = statistics.makeReportBlock(now: .uptimeNanoseconds(1))
        #expect(block.cumulativeLost == 3)
        #expect(block.fractionLost == UInt8(3 * 256 / 20))
        #expect(block.extendedHighestSequenceNumber == 20)
        #expect(block.ssrc == 9)
        // Next interval: two duplicates and no loss, so the fraction is 0 and the cumulative loss goes down.
        _ = self.feed(&statistics, [21, 22, 22, 23, 23])
        block = statistics.makeReportBlock(now: .uptimeNanoseconds(2))
        #expect(block.fractionLost == 0)
        #expect(block.cumulativeLost == 1)
    }

    @Test("A.8: constant delay gives zero jitter; alternating 20 ms delay converges to 160 units")
    func jitter() {
        var steady = ReceptionStatistics(ssrc: 1, clockRate: 8000, firstSequenceNumber: 0)
        _ = self.feed(&steady, (0..<500).map { UInt16($0) }, start: 12_345_678)
        #expect(steady.interarrivalJitter == 0)
        var jittery = ReceptionStatistics(ssrc: 1, clockRate: 8000, firstSequenceNumber: 0)
        for index in 0..<500 {
            let delay: UInt64 = index % 2 == 0 ? 0 : Self.frame
            jittery.receivedPacket(
                sequenceNumber: UInt16(index),
                timestamp: UInt32(index * 160),
                arrival: UInt64(index) * Self.frame + delay
            )
        }
        #expect(jittery.interarrivalJitter >= 150 && jittery.interarrivalJitter <= 160)
    }

    @Test("§6.4.1: LSR and DLSR come from the last SR received")
    func lastSenderReport() {
        var statistics = ReceptionStatistics(ssrc: 1, clockRate: 8000, firstSequenceNumber: 0)
        _ = self.feed(&statistics, [0, 1, 2])
        #expect(statistics.makeReportBlock(now: .uptimeNanoseconds(5)).lastSenderReport == 0)
        let info = RTCPSenderInfo(
            ntpTimestamp: NTPTimestamp(seconds: 0x0001_2345, fraction: 0x6789_0000),
            rtpTimestamp: 0,
            packetCount: 3,
            octetCount: 480
        )
        statistics.receivedSenderReport(info, now: .uptimeNanoseconds(1_000_000_000))
        let block = statistics.makeReportBlock(now: .uptimeNanoseconds(3_500_000_000))
        #expect(block.lastSenderReport == 0x2345_6789)
        #expect(block.delaySinceLastSenderReport == 5 * 65536 / 2)
    }
}

@Suite("RTCP from ByteBuffer datagrams")
struct RTCPByteBufferTests {
    @Test("forEachPacket walks a compound packet in a ByteBuffer without moving the reader index")
    func forEachPacket() throws {
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(0xDEAD_BEEF))  // bytes already read by someone else
        buffer.moveReaderIndex(forwardBy: 4)
        RTCPPacketBuilder.writeReceiverReport(ssrc: 3, reportBlocks: CollectionOfOne(RTCPTests.block), into: &buffer)
        RTCPPacketBuilder.writeSourceDescription(ssrc: 3, cname: "leg-3", into: &buffer)
        var types: [RTCPPacketType] = []
        var blocks: [RTCPReportBlock] = []
        try RTCPCompoundPacket.forEachPacket(in: buffer) { packet, bytes in
            types.append(packet.packetType)
            if let block = packet.reportBlock(at: 0, in: bytes) { blocks.append(block) }
        }
        #expect(types == [.receiverReport, .sourceDescription])
        #expect(blocks == [RTCPTests.block])
        #expect(buffer.readerIndex == 4)
    }

    @Test("an invalid compound packet throws before any packet is handed out")
    func invalid() {
        var buffer = ByteBuffer()
        RTCPPacketBuilder.writeBye(ssrc: 3, into: &buffer)
        var calls = 0
        #expect(throws: RTCPError(.notCompound, offset: 0)) {
            try RTCPCompoundPacket.forEachPacket(in: buffer) { _, _ in calls += 1 }
        }
        #expect(calls == 0)
    }
}

@Suite("RFC 3550 §6.3.1 RTCP transmission interval")
struct RTCPTransmissionIntervalTests {
    func seconds(_ amount: TimeAmount) -> Double { Double(amount.nanoseconds) / 1e9 }

    @Test("a two-member leg reports every 5 s, randomised over [0.5, 1.5] and compensated by e − 3/2")
    func bridgeLeg() {
        let timer = RTCPTransmissionInterval()
        let middle = timer.interval(
            members: 2,
            senders: 2,
            weSent: true,
            rtcpBandwidth: 400,
            initial: false,
            random: 0.5
        )
        #expect(abs(self.seconds(middle) - 5 / RTCPTransmissionInterval.compensation) < 1e-6)
        let low = timer.interval(members: 2, senders: 2, weSent: true, rtcpBandwidth: 400, initial: false, random: 0)
        let high = timer.interval(
            members: 2,
            senders: 2,
            weSent: true,
            rtcpBandwidth: 400,
            initial: false,
            random: 0.999_999
        )
        #expect(abs(self.seconds(low) - 2.5 / 1.21828) < 1e-3)
        #expect(abs(self.seconds(high) - 7.5 / 1.21828) < 1e-3)
    }

    @Test("the first report waits half the minimum")
    func initial() {
        let timer = RTCPTransmissionInterval()
        let first = timer.interval(
            members: 1,
            senders: 0,
            weSent: false,
            rtcpBandwidth: 400,
            initial: true,
            random: 0.5
        )
        #expect(abs(self.seconds(first) - 2.5 / RTCPTransmissionInterval.compensation) < 1e-6)
    }

    @Test("large sessions scale the interval with members; senders share a quarter of the bandwidth")
    func scaling() {
        let timer = RTCPTransmissionInterval(initialAveragePacketSize: 100)
        let compensation = RTCPTransmissionInterval.compensation
        // 1000 members of whom 10 send, 100 octets each, 100 octets/s: receivers share 3/4 of the bandwidth,
        // senders 1/4.
        let receiver = timer.interval(
            members: 1000,
            senders: 10,
            weSent: false,
            rtcpBandwidth: 100,
            initial: false,
            random: 0.5
        )
        #expect(abs(self.seconds(receiver) - 100 * 990 / 75 / compensation) < 1e-3)
        let sender = timer.interval(
            members: 1000,
            senders: 10,
            weSent: true,
            rtcpBandwidth: 100,
            initial: false,
            random: 0.5
        )
        #expect(abs(self.seconds(sender) - 100 * 10 / 25 / compensation) < 1e-3)
        // With few members the 5 s minimum holds.
        let small = timer.interval(
            members: 3,
            senders: 3,
            weSent: true,
            rtcpBandwidth: 100,
            initial: false,
            random: 0.5
        )
        #expect(abs(self.seconds(small) - 5 / compensation) < 1e-6)
    }

    @Test("the average packet size follows observed packets with gain 1/16")
    func averageSize() {
        var timer = RTCPTransmissionInterval(initialAveragePacketSize: 128)
        timer.observedPacket(octets: 144)
        #expect(timer.averagePacketSize == 129)
    }
}
