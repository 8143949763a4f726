import Benchmark
import RTP

/// Codecs and resampling, one 20 ms frame per operation: G.711 (both laws), G.722 and Opus through the
/// `AudioCodec` enum the media legs use, and the speexdsp resampler between 8 kHz and the room's 16 or 48 kHz.
/// Zero allocations per frame is the budget (STYLE §11); 1000 frames per iteration, read with `--scale`.
func registerCodecBenchmarks() {
    let media = Benchmark.Configuration(scalingFactor: .kilo, thresholds: BenchmarkMetrics.exactAllocations)

    for kind in [AudioCodec.Kind.pcma, .g722, .opus] {
        let name = "\(kind)".uppercased()
        Benchmark("Codec: \(name) encode 20 ms", configuration: media) { benchmark in
            guard var codec = try? AudioCodec(kind) else { preconditionFailure("codec \(kind)") }
            let samples = BenchmarkSignals.speechLike(count: codec.samplesPerFrame(ptimeMilliseconds: 20))
            var payload = [UInt8](repeating: 0, count: codec.maximumPayloadBytes(ptimeMilliseconds: 20))
            benchmark.startMeasurement()
            samples.withUnsafeBufferPointer { samples in
                payload.withUnsafeMutableBytes { payload in
                    for _ in benchmark.scaledIterations {
                        blackHole(try? codec.encode(samples, into: payload))
                    }
                }
            }
            blackHole(payload)
        }

        Benchmark("Codec: \(name) decode 20 ms", configuration: media) { benchmark in
            guard var codec = try? AudioCodec(kind) else { preconditionFailure("codec \(kind)") }
            let frame = codec.samplesPerFrame(ptimeMilliseconds: 20)
            let samples = BenchmarkSignals.speechLike(count: frame)
            var payload = [UInt8](repeating: 0, count: codec.maximumPayloadBytes(ptimeMilliseconds: 20))
            var written = 0
            samples.withUnsafeBufferPointer { samples in
                payload.withUnsafeMutableBytes { payload in written = (try? codec.encode(samples, into: payload)) ?? 0 }
            }
            var decoded = [Int16](repeating: 0, count: frame)
            benchmark.startMeasurement()
            payload.withUnsafeBytes { payload in
                let packet = UnsafeRawBufferPointer(rebasing: payload[0..<written])
                decoded.withUnsafeMutableBufferPointer { decoded in
                    for _ in benchmark.scaledIterations {
                        blackHole(try? codec.decode(packet, into: decoded))
                    }
                }
            }
            blackHole(decoded)
        }
    }

    // The media leg's wideband path (`WidebandCodec`): one 20 ms frame of the 8 kHz room audio raised to the
    // codec's rate and encoded, and a payload decoded and brought back down: codec and resampler together, in
    // the leg's own scratch buffer.
    for kind in [WidebandCodec.Kind.g722, .opus] {
        let name = "\(kind)".uppercased()
        Benchmark("Codec: \(name) via WidebandCodec, 8 kHz frame, encode 20 ms", configuration: media) { benchmark in
            guard let codec = try? WidebandCodec(kind, frameSize: 160) else { preconditionFailure("codec \(kind)") }
            let samples = BenchmarkSignals.speechLike(count: 160)
            var payload = [UInt8](repeating: 0, count: codec.maximumPayloadBytes)
            benchmark.startMeasurement()
            samples.withUnsafeBufferPointer { samples in
                payload.withUnsafeMutableBytes { payload in
                    for _ in benchmark.scaledIterations { blackHole(codec.encode(samples, into: payload)) }
                }
            }
            blackHole(payload)
        }

        Benchmark("Codec: \(name) via WidebandCodec, 8 kHz frame, decode 20 ms", configuration: media) { benchmark in
            guard let codec = try? WidebandCodec(kind, frameSize: 160) else { preconditionFailure("codec \(kind)") }
            let samples = BenchmarkSignals.speechLike(count: 160)
            var payload = [UInt8](repeating: 0, count: codec.maximumPayloadBytes)
            var written = 0
            samples.withUnsafeBufferPointer { samples in
                payload.withUnsafeMutableBytes { payload in written = codec.encode(samples, into: payload) }
            }
            var decoded = [Int16](repeating: 0, count: 160)
            benchmark.startMeasurement()
            payload.withUnsafeBytes { payload in
                let packet = UnsafeRawBufferPointer(rebasing: payload[0..<written])
                decoded.withUnsafeMutableBufferPointer { decoded in
                    for _ in benchmark.scaledIterations { blackHole(codec.decode(packet, into: decoded)) }
                }
            }
            blackHole(decoded)
        }
    }

    for rate in [16000, 48000] {
        Benchmark("Resample: 8 kHz to \(rate / 1000) kHz, 20 ms", configuration: media) { benchmark in
            guard let resampler = try? Resampler(inputRate: 8000, outputRate: rate) else {
                preconditionFailure("resampler")
            }
            let input = BenchmarkSignals.speechLike(count: 160)
            var output = [Int16](repeating: 0, count: resampler.outputCount(forInput: 160) + 16)
            benchmark.startMeasurement()
            input.withUnsafeBufferPointer { input in
                output.withUnsafeMutableBufferPointer { output in
                    for _ in benchmark.scaledIterations { blackHole(resampler.process(input, into: output)) }
                }
            }
            blackHole(output)
        }

        Benchmark("Resample: \(rate / 1000) kHz to 8 kHz, 20 ms", configuration: media) { benchmark in
            guard let resampler = try? Resampler(inputRate: rate, outputRate: 8000) else {
                preconditionFailure("resampler")
            }
            let input = BenchmarkSignals.speechLike(count: rate / 50)
            var output = [Int16](repeating: 0, count: 160 + 16)
            benchmark.startMeasurement()
            input.withUnsafeBufferPointer { input in
                output.withUnsafeMutableBufferPointer { output in
                    for _ in benchmark.scaledIterations { blackHole(resampler.process(input, into: output)) }
                }
            }
            blackHole(output)
        }
    }
}
