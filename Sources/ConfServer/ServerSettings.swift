import Conference
import SIPCore
import Foundation
import Logging

/// Everything `parley serve` can be told, from defaults, then the config file, then flags.
///
/// The config file is a small TOML subset: `key = value` lines, `# comments`, strings in double quotes,
/// integers, floats and booleans; `[section]` headers prefix keys as `section.key`. Unknown keys are refused
/// with an error that names them and their line.
struct ServerSettings {
    var sipHost = "127.0.0.1"
    var sipPort = 5060
    var rtpPorts: ClosedRange<Int> = 20000...20999
    var advertisedAddress: String?
    var dataDirectory = "./data"
    var soundsDirectory = PromptLibrary.debianSoundsDirectory
    var musicDirectory = PromptLibrary.debianMusicDirectory
    var ringSeconds = 0.0
    /// Where room recordings go; defaults to `recordings/` inside the data directory.
    var recordingsDirectory: String?
    var logLevel: Logger.Level = .info
    var demoRoom = false
    /// Where the admin HTTP API listens; nil turns it off (`admin = "off"`).
    var adminHost: String? = "127.0.0.1"
    var adminPort = 8080
    /// Whether the admin address was given (flag or config); then failing to bind it stops the server.
    var adminExplicit = false
    /// The bearer token the admin API demands; required to listen on a non-loopback address.
    var adminToken: String?
    /// How long SIGTERM waits for calls in progress to end before the server exits.
    var drainSeconds = 30.0
    /// Also serve SIP over TCP on the SIP port.
    var sipTCP = false
    /// SIP over TLS: port, certificate chain and private key (PEM files).
    var tlsPort: Int?
    var tlsCertificate: String?
    var tlsPrivateKey: String?
    /// The SIP trunk to register with.
    var trunkRegistrar: (host: String, port: Int)?
    var trunkUsername: String?
    var trunkPassword: String?
    var trunkExpires = 3600
    /// Addresses trusted as the trunk for DID calls, besides the registrar.
    var trunkAddresses: [String] = []
    /// Flood limits (`[flood]`): messages per source per 2 s and new INVITEs per second, 0 for no limit.
    var overload = OverloadPolicy()

