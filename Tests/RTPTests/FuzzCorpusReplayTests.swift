import Foundation
import NIOCore
import Testing

@testable import RTP

/// Replays the RTP, RTCP and RFC 4733 fuzzers' committed seeds and past crashes (Fuzz/Corpus, Fuzz/Regressions)
/// through the harnesses' calls, so `swift test` keeps them fixed without the sanitizer build.
@Suite("Fuzz corpus replay: RTP, RTCP, RFC 4733")
struct FuzzCorpusReplayTests {
    @Test("RTP seeds and regressions are read without trapping")
    func rtp() {
        let inputs = FuzzCorpus.inputs(for: "RTPFuzzer")
        #expect(!inputs.isEmpty)
        for (_, bytes) in inputs {
            bytes.withUnsafeBytes { raw in
                _ = RTCPMultiplexing.classify(raw)
                guard let packet = RTPPacketView(parsing: raw) else { return }
                _ = packet.payload(in: raw)
                for index in 0...packet.csrcCount { _ = packet.csrc(at: index, in: raw) }
            }
        }
    }

    @Test("RTCP seeds and regressions are read packet by packet without trapping")
    func rtcp() {
        let inputs = FuzzCorpus.inputs(for: "RTCPFuzzer")
        #expect(!inputs.isEmpty)
        var packets = 0
        for (_, bytes) in inputs {
            try? RTCPCompoundPacket.forEachPacket(in: ByteBuffer(bytes: bytes), requireReportFirst: false) {
                packet,
                raw in
                packets += 1
                _ = packet.senderInfo(in: raw)
                for index in 0...packet.reportBlockCount { _ = packet.reportBlock(at: index, in: raw) }
                for index in 0...packet.count { _ = packet.byeSource(at: index, in: raw) }
                _ = packet.byeReason(in: raw)
                _ = packet.cname(in: raw)
            }
        }
        #expect(packets > 0)
    }

    @Test("RFC 4733 seeds and regressions only ever yield DTMF digits")
    func telephoneEvents() {
        let inputs = FuzzCorpus.inputs(for: "TelephoneEventFuzzer")
        #expect(!inputs.isEmpty)
        for (name, bytes) in inputs {
            var receiver = TelephoneEventReceiver()
            var offset = 0
            while offset + 8 <= bytes.count {
                let timestamp = bytes[offset..<offset + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                let event = Array(bytes[offset + 4..<offset + 8]).withUnsafeBytes { TelephoneEvent(parsing: $0) }
                if let event, let digit = receiver.receivedPacket(event, timestamp: timestamp) {
                    #expect("0123456789*#ABCD".contains(digit), "\(name)")
                }
                offset += 8
            }
        }
    }
}

/// The fuzzers' committed inputs, found from this file's path (Tests/<Target>/ → the package root).
enum FuzzCorpus {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Every file in Fuzz/Corpus/`harness` and Fuzz/Regressions/`harness`, with its name.
    static func inputs(for harness: String) -> [(String, [UInt8])] {
        var result: [(String, [UInt8])] = []
        for folder in ["Fuzz/Corpus", "Fuzz/Regressions"] {
            let directory = root.appendingPathComponent(folder).appendingPathComponent(harness)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            for name in names.sorted() {
                if let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path) {
                    result.append(("\(folder)/\(harness)/\(name)", [UInt8](data)))
                }
            }
        }
        return result
    }
}
