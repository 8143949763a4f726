import ArgumentParser
import Conference
import Foundation
import Logging
import NIOCore
import NIOPosix

/// `parley serve`: runs the bridge until SIGINT or SIGTERM.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Serve conference calls over SIP.")

    @Option(help: "Configuration file (TOML-like key = value lines).") var config: String?
    @Option(help: "SIP listen address, host:port.") var sip: String?
    @Option(help: "RTP port range, low-high.") var rtpPorts: String?
    @Option(help: "Data directory (room store).") var data: String?
    @Option(help: "Directory of prompt WAV files.") var sounds: String?
    @Option(help: "Directory of music-on-hold WAV files.") var music: String?
    @Option(help: "Seconds of ringing before answering.") var ringSeconds: Double?
    @Option(help: "Directory for room recordings (default: DATA/recordings).") var recordings: String?
    @Option(help: "Log level: trace, debug, info, notice, warning, error.") var logLevel: String?
    @Flag(help: "Create the demo room \"Demo\" on extension 1000 if the store has no rooms.") var demoRoom = false

    func run() async throws {
        var settings = ServerSettings()
        if let path = self.config { try settings.load(file: path) }
        if let sip = self.sip { try settings.apply(key: "sip", value: sip, origin: "--sip") }
        if let ports = self.rtpPorts { try settings.apply(key: "rtp_ports", value: ports, origin: "--rtp-ports") }
        if let data = self.data { settings.dataDirectory = data }
        if let sounds = self.sounds { settings.soundsDirectory = sounds }
        if let music = self.music { settings.musicDirectory = music }
        if let ring = self.ringSeconds { settings.ringSeconds = ring }
        if let recordings = self.recordings { settings.recordingsDirectory = recordings }
        if let level = self.logLevel { try settings.apply(key: "log_level", value: level, origin: "--log-level") }
        if self.demoRoom { settings.demoRoom = true }

        let level = settings.logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "parley")

        let store = try openStore(settings.dataDirectory)
        if settings.demoRoom, try fail({ () throws(ConferenceError) in try store.allRooms() }).isEmpty {
            let demo = RoomDefinition(name: "Demo", extensionNumber: "1000", pin: PINGenerator.generate())
            try fail { () throws(ConferenceError) in try store.insert(demo) }
            announce("Created demo room \"Demo\": dial 1000, PIN \(demo.pin)")
        } else if settings.demoRoom, let demo = try? store.room(extensionNumber: "1000") {
            announce("Demo room \"\(demo.name)\": dial 1000, PIN \(demo.pin)")
        }
        let prompts = try fail { () throws(ConferenceError) in
            try PromptLibrary.load(soundsDirectory: settings.soundsDirectory, musicDirectory: settings.musicDirectory)
        }

        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        let configuration = ConferenceConfiguration(
            sipHost: settings.sipHost,
            sipPort: settings.sipPort,
            rtpPorts: settings.rtpPorts,
            advertisedAddress: settings.advertisedAddress,
            ringDuration: .milliseconds(Int(settings.ringSeconds * 1000)),
            recordingsDirectory: settings.recordingsDirectory ?? settings.dataDirectory + "/recordings"
        )
        let bridge = ConferenceBridge(
            configuration: configuration,
            store: store,
            prompts: prompts,
            group: group,
            logger: logger,
            eventHandler: { event in Logger(label: "parley.events").info("\(event)") }
        )
        do {
            try await bridge.start().get()
        } catch {
            try? await group.shutdownGracefully()
            throw CLIError(message: "cannot listen for SIP on \(settings.sipHost):\(settings.sipPort): \(describeBindError(error))")
        }
        announce("Parley serving SIP on udp:\(settings.sipHost):\(bridge.sipPort), RTP ports \(settings.rtpPorts)")
        await waitForTermination()
        logger.info("shutting down")
        try? await bridge.shutdown().get()
        try? await group.shutdownGracefully()
    }
}

func describeBindError(_ error: any Error) -> String {
    if let io = error as? IOError {
        if io.errnoCode == EADDRINUSE { return "address already in use" }
        if io.errnoCode == EADDRNOTAVAIL { return "address not available on this machine" }
        if io.errnoCode == EACCES { return "permission denied" }
        return String(describing: io)
    }
    return String(describing: error)
}

/// Suspends until SIGINT or SIGTERM.
func waitForTermination() async {
    let signals = TerminationSignals()
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        signals.install(continuation)
    }
    withExtendedLifetime(signals) {}
}

/// Turns SIGINT and SIGTERM into one resumption of a continuation.
///
/// Safety: `lock` guards every mutable field; the dispatch handlers only call `fire()`.
final class TerminationSignals: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<Void, Never>?
    private var sources: [any DispatchSourceSignal] = []

    func install(_ continuation: CheckedContinuation<Void, Never>) {
        self.lock.lock()
        self.continuation = continuation
        self.lock.unlock()
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in self.fire() }
            source.resume()
            self.lock.lock()
            self.sources.append(source)
            self.lock.unlock()
        }
    }

    private func fire() {
        self.lock.lock()
        let continuation = self.continuation
        self.continuation = nil
        self.lock.unlock()
        continuation?.resume()
    }
}

/// Prints a line for the operator and flushes it at once, so it shows up even when stdout is a file or pipe.
func announce(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
