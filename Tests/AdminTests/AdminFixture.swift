import Conference
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOPosix

@testable import ConfServer

/// An admin router over a fresh room store in a temp directory and a fake bridge, tested with no socket.
struct AdminFixture {
    static let token = "test-token-0123456789"

    let directory: String
    let store: SQLiteRoomStore
    let live: FakeLiveRooms
    let environment: AdminEnvironment

    init(token: String? = nil, recordings: Bool = true) throws {
        self.directory = NSTemporaryDirectory() + "parley-admin-\(UUID().uuidString)"
        self.store = try SQLiteRoomStore(directory: self.directory)
        self.live = FakeLiveRooms()
        let recordingsDirectory = self.directory + "/recordings"
        try FileManager.default.createDirectory(atPath: recordingsDirectory, withIntermediateDirectories: true)
        self.environment = AdminEnvironment(
            store: self.store,
            live: self.live,
            recordingsDirectory: recordings ? recordingsDirectory : nil,
            token: token,
            events: EventBroadcaster(),
            metrics: AdminMetrics()
        )
    }

    /// Runs `body` against the router with HummingbirdTesting's in-process client.
    func test<Value>(_ body: @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
        let application = Application(router: AdminRouter.build(self.environment))
        return try await application.test(.router, body)
    }

    func remove() { try? FileManager.default.removeItem(atPath: self.directory) }

    static func json(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

    static func decode<T: Decodable>(_ type: T.Type, _ response: TestResponse) throws -> T {
        try JSONDecoder().decode(type, from: Data(String(buffer: response.body).utf8))
    }

    /// Decodes a problem document, checking its content type and that its status matches the response.
    static func problem(_ response: TestResponse) throws -> ProblemDocument {
        guard response.headers[.contentType] == "application/problem+json" else {
            throw AdminError(.internalError, "content type was \(response.headers[.contentType] ?? "none")")
        }
        let document = try Self.decode(ProblemDocument.self, response)
        guard document.status == Int(response.status.code) else {
            throw AdminError(.internalError, "problem status \(document.status) differs from \(response.status.code)")
        }
        return document
    }
}

/// A real bridge on 127.0.0.1 (SIP on an ephemeral port) serving one room from a fresh store, with the admin
/// environment over it: what the API tests that need live calls start from.
struct LiveBridgeFixture {
    let directory: String
    let store: SQLiteRoomStore
    let group: MultiThreadedEventLoopGroup
    let bridge: ConferenceBridge
    let environment: AdminEnvironment
    let logger: Logger

    /// Starts the bridge with `room` in its store; `events` receives the bridge's events and serves the API's.
    static func start(room: RoomDefinition, events: EventBroadcaster = EventBroadcaster()) async throws -> Self {
        let directory = NSTemporaryDirectory() + "parley-admin-live-\(UUID().uuidString)"
        let store = try SQLiteRoomStore(directory: directory)
        try store.insert(room)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        var logger = Logger(label: "parley.admin.test")
        logger.logLevel = .warning
        let base = Int.random(in: 0..<80) * 100 + 41000
        let bridge = ConferenceBridge(
            configuration: ConferenceConfiguration(sipHost: "127.0.0.1", sipPort: 0, rtpPorts: base...(base + 98)),
            store: store,
            prompts: try PromptLibrary.load(maxMusicFiles: 1),
            group: group,
            logger: logger,
            eventHandler: { events.publish($0) }
        )
        try await bridge.start().get()
        let environment = AdminEnvironment(
            store: store,
            live: BridgeLiveRooms(bridge: bridge),
            recordingsDirectory: nil,
            token: AdminFixture.token,
            events: events,
            metrics: AdminMetrics()
        )
        return Self(
            directory: directory, store: store, group: group, bridge: bridge, environment: environment, logger: logger
        )
    }

    /// Hangs everyone up, stops the loops and removes the store.
    func stop() async throws {
        try await self.bridge.shutdown().get()
        try await self.group.shutdownGracefully()
        try? FileManager.default.removeItem(atPath: self.directory)
    }
}
