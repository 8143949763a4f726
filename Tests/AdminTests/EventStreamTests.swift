import Conference
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HummingbirdWSTesting
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOPosix
import NIOWebSocket
import ParleyCaller
import Synchronization
import Testing

@testable import ConfServer

/// The event WebSocket against a real bridge on 127.0.0.1, joined by the test caller.
@Suite("Admin API: live events over WebSocket", .serialized, .timeLimit(.minutes(2)))
struct EventStreamTests {
    @Test("a caller's join and a lock through the API arrive as JSON events; participants shows the caller")
    func joinAndLock() async throws {
        let events = EventBroadcaster()
        let live = try await LiveBridgeFixture.start(
            room: RoomDefinition(name: "Events", extensionNumber: "7100", pin: "2468"), events: events
        )
        let (bridge, environment, quietLogger) = (live.bridge, live.environment, live.logger)
        let router = AdminRouter.build(environment)
        let application = Application(
            router: router,
            server: .http1WebSocketUpgrade(webSocketRouter: router),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            logger: quietLogger
        )
        let callerGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let agent = try await CallerAgent.start(on: callerGroup.next())
        let sipAddress = try SocketAddress(ipAddress: "127.0.0.1", port: bridge.sipPort)

        let seen = try await application.test(.live) { client in
            let types = EventLog()
            try await client.ws("/api/v1/events?token=\(AdminFixture.token)", logger: quietLogger) { inbound, outbound, _ in
                var messages = inbound.messages(maxSize: 1 << 16).makeAsyncIterator()
                func next(_ type: String) async throws -> EventMessage? {
                    while let message = try await messages.next() {
                        guard case .text(let text) = message else { continue }
                        let event = try JSONDecoder().decode(EventMessage.self, from: Data(text.utf8))
                        types.append(event)
                        if event.type == type { return event }
                    }
                    return nil
                }
                #expect(try await next("hello") != nil)
                let call = try await agent.call(user: "7100", server: sipAddress, source: .silence)
                try await call.sendDigits("2468#")
                let joined = try #require(try await next("joined"))
                #expect(joined.room == "7100" && joined.participant?.hasPrefix("P") == true)

                try await client.execute(
                    uri: "/api/v1/rooms/7100/participants",
                    method: .get,
                    headers: [.authorization: "Bearer \(AdminFixture.token)"]
                ) { response throws in
                    let view = try AdminFixture.decode(LiveRoomView.self, response)
                    #expect(view.live && view.participants.map(\.id).contains(joined.participant ?? ""))
                }
                try await client.execute(
                    uri: "/api/v1/rooms/7100/lock",
                    method: .post,
                    headers: [.authorization: "Bearer \(AdminFixture.token)"]
                ) { response throws in
                    #expect(response.status == .ok)
                }
                let locked = try #require(try await next("locked"))
                #expect(locked.room == "7100")
                _ = try await call.hangUp()
                #expect(try await next("left") != nil)
                try await outbound.close(.normalClosure, reason: nil)
            }
            return types.types
        }
        #expect(Array(seen.prefix(2)) == ["hello", "joined"])
        #expect(seen.contains("locked") && seen.contains("left"))
        for _ in 0..<100 where events.subscriberCount > 0 { try await Task.sleep(for: .milliseconds(50)) }
        #expect(events.subscriberCount == 0, "the subscription ends with the connection")
        try await agent.shutdown()
        try await callerGroup.shutdownGracefully()
        try await live.stop()
    }

    @Test("the WebSocket refuses a connection without the token")
    func refusesWithoutToken() async throws {
        let fixture = try AdminFixture(token: AdminFixture.token)
        defer { fixture.remove() }
        let router = AdminRouter.build(fixture.environment)
        let application = Application(
            router: router,
            server: .http1WebSocketUpgrade(webSocketRouter: router),
            configuration: .init(address: .hostname("127.0.0.1", port: 0))
        )
        try await application.test(.live) { client in
            await #expect(throws: (any Error).self) {
                try await client.ws("/api/v1/events") { _, _, _ in }
            }
        }
    }
}

/// Event types in arrival order, shared between the WebSocket handler and the test.
final class EventLog: Sendable {
    private let log = Mutex<[String]>([])
    func append(_ event: EventMessage) { self.log.withLock { $0.append(event.type) } }
    var types: [String] { self.log.withLock { $0 } }
}
