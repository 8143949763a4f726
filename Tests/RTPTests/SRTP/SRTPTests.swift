import NIOCore
import Testing

@testable import RTP

/// Hex text to bytes; test vectors only.
func hexBytes(_ text: String) -> [UInt8] {
    let digits = Array(text.filter { !$0.isWhitespace })
    return stride(from: 0, to: digits.count, by: 2).compactMap { UInt8(String(digits[$0...$0 + 1]), radix: 16) }
}

@Suite("RFC 3711 SRTP: key derivation and AES-CM")
struct SRTPKeyDerivationTests {
    static let master = SRTPMasterKey(
        key: hexBytes("E1F97A0D3E018BE0D64FA32C06DE4139"),
        salt: hexBytes("0EC675AD498AFEEBB6960B3AABE6")
    )

    @Test("Appendix B.3: the session encryption key, salt and authentication key")
    func appendixB3() throws {
        let master = try #require(Self.master)
        #expect(
            SRTPKeyDerivation.derive(.rtpEncryption, length: 16, from: master)
                == hexBytes("C61E7A93744F39EE10734AFE3FF7A087")
        )
        #expect(
            SRTPKeyDerivation.derive(.rtpSalt, length: 14, from: master) == hexBytes("30CBBC08863D8C85D49DB34A9AE1")
        )
        // B.3 lists 94 bytes of the authentication keystream; SRTP uses the first 20.
        #expect(
            SRTPKeyDerivation.derive(.rtpAuthentication, length: 94, from: master)
                == hexBytes(
                    """
                    CEBE321F6FF7716B6FD4AB49AF256A156D38BAA48F0A0ACF3C34E2359E6CDBCE
                    E049646C43D9327AD175578EF72270986371C10C9A369AC2F94A8C5FBCDDDC25
                    6D6E919A48B610EF17C2041E474035766B68642C59BBFC2F34DB60DBDFB2
                    """
                )
        )
    }

    @Test("Appendix B.2: the AES-CM keystream blocks, including across the 16-bit block counter")
    func appendixB2() {
        let cipher = AESCounterMode(key: hexBytes("2B7E151628AED2A6ABF7158809CF4F3C"))
        // IV = session salt F0F1...FCFD shifted by 16 bits; ROC, SEQ and SSRC are 0.
        let high: UInt64 = 0xF0F1_F2F3_F4F5_F6F7
        let low: UInt64 = 0xF8F9_FAFB_FCFD_0000
        var keystream = [UInt8](repeating: 0, count: 16 * 0xFF02)
        keystream.withUnsafeMutableBytes { cipher.apply(counterHigh: high, counterLow: low, to: $0) }
        func block(_ counter: Int) -> [UInt8] { Array(keystream[(16 * counter)..<(16 * counter + 16)]) }
        #expect(block(0x0000) == hexBytes("E03EAD0935C95E80E166B16DD92B4EB4"))
        #expect(block(0x0001) == hexBytes("D23513162B02D0F72A43A2FE4A5F97AB"))
        #expect(block(0x0002) == hexBytes("41E95B3BB0A2E8DD477901E4FCA894C0"))
        #expect(block(0xFEFF) == hexBytes("EC8CDF7398607CB0F2D21675EA9EA1E4"))
        #expect(block(0xFF00) == hexBytes("362B7C3C6773516318A077D7FC5073AE"))
        #expect(block(0xFF01) == hexBytes("6A2CC3787889374FBEB4C81B17BA6C44"))
    }
}

@Suite("RFC 3711 SRTP and SRTCP protection")
struct SRTPProtectionTests {
    static let master = SRTPMasterKey(
        concatenated: hexBytes("E1F97A0D3E018BE0D64FA32C06DE41390EC675AD498AFEEBB6960B3AABE6")
    )
    /// The RTP packet of the SRTP test vector published with libsrtp (SSRC 0xCAFEBABE, SEQ 0x1234, ROC 0).
    static let rtpPlain = hexBytes("800F1234DECAFBADCAFEBABE" + String(repeating: "AB", count: 16))
    static let srtpProtected80 = hexBytes(
        "800F1234DECAFBADCAFEBABE4E55DC4CE79978D88CA4D215949D2402B78D6ACC99EA179B8DBB"
    )
    /// An SR header and SSRC 0xCAFEBABE followed by 16 bytes, and its SRTCP form with index 1.
    static let rtcpPlain = hexBytes("81C8000BCAFEBABE" + String(repeating: "AB", count: 16))
    static let srtcpProtected = hexBytes(
        "81C8000BCAFEBABE7128035BE487B9BDBEF89041F977A5A880000001993E08CD54D6C1230798"
    )

