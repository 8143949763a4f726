public import NIOCore
import NIOPosix
import NIOSSL

/// The listener and connections of one stream transport, TCP or TLS, feeding one ``UserAgentCore``
/// (RFC 3261 §18.3).
///
/// - Inbound connections are framed by `SIPStreamFramer` and their messages go to the core, which answers
///   over the same connection (RFC 3261 §18.2.2).
/// - Requests to a peer reuse an open connection to its address, inbound or outbound; otherwise one is
///   opened, and writes wait for it.
/// - Connections idle for ``SIPStreamTransportConfiguration/idleTimeout`` are closed, and connections beyond
///   the total or per-address caps are refused at accept (the AST-2016-005 lesson).
///
/// Confinement: all state lives on the core's event loop, and every channel (listener and children) is on
/// that same loop; methods check it, which makes the `@unchecked Sendable` sound.
public final class SIPStreamTransport: @unchecked Sendable {
    /// TCP or TLS.
    public let kind: SIPTransportKind
    /// The connection limits and timeouts in force.
    public let configuration: SIPStreamTransportConfiguration
    /// The listener's address once bound.
    public private(set) var localAddress: SocketAddress?
    /// The port put in Via sent-by for this transport; defaults to the bound port.
    public var advertisedPort: Int?
    /// Counts of connections, read on the loop.
    public private(set) var statistics = Statistics()

    /// Counts for logs and metrics.
    public struct Statistics: Sendable, Equatable {
        /// Inbound connections accepted.
        public var accepted = 0
        /// Outbound connections opened.
        public var opened = 0
        /// Inbound connections refused by the limits.
        public var refused = 0
        /// Connections closed for idleness.
        public var closedIdle = 0
        /// Connections lost to an error.
        public var connectionErrors = 0
        /// Outbound connects that failed or timed out.
        public var connectFailures = 0
    }

    let eventLoop: any EventLoop
    weak var core: UserAgentCore?
    private let serverTLS: NIOSSLContext?
    private let clientTLS: NIOSSLContext?
    private var connections: [SocketAddress: SIPStreamConnection] = [:]
    private var perAddress: [String: Int] = [:]
    private var pending: [SocketAddress: [PendingWrite]] = [:]

    private struct PendingWrite {
        var buffer: ByteBuffer
        var onFailure: () -> Void
    }

    init(
        core: UserAgentCore,
        kind: SIPTransportKind,
        configuration: SIPStreamTransportConfiguration,
        serverTLS: NIOSSLContext? = nil,
        clientTLS: NIOSSLContext? = nil
    ) {
        self.core = core
        self.eventLoop = core.eventLoop
        self.kind = kind
        self.configuration = configuration
        self.serverTLS = serverTLS
        self.clientTLS = clientTLS
    }

    /// Connections open now, inbound and outbound.
    public var connectionCount: Int {
        self.eventLoop.preconditionInEventLoop()
        return self.connections.count
    }

    /// The open connection to `address`, if any.
    public func connection(to address: SocketAddress) -> SIPStreamConnection? {
        self.eventLoop.preconditionInEventLoop()
        guard let connection = self.connections[address], connection.isActive else { return nil }
        return connection
    }

    // MARK: - Listening

