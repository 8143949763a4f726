import Foundation
import NIOCore
import Testing

@testable import SIPCore

/// Replays the fuzzers' committed seeds and every crash they ever found (Fuzz/Corpus, Fuzz/Regressions) through
/// the same calls as the SIP, SDP and digest harnesses, so `swift test` keeps those inputs fixed without the
/// sanitizer build (`make fuzz` runs the fuzzers themselves).
@Suite("Fuzz corpus replay: SIP, SDP, digest")
struct FuzzCorpusReplayTests {
    @Test("SIP message seeds and regressions parse or fail cleanly, and what parses parses again")
    func sipMessages() throws {
        let inputs = FuzzCorpus.inputs(for: "SIPMessageFuzzer")
        #expect(!inputs.isEmpty)
        let parser = SIPMessageParser()
        for (name, bytes) in inputs {
            if let message = try? parser.parseDatagram(bytes) {
                _ = message.headers.vias
                _ = message.headers.contacts
                _ = message.headers.to?.uri.decodedUser
                _ = try? SessionDescription(parsing: message.body)
                #expect((try? parser.parseDatagram(message.bytes)) != nil, "\(name) does not parse after serialization")
            } else if let salvaged = parser.salvageRequestHeaders(bytes) {
                _ = SIPResponse(replyingTo: salvaged, statusCode: 400).bytes
            }
            var framer = SIPStreamFramer()
            var buffer = ByteBuffer(bytes: bytes)
            while let frame = try? framer.decode(buffer: &buffer) { _ = try? parser.parseStreamMessage(frame) }
        }
    }

    @Test("SDP seeds and regressions are read and answered without trapping")
    func sessionDescriptions() {
        let inputs = FuzzCorpus.inputs(for: "SDPFuzzer")
        #expect(!inputs.isEmpty)
        for (_, bytes) in inputs {
            guard let offer = try? SessionDescription(parsing: bytes) else { continue }
            _ = try? SessionDescription(parsing: offer.bytes)
            _ = try? SDPOfferAnswer.answer(
                offer: offer,
                supported: [.pcmu, .pcma, .g722, .opus],
                telephoneEvent: true,
                localAddress: "192.0.2.1",
                localPort: 20000,
                sessionID: 1
            )
            _ = try? SDPOfferAnswer.negotiated(answer: offer, offer: nil)
        }
    }

    @Test("Digest challenge seeds and regressions: the Authorization built from one reads back")
    func digest() throws {
        let inputs = FuzzCorpus.inputs(for: "DigestFuzzer")
        #expect(!inputs.isEmpty)
        for (name, bytes) in inputs {
            let text = String(decoding: bytes, as: UTF8.self)
            guard let challenge = try? DigestChallenge(parsing: text),
                let authorization = try? DigestAuthorization(
                    answering: challenge,
                    method: "REGISTER",
                    uri: "sip:192.0.2.1",
                    credentials: DigestCredentials(username: "1000", password: "secret"),
                    cnonce: "0a4f113b"
                )
            else { continue }
            let parameters = try DigestChallenge.parseParameters(authorization.headerValue)
            #expect(parameters.first { $0.0 == "realm" }?.1 == challenge.realm, "\(name)")
            #expect(parameters.first { $0.0 == "nonce" }?.1 == challenge.nonce, "\(name)")
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
