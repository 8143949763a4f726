import Foundation
import Hummingbird
import HummingbirdWebSocket
import NIOCore

/// Builds the admin HTTP API: `/api/v1/...`, `/api/v1/events` (WebSocket), `/metrics` and the web page at `/`.
enum AdminRouter {
    /// The request context of every admin route; it can upgrade to a WebSocket.
    typealias Context = BasicWebSocketRequestContext

    /// Paths that need no bearer token: documentation, the page (which asks for the token) and metrics.
    static let publicPaths: Set<String> = ["/", "/index.html", "/api/v1/openapi.json", "/metrics"]

    static func build(_ environment: AdminEnvironment) -> Router<Context> {
        let router = Router(context: Context.self)
        let routes = RouteMethods()
        router.add(middleware: ProblemMiddleware(routes: routes))
        router.add(middleware: BearerTokenMiddleware(token: environment.token, publicPaths: Self.publicPaths))

        router.get("/") { _, _ in Self.page() }
        router.get("/index.html") { _, _ in Self.page() }
        router.get("/metrics") { _, _ in
            let text = await environment.metrics.scrape(environment)
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: text))
            )
        }

        let api = router.group("api/v1")
        api.get("openapi.json") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.json))
            )
        }
        RoomsController<Context>(environment: environment).addRoutes(to: api)
        LiveController<Context>(environment: environment).addRoutes(to: api)
        RecordingsController<Context>(environment: environment).addRoutes(to: api)
        api.ws("events", shouldUpgrade: { _, _ in .upgrade([:]) }) { inbound, outbound, _ in
            try await Self.streamEvents(environment.events, inbound: inbound, outbound: outbound)
        }
        routes.load(router.routes.map { (path: $0.path.description, method: $0.method.rawValue) })
        return router
    }

    /// Sends `hello`, then every event as JSON, until the client closes the connection.
    static func streamEvents(
        _ events: EventBroadcaster,
        inbound: WebSocketInboundStream,
        outbound: WebSocketOutboundWriter
    ) async throws {
        let subscription = events.subscribe()
        defer { events.unsubscribe(subscription.id) }
        let hello = EventMessage(type: "hello", room: nil, participant: nil, detail: nil, sequence: 0)
        try await outbound.write(.text(try Self.text(hello)))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await message in subscription.events {
                    try await outbound.write(.text(try Self.text(message)))
                }
            }
            // Reading until the client closes also answers its pings; then the writer task is cancelled.
            for try await _ in inbound {}
            group.cancelAll()
        }
    }

    /// An event as one line of JSON with sorted keys.
    static func text(_ message: EventMessage) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(message), as: UTF8.self)
    }

    static func page() -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: AdminPage.html))
        )
    }
}
