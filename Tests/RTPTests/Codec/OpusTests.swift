import Testing

@testable import RTP

@Suite("Opus through libopus (RFC 6716, RFC 7587)")
struct OpusTests {
    static let rate = 48000.0
    static let frame = OpusEncoderWrapper.frameSamples
    static let candidates = stride(from: 250.0, through: 4000, by: 250).map { $0 }

    /// Encodes `input` in 20 ms frames into separate packets.
    func encode(_ input: [Int16], configuration: OpusEncoderWrapper.Configuration = .init()) throws -> [[UInt8]] {
        let encoder = try OpusEncoderWrapper(configuration: configuration)
        var packets: [[UInt8]] = []
        var buffer = [UInt8](repeating: 0, count: OpusEncoderWrapper.maximumPayloadBytes)
        var start = 0
        while start + Self.frame <= input.count {
            let length = try input[start..<(start + Self.frame)].withUnsafeBufferPointer { samples in
                try buffer.withUnsafeMutableBytes { try encoder.encode(samples, into: $0) }
            }
            #expect(length > 0 && length <= OpusEncoderWrapper.maximumPayloadBytes)
            packets.append(Array(buffer[0..<length]))
            start += Self.frame
        }
        return packets
    }

    @Test("RFC 7587 §4.1: 48 kHz clock, 960 samples per 20 ms")
    func rates() {
        #expect(OpusEncoderWrapper.sampleRate == 48000)
        #expect(OpusEncoderWrapper.frameSamples == 960)
    }

    @Test("a 1 kHz tone round-trips with its frequency and level")
    func toneRoundTrip() throws {
        let input = AudioTestSignals.tone(frequency: 1000, sampleRate: Self.rate, count: 48000)
        let packets = try self.encode(input)
        let decoder = try OpusDecoderWrapper()
        var output: [Int16] = []
        var frame = [Int16](repeating: 0, count: Self.frame)
        for packet in packets {
            let count = try packet.withUnsafeBytes { bytes in
                try frame.withUnsafeMutableBufferPointer { try decoder.decode(bytes, into: $0) }
            }
            #expect(count == Self.frame)
            output += frame
        }
        let steady = output[4800...]
        #expect(
            AudioTestSignals.dominantFrequency(in: steady, sampleRate: Self.rate, candidates: Self.candidates) == 1000
        )
        let ratio = AudioTestSignals.rms(steady) / AudioTestSignals.rms(input[4800...])
        #expect(ratio > 0.7 && ratio < 1.3, "level ratio \(ratio)")
    }

    @Test("RFC 7587 §3.4: a lost frame is rebuilt from the next packet's in-band FEC, or concealed by PLC")
    func lossConcealment() throws {
        let input = AudioTestSignals.tone(frequency: 1000, sampleRate: Self.rate, count: 48000)
        let packets = try self.encode(
            input,
            configuration: .init(bitrate: 24000, inbandFEC: true, packetLossPercent: 20)
        )
        let lost = 30
        for useFEC in [true, false] {
            let decoder = try OpusDecoderWrapper()
            var frame = [Int16](repeating: 0, count: Self.frame)
            var concealed: [Int16] = []
            for (index, packet) in packets.enumerated() {
                if index == lost { continue }
                if index == lost + 1 {
                    let count = try frame.withUnsafeMutableBufferPointer { samples in
                        if useFEC {
                            return try packet.withUnsafeBytes { try decoder.decodeFEC(from: $0, into: samples) }
                        }
                        return try decoder.conceal(into: samples)
                    }
                    #expect(count == Self.frame)
                    concealed = frame
                }
                _ = try packet.withUnsafeBytes { bytes in
                    try frame.withUnsafeMutableBufferPointer { try decoder.decode(bytes, into: $0) }
                }
            }
            let level = AudioTestSignals.rms(concealed[...])
            #expect(level > 0.3 * AudioTestSignals.rms(input[...]), "FEC \(useFEC): level \(level)")
            #expect(
                AudioTestSignals.dominantFrequency(
                    in: concealed[...],
                    sampleRate: Self.rate,
                    candidates: Self.candidates
                ) == 1000
            )
        }
    }

    @Test("a corrupt packet is an invalidPacket error, not a crash")
    func corruptPacket() throws {
        let decoder = try OpusDecoderWrapper()
        var frame = [Int16](repeating: 0, count: Self.frame)
        let garbage: [UInt8] = [0xFF, 0xFF, 0xFF]
        #expect(throws: CodecError(.invalidPacket)) {
            try garbage.withUnsafeBytes { bytes in
                try frame.withUnsafeMutableBufferPointer { try decoder.decode(bytes, into: $0) }
            }
        }
        let empty: [UInt8] = []
        #expect(throws: CodecError(.invalidPacket)) {
            try empty.withUnsafeBytes { bytes in
                try frame.withUnsafeMutableBufferPointer { try decoder.decode(bytes, into: $0) }
            }
        }
    }

    @Test("an invalid frame size is refused")
    func invalidFrameSize() throws {
        let encoder = try OpusEncoderWrapper()
        let samples = [Int16](repeating: 0, count: 100)
        var buffer = [UInt8](repeating: 0, count: 1275)
        #expect(throws: CodecError(.invalidArgument)) {
            try samples.withUnsafeBufferPointer { input in
                try buffer.withUnsafeMutableBytes { try encoder.encode(input, into: $0) }
            }
        }
    }

    @Test("bitrate and loss settings can change during a call")
    func settings() throws {
        let encoder = try OpusEncoderWrapper()
        try encoder.setBitrate(16000)
        try encoder.setPacketLossPercent(5)
        #expect(encoder.configuration.bitrate == 16000)
        #expect(encoder.configuration.packetLossPercent == 5)
        #expect(throws: CodecError(.invalidArgument)) { try encoder.setBitrate(-5) }
    }
}
