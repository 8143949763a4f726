import Benchmark
import RTP

/// SRTP on the media path (RFC 3711, AES_CM_128_HMAC_SHA1_80): protect a 160-byte G.711 packet as a leg sends it,
/// then check and decrypt it as the other leg receives it. 1000 packets per iteration, in one reused buffer, as a
/// pooled send or receive buffer is reused. The AES-CM keystream allocates nothing (stack block, in-place XOR);
/// the HMAC runs inside swift-crypto, whose digest state is a copy-on-write class, so each tag is expected to
/// cost allocations there: measured 2 per protected packet and 2 per checked one (BENCHMARKS.md, 2026-12-02). The
/// thresholds pin those counts, so removing them shows as an improvement.
func registerSRTPBenchmarks() {
    let media = Benchmark.Configuration(scalingFactor: .kilo, thresholds: BenchmarkMetrics.exactAllocations)
    guard let master = SRTPMasterKey(key: Array(0..<16), salt: Array(16..<30)) else {
        preconditionFailure("master key length")
    }

    Benchmark("SRTP: protect + unprotect, PCMU 160-byte payload, _80", configuration: media) { benchmark in
        var sender = SRTPSender(profile: .aesCM128HMACSHA1_80, masterKey: master)
        var receiver = SRTPReceiver(profile: .aesCM128HMACSHA1_80, masterKey: master)
        var packet = [UInt8](repeating: 0xD5, count: 12 + 160 + SRTPProfile.aesCM128HMACSHA1_80.rtpTagLength)
        packet[0] = 0x80
        packet[8] = 0x12
        var sequence: UInt16 = 0
        benchmark.startMeasurement()
        packet.withUnsafeMutableBytes { bytes in
            for _ in benchmark.scaledIterations {
                bytes[2] = UInt8(truncatingIfNeeded: sequence >> 8)
                bytes[3] = UInt8(truncatingIfNeeded: sequence)
                do {
                    let protected = try sender.protectRTP(bytes, length: 12 + 160)
                    let clear = try receiver.unprotectRTP(UnsafeMutableRawBufferPointer(rebasing: bytes[0..<protected]))
                    blackHole(clear)
                } catch {
                    preconditionFailure("SRTP round trip failed: \(error)")
                }
                sequence &+= 1
            }
        }
        precondition(receiver.counters.accepted > 0, "packets were accepted")
    }

    Benchmark("SRTP: protect only, PCMU 160-byte payload, _80", configuration: media) { benchmark in
        var sender = SRTPSender(profile: .aesCM128HMACSHA1_80, masterKey: master)
        var packet = [UInt8](repeating: 0xD5, count: 12 + 160 + SRTPProfile.aesCM128HMACSHA1_80.rtpTagLength)
        packet[0] = 0x80
        var sequence: UInt16 = 0
        benchmark.startMeasurement()
        packet.withUnsafeMutableBytes { bytes in
            for _ in benchmark.scaledIterations {
                bytes[2] = UInt8(truncatingIfNeeded: sequence >> 8)
                bytes[3] = UInt8(truncatingIfNeeded: sequence)
                do {
                    blackHole(try sender.protectRTP(bytes, length: 12 + 160))
                } catch {
                    preconditionFailure("SRTP protect failed: \(error)")
                }
                sequence &+= 1
            }
        }
    }
}
