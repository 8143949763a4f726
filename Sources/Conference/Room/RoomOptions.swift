import Foundation

/// A room's behaviour, with Asterisk ConfBridge's option names and meanings, so PBX people recognise them.
///
/// Options are given as `name=value` text (the CLI, the admin API, the config file) and parsed strictly: an
/// unknown name or a value of the wrong shape is refused with an error that names it, never silently ignored.
public struct RoomOptions: Sendable, Equatable, Codable {
    /// ConfBridge `max_members`: nil means no limit.
    public var maxMembers: Int?
    /// The PIN that admits admin (and marked) users; nil means nobody enters as admin.
    public var adminPIN: String?
    /// ConfBridge `startmuted`: ordinary users join muted.
    public var startMuted = false
    /// ConfBridge `wait_marked`: ordinary users wait (hearing music) until a marked user is in.
    public var waitMarked = false
    /// ConfBridge `end_marked`: when the last marked user leaves, everyone else is told and hung up.
    public var endMarked = false
    /// ConfBridge `announce_user_count`: a joiner hears how many others are there.
    public var announceUserCount = false
    /// ConfBridge `announce_only_user`: someone alone hears "you are the only person in this conference".
    public var announceOnlyUser = true
    /// ConfBridge `announce_join_leave`: the room hears joins and leaves (a tone, or the recorded name).
    public var announceJoinLeave = true
    /// Parley's "announce names": callers record their name, played to the room on join and leave.
    public var announceNames = false
    /// ConfBridge `music_on_hold_when_empty`: someone alone hears music (otherwise silence).
    public var musicOnHoldWhenEmpty = true
    /// `music_on_hold_shuffle`: play the class's tracks in a random order per listener (yes), in name order
    /// (no), or as the class is configured (nil, `default`).
    public var musicOnHoldShuffle: Bool?
    /// ConfBridge `record_conference`: record the mix from the first join.
    public var recordConference = false
    /// ConfBridge `dsp_talking_threshold`: average magnitude above which a frame is speech.
    public var dspTalkingThreshold = 160
    /// ConfBridge `dsp_silence_threshold`: milliseconds of quiet before a talker counts as stopped.
    public var dspSilenceThreshold = 2500
    /// ConfBridge `talk_detection_events`: publish talking start/stop events.
    public var talkDetectionEvents = false
    /// ConfBridge `denoise`: run noise suppression on every talker.
    public var denoise = false
    /// ConfBridge `jitterbuffer`: buffer and reorder incoming audio (on by default; off plays packets as they come).
    public var jitterBuffer = true
    /// ConfBridge `internal_sample_rate`: the mixing rate (8000, 16000 or 48000). At 16000, G.722 callers hear
    /// each other in wideband; at 48000, Opus callers do. G.711 callers are resampled either way.
    public var internalSampleRate = 8000
    /// ConfBridge `mixing_interval`: milliseconds per mixing tick, ConfBridge's 10, 20, 40 or 80. Longer ticks
    /// cost less CPU and add delay; each caller keeps the ptime they negotiated (their leg repacketises).
    public var mixingInterval = 20

    /// ConfBridge's defaults: no limits, no prompts beyond the PIN, jitter buffer on, 8 kHz, 20 ms.
    public init() {}

    /// The option names this type accepts, in the order `description` lists them.
    public static let names = [
        "max_members", "admin_pin", "startmuted", "wait_marked", "end_marked", "announce_user_count",
        "announce_only_user", "announce_join_leave", "announce_names", "music_on_hold_when_empty",
        "music_on_hold_shuffle", "record_conference", "dsp_talking_threshold", "dsp_silence_threshold", "talk_detection_events", "denoise",
        "jitterbuffer", "internal_sample_rate", "mixing_interval",
    ]

    /// Sets one option from its ConfBridge name and a text value.
    public mutating func set(_ name: String, _ value: String) throws(ConferenceError) {
        let key = name.lowercased().replacingOccurrences(of: "-", with: "_")
        switch key {
        case "max_members":
            if value.lowercased() == "none" || value == "0" || value.isEmpty {
                self.maxMembers = nil
            } else {
                self.maxMembers = try Self.integer(key, value, in: 1...1_000_000)
            }
        case "admin_pin":
            if value.isEmpty || value.lowercased() == "none" {
                self.adminPIN = nil
            } else {
                guard RoomDefinition.isDigits(value, maxLength: 16) else {
                    throw ConferenceError(.invalidRoom, "option admin_pin must be 1 to 16 digits, got '\(value)'")
                }
                self.adminPIN = value
            }
        case "startmuted": self.startMuted = try Self.boolean(key, value)
        case "wait_marked": self.waitMarked = try Self.boolean(key, value)
        case "end_marked": self.endMarked = try Self.boolean(key, value)
        case "announce_user_count": self.announceUserCount = try Self.boolean(key, value)
        case "announce_only_user": self.announceOnlyUser = try Self.boolean(key, value)
        case "announce_join_leave": self.announceJoinLeave = try Self.boolean(key, value)
        case "announce_names": self.announceNames = try Self.boolean(key, value)
        case "music_on_hold_when_empty": self.musicOnHoldWhenEmpty = try Self.boolean(key, value)
        case "music_on_hold_shuffle":
            self.musicOnHoldShuffle = value.lowercased() == "default" ? nil : try Self.boolean(key, value)
        case "record_conference": self.recordConference = try Self.boolean(key, value)
        case "dsp_talking_threshold": self.dspTalkingThreshold = try Self.integer(key, value, in: 1...32767)
        case "dsp_silence_threshold": self.dspSilenceThreshold = try Self.integer(key, value, in: 20...60_000)
        case "talk_detection_events": self.talkDetectionEvents = try Self.boolean(key, value)
        case "denoise": self.denoise = try Self.boolean(key, value)
        case "jitterbuffer": self.jitterBuffer = try Self.boolean(key, value)
        case "internal_sample_rate":
            let rate = value.lowercased() == "auto" ? 8000 : try Self.integer(key, value, in: 8000...48000)
            guard [8000, 16000, 48000].contains(rate) else {
                throw ConferenceError(
                    .invalidRoom,
                    "option internal_sample_rate must be 8000, 16000 or 48000, got \(value)"
                )
            }
            self.internalSampleRate = rate
        case "mixing_interval":
            let interval = try Self.integer(key, value, in: 10...80)
            guard [10, 20, 40, 80].contains(interval) else {
                throw ConferenceError(
                    .invalidRoom,
                    "option mixing_interval must be 10, 20, 40 or 80 (milliseconds), got \(value)"
                )
            }
            self.mixingInterval = interval
        default:
            throw ConferenceError(
                .invalidRoom,
                "unknown room option '\(name)' (known: \(Self.names.joined(separator: ", ")))"
            )
        }
    }

