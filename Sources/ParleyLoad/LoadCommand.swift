import ArgumentParser
import Foundation
import Mixer
import NIOCore
import NIOPosix
import ParleyCaller

/// `parley-load`: places many calls into rooms, each caller sending its own tone, and reports what happened.
@main
struct LoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parley-load",
        abstract: "Load generator for Parley: N callers into R rooms, with PINs, tones, and checks."
    )

    @Option(help: "Server SIP address, host:port.") var server = "127.0.0.1:5060"
    @Option(help: "Room extensions, comma separated (callers are spread over them).") var rooms = "1000"
    @Option(help: "The rooms' PIN.") var pin: String
    @Option(help: "Number of callers.") var callers = 3
    @Option(help: "New calls per second.") var rate = 10.0
    @Option(help: "Seconds to hold the calls once all are placed.") var duration = 30.0
    @Option(help: "Codec to offer: PCMU, PCMA or G722.") var codec = "PCMU"
    @Option(help: "Address to bind the callers' SIP and RTP sockets to.") var bind = "127.0.0.1"
    @Option(help: "Write a JSON summary to this file.") var json: String?
    @Option(help: "Check the audio of this many callers (each must hear others' tones, not its own).")
    var checkCallers = 3
    @Option(
        help: "The first caller plays this 8 kHz mono 16-bit WAV file once in the room; the others send silence."
    )
    var play: String?
    @Option(help: "Write what each caller heard to DIR/caller-N.wav (8 kHz mono 16-bit), N from 1.")
    var record: String?

    func run() async throws {
        let parts = self.server.split(separator: ":")
        guard parts.count == 2, let port = Int(parts[1]),
            let address = try? SocketAddress(ipAddress: String(parts[0]), port: port)
        else { throw ValidationError("--server must be IPv4:port, got '\(self.server)'") }
        let extensions = self.rooms.split(separator: ",").map(String.init)
        guard !extensions.isEmpty, self.callers > 0, self.rate > 0 else { throw ValidationError("nothing to do") }
        let speech = try self.play.map { path in
            guard let samples = WAVSamples.read(path) else {
                throw ValidationError("--play needs an 8 kHz mono 16-bit PCM WAV file: '\(path)'")
            }
            return samples
        }

        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let agent = try await CallerAgent.start(on: group.next(), host: self.bind)
        let clock = ContinuousClock()
        var calls: [(call: OutboundCall, tone: Double, room: String)] = []
        var setupTimes: [Double] = []
        var failures: [String: Int] = [:]
        let interval = Duration.seconds(1.0 / self.rate)
        let start = clock.now
        for index in 0..<self.callers {
            let room = extensions[index % extensions.count]
            // Tones 300..3000 Hz on a 50 Hz grid, distinct within the first 54 callers of a room.
            let tone = 300 + Double((index / extensions.count) % 54) * 50
            let began = clock.now
            do {
                let call = try await agent.call(
                    user: room,
                    server: address,
                    source: speech == nil ? .tone(frequency: tone) : .silence,
                    codecs: [self.codec]
                )
                setupTimes.append((clock.now - began).seconds * 1000)
                try await call.sendDigits(self.pin + "#")
                calls.append((call, tone, room))
            } catch let error as CallerError {
                failures[error.reason, default: 0] += 1
            }
            print("\rplaced \(index + 1)/\(self.callers) calls, \(failures.values.reduce(0, +)) failed", terminator: "")
            let next = start + interval * (index + 1)
            if next > clock.now { try await Task.sleep(until: next, clock: clock) }
        }
        print("")
        // Give the PIN and join prompts time to finish, then listen.
        try await Task.sleep(for: .seconds(6))
        for entry in calls { try await entry.call.clearRecording() }
        if let speech, let first = calls.first { try await first.call.setSource(.once(speech)) }
        let holdUntil = clock.now + .seconds(max(2, self.duration))
        while clock.now < holdUntil {
            try await Task.sleep(for: .seconds(1))
            print("\rholding \(calls.count) calls: \(Int((holdUntil - clock.now).seconds))s left   ", terminator: "")
        }
        print("")
        var checked = 0
        var audioOK = 0
        if let directory = self.record {
            for (index, entry) in calls.enumerated() {
                let path = "\(directory)/caller-\(index + 1).wav"
                guard WAVSamples.write(try await entry.call.recordedSamples(), to: path) else {
                    throw ValidationError("cannot write '\(path)'")
                }
            }
        }
        for entry in calls.prefix(speech == nil ? self.checkCallers : 0) {
            let heard = try await entry.call.recordedSamples()
            let others = calls.filter { $0.room == entry.room && $0.tone != entry.tone }.map(\.tone)
            let own = share(entry.tone, heard)
            let hearsOthers = others.prefix(4).allSatisfy { share($0, heard) > 0.02 }
            checked += 1
            if hearsOthers && own < 0.01 { audioOK += 1 }
        }
        var received = 0
        var sent = 0
        var ended = 0
        for entry in calls {
            received += entry.call.packetsReceived
            sent += entry.call.packetsSent
            if try await entry.call.hasEnded { ended += 1 }
            _ = try? await entry.call.hangUp()
        }
        try await agent.shutdown()
        try await group.shutdownGracefully()

        let sortedSetup = setupTimes.sorted()
        let p50 = sortedSetup.isEmpty ? 0 : sortedSetup[sortedSetup.count / 2]
        let p99 = sortedSetup.isEmpty ? 0 : sortedSetup[min(sortedSetup.count - 1, sortedSetup.count * 99 / 100)]
        print(
            "calls: \(calls.count) answered, \(failures.values.reduce(0, +)) failed, \(ended) ended early by the server"
        )
        print(String(format: "setup time: p50 %.1f ms, p99 %.1f ms", p50, p99))
        print("packets: \(sent) sent, \(received) received")
        print("audio check: \(audioOK) of \(checked) callers hear the others and not themselves")
        for (reason, count) in failures { print("  failure: \(count) x \(reason)") }
        if let path = self.json {
            let summary: [String: Any] = [
                "answered": calls.count, "failed": failures.values.reduce(0, +), "endedEarly": ended,
                "setupMsP50": p50, "setupMsP99": p99, "packetsSent": sent, "packetsReceived": received,
                "audioChecked": checked, "audioOK": audioOK,
            ]
            let data = try JSONSerialization.data(withJSONObject: summary, options: [.prettyPrinted, .sortedKeys])
            try data.write(to: URL(fileURLWithPath: path))
        }
        if audioOK < checked || calls.count < self.callers { throw ExitCode(2) }
    }
}

private func share(_ frequency: Double, _ samples: [Int16]) -> Double {
    guard samples.count >= 160 else { return 0 }
    return samples.withUnsafeBufferPointer { Goertzel.relativePower(of: frequency, sampleRate: 8000, samples: $0) }
}

extension Duration {
    var seconds: Double { Double(self.components.seconds) + Double(self.components.attoseconds) / 1e18 }
}
