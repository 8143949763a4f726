import Foundation
import Testing

@testable import RTP

/// Debian's ffmpeg, when installed.
private let ffmpegPath: String? = ["/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg"].first {
    FileManager.default.isExecutableFile(atPath: $0)
}

/// G.722 against Debian ffmpeg's encoder and decoder (libavcodec `g722`, 64 kbit/s, no trellis), on the same
/// input: ``G722InteropTests/signal(count:)`` (triangle, noise, a Nyquist-rate stretch and a clipping burst).
///
/// - The encoders are compared octet for octet: both follow the standard's integer arithmetic, so they must agree
///   exactly.
/// - Both decoders decode ffmpeg's octets and ours; their outputs must be equal sample for sample (bit-exact; the
///   SNR of the difference is printed, infinite when equal).
///
/// ffmpeg 5.1's G.722 octets and decoded samples for ``G722InteropTests/signal(count:)`` also equal libg722's
/// (the fixture of ``G722InteropTests``), so three implementations agree.
///
/// `make deps` installs ffmpeg; without it (a developer machine) the suite is skipped.
@Suite("G.722 against ffmpeg's encoder and decoder", .enabled(if: ffmpegPath != nil))
struct G722FFmpegTests {
    static let ffmpeg = ffmpegPath
    static let input = G722InteropTests.signal(count: 16000)

    /// Runs ffmpeg on `input` bytes with input and output format arguments; returns its output bytes.
    static func ffmpeg(_ input: [UInt8], from inputFormat: [String], to outputFormat: [String]) throws -> [UInt8] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("g722-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let inputURL = directory.appendingPathComponent("in")
        let outputURL = directory.appendingPathComponent("out")
        try Data(input).write(to: inputURL)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.ffmpeg))
        process.arguments =
            ["-hide_banner", "-loglevel", "error", "-y"] + inputFormat + ["-i", inputURL.path] + outputFormat
            + [outputURL.path]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "ffmpeg \(process.arguments ?? []) failed")
        return [UInt8](try Data(contentsOf: outputURL))
    }

    static let pcmFormat = ["-f", "s16le", "-ar", "16000", "-ac", "1"]
    /// The raw G.722 muxer takes the rate of its input; the demuxer assumes 16 kHz.
    static let g722Output = ["-f", "g722", "-ar", "16000"]
    static let g722Input = ["-f", "g722"]

    static func ffmpegEncode(_ samples: [Int16]) throws -> [UInt8] {
        let bytes = samples.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8(truncatingIfNeeded: $0 >> 8)] }
        return try Self.ffmpeg(bytes, from: Self.pcmFormat, to: ["-c:a", "g722"] + Self.g722Output)
    }

    static func ffmpegDecode(_ octets: [UInt8]) throws -> [Int16] {
        let bytes = try Self.ffmpeg(octets, from: Self.g722Input, to: Self.pcmFormat)
        return stride(from: 0, to: bytes.count - 1, by: 2).map { Int16(bitPattern: UInt16(bytes[$0]) | UInt16(bytes[$0 + 1]) << 8) }
    }

    static func ourEncode(_ samples: [Int16]) -> [UInt8] {
        var encoder = G722Encoder()
        var octets = [UInt8](repeating: 0, count: samples.count / 2)
        _ = samples.withUnsafeBufferPointer { input in octets.withUnsafeMutableBytes { encoder.encode(input, into: $0) } }
        return octets
    }

    static func ourDecode(_ octets: [UInt8]) -> [Int16] {
        var decoder = G722Decoder()
        var samples = [Int16](repeating: 0, count: octets.count * 2)
        _ = octets.withUnsafeBytes { input in samples.withUnsafeMutableBufferPointer { decoder.decode(input, into: $0) } }
        return samples
    }

    /// SNR of `b` against `a` in dB over their common length; infinity when equal.
    static func snr(_ a: [Int16], _ b: [Int16]) -> Double {
        let count = min(a.count, b.count)
        var signal = 0.0
        var noise = 0.0
        for index in 0..<count {
            let x = Double(a[index])
            let difference = x - Double(b[index])
            signal += x * x
            noise += difference * difference
        }
        return noise == 0 ? .infinity : 10 * log10(signal / noise)
    }

    @Test("Our encoder's octets equal ffmpeg's for the same 16 kHz input")
    func encoderMatches() throws {
        let theirs = try Self.ffmpegEncode(Self.input)
        let ours = Self.ourEncode(Self.input)
        #expect(theirs.count == ours.count)
        let differing = zip(theirs, ours).filter { $0 != $1 }.count
        #expect(differing == 0, "\(differing) of \(ours.count) octets differ from ffmpeg's")
    }

    @Test("Our decoder and ffmpeg's decode the same octets to the same samples")
    func decoderMatches() throws {
        for octets in [try Self.ffmpegEncode(Self.input), Self.ourEncode(Self.input)] {
            let theirs = try Self.ffmpegDecode(octets)
            let ours = Self.ourDecode(octets)
            #expect(theirs.count == ours.count)
            let snr = Self.snr(theirs, ours)
            print("G.722 decoders, ours against ffmpeg's: SNR \(snr) dB over \(ours.count) samples")
            #expect(theirs == ours, "bit-exact decoding (SNR \(snr) dB)")
        }
    }
}
