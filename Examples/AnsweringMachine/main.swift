// A tiny SIP service built on SIPCore and RTP alone, without the Conference library: an answering machine.
// It answers every INVITE, records what the caller says (G.711) and writes it to a WAV file when the caller
// hangs up. Usage: AnsweringMachineExample host:port output-directory
import Foundation
import NIOCore
import NIOPosix
import RTP
import SIPCore

let arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.count == 2, let colon = arguments[0].lastIndex(of: ":"),
    let port = Int(arguments[0][arguments[0].index(after: colon)...])
else {
    print("usage: AnsweringMachineExample host:port output-directory")
    exit(2)
}
let host = String(arguments[0][..<colon])
let outputDirectory = arguments[1]

/// One recorded call: its RTP socket and the samples heard so far. Lives on the machine's event loop.
final class Recording {
    let channel: any Channel
    var law = G711.Law.muLaw
    var samples: [Int16] = []
    init(channel: any Channel) { self.channel = channel }
}

/// Decodes each RTP packet into the call's recording.
final class RecordingHandler: ChannelInboundHandler, @unchecked Sendable {
    // Safety: used only on the event loop its channel belongs to, like everything in this example.
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    var recording: Recording?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = self.unwrapInboundIn(data)
        guard let recording = self.recording, let packet = RTPPacketView(buffer: envelope.data),
            packet.payloadType == recording.law.payloadType, let payload = packet.payload(in: envelope.data)
        else { return }
        payload.withUnsafeReadableBytes { bytes in
            let start = recording.samples.count
            recording.samples.append(contentsOf: repeatElement(0, count: bytes.count))
            recording.samples.withUnsafeMutableBufferPointer { all in
                _ = G711.decode(bytes, law: recording.law, into: UnsafeMutableBufferPointer(rebasing: all[start...]))
            }
        }
    }
}

/// The application on top of SIPCore's user-agent core: answer, record, save on BYE.
final class AnsweringMachine: TransactionUser, @unchecked Sendable {
    // Safety: all state is touched on `loop` only (the user agent calls us there).
    let loop: any EventLoop
    let userAgent: UserAgentCore
    let host: String
    let outputDirectory: String
    var recordings: [String: Recording] = [:]
    var nextRTPPort = 42000

    init(loop: any EventLoop, host: String, port: Int, outputDirectory: String) {
        self.loop = loop
        self.host = host
        self.outputDirectory = outputDirectory
        self.userAgent = UserAgentCore(eventLoop: loop, advertisedHost: host, advertisedPort: port)
    }

    func userAgent(_ userAgent: UserAgentCore, received transaction: ServerTransaction) {
        let request = transaction.request
        let callID = request.headers.callID ?? "unknown"
        switch request.method {
        case .invite:
            guard let offer = try? SessionDescription(parsing: String(decoding: request.body, as: UTF8.self)) else {
                transaction.respond(status: 488, reason: "Not Acceptable Here - an SDP offer is required")
                return
            }
            let handler = RecordingHandler()
            let rtpPort = self.nextRTPPort
            self.nextRTPPort += 2
            DatagramBootstrap(group: self.loop)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(handler) }
                }
                .bind(host: self.host, port: rtpPort)
                .whenComplete { result in
                    guard case .success(let channel) = result,
                        let (answer, negotiated) = try? SDPOfferAnswer.answer(
                            offer: offer,
                            supported: [.pcmu, .pcma],
                            telephoneEvent: false,
                            localAddress: self.host,
                            localPort: rtpPort,
                            sessionID: 1
                        )
                    else {
                        transaction.respond(status: 488, reason: "Not Acceptable Here - PCMU or PCMA only")
                        return
                    }
                    let recording = Recording(channel: channel)
                    recording.law = negotiated.codecName == "PCMA" ? .aLaw : .muLaw
                    handler.recording = recording
                    self.recordings[callID] = recording
                    var ok = SIPResponse(replyingTo: request, statusCode: 200, toTag: transaction.localTag)
                    ok.headers.add(.contact, "<sip:machine@\(userAgent.hostPort)>")
                    ok.headers.add(.contentType, "application/sdp")
                    ok.body = Array(String(describing: answer).utf8)
                    transaction.respond(ok)
                }
        case .bye:
            transaction.respond(status: 200)
            guard let recording = self.recordings.removeValue(forKey: callID) else { return }
            recording.channel.close(promise: nil)
            let path = "\(self.outputDirectory)/message-\(self.recordings.count)-\(callID.prefix(8)).wav"
            FileManager.default.createFile(atPath: path, contents: Data(Self.wav(recording.samples)))
            print("saved \(path) (\(recording.samples.count / 8000) s)")
        case .options:
            transaction.respond(status: 200)
        default:
            transaction.respond(status: 405, extraHeaders: [(.allow, "INVITE, ACK, BYE, OPTIONS")])
        }
    }

    func userAgent(_ userAgent: UserAgentCore, receivedACK ack: SIPRequest, from source: SocketAddress) {}
    func userAgent(_ userAgent: UserAgentCore, cancelled invite: ServerTransaction) { invite.respond(status: 487) }
    func userAgent(_ userAgent: UserAgentCore, ackTimedOutFor invite: ServerTransaction) {}

    /// 8 kHz 16-bit mono WAV bytes.
    static func wav(_ samples: [Int16]) -> [UInt8] {
        func le32(_ v: Int) -> [UInt8] {
            [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24 & 0xFF)]
        }
        var bytes = Array("RIFF".utf8) + le32(36 + samples.count * 2) + Array("WAVEfmt ".utf8)
        bytes += le32(16) + [1, 0, 1, 0] + le32(8000) + le32(16000) + [2, 0, 16, 0] + Array("data".utf8)
        bytes += le32(samples.count * 2)
        for sample in samples {
            bytes += [UInt8(UInt16(bitPattern: sample) & 0xFF), UInt8(UInt16(bitPattern: sample) >> 8)]
        }
        return bytes
    }
}

let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
let loop = group.next()
let machine = AnsweringMachine(loop: loop, host: host, port: port, outputDirectory: outputDirectory)
let channel = try await loop.flatSubmit {
    machine.userAgent.transactionUser = machine
    return SIPUDPTransport.bind(machine.userAgent, host: host, port: port)
}.get()
print("answering machine on udp:\(host):\(port), saving to \(outputDirectory)")
try await channel.closeFuture.get()
