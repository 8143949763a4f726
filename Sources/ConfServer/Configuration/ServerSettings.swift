import Conference
import Foundation
import Logging
import PostgresRoomStore
import SIPCore

/// Everything `parley serve` can be told, from defaults, then the config file, then flags.
///
/// The config file is TOML (see ``ConfigFile``); `[section]` tables and dotted keys name the same settings
/// (`[admin] listen = ...` is `admin.listen`), and the older flat names (`admin`, `sip_tcp`) are kept as aliases.
/// config/parley.example.toml lists every key with its default.
struct ServerSettings {
    var sipHost = "127.0.0.1"
    var sipPort = 5060
    var rtpPorts: ClosedRange<Int> = 20000...20999
    /// The minimum RTCP report interval per call, in seconds (RFC 3550 §6.2: 5; less is its reduced minimum).
    var rtcpIntervalSeconds = 5.0
    /// Whether rtcp-mux (RFC 5761) is answered when offered, and offered when dialling out.
    var rtcpMux = true
    var advertisedAddress: String?
    var dataDirectory = "./data"
    /// The shared PostgreSQL room store (`store.url`, `postgres://...`); nil keeps rooms in SQLite under `data`.
    var storeURL: String?
    var soundsDirectory = PromptLibrary.debianSoundsDirectory
    var musicDirectory = PromptLibrary.debianMusicDirectory
    /// SIP flood limits (`[flood]`): per-source blocking and the global new-INVITE rate.
    var overload = OverloadPolicy()
    /// Music-on-hold classes whose tracks play shuffled, per listener (`music_shuffle = ["default", "jazz"]`).
    var shuffledMusicClasses: Set<String> = []
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

    /// Every key the settings take, canonical name first; `parley check-config` and the example file use these.
    static let keys: [(canonical: String, aliases: [String])] = [
        ("sip.listen", ["sip"]), ("sip.advertised_address", ["advertised_address"]), ("sip.tcp", ["sip_tcp"]),
        ("sip.tls_port", ["tls_port"]), ("sip.tls_certificate", ["tls_certificate"]),
        ("sip.tls_private_key", ["tls_private_key"]), ("sip.ring_seconds", ["ring_seconds"]),
        ("rtp.ports", ["rtp_ports"]), ("rtp.rtcp_interval", []), ("rtp.rtcp_mux", []), ("data", ["data_directory"]),
        ("store.url", ["store_url"]),
        ("recordings", ["recordings_directory"]),
        ("prompts.sounds", ["sounds"]), ("prompts.music", ["music"]), ("prompts.music_shuffle", ["music_shuffle"]),
        ("log_level", []), ("demo_room", []),
        ("drain_seconds", []), ("admin.listen", ["admin"]), ("admin.token", ["admin_token"]),
        ("trunk.registrar", []), ("trunk.username", []), ("trunk.password", []), ("trunk.expires", []),
        ("trunk.addresses", []), ("flood.messages_per_source", []), ("flood.invites_per_second", []),
        ("flood.max_transactions", []),
    ]

    /// Loads a config file on top of the current settings; throws every problem in it, naming key and line.
    mutating func load(file path: String) throws {
        try ConfigFile(path: path).apply(to: &self)
    }

    /// Applies a command-line flag's text to a setting; the error names the flag.
    mutating func apply(flag: String, key: String, text: String) throws {
        do {
            try self.apply(key: key, value: .flag(text))
        } catch {
            throw CLIError(message: "\(flag): \(error.message)")
        }
    }

