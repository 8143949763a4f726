import ArgumentParser
import Conference
import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import UnixSignals

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
    @Option(help: "Admin HTTP API address, host:port, or \"off\" (default 127.0.0.1:8080).") var admin: String?
    @Option(help: "Seconds SIGTERM waits for calls in progress to end (default 30).") var drainSeconds: Double?

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
        if let admin = self.admin { try settings.apply(key: "admin", value: admin, origin: "--admin") }
        if let drain = self.drainSeconds {
            try settings.apply(key: "drain_seconds", value: String(drain), origin: "--drain-seconds")
        }
        try settings.checkAdmin()

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
        let events = EventBroadcaster()
        let metrics = AdminMetrics()
        let configuration = ConferenceConfiguration(
            sipHost: settings.sipHost,
            sipPort: settings.sipPort,
            rtpPorts: settings.rtpPorts,
            advertisedAddress: settings.advertisedAddress,
            ringDuration: .milliseconds(Int(settings.ringSeconds * 1000)),
            recordingsDirectory: settings.recordingsDirectory ?? settings.dataDirectory + "/recordings",
            trunkAddresses: settings.trunkAddresses,
            tcp: settings.sipTCP,
            tls: settings.tls,
            trunk: settings.trunk,
            overload: settings.overload
        )
        let bridge = ConferenceBridge(
            configuration: configuration,
            store: store,
            prompts: prompts,
            group: group,
            logger: logger,
            eventHandler: { event in
                Logger(label: "parley.events").info("\(event)")
                events.publish(event)
                metrics.record(event)
            }
        )
        do {
            try await bridge.start().get()
        } catch {
            try? await group.shutdownGracefully()
            throw CLIError(message: "cannot listen for SIP on \(settings.sipHost):\(settings.sipPort): \(describeBindError(error))")
        }
        announce("Parley serving SIP on udp:\(settings.sipHost):\(bridge.sipPort), RTP ports \(settings.rtpPorts)")
        var services: [any Service] = []
        if let host = settings.adminHost {
            let environment = AdminEnvironment(
                store: store,
                live: BridgeLiveRooms(bridge: bridge),
                recordingsDirectory: configuration.recordingsDirectory,
                token: settings.adminToken,
                events: events,
                metrics: metrics
            )
            services.append(
                AdminService(
                    host: host,
                    port: settings.adminPort,
                    environment: environment,
                    explicit: settings.adminExplicit,
                    logger: Logger(label: "parley.admin"),
                    onListening: { port in announce("Parley admin API on http://\(host):\(port)/api/v1") }
                )
            )
        }
        // Last in the list, so it is the first told to shut down: calls drain while the admin API still answers.
        services.append(
            BridgeService(
                bridge: bridge,
                drainTimeout: .milliseconds(Int(settings.drainSeconds * 1000)),
                clock: ContinuousClock(),
                logger: logger
            )
        )
        let serviceGroup = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        )
        do {
            try await serviceGroup.run()
        } catch {
            try? await bridge.shutdown().get()
            try? await group.shutdownGracefully()
            throw CLIError(message: "admin API failed on \(settings.adminHost ?? ""):\(settings.adminPort): \(describeBindError(error))")
        }
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

/// Prints a line for the operator and flushes it at once, so it shows up even when stdout is a file or pipe.
func announce(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
