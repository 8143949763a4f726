import Conference
import Hummingbird

/// A room's live state as the admin API shows it (`GET /api/v1/rooms/{ext}/participants`).
struct LiveRoomView: ResponseCodable, Equatable, Sendable {
    /// One caller, from answer to hang-up.
    struct Participant: ResponseCodable, Equatable, Sendable {
        var id: String
        var name: String
        var stage: String
        var inConference: Bool
        var admin: Bool
        var muted: Bool
        var onHold: Bool
        var waitingForMarked: Bool
        var packetsReceived: Int
        var packetsSent: Int
        /// The caller's jitter buffer delay now, in milliseconds.
        var jitterBufferMs: Int = 0
        /// Round-trip time, loss and jitter from RTCP, both ways.
        var rtcp: RTCP?

        enum CodingKeys: String, CodingKey {
            case id, name, stage, admin, muted
            case inConference = "in_conference"
            case onHold = "on_hold"
            case waitingForMarked = "waiting_for_marked"
            case packetsReceived = "packets_received"
            case packetsSent = "packets_sent"
            case jitterBufferMs = "jitter_buffer_ms"
            case rtcp
        }
    }

    /// A caller's RTCP figures (RFC 3550 §6.4); absent ones are not known yet.
    struct RTCP: ResponseCodable, Equatable, Sendable {
        var rttMs: Double?
        var remoteFractionLost: Double?
        var remotePacketsLost: Int?
        var remoteJitterMs: Double?
        var fractionLost: Double?
        var packetsLost: Int?
        var jitterMs: Double?
        var reportsSent: Int
        var reportsReceived: Int

        enum CodingKeys: String, CodingKey {
            case rttMs = "rtt_ms"
            case remoteFractionLost = "remote_fraction_lost"
            case remotePacketsLost = "remote_packets_lost"
            case remoteJitterMs = "remote_jitter_ms"
            case fractionLost = "fraction_lost"
            case packetsLost = "packets_lost"
            case jitterMs = "jitter_ms"
            case reportsSent = "reports_sent"
            case reportsReceived = "reports_received"
        }

        init(_ statistics: RTCPStatistics) {
            self.rttMs = statistics.roundTripMilliseconds
            self.remoteFractionLost = statistics.remoteFractionLost
            self.remotePacketsLost = statistics.remoteCumulativeLost
            self.remoteJitterMs = statistics.remoteJitterMilliseconds
            self.fractionLost = statistics.fractionLost
            self.packetsLost = statistics.cumulativeLost
            self.jitterMs = statistics.jitterMilliseconds
            self.reportsSent = statistics.reportsSent
            self.reportsReceived = statistics.reportsReceived
        }
    }

    var room: String
    var live: Bool
    var locked: Bool
    var recording: String?
    var participants: [Participant]
    /// Mixing ticks that ran more than 10 ms after their deadline since the room went live (a sign of an
    /// overloaded event loop; `make bench` reads their sum from `/metrics`).
    var lateTicks: Int

    enum CodingKeys: String, CodingKey {
        case room, live, locked, recording, participants
        case lateTicks = "late_ticks"
    }

    /// The view of a room nobody is in.
    static func empty(_ room: String) -> LiveRoomView {
        LiveRoomView(room: room, live: false, locked: false, recording: nil, participants: [])
    }

    init(
        room: String,
        live: Bool,
        locked: Bool,
        recording: String?,
        participants: [Participant],
        lateTicks: Int = 0
    ) {
        self.room = room
        self.live = live
        self.locked = locked
        self.recording = recording
        self.participants = participants
        self.lateTicks = lateTicks
    }

    /// The view of a bridge snapshot.
    init(_ snapshot: RoomSnapshot) {
        self.room = snapshot.extensionNumber
        self.live = true
        self.locked = snapshot.locked
        self.recording = snapshot.recording.map { String($0.split(separator: "/").last ?? Substring($0)) }
        self.lateTicks = snapshot.lateTicks
        self.participants = snapshot.members.map { member in
            Participant(
                id: member.id.description,
                name: member.displayName,
                stage: member.stage.rawValue,
                inConference: member.inConference,
                admin: member.isAdmin,
                muted: member.muted,
                onHold: member.onHold,
                waitingForMarked: member.waitingForMarked,
                packetsReceived: member.packetsReceived,
                packetsSent: member.packetsSent,
                jitterBufferMs: member.jitterBufferMilliseconds,
                rtcp: RTCP(member.rtcp)
            )
        }
    }

    /// Parses a participant id as the API shows it (`P12`) or as a bare number (`12`).
    static func participantID(_ text: String) -> ParticipantID? {
        let digits = text.hasPrefix("P") || text.hasPrefix("p") ? String(text.dropFirst()) : text
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let raw = UInt64(digits) else {
            return nil
        }
        return ParticipantID(raw)
    }
}
