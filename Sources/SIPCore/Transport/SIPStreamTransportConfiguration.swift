/// Limits of a TCP or TLS transport (RFC 3261 §18.3, and the AST-2016-005 lesson: cap what a peer can open).
public struct SIPStreamTransportConfiguration: Sendable, Equatable {
    /// Connections open at once, inbound and outbound together; beyond it new ones are closed at accept.
    public var maxConnections: Int
    /// Connections open at once from one source IP address.
    public var maxConnectionsPerAddress: Int
    /// A connection with no traffic either way for this long is closed (RFC 3261 §18: the transport decides
    /// when to close; RFC 5626 keep-alives count as traffic).
    public var idleTimeout: Duration
    /// How long an outbound connect may take before the request fails with a transport error.
    public var connectTimeout: Duration

    /// Makes a configuration; the defaults bound a server's exposure to connection floods.
    public init(
        maxConnections: Int = 1024,
        maxConnectionsPerAddress: Int = 16,
        idleTimeout: Duration = .seconds(300),
        connectTimeout: Duration = .seconds(5)
    ) {
        self.maxConnections = maxConnections
        self.maxConnectionsPerAddress = maxConnectionsPerAddress
        self.idleTimeout = idleTimeout
        self.connectTimeout = connectTimeout
    }
}
