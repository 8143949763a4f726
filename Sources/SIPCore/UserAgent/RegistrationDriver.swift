public import NIOCore

/// Runs a ``RegistrationClient`` on a ``UserAgentCore``: sends its REGISTERs in client transactions, runs its
/// timers on the core's loop and reports to ``onEvent``.
///
/// Confinement: every method runs on the core's event loop (checked), which makes the `@unchecked Sendable`
/// sound; other threads only hop onto the loop.
public final class RegistrationDriver: @unchecked Sendable {
    /// What the application hears.
    public enum Event: Sendable, Equatable {
        case registered(expires: Int)
        case failed(status: Int?, retryIn: Duration)
        case unregistered
    }

    /// The core that sends the REGISTERs.
    public let userAgent: UserAgentCore
    /// Where REGISTERs are sent.
    public let registrarAddress: SocketAddress
    /// The transport they are sent over.
    public let transport: SIPTransportKind
    /// The state machine being driven; read its state here.
    public private(set) var client: RegistrationClient
    /// Called on the loop for each registration, failure and unregistration.
    public var onEvent: ((Event) -> Void)?
    private var timers: [RegistrationClient.Timer: Scheduled<Void>] = [:]

    /// Keeps one registration alive on `userAgent`'s event loop, refreshing it before it expires.
    /// - Parameters:
    ///   - userAgent: the core that sends the REGISTERs and owns the transports.
    ///   - configuration: the account, registrar URI and requested expiry.
    ///   - registrarAddress: where REGISTERs go (resolved by the caller; RFC 3263 lookups are not done here).
    ///   - transport: UDP by default; TCP or TLS need the transport bound on `userAgent`.
    public init(
        userAgent: UserAgentCore,
        configuration: RegistrationClient.Configuration,
        registrarAddress: SocketAddress,
        transport: SIPTransportKind = .udp
    ) {
        self.userAgent = userAgent
        self.registrarAddress = registrarAddress
        self.transport = transport
        self.client = RegistrationClient(configuration: configuration)
    }

    /// The client's state.
    public var state: RegistrationClient.State { self.client.state }

    /// Starts registering.
    public func start() {
        self.userAgent.eventLoop.preconditionInEventLoop()
        let actions = self.client.start()
        self.run(actions)
    }

    /// Unregisters (Expires: 0) and stops refreshing.
    public func stop() {
        self.userAgent.eventLoop.preconditionInEventLoop()
        let actions = self.client.stop()
        self.run(actions)
    }

    private func run(_ actions: [RegistrationClient.Action]) {
        for action in actions {
            switch action {
            case .send(let request):
                self.userAgent.sendRequest(request, to: self.registrarAddress, transport: self.transport) {
                    [weak self] result in
                    guard let self else { return }
                    switch result {
                    case .response(let response):
                        let next = self.client.receivedResponse(response)
                        self.run(next)
                    case .timedOut, .transportError:
                        let next = self.client.transactionFailed()
                        self.run(next)
                    }
                }
            case .schedule(let timer, let delay):
                self.timers[timer]?.cancel()
                self.timers[timer] = self.userAgent.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(delay)) {
                    [weak self] in
                    guard let self else { return }
                    self.timers[timer] = nil
                    let next = self.client.timerFired(timer)
                    self.run(next)
                }
            case .cancel(let timer):
                self.timers.removeValue(forKey: timer)?.cancel()
            case .reportRegistered(let expires):
                self.onEvent?(.registered(expires: expires))
            case .reportFailed(let status, let retryIn):
                self.onEvent?(.failed(status: status, retryIn: retryIn))
            case .reportUnregistered:
                self.onEvent?(.unregistered)
            }
        }
    }
}
