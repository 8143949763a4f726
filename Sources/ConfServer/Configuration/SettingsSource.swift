/// Where `parley serve`'s settings come from: the config file and the command-line flags.
///
/// Kept after start so SIGHUP reads the same file and applies the same flags again (flags still win).
struct SettingsSource: Sendable {
    var config: String?
    var sip: String?
    var rtpPorts: String?
    var data: String?
    var storeURL: String?
    var sounds: String?
    var music: String?
    var ringSeconds: Double?
    var recordings: String?
    var logLevel: String?
    var demoRoom = false
    var admin: String?
    var drainSeconds: Double?

    /// Defaults, then the file, then the flags; throws every problem in the file, or the first bad flag.
    func resolve() throws -> ServerSettings {
        var settings = ServerSettings()
        if let path = self.config { try settings.load(file: path) }
        let flags: [(flag: String, key: String, text: String?)] = [
            ("--sip", "sip.listen", self.sip),
            ("--rtp-ports", "rtp.ports", self.rtpPorts),
            ("--data", "data", self.data),
            ("--store-url", "store.url", self.storeURL),
            ("--sounds", "prompts.sounds", self.sounds),
            ("--music", "prompts.music", self.music),
            ("--ring-seconds", "sip.ring_seconds", self.ringSeconds.map { String($0) }),
            ("--recordings", "recordings", self.recordings),
            ("--log-level", "log_level", self.logLevel),
            ("--admin", "admin.listen", self.admin),
            ("--drain-seconds", "drain_seconds", self.drainSeconds.map { String($0) }),
        ]
        for (flag, key, text) in flags {
            if let text { try settings.apply(flag: flag, key: key, text: text) }
        }
        if self.demoRoom { settings.demoRoom = true }
        try settings.checkAdmin()
        return settings
    }
}
