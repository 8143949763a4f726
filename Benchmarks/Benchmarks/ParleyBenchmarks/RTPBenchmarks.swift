import Benchmark
import NIOCore
import Mixer
import RTP

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// RTP layer, per packet or per frame: these run on the media path, so the budget is zero allocations (STYLE
/// §11). 1000 operations per iteration; read per-operation figures with `--scale`.
func registerRTPBenchmarks() {
    let media = Benchmark.Configuration(scalingFactor: .kilo, thresholds: BenchmarkMetrics.exactAllocations)

    // Receive path: parse the datagram in place, store its payload in the jitter buffer, take the due frame.
    // One packet buffer is rewritten with the next sequence number and timestamp, as a pooled receive buffer is.
    Benchmark("RTP: parse + jitter insert + pop (PCMU 20 ms)", configuration: media) { benchmark in
        var packet = ByteBufferAllocator().buffer(capacity: RTPHeader.fixedSize + 160)
        RTPHeader(payloadType: 0, sequenceNumber: 0, timestamp: 0, ssrc: 0x1234_5678).write(into: &packet)
        packet.writeRepeatingByte(0xFF, count: 160)
        var jitter = JitterBuffer()
        var frame = [UInt8](repeating: 0, count: 160)
        var sequence: UInt16 = 0
        var timestamp: UInt32 = 0
        var arrival: UInt64 = 1_000_000_000
        benchmark.startMeasurement()
        frame.withUnsafeMutableBytes { output in
            for _ in benchmark.scaledIterations {
                packet.setInteger(sequence, at: packet.readerIndex + 2)
                packet.setInteger(timestamp, at: packet.readerIndex + 4)
                guard let view = RTPPacketView(buffer: packet) else { preconditionFailure("valid packet") }
                blackHole(jitter.insert(view, in: packet, arrival: arrival))
                blackHole(jitter.pop(into: output))
                sequence &+= 1
                timestamp &+= 160
                arrival &+= 20_000_000
            }
        }
        precondition(jitter.statistics.played > 0, "the jitter buffer should be playing")
    }

    // Send path: the 12-byte header and a 160-byte payload written into one reused buffer (what the codec path
    // itself costs), and the same into a new buffer per packet, as `MediaLeg` does today (the channel keeps the
    // buffer until the datagram is written): the baseline shows what that buffer costs per packet.
    let payload = [UInt8](repeating: 0xD5, count: 160)
    Benchmark("RTP: build header + payload (PCMU 20 ms), reused buffer", configuration: media) { benchmark in
        var packet = ByteBufferAllocator().buffer(capacity: RTPHeader.fixedSize + 160)
        var sequence: UInt16 = 0
        var timestamp: UInt32 = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            packet.clear()
            RTPHeader(payloadType: 0, sequenceNumber: sequence, timestamp: timestamp, ssrc: 0x1234_5678).write(into: &packet)
            packet.writeBytes(payload)
            blackHole(packet.readableBytes)
            sequence &+= 1
            timestamp &+= 160
        }
    }

    Benchmark("RTP: build header + payload (PCMU 20 ms), new buffer per packet", configuration: media) { benchmark in
        let allocator = ByteBufferAllocator()
        var sequence: UInt16 = 0
        var timestamp: UInt32 = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            var packet = allocator.buffer(capacity: RTPHeader.fixedSize + 160 + 14)
            RTPHeader(payloadType: 0, sequenceNumber: sequence, timestamp: timestamp, ssrc: 0x1234_5678).write(into: &packet)
            packet.writeBytes(payload)
            blackHole(packet)
            sequence &+= 1
            timestamp &+= 160
        }
    }

    Benchmark("RTP: G.711 mu-law encode 160 samples", configuration: media) { benchmark in
        let samples = BenchmarkSignals.speechLike(count: 160)
        var payload = [UInt8](repeating: 0, count: 160)
        benchmark.startMeasurement()
        samples.withUnsafeBufferPointer { samples in
            payload.withUnsafeMutableBytes { payload in
                for _ in benchmark.scaledIterations {
                    blackHole(G711.encode(samples, law: .muLaw, into: payload))
                }
            }
        }
        blackHole(payload)
    }

    Benchmark("RTP: G.711 mu-law decode 160 samples", configuration: media) { benchmark in
        var payload = [UInt8](repeating: 0, count: 160)
        for index in payload.indices { payload[index] = UInt8(truncatingIfNeeded: index &* 37) }
        var samples = [Int16](repeating: 0, count: 160)
        benchmark.startMeasurement()
        payload.withUnsafeBytes { payload in
            samples.withUnsafeMutableBufferPointer { samples in
                for _ in benchmark.scaledIterations {
                    blackHole(G711.decode(payload, law: .muLaw, into: samples))
                }
            }
        }
        blackHole(samples)
    }

    // The room's decode since issue 6: the level is summed right after decoding, so the mixer need not.
    Benchmark("RTP: G.711 mu-law decode 160 samples, with level", configuration: media) { benchmark in
        var payload = [UInt8](repeating: 0, count: 160)
        for index in payload.indices { payload[index] = UInt8(truncatingIfNeeded: index &* 37) }
        var samples = [Int16](repeating: 0, count: 160)
        benchmark.startMeasurement()
        payload.withUnsafeBytes { payload in
            samples.withUnsafeMutableBufferPointer { samples in
                for _ in benchmark.scaledIterations {
                    let count = G711.decode(payload, law: .muLaw, into: samples)
                    blackHole(TalkerDetector.averageMagnitude(of: UnsafeBufferPointer(rebasing: samples[0..<count])))
                }
            }
        }
        blackHole(samples)
    }

    // RFC 4733 receive: parse the 4-byte event payload and feed the receiver. A digit is sent as 8 packets with
    // one timestamp (3 of them end packets); each new digit starts 1600 samples later.
    Benchmark("RTP: RFC 4733 telephone-event receive", configuration: media) { benchmark in
        var receiver = TelephoneEventReceiver()
        var payload = [UInt8](repeating: 0, count: 4)
        var timestamp: UInt32 = 0
        var digits = 0
        benchmark.startMeasurement()
        payload.withUnsafeMutableBytes { payload in
            for iteration in benchmark.scaledIterations {
                let step = iteration & 7
                if step == 0 { timestamp &+= 1600 }
                let event = TelephoneEvent(
                    event: UInt8(truncatingIfNeeded: (iteration >> 3) % 12),
                    isEnd: step >= 5,
                    duration: UInt16(truncatingIfNeeded: 160 * (step + 1))
                )
                event.write(into: payload)
                guard let parsed = TelephoneEvent(parsing: UnsafeRawBufferPointer(payload)) else {
                    preconditionFailure("valid event")
                }
                if receiver.receivedPacket(parsed, timestamp: timestamp) != nil { digits += 1 }
            }
        }
        blackHole(digits)
    }
}

/// Deterministic test signals (no randomness, so every run does identical work).
enum BenchmarkSignals {
    /// A sum of three tones at speech-like levels, spanning the whole 16-bit range the codecs see.
    static func speechLike(count: Int, phase: Int = 0) -> [Int16] {
        (0..<count).map { index in
            let t = Double(index + phase) / 8000
            let value = 9000 * sin(2 * .pi * 220 * t) + 5000 * sin(2 * .pi * 1170 * t) + 2500 * sin(2 * .pi * 2900 * t)
            return Int16(clamping: Int(value))
        }
    }
}
