import Testing

@testable import RTP

@Suite("ITU-T G.711 companding")
struct G711Tests {
    @Test(
        "μ-law known codes",
        arguments: [
            (Int16(0), UInt8(0xFF)), (-1, 0x7F), (Int16.max, 0x80), (Int16.min, 0x00), (8, 0xFE), (1000, 0xCE),
        ] as [(Int16, UInt8)]
    )
    func muLawKnownCodes(sample: Int16, code: UInt8) {
        #expect(G711.encodeMuLaw(sample) == code)
    }

    @Test(
        "A-law known codes",
        arguments: [
            (Int16(0), UInt8(0xD5)), (-8, 0x55), (Int16.max, 0xAA), (Int16.min, 0x2A),
        ] as [(Int16, UInt8)]
    )
    func aLawKnownCodes(sample: Int16, code: UInt8) {
        #expect(G711.encodeALaw(sample) == code)
    }

    @Test("known decoded values")
    func knownDecodes() {
        #expect(G711.decodeMuLaw(0xFF) == 0)
        #expect(G711.decodeMuLaw(0x7F) == 0)
        #expect(G711.decodeMuLaw(0x80) == 32124)
        #expect(G711.decodeMuLaw(0x00) == -32124)
        #expect(G711.decodeALaw(0xD5) == 8)
        #expect(G711.decodeALaw(0x55) == -8)
        #expect(G711.decodeALaw(0xAA) == 32256)
        #expect(G711.decodeALaw(0x2A) == -32256)
    }

    @Test("every code survives decode then encode", arguments: [G711.Law.muLaw, .aLaw])
    func codesRoundTrip(law: G711.Law) {
        for code in UInt8.min...UInt8.max {
            // μ-law has two zeros (0xFF and 0x7F); both decode to 0, which encodes as 0xFF.
            if law == .muLaw && code == 0x7F { continue }
            #expect(G711.encode(G711.decode(code, law: law), law: law) == code, "code \(code)")
        }
    }

    @Test("linear round trip stays within half a quantisation step", arguments: [G711.Law.muLaw, .aLaw])
    func linearErrorBound(law: G711.Law) {
        var worst = 0
        for value in Int(Int16.min)...Int(Int16.max) {
            let sample = Int16(value)
            let back = Int(G711.decode(G711.encode(sample, law: law), law: law))
            let error = abs(back - value)
            let bound = (abs(value) >> 4) + 16
            if error > bound { worst = max(worst, error - bound) }
        }
        #expect(worst == 0)
    }

    @Test("encoding is monotonic in magnitude", arguments: [G711.Law.muLaw, .aLaw])
    func monotonic(law: G711.Law) {
        var previous = Int16.min
        for value in stride(from: Int(Int16.min), through: Int(Int16.max), by: 7) {
            let decoded = G711.decode(G711.encode(Int16(value), law: law), law: law)
            #expect(decoded >= previous)
            previous = decoded
        }
    }

    @Test("buffer encode/decode matches per-sample functions", arguments: [G711.Law.muLaw, .aLaw])
    func buffers(law: G711.Law) {
        let samples: [Int16] = (0..<160).map { Int16(truncatingIfNeeded: $0 &* 409 &- 32000) }
        var payload = [UInt8](repeating: 0, count: 160)
        var decoded = [Int16](repeating: 0, count: 160)
        let written = samples.withUnsafeBufferPointer { input in
            payload.withUnsafeMutableBytes { G711.encode(input, law: law, into: $0) }
        }
        #expect(written == 160)
        let read = payload.withUnsafeBytes { bytes in
            decoded.withUnsafeMutableBufferPointer { G711.decode(bytes, law: law, into: $0) }
        }
        #expect(read == 160)
        for index in 0..<160 {
            #expect(payload[index] == G711.encode(samples[index], law: law))
            #expect(decoded[index] == G711.decode(payload[index], law: law))
        }
    }

    @Test("short output buffers bound the count")
    func shortBuffers() {
        let payload: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF]
        var decoded = [Int16](repeating: 1, count: 2)
        let read = payload.withUnsafeBytes { bytes in
            decoded.withUnsafeMutableBufferPointer { G711.decode(bytes, law: .muLaw, into: $0) }
        }
        #expect(read == 2)
        #expect(decoded == [0, 0])
    }

    @Test("payload types 0 and 8 (RFC 3551 §6)")
    func payloadTypes() {
        #expect(G711.Law(payloadType: 0) == .muLaw)
        #expect(G711.Law(payloadType: 8) == .aLaw)
        #expect(G711.Law(payloadType: 9) == nil)
        #expect(G711.Law.aLaw.payloadType == 8)
        #expect(G711.Law.muLaw.silence == 0xFF)
        #expect(G711.Law.aLaw.silence == 0xD5)
    }
}
