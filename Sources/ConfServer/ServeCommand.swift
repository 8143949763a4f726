import ArgumentParser
import Conference
import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresRoomStore
import ServiceLifecycle
import Synchronization
import UnixSignals

/// `parley serve`: runs the bridge until SIGTERM or SIGINT (which drain), reloading on SIGHUP.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the conference bridge: answer SIP calls to rooms, mix them, serve the admin API.",
        discussion: """
            Settings come from the built-in defaults, then the config file (--config), then the flags below. \
            config/parley.example.toml lists every setting with its default; check a file with \
            `parley check-config FILE`. Create rooms with `parley rooms add` or the admin API; a caller dials a \
            room's extension and enters its PIN.

            Signals: SIGTERM or SIGINT drain the bridge: new calls get 503 Service Unavailable with Retry-After, \
            calls in progress go on until they end or drain_seconds pass, then parley exits 0. SIGHUP re-reads the \
            config file and the rooms without dropping calls (listen addresses and ports need a restart).
            """
    )

    @Option(help: ArgumentHelp("TOML config file; see config/parley.example.toml.", valueName: "file")) var config:
        String?
    @Option(
        help: ArgumentHelp("Where to listen for SIP (UDP), host:port. Default 127.0.0.1:5060.", valueName: "host:port")
    )
    var sip: String?
    @Option(help: ArgumentHelp("UDP ports for call audio (RTP), low-high. Default 20000-20999.", valueName: "low-high"))
    var rtpPorts: String?
    @Option(
        help: ArgumentHelp(
            "Directory for the room store (rooms.sqlite) and recordings. Default ./data.",
            valueName: "dir"
        )
    )
    var data: String?
    @Option(
        help: ArgumentHelp(
            "A PostgreSQL room store shared by several nodes, postgres://user:password@host:port/database. "
                + "Default: rooms.sqlite in the data directory.",
            valueName: "url"
        )
    )
    var storeURL: String?
    @Option(
        help: ArgumentHelp(
            "Directory of prompt WAV files (Debian's asterisk-core-sounds-en-wav by default).",
            valueName: "dir"
        )
    )
    var sounds: String?
    @Option(help: ArgumentHelp("Directory of music-on-hold WAV files.", valueName: "dir")) var music: String?
    @Option(help: ArgumentHelp("Seconds of ringing (180) before answering. Default 0.", valueName: "seconds"))
    var ringSeconds: Double?
    @Option(help: ArgumentHelp("Directory for room recordings. Default DATA/recordings.", valueName: "dir"))
    var recordings: String?
    @Option(
        help: ArgumentHelp("Log level: trace, debug, info, notice, warning, error. Default info.", valueName: "level")
    )
    var logLevel: String?
    @Flag(help: "Create the demo room \"Demo\" on extension 1000 when the store has no rooms; prints its PIN.")
    var demoRoom = false
    @Option(
        help: ArgumentHelp(
            "Admin HTTP API and web page address, host:port, or \"off\". Default 127.0.0.1:8080.",
            valueName: "host:port"
        )
    )
    var admin: String?
    @Option(help: ArgumentHelp("Seconds SIGTERM waits for calls in progress to end. Default 30.", valueName: "seconds"))
    var drainSeconds: Double?

    /// The file and flags, kept to read the settings again on SIGHUP.
    var source: SettingsSource {
        SettingsSource(
            config: self.config,
            sip: self.sip,
            rtpPorts: self.rtpPorts,
            data: self.data,
            storeURL: self.storeURL,
            sounds: self.sounds,
            music: self.music,
            ringSeconds: self.ringSeconds,
            recordings: self.recordings,
            logLevel: self.logLevel,
            demoRoom: self.demoRoom,
            admin: self.admin,
            drainSeconds: self.drainSeconds
        )
    }

    func run() async throws {
        let source = self.source
        let settings = try source.resolve()
        ReloadableLogHandler.bootstrap(initial: settings.logLevel)
        let logger = Logger(label: "parley")

        let store = try openStore(directory: settings.dataDirectory, url: settings.storeURL, logger: logger)
        defer { (store as? PostgresRoomStore)?.close() }
        if settings.demoRoom, try fail({ () throws(ConferenceError) in try store.allRooms() }).isEmpty {
            let demo = RoomDefinition(name: "Demo", extensionNumber: "1000", pin: PINGenerator.generate())
            try fail { () throws(ConferenceError) in try store.insert(demo) }
            announce("Created demo room \"Demo\": dial 1000, PIN \(demo.pin)")
        } else if settings.demoRoom, let demo = try? store.room(extensionNumber: "1000") {
            announce("Demo room \"\(demo.name)\": dial 1000, PIN \(demo.pin)")
        }
        let prompts = try fail { () throws(ConferenceError) in
            try PromptLibrary.load(
                soundsDirectory: settings.soundsDirectory,
                musicDirectory: settings.musicDirectory,
                shuffledClasses: settings.shuffledMusicClasses
            )
        }

        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        let events = EventBroadcaster()
        let metrics = AdminMetrics()
        var configuration = ConferenceConfiguration(
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
        configuration.rtcpInterval = .milliseconds(Int(settings.rtcpIntervalSeconds * 1000))
        configuration.rtcpMux = settings.rtcpMux
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
            throw CLIError(
                message: "cannot listen for SIP on \(settings.sipHost):\(settings.sipPort): \(describeBindError(error))"
            )
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
        let current = RunningSettings(settings)
        services.append(
            ReloadService(
                reload: { await Self.reload(source: source, current: current, bridge: bridge, logger: logger) },
                logger: logger
            )
        )
        // Last in the list, so it is the first told to shut down: calls drain while the admin API still answers.
        services.append(
            ConferenceBridgeService(
                bridge: bridge,
                drainTimeout: { current.value.withLock { .milliseconds(Int($0.drainSeconds * 1000)) } },
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
            throw CLIError(
                message:
                    "admin API failed on \(settings.adminHost ?? ""):\(settings.adminPort): \(describeBindError(error))"
            )
        }
        try? await group.shutdownGracefully()
    }
}

extension ServeCommand {
    /// SIGHUP: reads the file and flags again; applies the log level and drain time, refreshes the live rooms
    /// from the store (PINs, options), and says which changed settings wait for a restart. A file with errors
    /// changes nothing.
    static func reload(source: SettingsSource, current: RunningSettings, bridge: ConferenceBridge, logger: Logger) async
    {
        let fresh: ServerSettings
        do {
            fresh = try source.resolve()
            try fresh.checkAdmin()
        } catch {
            logger.error("reload refused, keeping the running settings", metadata: ["error": "\(error)"])
            announce("Reload failed, settings unchanged: \(error)")
            return
        }
        let old = current.value.withLock { running in
            let old = running
            running = fresh
            return old
        }
        ReloadableLogHandler.set(fresh.logLevel)
        let waiting = old.restartOnlyDifferences(from: fresh)
        if !waiting.isEmpty {
            logger.warning(
                "changed settings that take effect after a restart",
                metadata: ["keys": "\(waiting.joined(separator: ", "))"]
            )
        }
        var refreshed = 0
        for room in (try? await bridge.liveRooms()) ?? [] {
            do {
                try await bridge.reloadRoom(room)
                refreshed += 1
            } catch {
                logger.error("cannot reload room", metadata: ["room": "\(room)", "error": "\(error)"])
            }
        }
        announce(
            "Reloaded: log level \(fresh.logLevel), drain \(fresh.drainSeconds) s, \(refreshed) live rooms refreshed"
                + (waiting.isEmpty ? "" : "; after a restart: \(waiting.joined(separator: ", "))")
        )
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
