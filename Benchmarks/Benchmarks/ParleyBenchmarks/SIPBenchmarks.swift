import Benchmark
import COsip
import NIOCore
import SIPCore

/// SIP message layer: parse and serialize a realistic ~850-byte INVITE with SDP, per message, with libosip2
/// parsing the same bytes as the baseline.
func registerSIPBenchmarks() {
    let invite = SIPFixtures.invite
    precondition(invite.count >= 800 && invite.count <= 900, "the INVITE fixture should be about 850 bytes")

    Benchmark(
        "SIP: parse INVITE+SDP, SIPCore",
        configuration: .init(thresholds: BenchmarkMetrics.sipAllocations)
    ) { benchmark in
        let parser = SIPMessageParser()
        for _ in benchmark.scaledIterations {
            blackHole(try parser.parseDatagram(invite))
        }
    }

    Benchmark(
        "SIP: parse INVITE+SDP, SIPCore from ByteBuffer",
        configuration: .init(thresholds: BenchmarkMetrics.sipAllocations)
    ) { benchmark in
        let parser = SIPMessageParser()
        let buffer = ByteBuffer(bytes: invite)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try parser.parseDatagram(buffer))
        }
    }

    Benchmark(
        "SIP: parse INVITE+SDP, libosip2",
        configuration: .init()
    ) { benchmark in
        precondition(cosip_init() == 0, "libosip2 parser_init failed")
        precondition(invite.withCString(count: invite.count) { cosip_parse($0, $1) } == 0, "libosip2 rejected the INVITE")
        benchmark.startMeasurement()
        invite.withCString(count: invite.count) { bytes, count in
            for _ in benchmark.scaledIterations {
                blackHole(cosip_parse(bytes, count))
            }
        }
    }

    Benchmark(
        "SIP: serialize INVITE+SDP, SIPCore",
        configuration: .init(thresholds: BenchmarkMetrics.sipAllocations)
    ) { benchmark in
        guard case .request(let request) = try SIPMessageParser().parseDatagram(invite) else {
            preconditionFailure("the fixture is a request")
        }
        var buffer = ByteBufferAllocator().buffer(capacity: 2048)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            buffer.clear()
            request.serialize(into: &buffer)
            blackHole(buffer.readableBytes)
        }
    }

    Benchmark(
        "SIP: parse + serialize INVITE+SDP, SIPCore",
        configuration: .init(thresholds: BenchmarkMetrics.sipAllocations)
    ) { benchmark in
        let parser = SIPMessageParser()
        var buffer = ByteBufferAllocator().buffer(capacity: 2048)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            buffer.clear()
            try parser.parseDatagram(invite).serialize(into: &buffer)
            blackHole(buffer.readableBytes)
        }
    }

    Benchmark(
        "SIP: parse + serialize INVITE+SDP, libosip2",
        configuration: .init()
    ) { benchmark in
        precondition(cosip_init() == 0, "libosip2 parser_init failed")
        precondition(invite.withCString(count: invite.count) { cosip_parse_and_serialize($0, $1) } > 0, "libosip2 failed")
        benchmark.startMeasurement()
        invite.withCString(count: invite.count) { bytes, count in
            for _ in benchmark.scaledIterations {
                blackHole(cosip_parse_and_serialize(bytes, count))
            }
        }
    }
}

extension [UInt8] {
    /// Lends the bytes to C as `const char *` and a length (libosip2 takes a length, so no terminator is needed).
    fileprivate func withCString<Result>(count: Int, _ body: (UnsafePointer<CChar>, Int) -> Result) -> Result {
        self.withUnsafeBytes { raw in
            body(raw.baseAddress!.assumingMemoryBound(to: CChar.self), count)
        }
    }
}