    /// Applies `name=value` pairs in order; the first bad one stops with an error naming it.
    public mutating func apply(_ assignments: [String]) throws(ConferenceError) {
        for assignment in assignments {
            guard let equals = assignment.firstIndex(of: "=") else {
                throw ConferenceError(.invalidRoom, "room option '\(assignment)' must look like name=value")
            }
            try self.set(String(assignment[..<equals]), String(assignment[assignment.index(after: equals)...]))
        }
    }

    /// Every option as `name=value`, in the order of ``names``.
    public var assignments: [String] {
        [
            "max_members=\(self.maxMembers.map(String.init) ?? "none")",
            "admin_pin=\(self.adminPIN ?? "none")",
            "startmuted=\(self.startMuted)", "wait_marked=\(self.waitMarked)", "end_marked=\(self.endMarked)",
            "announce_user_count=\(self.announceUserCount)", "announce_only_user=\(self.announceOnlyUser)",
            "announce_join_leave=\(self.announceJoinLeave)", "announce_names=\(self.announceNames)",
            "music_on_hold_when_empty=\(self.musicOnHoldWhenEmpty)",
            "music_on_hold_shuffle=\(self.musicOnHoldShuffle.map(String.init) ?? "default")",
            "record_conference=\(self.recordConference)",
            "dsp_talking_threshold=\(self.dspTalkingThreshold)", "dsp_silence_threshold=\(self.dspSilenceThreshold)",
            "talk_detection_events=\(self.talkDetectionEvents)", "denoise=\(self.denoise)",
            "jitterbuffer=\(self.jitterBuffer)", "internal_sample_rate=\(self.internalSampleRate)",
            "mixing_interval=\(self.mixingInterval)",
        ]
    }

    enum CodingKeys: String, CodingKey {
        case maxMembers, adminPIN, startMuted, waitMarked, endMarked, announceUserCount, announceOnlyUser
        case announceJoinLeave, announceNames, musicOnHoldWhenEmpty, musicOnHoldShuffle, recordConference
        case dspTalkingThreshold, dspSilenceThreshold, talkDetectionEvents, denoise, jitterBuffer
        case internalSampleRate, mixingInterval
    }

    /// Reads stored options; an option missing from older stored JSON keeps its default.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        var options = RoomOptions()
        func read<T: Decodable>(_ key: CodingKeys, into value: inout T) throws {
            if let decoded = try container.decodeIfPresent(T.self, forKey: key) { value = decoded }
        }
        options.maxMembers = try container.decodeIfPresent(Int.self, forKey: .maxMembers)
        options.adminPIN = try container.decodeIfPresent(String.self, forKey: .adminPIN)
        options.musicOnHoldShuffle = try container.decodeIfPresent(Bool.self, forKey: .musicOnHoldShuffle)
        try read(.startMuted, into: &options.startMuted)
        try read(.waitMarked, into: &options.waitMarked)
        try read(.endMarked, into: &options.endMarked)
        try read(.announceUserCount, into: &options.announceUserCount)
        try read(.announceOnlyUser, into: &options.announceOnlyUser)
        try read(.announceJoinLeave, into: &options.announceJoinLeave)
        try read(.announceNames, into: &options.announceNames)
        try read(.musicOnHoldWhenEmpty, into: &options.musicOnHoldWhenEmpty)
        try read(.recordConference, into: &options.recordConference)
        try read(.dspTalkingThreshold, into: &options.dspTalkingThreshold)
        try read(.dspSilenceThreshold, into: &options.dspSilenceThreshold)
        try read(.talkDetectionEvents, into: &options.talkDetectionEvents)
        try read(.denoise, into: &options.denoise)
        try read(.jitterBuffer, into: &options.jitterBuffer)
        try read(.internalSampleRate, into: &options.internalSampleRate)
        try read(.mixingInterval, into: &options.mixingInterval)
        self = options
    }

    static func boolean(_ name: String, _ value: String) throws(ConferenceError) -> Bool {
        switch value.lowercased() {
        case "yes", "true", "on", "1": return true
        case "no", "false", "off", "0": return false
        default: throw ConferenceError(.invalidRoom, "option \(name) must be yes or no, got '\(value)'")
        }
    }

    static func integer(_ name: String, _ value: String, in range: ClosedRange<Int>) throws(ConferenceError) -> Int {
        guard let number = Int(value), range.contains(number) else {
            throw ConferenceError(
                .invalidRoom,
                "option \(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), got '\(value)'"
            )
        }
        return number
    }
}