    func bind(host: String, port: Int) -> EventLoopFuture<any Channel> {
        ServerBootstrap(group: self.eventLoop)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 256)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try self.admit(channel, remoteAddress: channel.remoteAddress, isOutbound: false)
                }
            }
            .bind(host: host, port: port)
            .map { channel in
                self.localAddress = channel.localAddress
                if self.advertisedPort == nil { self.advertisedPort = channel.localAddress?.port }
                self.core?.attach(streamTransport: self)
                return channel
            }
    }

    /// Admits a new connection within the caps and builds its pipeline.
    /// - Throws: ``SIPTransportError`` when a cap is reached; the bootstrap then closes the socket.
    private func admit(_ channel: any Channel, remoteAddress: SocketAddress?, isOutbound: Bool) throws {
        self.eventLoop.preconditionInEventLoop()
        guard let remoteAddress else {
            self.statistics.refused += 1
            throw SIPTransportError(.noRemoteAddress)
        }
        guard self.connections.count < self.configuration.maxConnections else {
            self.statistics.refused += 1
            throw SIPTransportError(.connectionLimit, reason: "\(self.connections.count) open")
        }
        let ip = remoteAddress.ipAddress ?? ""
        guard self.perAddress[ip, default: 0] < self.configuration.maxConnectionsPerAddress else {
            self.statistics.refused += 1
            throw SIPTransportError(.connectionLimitPerAddress, reason: ip)
        }
        let sync = channel.pipeline.syncOperations
        if isOutbound, let clientTLS = self.clientTLS {
            try sync.addHandler(NIOSSLClientHandler(context: clientTLS, serverHostname: nil))
        } else if !isOutbound, let serverTLS = self.serverTLS {
            try sync.addHandler(NIOSSLServerHandler(context: serverTLS))
        }
        let connection = SIPStreamConnection(
            channel: channel,
            remoteAddress: remoteAddress,
            kind: self.kind,
            isOutbound: isOutbound
        )
        let idle = TimeAmount(self.configuration.idleTimeout)
        try sync.addHandler(IdleStateHandler(allTimeout: idle))
        let limits = self.core?.parserLimits ?? SIPMessageParser.Limits()
        try sync.addHandler(ByteToMessageHandler(SIPStreamFramer(limits: limits)))
        try sync.addHandler(SIPStreamHandler(transport: self, connection: connection))
        self.connections[remoteAddress] = connection
        self.perAddress[ip, default: 0] += 1
        if isOutbound { self.statistics.opened += 1 } else { self.statistics.accepted += 1 }
        channel.closeFuture.whenComplete { _ in
            self.forget(connection)
        }
    }

    private func forget(_ connection: SIPStreamConnection) {
        self.eventLoop.preconditionInEventLoop()
        if self.connections[connection.remoteAddress] === connection {
            self.connections[connection.remoteAddress] = nil
        }
        let ip = connection.remoteAddress.ipAddress ?? ""
        if let count = self.perAddress[ip] {
            if count <= 1 { self.perAddress[ip] = nil } else { self.perAddress[ip] = count - 1 }
        }
    }

    // MARK: - Traffic

    func received(_ frame: ByteBuffer, over connection: SIPStreamConnection) {
        self.core?.receivedStreamMessage(frame, over: connection)
    }

    func noteIdleClose() { self.statistics.closedIdle += 1 }
    func noteConnectionError() { self.statistics.connectionErrors += 1 }

    /// Sends `buffer` to `destination`: over `preferred` while it is open (a response goes back on the
    /// request's connection, RFC 3261 §18.2.2), else over an open connection to that address, else over a
    /// new one. `onFailure` runs when none can be had or the write fails.
    func send(
        _ buffer: ByteBuffer,
        to destination: SocketAddress,
        preferring preferred: SIPStreamConnection?,
        onFailure: @escaping () -> Void
    ) {
        self.eventLoop.preconditionInEventLoop()
        if let preferred, preferred.isActive {
            self.write(buffer, on: preferred, onFailure: onFailure)
        } else if let open = self.connection(to: destination) {
            self.write(buffer, on: open, onFailure: onFailure)
        } else if self.pending[destination] != nil {
            self.pending[destination]?.append(PendingWrite(buffer: buffer, onFailure: onFailure))
        } else {
            self.connect(to: destination, first: PendingWrite(buffer: buffer, onFailure: onFailure))
        }
    }

    private func write(_ buffer: ByteBuffer, on connection: SIPStreamConnection, onFailure: @escaping () -> Void) {
        let promise = self.eventLoop.makePromise(of: Void.self)
        promise.futureResult.assumeIsolated().whenFailure { _ in onFailure() }
        connection.channel.writeAndFlush(buffer, promise: promise)
    }

    private func connect(to destination: SocketAddress, first: PendingWrite) {
        guard self.connections.count + self.pending.count < self.configuration.maxConnections else {
            self.statistics.refused += 1
            first.onFailure()
            return
        }
        self.pending[destination] = [first]
        ClientBootstrap(group: self.eventLoop)
            .connectTimeout(TimeAmount(self.configuration.connectTimeout))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try self.admit(channel, remoteAddress: destination, isOutbound: true)
                }
            }
            .connect(to: destination)
            .assumeIsolated()
            .whenComplete { result in
                let waiting = self.pending.removeValue(forKey: destination) ?? []
                switch result {
                case .success:
                    guard let connection = self.connections[destination] else {
                        for write in waiting { write.onFailure() }
                        return
                    }
                    for write in waiting { self.write(write.buffer, on: connection, onFailure: write.onFailure) }
                case .failure:
                    self.statistics.connectFailures += 1
                    for write in waiting { write.onFailure() }
                }
            }
    }

    /// Closes every connection (at shutdown); the listener is closed by whoever holds its channel.
    public func closeAll() {
        self.eventLoop.preconditionInEventLoop()
        for connection in self.connections.values { connection.channel.close(promise: nil) }
    }
}
