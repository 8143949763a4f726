/// Certificate and key of a TLS transport, as PEM files (RFC 3261 §26.2.1, RFC 5630).
public struct SIPTLSConfiguration: Sendable, Equatable {
    /// PEM file with our certificate, then any intermediates.
    public var certificateChainPath: String
    /// PEM file with the private key of the first certificate.
    public var privateKeyPath: String
    /// PEM file of extra roots to trust when we connect out; nil uses the system's roots.
    public var trustRootsPath: String?
    /// Whether outbound connections check the server's certificate. Off only for tests and labs.
    public var verifiesPeers: Bool

    /// Makes a configuration from PEM files.
    public init(
        certificateChainPath: String,
        privateKeyPath: String,
        trustRootsPath: String? = nil,
        verifiesPeers: Bool = true
    ) {
        self.certificateChainPath = certificateChainPath
        self.privateKeyPath = privateKeyPath
        self.trustRootsPath = trustRootsPath
        self.verifiesPeers = verifiesPeers
    }
}
