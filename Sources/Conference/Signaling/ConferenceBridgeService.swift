public import Logging
import NIOCore
public import ServiceLifecycle

/// A started ``ConferenceBridge`` as a swift-service-lifecycle `Service`: an application puts it in its
/// `ServiceGroup` beside its own services, and a graceful shutdown (SIGTERM, SIGINT) drains the bridge instead of
/// cutting calls.
///
/// Draining first tells the bridge to refuse new calls (503 with Retry-After), then waits until no call is
/// open, or until the drain timeout passes, then shuts the bridge down (hanging up what is left), so a restart
/// does not cut calls in progress. The timeout is read when the drain starts, so a SIGHUP reload changes it.
/// The bridge must already be started (its bind errors are reported before the service group runs).
public struct ConferenceBridgeService<C: Clock<Duration>>: Service {
    let bridge: ConferenceBridge
    let drainTimeout: @Sendable () -> Duration
    let clock: C
    let logger: Logger

    /// - Parameters:
    ///   - bridge: a bridge whose ``ConferenceBridge/start()`` succeeded.
    ///   - drainTimeout: how long calls in progress may go on after the shutdown signal; read when the drain
    ///     starts, so a configuration reload can change it.
    ///   - clock: the clock the drain waits on (a test clock in tests).
    ///   - logger: where the drain reports what it waits for.
    public init(
        bridge: ConferenceBridge,
        drainTimeout: @escaping @Sendable () -> Duration,
        clock: C,
        logger: Logger
    ) {
        self.bridge = bridge
        self.drainTimeout = drainTimeout
        self.clock = clock
        self.logger = logger
    }

    /// Waits for the graceful shutdown, then drains and shuts the bridge down.
    public func run() async throws {
        try? await gracefulShutdown()
        let timeout = self.drainTimeout()
        // Come back once a restart is likely over: the drain time plus a few seconds to start again.
        let retryAfter = Int(timeout.components.seconds) + 5
        try? await self.bridge.drain(retryAfterSeconds: retryAfter).get()
        let deadline = self.clock.now.advanced(by: timeout)
        var open = (try? await self.bridge.openCallCount()) ?? 0
        if open > 0 {
            self.logger.notice(
                "draining: waiting for calls in progress to end",
                metadata: ["calls": "\(open)", "timeout": "\(timeout)"]
            )
        }
        while open > 0, self.clock.now < deadline {
            try? await self.clock.sleep(for: .milliseconds(100))
            open = (try? await self.bridge.openCallCount()) ?? 0
        }
        if open > 0 {
            self.logger.notice("drain timeout passed: hanging up the calls left", metadata: ["calls": "\(open)"])
        } else {
            self.logger.info("no calls left")
        }
        self.logger.info("shutting down")
        try? await self.bridge.shutdown().get()
    }
}