    mutating func load(file path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError(message: "cannot read config file \(path)")
        }
        let file: ConfigFile
        do {
            file = try ConfigFile(parsing: String(decoding: data, as: UTF8.self))
        } catch {
            throw CLIError(message: "\(path):\(error.line): \(error)")
        }
        for entry in file.entries {
            try self.apply(key: entry.key, value: entry.value, origin: "\(path):\(entry.line)")
        }
    }

    mutating func apply(key: String, value: String, origin: String) throws {
        switch key {
        case "sip", "sip.listen":
            let (host, port) = try Self.hostPort(value, origin: origin)
            self.sipHost = host
            self.sipPort = port
        case "rtp_ports", "rtp.ports":
            let parts = value.split(separator: "-")
            guard parts.count == 2, let low = Int(parts[0]), let high = Int(parts[1]), 1024 <= low, low < high,
                high <= 65535
            else { throw CLIError(message: "\(origin): RTP port range must be low-high within 1024-65535, got '\(value)'") }
            self.rtpPorts = low...high
        case "advertised_address", "sip.advertised_address":
            self.advertisedAddress = value
        case "data", "data_directory":
            self.dataDirectory = value
        case "sounds", "prompts.sounds":
            self.soundsDirectory = value
        case "music", "prompts.music":
            self.musicDirectory = value
        case "recordings", "recordings_directory":
            self.recordingsDirectory = value
        case "ring_seconds":
            guard let seconds = Double(value), seconds >= 0, seconds <= 60 else {
                throw CLIError(message: "\(origin): ring_seconds must be 0 to 60")
            }
            self.ringSeconds = seconds
        case "log_level":
            guard let level = Logger.Level(rawValue: value.lowercased()) else {
                throw CLIError(message: "\(origin): unknown log level '\(value)'")
            }
            self.logLevel = level
        case "demo_room":
            self.demoRoom = value == "true"
        case "admin", "admin.listen":
            if value.lowercased() == "off" {
                self.adminHost = nil
            } else {
                let (host, port) = try Self.hostPort(value, origin: origin)
                self.adminHost = host
                self.adminPort = port
            }
            self.adminExplicit = true
        case "admin_token", "admin.token":
            guard value.utf8.count >= 16 else {
                throw CLIError(message: "\(origin): admin_token must be at least 16 characters")
            }
            self.adminToken = value
        case "sip_tcp", "sip.tcp":
            self.sipTCP = try Self.boolean(value, key: key, origin: origin)
        case "tls_port", "sip.tls_port":
            guard let port = Int(value), (1...65535).contains(port) else {
                throw CLIError(message: "\(origin): tls_port must be 1 to 65535, got '\(value)'")
            }
            self.tlsPort = port
        case "tls_certificate", "sip.tls_certificate":
            self.tlsCertificate = value
        case "tls_private_key", "sip.tls_private_key":
            self.tlsPrivateKey = value
        case "trunk.registrar":
            let (host, port) = try Self.hostPort(value, origin: origin)
            self.trunkRegistrar = (host, port)
        case "trunk.username":
            self.trunkUsername = value
        case "trunk.password":
            self.trunkPassword = value
        case "trunk.expires":
            guard let seconds = Int(value), (60...86400).contains(seconds) else {
                throw CLIError(message: "\(origin): trunk.expires must be 60 to 86400 seconds")
            }
            self.trunkExpires = seconds
        case "trunk.addresses":
            self.trunkAddresses = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        case "flood.messages_per_source":
            guard let count = Int(value), count >= 0 else {
                throw CLIError(message: "\(origin): flood.messages_per_source must be 0 (off) or a count per 2 s")
            }
            self.overload.messagesPerSourceWindow = count == 0 ? nil : count
        case "flood.invites_per_second":
            guard let count = Int(value), count >= 0 else {
                throw CLIError(message: "\(origin): flood.invites_per_second must be 0 (off) or a count")
            }
            self.overload.invitesPerSecond = count == 0 ? nil : count
        case "drain_seconds":
            guard let seconds = Double(value), seconds >= 0, seconds <= 86400 else {
                throw CLIError(message: "\(origin): drain_seconds must be 0 to 86400")
            }
            self.drainSeconds = seconds
        default:
            throw CLIError(message: "\(origin): unknown setting '\(key)'")
        }
    }

    /// Whether `host` is a loopback address, where an admin API without a token is acceptable.
    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// Checks settings that only make sense together; the error names what to change.
    func checkAdmin() throws {
        if let host = self.adminHost, !Self.isLoopback(host), self.adminToken == nil {
            throw CLIError(
                message: "refusing to serve the admin API on \(host) without admin_token; set one or use a loopback address"
            )
        }
    }

    static func boolean(_ value: String, key: String, origin: String) throws -> Bool {
        switch value.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default: throw CLIError(message: "\(origin): \(key) must be true or false, got '\(value)'")
        }
    }

    /// The trunk, when a registrar and a username are configured.
    var trunk: ConferenceConfiguration.Trunk? {
        guard let registrar = self.trunkRegistrar, let username = self.trunkUsername else { return nil }
        return ConferenceConfiguration.Trunk(
            registrarHost: registrar.host,
            registrarPort: registrar.port,
            username: username,
            password: self.trunkPassword,
            expires: self.trunkExpires
        )
    }

    /// TLS, when a port, a certificate and a key are all configured.
    var tls: (port: Int, configuration: SIPTLSConfiguration)? {
        guard let port = self.tlsPort, let certificate = self.tlsCertificate, let key = self.tlsPrivateKey else {
            return nil
        }
        return (port, SIPTLSConfiguration(certificateChainPath: certificate, privateKeyPath: key))
    }

    static func hostPort(_ value: String, origin: String) throws -> (String, Int) {
        let host: String
        let portText: Substring
        if value.hasPrefix("["), let close = value.firstIndex(of: "]") {
            host = String(value[value.index(after: value.startIndex)..<close])
            portText = value[value.index(after: close)...].drop(while: { $0 == ":" })
        } else if let colon = value.lastIndex(of: ":") {
            host = String(value[..<colon])
            portText = value[value.index(after: colon)...]
        } else {
            throw CLIError(message: "\(origin): expected host:port, got '\(value)'")
        }
        guard !host.isEmpty, let port = Int(portText), (0...65535).contains(port) else {
            throw CLIError(message: "\(origin): expected host:port with a port 0-65535, got '\(value)'")
        }
        return (host, port)
    }
}
