import Foundation
import Testing

@testable import RTP

/// Opus at the audio rate of a room or a test caller: libopus codes 8, 16 and 48 kHz natively, so an 8 kHz leg
/// sends narrowband Opus (every bit within 4 kHz) instead of 8 kHz audio resampled to 48 kHz, which cost each
/// Opus hop of the bridge's path about 0.7 PESQ (BENCHMARKS.md, "Audio quality").
@Suite("WidebandCodec: Opus coded at the audio rate, with a bitrate for it")
struct WidebandOpusRateTests {
    /// A voiced, speech-like signal: a 140 Hz fundamental with its harmonics up to just below the rate's Nyquist
    /// frequency, slowly amplitude-modulated, so the encoder has a whole band of content to code.
    static func voiced(rate: Int, seconds: Double) -> [Int16] {
        let count = Int(Double(rate) * seconds)
        let top = min(Double(rate) / 2 - 200, 7000)
        return (0..<count).map { n in
            let t = Double(n) / Double(rate)
            var value = 0.0
            var harmonic = 140.0
            while harmonic < top {
                value += sin(2 * Double.pi * harmonic * t) / (1 + harmonic / 1000)
                harmonic += 140
            }
            let envelope = 0.6 + 0.4 * sin(2 * Double.pi * 3 * t)
            return Int16(clamping: Int(2500 * envelope * value))
        }
    }

    /// The packets of `input` coded by `codec`, 20 ms each.
    static func encode(_ input: [Int16], with codec: WidebandCodec) -> [[UInt8]] {
        var payload = [UInt8](repeating: 0, count: 1500)
        return stride(from: 0, to: input.count - codec.frameSize + 1, by: codec.frameSize).map { start in
            let written = input[start..<(start + codec.frameSize)].withUnsafeBufferPointer { frame in
                payload.withUnsafeMutableBytes { codec.encode(frame, into: $0) }
            }
            return Array(payload[0..<written])
        }
    }

    /// The audio bandwidth a packet's TOC octet announces (RFC 6716 §3.1, Table 2), in kHz of audio band:
    /// 4 (narrowband), 6 (mediumband), 8 (wideband), 12 (super-wideband), 20 (fullband).
    static func bandwidth(of packet: [UInt8]) -> Int? {
        guard let toc = packet.first else { return nil }
        switch Int(toc >> 3) {
        case 0...3, 16...19: return 4
        case 4...7: return 6
        case 8...11, 20...23: return 8
        case 12...13, 24...27: return 12
        default: return 20
        }
    }

    @Test("an 8 kHz leg sends narrowband Opus, a 16 kHz leg wideband: nothing is coded above the audio's band")
    func bandwidthFollowsTheRate() throws {
        for (rate, band) in [(8000, 4), (16000, 8)] {
            let codec = try WidebandCodec(.opus, frameSize: rate / 50, audioRate: rate)
            let packets = Self.encode(Self.voiced(rate: rate, seconds: 1), with: codec)
            #expect(packets.count == 50)
            let bands = Set(packets.dropFirst(5).compactMap(Self.bandwidth(of:)))
            #expect(bands == [band], "at \(rate) Hz the packets announce \(bands) kHz")
        }
    }

    @Test("a packet from a 48 kHz encoder decodes at 8 and 16 kHz to whole 20 ms frames")
    func decodesAnyPacketAtTheAudioRate() throws {
        let sender = try WidebandCodec(.opus, frameSize: 960, audioRate: 48000)
        let packets = Self.encode(AudioTestSignals.tone(frequency: 1000, sampleRate: 48000, count: 48000), with: sender)
        for rate in [8000, 16000] {
            let receiver = try WidebandCodec(.opus, frameSize: rate / 50, audioRate: rate)
            var frame = [Int16](repeating: 0, count: rate / 50)
            var output: [Int16] = []
            for packet in packets {
                let count = packet.withUnsafeBytes { bytes in
                    frame.withUnsafeMutableBufferPointer { receiver.decode(bytes, into: $0) }
                }
                #expect(count == rate / 50)
                output += frame
            }
            let steady = output[(rate / 10)...]
            let found = AudioTestSignals.dominantFrequency(
                in: steady,
                sampleRate: Double(rate),
                candidates: stride(from: 250.0, through: 3500, by: 250).map { $0 }
            )
            #expect(found == 1000)
        }
    }

    @Test("the bridge's encoder: 32 kbit/s for 8 kHz audio, 48 kbit/s for 16 and 48 kHz, FEC on")
    func speechSettings() throws {
        #expect(OpusEncoderWrapper.Configuration.speech(audioRate: 8000).bitrate == 32000)
        #expect(OpusEncoderWrapper.Configuration.speech(audioRate: 16000).bitrate == 48000)
        #expect(OpusEncoderWrapper.Configuration.speech(audioRate: 48000).bitrate == 48000)
        #expect(OpusEncoderWrapper.Configuration.speech(audioRate: 16000).inbandFEC)
        // The default codec of a 16 kHz leg spends them: its packets are larger than an 8 kHz leg's.
        func meanSize(_ rate: Int) throws -> Double {
            let codec = try WidebandCodec(.opus, frameSize: rate / 50, audioRate: rate)
            let packets = Self.encode(Self.voiced(rate: rate, seconds: 2), with: codec).dropFirst(10)
            return Double(packets.reduce(0) { $0 + $1.count }) / Double(packets.count)
        }
        let narrow = try meanSize(8000)
        let wide = try meanSize(16000)
        #expect(wide > narrow * 1.2, "mean packet \(wide) octets at 16 kHz, \(narrow) at 8 kHz")
        #expect(throws: CodecError.self) { _ = try OpusEncoderWrapper(inputRate: 44100) }
    }
}
