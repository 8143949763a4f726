import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import ServiceLifecycle

/// Runs the admin HTTP listener as a service of `parley serve`'s service group.
///
/// When the address was not asked for (the default 127.0.0.1:8080) and cannot be bound, SIP service goes on
/// and a warning says why; an address given by flag or config that cannot be bound stops the server.
struct AdminService: Service {
    let host: String
    let port: Int
    let environment: AdminEnvironment
    /// Whether the address came from a flag or the config file.
    let explicit: Bool
    let logger: Logger
    /// Called with the bound port once the listener is up.
    let onListening: @Sendable (Int) -> Void

    func run() async throws {
        let router = AdminRouter.build(self.environment)
        let application = Application(
            router: router,
            server: .http1WebSocketUpgrade(webSocketRouter: router),
            configuration: .init(address: .hostname(self.host, port: self.port), serverName: "parley"),
            onServerRunning: { [onListening] channel in onListening(channel.localAddress?.port ?? 0) },
            logger: self.logger
        )
        do {
            try await application.run()
        } catch where !self.explicit {
            self.logger.warning("admin API not started on \(self.host):\(self.port): \(describeBindError(error))")
            try? await gracefulShutdown()
        }
    }
}