    /// Sets one setting; throws why the value is refused, or that the key is unknown.
    mutating func apply(key: String, value: SettingValue) throws(SettingProblem) {
        switch key {
        case "sip", "sip.listen":
            (self.sipHost, self.sipPort) = try Self.hostPort(value.text())
        case "rtp_ports", "rtp.ports":
            let text = try value.text()
            let parts = text.split(separator: "-")
            guard parts.count == 2, let low = Int(parts[0]), let high = Int(parts[1]), 1024 <= low, low < high,
                high <= 65535
            else { throw SettingProblem("RTP port range must be \"low-high\" within 1024-65535, got '\(text)'") }
            self.rtpPorts = low...high
        case "rtp.rtcp_interval":
            let seconds = try value.number()
            guard seconds >= 0.5, seconds <= 60 else {
                throw SettingProblem("rtp.rtcp_interval must be 0.5 to 60 seconds, got \(seconds)")
            }
            self.rtcpIntervalSeconds = seconds
        case "rtp.rtcp_mux":
            self.rtcpMux = try value.boolean()
        case "advertised_address", "sip.advertised_address":
            self.advertisedAddress = try value.text()
        case "data", "data_directory":
            self.dataDirectory = try value.text()
        case "store.url", "store_url":
            let text = try value.text()
            if text.isEmpty || text == "sqlite" {
                self.storeURL = nil
            } else {
                do {
                    _ = try PostgresStoreURL(text)
                } catch {
                    throw SettingProblem(error.reason)
                }
                self.storeURL = text
            }
        case "sounds", "prompts.sounds":
            self.soundsDirectory = try value.text()
        case "music", "prompts.music":
            self.musicDirectory = try value.text()
        case "music_shuffle", "prompts.music_shuffle":
            self.shuffledMusicClasses = Set(try value.list().filter { !$0.isEmpty })
        case "recordings", "recordings_directory":
            self.recordingsDirectory = try value.text()
        case "ring_seconds", "sip.ring_seconds":
            let seconds = try value.number()
            guard seconds >= 0, seconds <= 60 else {
                throw SettingProblem("ring_seconds must be 0 to 60, got \(seconds)")
            }
            self.ringSeconds = seconds
        case "log_level":
            let text = try value.text()
            guard let level = Logger.Level(rawValue: text.lowercased()) else {
                throw SettingProblem(
                    "unknown log level '\(text)' (trace, debug, info, notice, warning, error, critical)"
                )
            }
            self.logLevel = level
        case "demo_room":
            self.demoRoom = try value.boolean()
        case "admin", "admin.listen":
            let text = try value.text()
            if text.lowercased() == "off" {
                self.adminHost = nil
            } else {
                (self.adminHost, self.adminPort) = try Self.hostPort(text)
            }
            self.adminExplicit = true
        case "admin_token", "admin.token":
            let token = try value.text()
            guard token.utf8.count >= 16 else { throw SettingProblem("admin_token must be at least 16 characters") }
            self.adminToken = token
        case "sip_tcp", "sip.tcp":
            self.sipTCP = try value.boolean()
        case "tls_port", "sip.tls_port":
            let port = try value.integer()
            guard (1...65535).contains(port) else { throw SettingProblem("tls_port must be 1 to 65535, got \(port)") }
            self.tlsPort = port
        case "tls_certificate", "sip.tls_certificate":
            self.tlsCertificate = try value.text()
        case "tls_private_key", "sip.tls_private_key":
            self.tlsPrivateKey = try value.text()
        case "trunk.registrar":
            let (host, port) = try Self.hostPort(value.text())
            self.trunkRegistrar = (host, port)
        case "trunk.username":
            self.trunkUsername = try value.text()
        case "trunk.password":
            self.trunkPassword = try value.text()
        case "trunk.expires":
            let seconds = try value.integer()
            guard (60...86400).contains(seconds) else {
                throw SettingProblem("trunk.expires must be 60 to 86400 seconds, got \(seconds)")
            }
            self.trunkExpires = seconds
        case "trunk.addresses":
            self.trunkAddresses = try value.list()
        case "flood.messages_per_source":
            let count = try value.integer()
            guard count >= 0 else { throw SettingProblem("must be 0 (off) or a count per 2 s, got \(count)") }
            self.overload.messagesPerSourceWindow = count == 0 ? nil : count
        case "flood.invites_per_second":
            let count = try value.integer()
            guard count >= 0 else { throw SettingProblem("must be 0 (off) or a count per second, got \(count)") }
            self.overload.invitesPerSecond = count == 0 ? nil : count
        case "flood.max_transactions":
            let count = try value.integer()
            guard count >= 100 else { throw SettingProblem("must be at least 100 open transactions, got \(count)") }
            self.overload.maxServerTransactions = count
        case "drain_seconds":
            let seconds = try value.number()
            guard seconds >= 0, seconds <= 86400 else {
                throw SettingProblem("drain_seconds must be 0 to 86400, got \(seconds)")
            }
            self.drainSeconds = seconds
        default:
            throw SettingProblem("unknown setting '\(key)'\(Self.suggestion(for: key))")
        }
    }

