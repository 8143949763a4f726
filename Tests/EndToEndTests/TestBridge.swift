import Conference
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import SIPCore

/// A bridge running in this process on 127.0.0.1 with a fresh room store, for tests that call it for real.
final class TestBridge: Sendable {
    let bridge: ConferenceBridge
    let group: MultiThreadedEventLoopGroup
    let store: SQLiteRoomStore
    let directory: String
    /// Every event the bridge published (joins, talking, mutes...), in order: the admin API's event stream.
    let eventLog: NIOLockedValueBox<[ConferenceEvent]>

    /// Prompts and music are loaded once for every test in the process.
    static let prompts: PromptLibrary = {
        do {
            return try PromptLibrary.load(maxMusicFiles: 1)
        } catch {
            fatalError("prompts missing (run `make deps`): \(error)")
        }
    }()

    static func start(
        rooms: [RoomDefinition],
        sipHost: String = "127.0.0.1",
        sipPort: Int = 0,
        ringDuration: Duration = .zero,
        digitTimeout: Duration = .seconds(10),
        rtpTimeout: Duration = .seconds(60),
        trunkAddresses: [String] = [],
        sessionTimers: SessionTimerNegotiation.Policy = .init(),
        tls: SIPTLSConfiguration? = nil,
        overload: OverloadPolicy = OverloadPolicy(),
        rtcpInterval: Duration = .seconds(5)
    ) async throws -> TestBridge {
        let directory = NSTemporaryDirectory() + "parley-test-\(UUID().uuidString)"
        let store = try SQLiteRoomStore(directory: directory)
        for room in rooms { try store.insert(room) }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let base = Int.random(in: 0..<80) * 100 + 21000
        var logger = Logger(label: "parley.test")
        logger.logLevel = .warning
        var configuration = ConferenceConfiguration(
            sipHost: sipHost,
            sipPort: sipPort,
            rtpPorts: base...(base + 98),
            ringDuration: ringDuration,
            digitTimeout: digitTimeout,
            recordingsDirectory: directory + "/recordings",
            rtpTimeout: rtpTimeout,
            trunkAddresses: trunkAddresses,
            tls: tls.map { (port: 0, configuration: $0) },
            overload: overload
        )
        configuration.sessionTimers = sessionTimers
        configuration.rtcpInterval = rtcpInterval
        let eventLog = NIOLockedValueBox<[ConferenceEvent]>([])
        let bridge = ConferenceBridge(
            configuration: configuration,
            store: store,
            prompts: Self.prompts,
            group: group,
            logger: logger,
            eventHandler: { event in eventLog.withLockedValue { $0.append(event) } }
        )
        try await bridge.start().get()
        return TestBridge(bridge: bridge, group: group, store: store, directory: directory, eventLog: eventLog)
    }

    private init(
        bridge: ConferenceBridge,
        group: MultiThreadedEventLoopGroup,
        store: SQLiteRoomStore,
        directory: String,
        eventLog: NIOLockedValueBox<[ConferenceEvent]>
    ) {
        self.bridge = bridge
        self.group = group
        self.store = store
        self.directory = directory
        self.eventLog = eventLog
    }

    /// The events published so far.
    var events: [ConferenceEvent] { self.eventLog.withLockedValue { $0 } }

    /// Polls the event log until an event matches, or fails after `timeout`.
    func waitForEvent(
        timeout: Duration = .seconds(10),
        _ matches: @Sendable (ConferenceEvent) -> Bool
    ) async throws -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            if self.events.contains(where: matches) { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    var sipAddress: SocketAddress {
        get throws { try SocketAddress(ipAddress: self.bridge.configuration.sipHost, port: self.bridge.sipPort) }
    }

    /// The SIP over TLS listener's address, when the bridge was started with a certificate.
    var tlsAddress: SocketAddress? {
        get async throws {
            let bridge = self.bridge
            return try await bridge.sipLoop.submit { bridge.userAgent.streamTransport(.tls)?.localAddress }.get()
        }
    }

    /// A self-signed certificate for 127.0.0.1 and its key, made with openssl in a temporary folder.
    static func makeCertificate() throws -> SIPTLSConfiguration {
        let folder = NSTemporaryDirectory() + "parley-tls-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", folder + "/key.pem", "-out",
            folder + "/cert.pem", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw SIPTransportError(.badTLSConfiguration, reason: "openssl") }
        return SIPTLSConfiguration(
            certificateChainPath: folder + "/cert.pem",
            privateKeyPath: folder + "/key.pem",
            trustRootsPath: folder + "/cert.pem"
        )
    }

    func snapshot(_ extensionNumber: String) async throws -> RoomSnapshot? {
        try await self.bridge.snapshot(extensionNumber: extensionNumber).get()
    }

    /// Polls until `condition` holds for the room, or fails after `timeout`.
    func waitFor(
        _ extensionNumber: String,
        timeout: Duration = .seconds(20),
        _ condition: @Sendable (RoomSnapshot?) -> Bool
    ) async throws -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            if condition(try await self.snapshot(extensionNumber)) { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    func stop() async throws {
        try await self.bridge.shutdown().get()
        try await self.group.shutdownGracefully()
        try? FileManager.default.removeItem(atPath: self.directory)
    }
}
