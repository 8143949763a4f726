import Logging
import ServiceLifecycle
import UnixSignals

/// Reloads on SIGHUP: runs `reload` once per signal until the service group shuts down.
///
/// What a reload does is the caller's (see `ServeCommand`): re-read the config file and the rooms, keep
/// every call up. A signal that arrives during a reload is handled after it.
struct ReloadService: Service {
    let reload: @Sendable () async -> Void
    let logger: Logger

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals.cancelOnGracefulShutdown() {
            self.logger.info("SIGHUP: reloading")
            await self.reload()
        }
    }
}
