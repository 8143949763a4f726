import Testing

@testable import RTP

@Suite("AudioCodec: one enum case per negotiated codec")
struct AudioCodecTests {
    @Test(
        "rates and frame sizes (RFC 3551 §4.5, RFC 7587 §4.1)",
        arguments: [
            (AudioCodec.Kind.pcmu, 8000, 8000, 160, 160, 160),
            (.pcma, 8000, 8000, 160, 160, 160),
            (.g722, 8000, 16000, 320, 160, 160),
            (.opus, 48000, 48000, 960, 960, 1275),
        ] as [(AudioCodec.Kind, Int, Int, Int, Int, Int)]
    )
    func rates(
        kind: AudioCodec.Kind,
        clockRate: Int,
        sampleRate: Int,
        samples: Int,
        increment: Int,
        maximum: Int
    ) throws {
        let codec = try AudioCodec(kind)
        #expect(codec.kind == kind)
        #expect(codec.clockRate == clockRate)
        #expect(codec.sampleRate == sampleRate)
        #expect(codec.samplesPerFrame(ptimeMilliseconds: 20) == samples)
        #expect(codec.timestampIncrement(ptimeMilliseconds: 20) == increment)
        #expect(codec.maximumPayloadBytes(ptimeMilliseconds: 20) == maximum)
    }

    @Test("static payload types: 0, 8, 9; Opus is dynamic")
    func payloadTypes() throws {
        #expect(try AudioCodec(.pcmu).staticPayloadType == 0)
        #expect(try AudioCodec(.pcma).staticPayloadType == 8)
        #expect(try AudioCodec(.g722).staticPayloadType == 9)
        #expect(try AudioCodec(.opus).staticPayloadType == nil)
    }

    @Test("a 1 kHz tone round-trips through every codec", arguments: AudioCodec.Kind.allCases)
    func roundTrip(kind: AudioCodec.Kind) throws {
        var codec = try AudioCodec(kind)
        let frame = codec.samplesPerFrame(ptimeMilliseconds: 20)
        let rate = Double(codec.sampleRate)
        let input = AudioTestSignals.tone(frequency: 1000, sampleRate: rate, count: frame * 25)
        var payload = [UInt8](repeating: 0, count: codec.maximumPayloadBytes(ptimeMilliseconds: 20))
        var decoded = [Int16](repeating: 0, count: frame)
        var output: [Int16] = []
        for index in 0..<25 {
            let slice = input[(index * frame)..<((index + 1) * frame)]
            let length = try slice.withUnsafeBufferPointer { samples in
                try payload.withUnsafeMutableBytes { try codec.encode(samples, into: $0) }
            }
            let count = try payload[0..<length].withUnsafeBytes { bytes in
                try decoded.withUnsafeMutableBufferPointer { try codec.decode(bytes, into: $0) }
            }
            #expect(count == frame)
            output += decoded
        }
        let candidates = stride(from: 250.0, through: 3750, by: 250).map { $0 }
        #expect(
            AudioTestSignals.dominantFrequency(in: output[(frame * 5)...], sampleRate: rate, candidates: candidates)
                == 1000
        )
    }

    @Test("own concealment only for Opus; the others fall back to PacketLossConcealer")
    func concealment() throws {
        var frame = [Int16](repeating: 0, count: 960)
        for kind in [AudioCodec.Kind.pcmu, .pcma, .g722] {
            var codec = try AudioCodec(kind)
            #expect(frame.withUnsafeMutableBufferPointer { codec.conceal(nextPayload: nil, into: $0) } == nil)
        }
        var opus = try AudioCodec(.opus)
        #expect(frame.withUnsafeMutableBufferPointer { opus.conceal(nextPayload: nil, into: $0) } == 960)
    }

    @Test("G.722 state lives inline: a copy of the codec encodes identically")
    func g722ValueSemantics() throws {
        var codec = try AudioCodec(.g722)
        let input = AudioTestSignals.tone(frequency: 700, sampleRate: 16000, count: 320)
        var first = [UInt8](repeating: 0, count: 160)
        _ = try input.withUnsafeBufferPointer { samples in
            try first.withUnsafeMutableBytes { try codec.encode(samples, into: $0) }
        }
        var copy = codec
        var a = [UInt8](repeating: 0, count: 160)
        var b = [UInt8](repeating: 0, count: 160)
        _ = try input.withUnsafeBufferPointer { samples in
            try a.withUnsafeMutableBytes { try codec.encode(samples, into: $0) }
        }
        _ = try input.withUnsafeBufferPointer { samples in
            try b.withUnsafeMutableBytes { try copy.encode(samples, into: $0) }
        }
        #expect(a == b)
        #expect(a != first)
    }
}