    func sender(_ profile: SRTPProfile = .aesCM128HMACSHA1_80) throws -> SRTPSender {
        SRTPSender(profile: profile, masterKey: try #require(Self.master))
    }

    func receiver(_ profile: SRTPProfile = .aesCM128HMACSHA1_80) throws -> SRTPReceiver {
        SRTPReceiver(profile: profile, masterKey: try #require(Self.master))
    }

    func buffer(_ bytes: [UInt8]) -> ByteBuffer { ByteBuffer(bytes: bytes) }

    /// An RTP packet with `sequence` and a payload that says which packet it is.
    func rtp(sequence: UInt16, ssrc: UInt32 = 0x1234_5678, payload: Int = 160) -> ByteBuffer {
        var buffer = ByteBuffer()
        RTPHeader(payloadType: 0, sequenceNumber: sequence, timestamp: UInt32(sequence) &* 160, ssrc: ssrc)
            .write(into: &buffer)
        for index in 0..<payload { buffer.writeInteger(UInt8(truncatingIfNeeded: Int(sequence) &+ index)) }
        return buffer
    }

    @Test("§3.3: the libsrtp reference packet, AES_CM_128_HMAC_SHA1_80, both ways")
    func referenceRTP80() throws {
        var sender = try self.sender()
        var packet = self.buffer(Self.rtpPlain)
        try sender.protectRTP(&packet)
        #expect(Array(packet.readableBytesView) == Self.srtpProtected80)
        var receiver = try self.receiver()
        var incoming = self.buffer(Self.srtpProtected80)
        try receiver.unprotectRTP(&incoming)
        #expect(Array(incoming.readableBytesView) == Self.rtpPlain)
    }

    @Test("§3.3: AES_CM_128_HMAC_SHA1_32 carries the first 4 bytes of the same tag")
    func referenceRTP32() throws {
        var sender = try self.sender(.aesCM128HMACSHA1_32)
        var packet = self.buffer(Self.rtpPlain)
        try sender.protectRTP(&packet)
        #expect(Array(packet.readableBytesView) == Array(Self.srtpProtected80.prefix(Self.rtpPlain.count + 4)))
        var receiver = try self.receiver(.aesCM128HMACSHA1_32)
        try receiver.unprotectRTP(&packet)
        #expect(Array(packet.readableBytesView) == Self.rtpPlain)
    }

    @Test("§3.4: SRTCP with the E flag and index, the libsrtp reference packet")
    func referenceRTCP() throws {
        var sender = try self.sender()
        sender.nextRTCPIndex = 1
        var packet = self.buffer(Self.rtcpPlain)
        try sender.protectRTCP(&packet)
        #expect(Array(packet.readableBytesView) == Self.srtcpProtected)
        #expect(sender.nextRTCPIndex == 2)
        var receiver = try self.receiver()
        var incoming = self.buffer(Self.srtcpProtected)
        try receiver.unprotectRTCP(&incoming)
        #expect(Array(incoming.readableBytesView) == Self.rtcpPlain)
        // The same SRTCP packet again is a replay.
        var again = self.buffer(Self.srtcpProtected)
        #expect(throws: SRTPError(.replayed)) { try receiver.unprotectRTCP(&again) }
    }

    @Test("Round trip of a G.711 stream, both suites, with CSRCs and a header extension left in clear")
    func roundTrip() throws {
        for profile in SRTPProfile.allCases {
            var sender = try self.sender(profile)
            var receiver = try self.receiver(profile)
            for sequence in UInt16(100)..<UInt16(140) {
                let plain = self.rtp(sequence: sequence)
                var packet = plain
                try sender.protectRTP(&packet)
                #expect(packet.readableBytes == plain.readableBytes + profile.rtpTagLength)
                #expect(packet.getBytes(at: 12, length: 160) != plain.getBytes(at: 12, length: 160), "encrypted")
                try receiver.unprotectRTP(&packet)
                #expect(packet == plain)
            }
        }
        // One CSRC and a one-word extension: the header stays readable, the payload is encrypted.
        var withExtras = ByteBuffer(bytes: [0x91, 0x00, 0x00, 0x07, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3])
        withExtras.writeBytes([0xBE, 0xDE, 0x00, 0x01, 0x10, 0x20, 0x30, 0x40, 0x55, 0x66])
        let plain = withExtras
        var sender = try self.sender()
        try sender.protectRTP(&withExtras)
        #expect(withExtras.getBytes(at: 0, length: 24) == plain.getBytes(at: 0, length: 24))
        #expect(withExtras.getBytes(at: 24, length: 2) != plain.getBytes(at: 24, length: 2))
        var receiver = try self.receiver()
        try receiver.unprotectRTP(&withExtras)
        #expect(withExtras == plain)
    }

    @Test("§3.3 step 5: a packet with any bit flipped is dropped, and the stream goes on")
    func tampered() throws {
        var sender = try self.sender()
        var receiver = try self.receiver()
        var packet = self.rtp(sequence: 1)
        try sender.protectRTP(&packet)
        for position in [1, 3, 11, 12, 100, packet.readableBytes - 1] {
            var copy = ByteBuffer(bytes: Array(packet.readableBytesView))
            copy.setInteger(copy.getInteger(at: position, as: UInt8.self).map { $0 ^ 0x01 } ?? 0, at: position)
            #expect(throws: SRTPError(.authenticationFailed)) { try receiver.unprotectRTP(&copy) }
        }
        // Under another key.
        var stranger = SRTPSender(profile: .aesCM128HMACSHA1_80, masterKey: .random())
        var forged = self.rtp(sequence: 2)
        try stranger.protectRTP(&forged)
        #expect(throws: SRTPError(.authenticationFailed)) { try receiver.unprotectRTP(&forged) }
        #expect(receiver.counters.authenticationFailures == 7)
        // Forgeries moved nothing: the genuine packet still plays.
        try receiver.unprotectRTP(&packet)
        #expect(packet == self.rtp(sequence: 1))
    }

    @Test("§3.3.2: replays are dropped, reordering inside the window is not, older packets are too old")
    func replay() throws {
        var sender = try self.sender()
        var receiver = try self.receiver()
        var protected: [UInt16: ByteBuffer] = [:]
        for sequence in UInt16(0)..<UInt16(300) {
            var packet = self.rtp(sequence: sequence)
            try sender.protectRTP(&packet)
            protected[sequence] = packet
        }
        func deliver(_ sequence: UInt16) throws(SRTPError) {
            var copy = ByteBuffer(
                bytes: Array(protected[sequence]?.readableBytesView ?? ByteBuffer().readableBytesView)
            )
            try receiver.unprotectRTP(&copy)
        }
        try deliver(10)
        try deliver(12)
        try deliver(11)  // reordered: fine
        #expect(throws: SRTPError(.replayed)) { try deliver(11) }
        #expect(throws: SRTPError(.replayed)) { try deliver(12) }
        try deliver(200)
        try deliver(73)  // 127 behind: still inside the 128-packet window
        #expect(throws: SRTPError(.replayed)) { try deliver(73) }
        #expect(throws: SRTPError(.tooOld)) { try deliver(72) }
        #expect(receiver.counters.replays == 4)
        #expect(receiver.counters.accepted == 5)
    }

    @Test("§3.3.1: the rollover counter steps when the sequence number wraps, on both sides")
    func rollover() throws {
        var sender = try self.sender()
        var receiver = try self.receiver()
        var sequence: UInt16 = 65_530
        var packets: [ByteBuffer] = []
        for _ in 0..<12 {
            var packet = self.rtp(sequence: sequence)
            try sender.protectRTP(&packet)
            packets.append(packet)
            sequence &+= 1
        }
        #expect(sender.rolloverCounter == 1)
        // Deliver with a late packet from before the wrap after the first ones after it.
        let order = [0, 1, 2, 3, 4, 5, 6, 8, 7, 9, 11, 10]
        for position in order {
            var copy = packets[position]
            try receiver.unprotectRTP(&copy)
            #expect(copy == self.rtp(sequence: 65_530 &+ UInt16(position)))
        }
        #expect(receiver.rolloverCounter(ssrc: 0x1234_5678) == 1)
        // The index, not just the sequence number, is authenticated: packet 65_536 replayed as if it were
        // from before the wrap is caught by the window, and the ROC is part of the tag.
        var replayed = packets[6]
        #expect(throws: SRTPError(.replayed)) { try receiver.unprotectRTP(&replayed) }
    }

    @Test("A receiver keeps separate contexts per SSRC")
    func perSSRC() throws {
        var senderA = try self.sender()
        var senderB = try self.sender()
        var receiver = try self.receiver()
        var a = self.rtp(sequence: 5, ssrc: 0xA)
        var b = self.rtp(sequence: 5, ssrc: 0xB)
        try senderA.protectRTP(&a)
        try senderB.protectRTP(&b)
        var replayA = a
        try receiver.unprotectRTP(&a)
        try receiver.unprotectRTP(&b)
        #expect(throws: SRTPError(.replayed)) { try receiver.unprotectRTP(&replayA) }
    }

    @Test("Short and malformed packets are refused without a crash", arguments: [0, 1, 11, 12, 21, 22])
    func short(length: Int) throws {
        var receiver = try self.receiver()
        var packet = ByteBuffer(bytes: [UInt8](repeating: 0x80, count: length))
        #expect(throws: SRTPError.self) { try receiver.unprotectRTP(&packet) }
        var rtcp = ByteBuffer(bytes: [UInt8](repeating: 0x80, count: length))
        #expect(throws: SRTPError.self) { try receiver.unprotectRTCP(&rtcp) }
    }

    @Test("§3.3.2: the replay window remembers 128 indices")
    func window() {
        var window = SRTPReplayWindow()
        #expect(window.check(5) == .new)
        window.accept(5)
        #expect(window.check(5) == .replayed)
        window.accept(1000)
        #expect(window.check(5) == .tooOld)
        #expect(window.check(873) == .new)
        #expect(window.check(872) == .tooOld)
        window.accept(999)
        #expect(window.check(999) == .replayed)
        #expect(window.check(998) == .new)
        window.accept(1200)
        #expect(window.check(1000) == .tooOld)
        #expect(window.check(1199) == .new)
        #expect(window.highest == 1200)
    }
}
