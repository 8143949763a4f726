import Conference
import Logging
import NIOCore
import ServiceLifecycle

/// The conference bridge as a service: it runs until SIGTERM or SIGINT, then drains.
///
/// Draining waits until no room has callers, or until `drainTimeout` passes, then shuts the bridge down, so a
/// restart does not cut calls in progress. The bridge must already be started (its bind errors are reported
/// before the service group runs).
struct BridgeService<C: Clock<Duration>>: Service {
    let bridge: ConferenceBridge
    let drainTimeout: Duration
    let clock: C
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        let deadline = self.clock.now.advanced(by: self.drainTimeout)
        var announced = false
        while self.clock.now < deadline, let rooms = try? await self.bridge.liveRooms(), !rooms.isEmpty {
            if !announced {
                self.logger.notice("draining: waiting for calls in rooms \(rooms.joined(separator: ", ")) to end")
                announced = true
            }
            try? await self.clock.sleep(for: .milliseconds(200))
        }
        self.logger.info("shutting down")
        try? await self.bridge.shutdown().get()
    }
}
