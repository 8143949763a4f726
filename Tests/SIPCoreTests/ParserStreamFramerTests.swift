import NIOCore
import Testing

@testable import SIPCore

/// Stream-framing files from the corpus: the README names the eight that make sense only as datagrams.
private let datagramOnly: Set<String> = [
    "rfc4475/clerr.dat", "rfc4475/ncl.dat", "rfc4475/mcl01.dat", "rfc4475/dblreq.dat", "rfc4475/inv2543.dat",
    "rfc5118/ipv6-in-sdp", "rfc5118/mult-ip-in-sdp", "rfc5118/ipv4-mapped-ipv6",
]

@Suite("RFC 3261 §18.3 stream framing")
struct ParserStreamFramerTests {
    private func frames(_ chunks: [[UInt8]]) throws -> [ByteBuffer] {
        let processor = NIOSingleStepByteToMessageProcessor(SIPStreamFramer())
        var frames: [ByteBuffer] = []
        for chunk in chunks {
            try processor.process(buffer: ByteBuffer(bytes: chunk)) { frames.append($0) }
        }
        return frames
    }

    private var twoMessages: [UInt8] {
        let first = TortureCorpus.bytes("rfc4475/wsinv.dat") ?? []
        let second = TortureCorpus.bytes("rfc4475/esc01.dat") ?? []
        return Array("\r\n\r\n".utf8) + first + Array("\r\n".utf8) + second
    }

    @Test("§18.3: whole messages come out however the bytes arrive (one read, byte by byte, odd chunks)")
    func framesAnySplit() throws {
        let bytes = self.twoMessages
        let whole = try self.frames([bytes])
        let single = try self.frames(bytes.map { [$0] })
        var odd: [[UInt8]] = []
        var index = 0
        var size = 1
        while index < bytes.count {
            let end = min(bytes.count, index + size)
            odd.append(Array(bytes[index..<end]))
            index = end
            size = size * 3 % 97 + 1
        }
        let chunked = try self.frames(odd)
        #expect(whole.count == 2)
        #expect(single == whole)
        #expect(chunked == whole)
        let parser = SIPMessageParser()
        for frame in whole {
            guard case .request(let request) = try parser.parseStreamMessage(frame) else {
                Issue.record("not a request")
                continue
            }
            #expect(request.body.count == request.headers.contentLength)
        }
    }

    @Test("§18.3: every stream-safe corpus message frames to exactly its Content-Length")
    func corpusFrames() throws {
        for testCase in TortureCorpus.cases where !datagramOnly.contains(testCase.file) {
            let bytes = try #require(TortureCorpus.bytes(testCase.file))
            guard let frames = try? self.frames([bytes]) else { continue }
            #expect(frames.count == 1, "\(testCase.file)")
            #expect(frames.first?.readableBytes == bytes.count, "\(testCase.file)")
        }
    }

    @Test("§18.3: a message without Content-Length cannot be framed on a stream")
    func missingContentLength() throws {
        let bytes = Array("OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\n\r\n".utf8)
        #expect(throws: SIPParseError(.missingHeader)) { try self.frames([bytes]) }
    }

    @Test("RFC 4475 §3.1.2.3: a negative Content-Length closes the stream")
    func negativeContentLength() throws {
        let bytes = Array("OPTIONS sip:a@b SIP/2.0\r\nContent-Length: -999\r\n\r\n".utf8)
        #expect(throws: SIPParseError(.invalidContentLength)) { try self.frames([bytes]) }
    }

    @Test("a partial message waits for more bytes; an endless header section is refused")
    func partialAndTooLarge() throws {
        let bytes = Array("OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 10\r\n\r\nabc".utf8)
        #expect(try self.frames([bytes]).isEmpty)
        let processor = NIOSingleStepByteToMessageProcessor(SIPStreamFramer(limits: .init(maxMessageBytes: 100)))
        #expect(throws: SIPParseError(.messageTooLarge)) {
            try processor.process(buffer: ByteBuffer(bytes: [UInt8](repeating: 0x41, count: 200))) { _ in }
        }
    }
}
