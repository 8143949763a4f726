import ArgumentParser
import Foundation
import NIOCore
import NIOPosix
import ParleyCaller

/// `parley-load`: places many calls into rooms at a given call rate, holds them, checks what a sample of callers
/// hears, and reports setup times, packets, loss, jitter and silence.
///
/// All callers share one ``CallerAgent``: one event loop, one SIP socket and one 20 ms clock that drives every
/// caller's sender, so thousands of callers cost one thread. Calls are placed concurrently, each started at its own
/// slot of the call rate whether or not earlier calls have been answered.
///
/// The audio design follows the server's loudest-K mixer: in each room only the first `--talkers` callers send a
/// tone (each its own frequency) and the others send silence, so every talker is in the mix. A checked talker must
/// hear the room's other talkers and not itself; a checked listener must hear every talker.
@main
struct LoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parley-load",
        abstract: "Load generator for Parley: N callers into R rooms at a call rate, with PINs, tones and checks."
    )

    @Option(help: "Server SIP address, host:port.") var server = "127.0.0.1:5060"
    @Option(help: "Room extensions, comma separated (callers are spread over them in turn).") var rooms = "1000"
    @Option(help: "The rooms' PIN.") var pin: String
    @Option(help: "Number of callers.") var callers = 3
    @Option(help: "New calls per second (calls are placed concurrently).") var rate = 50.0
    @Option(help: "Seconds to hold the calls once all are placed and joined.") var duration = 30.0
    @Option(help: "Seconds between the last call placed and the measured window (PIN and join prompts).")
    var settle = 6.0
    @Option(help: "Codec to offer: PCMU, PCMA, G722 or OPUS.") var codec = "PCMU"
    @Option(help: "With OPUS: the packet loss (percent) the callers' encoders size their in-band FEC for.")
    var opusLossPercent = 10
    @Option(help: "With OPUS: the callers' encoder bitrate in bit/s.") var opusBitrate = 32000
    @Option(help: "With OPUS: the callers' encoder complexity, 0 to 10.") var opusComplexity = 5
    @Option(help: "With G722 or OPUS: the callers' audio rate, 8000, 16000 or 48000 (other than 8000 needs --play).")
    var audioRate = 8000
    @Option(help: "Address to bind the callers' SIP and RTP sockets to.") var bind = "127.0.0.1"
    @Option(help: "Callers per room that send a tone; the rest send silence. Match the server's K (4).")
    var talkers = 4
    @Option(help: "Write a JSON summary to this file.") var json: String?
    @Option(help: "Check the audio of this many callers (half talkers, half listeners where rooms have both).")
    var checkCallers = 4
    @Option(help: "The first caller plays this mono 16-bit WAV file (at --audio-rate) once; the others send silence.")
    var play: String?
    @Option(help: "Write what each caller heard to DIR/caller-N.wav (mono 16-bit, at --audio-rate), N from 1.")
    var record: String?

    func run() async throws {
        let parts = self.server.split(separator: ":")
        guard parts.count == 2, let port = Int(parts[1]),
            let address = try? SocketAddress(ipAddress: String(parts[0]), port: port)
        else { throw ValidationError("--server must be IPv4:port, got '\(self.server)'") }
        let extensions = self.rooms.split(separator: ",").map(String.init)
        guard !extensions.isEmpty, self.callers > 0, self.rate > 0, self.talkers > 0 else {
            throw ValidationError("nothing to do: give --rooms, --callers, --rate and --talkers above zero")
        }
        guard self.talkers <= LoadPlan.frequencies.count else {
            throw ValidationError("--talkers must be at most \(LoadPlan.frequencies.count)")
        }
        let plan = LoadPlan(callers: self.callers, rooms: extensions, talkers: self.talkers)
        let codec = self.codec.uppercased()
        let pin = self.pin
        let audioRate = self.audioRate
        guard [8000, 16000, 48000].contains(audioRate) else {
            throw ValidationError("--audio-rate must be 8000, 16000 or 48000")
        }
        guard audioRate == 8000 || ((codec == "G722" || codec == "OPUS") && self.play != nil) else {
            throw ValidationError("--audio-rate other than 8000 needs --codec G722 or OPUS, and --play")
        }
        let speech = try self.play.map { path in
            guard let samples = WAVSamples.read(path, rate: audioRate) else {
                throw ValidationError("--play needs a \(audioRate) Hz mono 16-bit PCM WAV file: '\(path)'")
            }
            return samples
        }
        // Playing a file replaces the tone check: everyone else is silent, and what they hear is recorded.
        let checked = speech == nil ? Set(plan.sample(self.checkCallers)) : []
        let recordAll = self.record != nil

        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let agent = try await CallerAgent.start(on: group.next(), host: self.bind)
        let progress = LoadProgress()
        let clock = ContinuousClock()
        let cpuAtStart = processCPUSeconds()
        let start = clock.now
        let ticker = Task {
            while !Task.isCancelled {
                try await Task.sleep(for: .seconds(1))
                progress.printLine(elapsed: (clock.now - start).seconds)
            }
        }

        // 1. Place every call at its slot of the call rate, concurrently.
        let placed = await withTaskGroup(of: PlacedCall.self) { tasks -> [PlacedCall] in
            for index in 0..<self.callers {
                let slot = start + .seconds(Double(index) / self.rate)
                if slot > clock.now { try? await Task.sleep(until: slot, clock: clock) }
                progress.started()
                tasks.addTask {
                    await Self.place(
                        index,
                        plan: plan,
                        agent: agent,
                        server: address,
                        codec: codec,
                        opus: (self.opusLossPercent, self.opusBitrate, self.opusComplexity),
                        audioRate: audioRate,
                        pin: pin,
                        record: recordAll || checked.contains(index),
                        silent: speech != nil,
                        progress: progress
                    )
                }
            }
            var all: [PlacedCall] = []
            for await call in tasks { all.append(call) }
            return all.sorted { $0.index < $1.index }
        }
        let placingSeconds = (clock.now - start).seconds
        let calls = placed.compactMap { entry in entry.call.map { (index: entry.index, call: $0) } }

        // 2. Let the PIN and join prompts finish, then measure a clean window.
        progress.phase = "settling"
        try await Task.sleep(for: .seconds(self.settle))
        for entry in calls {
            try await entry.call.resetReception()
            if recordAll || checked.contains(entry.index) { try await entry.call.clearRecording() }
        }
        if let speech, let first = calls.first { try await first.call.setSource(.once(speech)) }
        let lateBefore = try await agent.lateSenderTicks
        let windowStart = clock.now
        let holdUntil = windowStart + .seconds(max(1, self.duration))
        progress.phase = "holding"
        progress.printLine(elapsed: (clock.now - start).seconds)
        while clock.now < holdUntil {
            try await Task.sleep(until: min(holdUntil, clock.now + .seconds(1)), clock: clock)
        }
        let windowSeconds = (clock.now - windowStart).seconds

        // 3. Read what everyone received and what the sample heard.
        var reception = ReceptionTotals()
        var ended = 0
        for entry in calls {
            reception.add(try await entry.call.receptionStatistics)
            if try await entry.call.hasEnded { ended += 1 }
        }
        let lateSenderTicks = try await agent.lateSenderTicks - lateBefore
        var audio = AudioCheckTotals()
        for entry in calls where checked.contains(entry.index) {
            let heard = try await entry.call.recordedSamples()
            audio.add(plan.check(caller: entry.index, heard: heard))
        }
        let cpuSeconds = processCPUSeconds() - cpuAtStart
        if let directory = self.record {
            for entry in calls {
                let path = "\(directory)/caller-\(entry.index + 1).wav"
                guard WAVSamples.write(try await entry.call.recordedSamples(), to: path, rate: audioRate) else {
                    throw ValidationError("cannot write '\(path)'")
                }
            }
        }

        // 4. Hang up at the call rate (at least 200 per second), concurrently.
        progress.phase = "hanging up"
        await withTaskGroup(of: Void.self) { tasks in
            let hangUpStart = clock.now
            for (position, entry) in calls.enumerated() {
                let slot = hangUpStart + .seconds(Double(position) / max(self.rate, 200))
                if slot > clock.now { try? await Task.sleep(until: slot, clock: clock) }
                tasks.addTask { _ = try? await entry.call.hangUp() }
            }
        }
        ticker.cancel()
        try await agent.shutdown()
        try await group.shutdownGracefully()

        let summary = LoadSummary(
            callers: self.callers,
            rooms: extensions.count,
            talkersPerRoom: self.talkers,
            answered: calls.count,
            failures: placed.reduce(into: [:]) { counts, entry in
                if let reason = entry.failure { counts[reason, default: 0] += 1 }
            },
            endedEarly: ended,
            placingSeconds: placingSeconds,
            setupMilliseconds: placed.compactMap(\.setupMilliseconds),
            windowSeconds: windowSeconds,
            reception: reception,
            audio: audio,
            lateSenderTicks: lateSenderTicks,
            generatorCPUSeconds: cpuSeconds
        )
        print("\n" + summary.humanReadable)
        if let path = self.json {
            try summary.json.write(to: URL(fileURLWithPath: path))
        }
        if !summary.passed { throw ExitCode(2) }
    }

    /// Places one call: INVITE until answered (the setup time), then the PIN as RFC 4733 digits.
    private static func place(
        _ index: Int,
        plan: LoadPlan,
        agent: CallerAgent,
        server: SocketAddress,
        codec: String,
        opus: (lossPercent: Int, bitrate: Int, complexity: Int),
        audioRate: Int,
        pin: String,
        record: Bool,
        silent: Bool,
        progress: LoadProgress
    ) async -> PlacedCall {
        let began = ContinuousClock.now
        do {
            let call = try await agent.call(
                user: plan.room(of: index),
                server: server,
                source: silent ? .silence : plan.source(of: index),
                codecs: [codec],
                opusExpectedLossPercent: opus.lossPercent,
                audioRate: audioRate == 8000 ? nil : audioRate,
                opusBitrate: opus.bitrate,
                opusComplexity: opus.complexity
            )
            let setup = (ContinuousClock.now - began).seconds * 1000
            if !record { try await call.setRecording(false) }
            progress.answered()
            try await call.sendDigits(pin + "#")
            progress.joined()
            return PlacedCall(index: index, call: call, setupMilliseconds: setup, failure: nil)
        } catch let error as CallerError {
            progress.failed()
            return PlacedCall(index: index, call: nil, setupMilliseconds: nil, failure: error.reason)
        } catch {
            progress.failed()
            return PlacedCall(index: index, call: nil, setupMilliseconds: nil, failure: "\(error)")
        }
    }
}

/// One call's outcome: the call when answered, else why it failed.
struct PlacedCall: Sendable {
    var index: Int
    var call: OutboundCall?
    var setupMilliseconds: Double?
    var failure: String?
}

/// The CPU time this process has used (user + system), in seconds.
func processCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

extension Duration {
    var seconds: Double { Double(self.components.seconds) + Double(self.components.attoseconds) / 1e18 }
}
