import Foundation
import NIOCore
import NIOPosix
import SIPCore
import Testing

/// sipp, a third-party SIP peer, against user agent cores on 127.0.0.1: registrar (UAS) with digest, UAC over
/// TCP against our UAS, and UAS over TCP against our UAC.
@Suite(
    "End to end with sipp: REGISTER, TCP UAS and UAC",
    .serialized,
    .timeLimit(.minutes(1)),
    .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/sipp"))
)
struct SippPeerTests {
    static let scenarioDirectory: String = {
        var url = URL(fileURLWithPath: #filePath)
        url.deleteLastPathComponent()
        url.deleteLastPathComponent()
        return url.appendingPathComponent("sipp").path
    }()

    /// A running sipp whose exit can be awaited.
    /// `@unchecked Sendable`: Process and Pipe are only touched by the test and, once, the waiting queue.
    final class Sipp: @unchecked Sendable {
        let process: Process
        let output: Pipe
        let work: String

        init(arguments: [String]) throws {
            let work = NSTemporaryDirectory() + "sipp-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/sipp")
            process.currentDirectoryURL = URL(fileURLWithPath: work)
            process.arguments =
                arguments + [
                    "-i", "127.0.0.1", "-m", "1", "-timeout", "20s", "-timeout_error", "-nostdin", "-trace_err",
                    "-error_file", work + "/errors.log", "-mp", String(Int.random(in: 300..<400) * 100),
                ]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            self.process = process
            self.output = pipe
            self.work = work
            try process.run()
        }

        /// Waits for sipp to exit; returns its exit code and what it printed.
        func finish() async -> (Int32, String) {
            await withCheckedContinuation { continuation in
                DispatchQueue.global().async {
                    let text = String(decoding: self.output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                    self.process.waitUntilExit()
                    let errors = (try? String(contentsOfFile: self.work + "/errors.log", encoding: .utf8)) ?? ""
                    try? FileManager.default.removeItem(atPath: self.work)
                    continuation.resume(returning: (self.process.terminationStatus, text + errors))
                }
            }
        }
    }

    /// A free port on 127.0.0.1 (bound and released; sipp binds it next).
    static func freePort(tcp: Bool) async throws -> Int {
        let group = MultiThreadedEventLoopGroup.singleton
        let channel: any Channel =
            tcp
            ? try await ServerBootstrap(group: group).bind(host: "127.0.0.1", port: 0).get()
            : try await DatagramBootstrap(group: group).bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        return port
    }

    @Test("RFC 3261 §10.2, §22.2: RegistrationDriver answers sipp's 401 and is registered for 120 s")
    func registerAgainstSipp() async throws {
        let port = try await Self.freePort(tcp: false)
        let sipp = try Sipp(arguments: ["-sf", Self.scenarioDirectory + "/uas-register.xml", "-p", String(port)])
        let node = try await TestNode()
        let localPort = try await node.address(.udp).port ?? 0
        let configuration = RegistrationClient.Configuration(
            registrar: SIPURI(host: "127.0.0.1", port: port),
            addressOfRecord: SIPURI(user: "alice", host: "parley.test"),
            contact: SIPURI(user: "alice", host: "127.0.0.1", port: localPort),
            credentials: DigestCredentials(username: "alice", password: "secret"),
            requestedExpires: 300
        )
        let registrar = try SocketAddress(ipAddress: "127.0.0.1", port: port)
        let event: RegistrationDriver.Event = await withCheckedContinuation { continuation in
            node.loop.execute {
                let driver = RegistrationDriver(
                    userAgent: node.core,
                    configuration: configuration,
                    registrarAddress: registrar
                )
                var resumed = false
                driver.onEvent = { event in
                    guard !resumed else { return }
                    resumed = true
                    continuation.resume(returning: event)
                    _ = driver  // the driver lives as long as its callback
                }
                driver.start()
            }
        }
        #expect(event == .registered(expires: 120))
        let (status, output) = await sipp.finish()
        #expect(status == 0, "sipp registrar failed:\n\(output)")
        try await node.stop()
    }

    @Test("sipp as UAC over TCP (-t t1): OPTIONS, INVITE, ACK, BYE against a UserAgentCore UAS")
    func sippUACOverTCP() async throws {
        let node = try await TestNode(tcp: .init())
        let port = try await node.address(.tcp).port ?? 0
        let sipp = try Sipp(arguments: [
            "127.0.0.1:\(port)", "-sf", Self.scenarioDirectory + "/tcp-uac-call.xml", "-t", "t1", "-s", "uas",
            "-p", String(try await Self.freePort(tcp: true)),
        ])
        let (status, output) = await sipp.finish()
        #expect(status == 0, "sipp TCP UAC failed:\n\(output)")
        let seen = try await node.onLoop { _ in (node.user.received, node.user.acks) }
        #expect(seen.0 == [.options, .invite, .bye])
        #expect(seen.1 == 1)
        try await node.stop()
    }

    @Test("A UserAgentCore UAC calls sipp's built-in UAS over TCP: INVITE, 200, ACK, BYE")
    func coreUACAgainstSippUAS() async throws {
        let port = try await Self.freePort(tcp: true)
        let sipp = try Sipp(arguments: ["-sn", "uas", "-t", "t1", "-p", String(port)])
        let node = try await TestNode(tcp: .init())
        let destination = try SocketAddress(ipAddress: "127.0.0.1", port: port)
        let invite = StreamTestSupport.request(.invite, to: "sip:service@127.0.0.1:\(port);transport=tcp")
        // sipp may still be starting: retry the connect a few times.
        var result = await node.send(invite, to: destination, transport: .tcp)
        var attempts = 0
        while case .transportError = result, attempts < 20 {
            attempts += 1
            try await Task.sleep(for: .milliseconds(100))
            var again = invite
            again.headers.cseq = CSeqHeader(sequence: 1, method: .invite)
            result = await node.send(again, to: destination, transport: .tcp)
        }
        guard case .response(let response) = result, response.statusCode == 200 else {
            Issue.record("INVITE to sipp failed: \(result)")
            _ = await sipp.finish()
            try await node.stop()
            return
        }
        var ack = invite
        ack.method = .ack
        ack.headers.to = response.headers.to
        ack.headers.cseq = CSeqHeader(sequence: 1, method: .ack)
        let finalACK = ack
        try await node.onLoop { core in core.sendStateless(finalACK, to: destination, transport: .tcp) }
        var bye = invite
        bye.method = .bye
        bye.headers.to = response.headers.to
        bye.headers.cseq = CSeqHeader(sequence: 2, method: .bye)
        let byeResult = await node.send(bye, to: destination, transport: .tcp)
        guard case .response(let byeResponse) = byeResult else {
            Issue.record("BYE to sipp failed: \(byeResult)")
            return
        }
        #expect(byeResponse.statusCode == 200)
        let (status, output) = await sipp.finish()
        #expect(status == 0, "sipp UAS failed:\n\(output)")
        try await node.stop()
    }
}