    /// " (did you mean 'x'?)" when a known key is close to `key`, else "".
    static func suggestion(for key: String) -> String {
        let last = key.split(separator: ".").last.map(String.init) ?? key
        for entry in Self.keys {
            for name in [entry.canonical] + entry.aliases {
                let candidateLast = name.split(separator: ".").last.map(String.init) ?? name
                if candidateLast == last
                    || name.replacingOccurrences(of: "_", with: "")
                        == key.replacingOccurrences(of: "_", with: "").replacingOccurrences(of: "-", with: "")
                {
                    return " (did you mean '\(entry.canonical)'?)"
                }
            }
        }
        return ""
    }

    /// The settings read only at start (listen addresses, ports, directories, TLS, trunk) that differ between
    /// `self` and `other`, by canonical key; a SIGHUP reload reports them as waiting for a restart.
    func restartOnlyDifferences(from other: ServerSettings) -> [String] {
        func described(_ settings: ServerSettings) -> [(String, String)] {
            [
                ("sip.listen", "\(settings.sipHost):\(settings.sipPort)"), ("rtp.ports", "\(settings.rtpPorts)"),
                ("rtp.rtcp_interval", "\(settings.rtcpIntervalSeconds)"), ("rtp.rtcp_mux", "\(settings.rtcpMux)"),
                ("sip.advertised_address", "\(settings.advertisedAddress ?? "")"), ("data", settings.dataDirectory),
                ("store.url", settings.storeURL.map { (try? PostgresStoreURL($0).description) ?? "" } ?? ""),
                ("prompts.sounds", settings.soundsDirectory), ("prompts.music", settings.musicDirectory),
                ("prompts.music_shuffle", settings.shuffledMusicClasses.sorted().joined(separator: ",")),
                ("recordings", settings.recordingsDirectory ?? ""), ("sip.ring_seconds", "\(settings.ringSeconds)"),
                ("admin.listen", "\(settings.adminHost ?? "off"):\(settings.adminPort)"),
                ("admin.token", settings.adminToken ?? ""), ("sip.tcp", "\(settings.sipTCP)"),
                ("sip.tls_port", "\(settings.tlsPort ?? 0)"), ("sip.tls_certificate", settings.tlsCertificate ?? ""),
                ("sip.tls_private_key", settings.tlsPrivateKey ?? ""),
                ("trunk", "\(settings.trunk.map { "\($0)" } ?? "")|\(settings.trunkAddresses)"),
            ]
        }
        return zip(described(self), described(other)).filter { $0.0.1 != $0.1.1 }.map(\.0.0)
    }

    /// Whether `host` is a loopback address, where an admin API without a token is acceptable. Only a dotted
    /// quad counts for 127.0.0.0/8: a name that merely starts with "127." (127.example.com) may resolve anywhere.
    static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host == "::1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127"
            && octets.allSatisfy { octet in
                !octet.isEmpty && octet.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } && UInt8(octet) != nil
            }
    }

    /// Checks settings that only make sense together; the error names what to change.
    func checkAdmin() throws {
        if let host = self.adminHost, !Self.isLoopback(host), self.adminToken == nil {
            throw CLIError(
                message:
                    "refusing to serve the admin API on \(host) without admin_token; set one or use a loopback address"
            )
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

    static func hostPort(_ value: String) throws(SettingProblem) -> (String, Int) {
        let host: String
        let portText: Substring
        if value.hasPrefix("["), let close = value.firstIndex(of: "]") {
            host = String(value[value.index(after: value.startIndex)..<close])
            portText = value[value.index(after: close)...].drop(while: { $0 == ":" })
        } else if let colon = value.lastIndex(of: ":") {
            host = String(value[..<colon])
            portText = value[value.index(after: colon)...]
        } else {
            throw SettingProblem("expected host:port, got '\(value)'")
        }
        guard !host.isEmpty, let port = Int(portText), (0...65535).contains(port) else {
            throw SettingProblem("expected host:port with a port 0-65535, got '\(value)'")
        }
        return (host, port)
    }
}
