import Conference
import NIOCore
import SIPCore

/// What the admin API asks of the running bridge about rooms with callers in them.
///
/// ``BridgeLiveRooms`` adapts ``ConferenceBridge``; tests pass a fake, so routes run with no sockets.
protocol LiveRoomControl: Sendable {
    /// The room's callers right now; nil when nobody is in it.
    func participants(room: String) async throws -> LiveRoomView?
    /// Mutes or unmutes a caller; false when there is no such caller in the room.
    func setMuted(_ muted: Bool, participant: ParticipantID, room: String) async throws -> Bool
    /// Hangs up a caller; false when there is no such caller in the room.
    func kick(participant: ParticipantID, room: String) async throws -> Bool
    /// Locks or unlocks a room; false when nobody is in it.
    func setLocked(_ locked: Bool, room: String) async throws -> Bool
    /// Starts recording; the file's path, or nil when nobody is in the room or recording is off.
    func startRecording(room: String) async throws -> String?
    /// Stops recording; false when nobody is in the room.
    func stopRecording(room: String) async throws -> Bool
    /// Tells a live room that its stored definition changed.
    func reloadRoom(_ room: String) async throws
    /// Calls `target` (through `destination` when given, e.g. the trunk) and seats whoever answers in the room;
    /// cancels after `ringTimeout`. Throws an ``AdminError`` saying why the call did not connect.
    func dialOut(
        _ target: SIPURI,
        via destination: SocketAddress?,
        room: String,
        displayName: String?,
        ringTimeout: Duration
    ) async throws -> ParticipantID
    /// The trunk a number is dialled through, if one is configured.
    var trunk: ConferenceConfiguration.Trunk? { get }
    /// Extensions of rooms with callers in them.
    func liveRooms() async throws -> [String]
    /// PIN failures and refusals since start, for metrics.
    var pinCounts: (failures: Int, refused: Int) { get }
    /// RTP packet, loss, jitter and mixing-tick figures since start, for metrics.
    var mediaMetrics: BridgeMetrics.Totals { get }
    /// How many new calls got each final status since start (200: answered), for metrics.
    func inviteResultCounts() async throws -> [Int: Int]
    /// Flood and overload protection's counts since start, and the sources it tracks now, for metrics.
    func overloadCounts() async throws -> (statistics: OverloadControl.Statistics, trackedSources: Int)
}

extension LiveRoomControl {
    /// Nothing counted: for fakes that run no media.
    var mediaMetrics: BridgeMetrics.Totals { BridgeMetrics.Totals() }

    func inviteResultCounts() async throws -> [Int: Int] { [:] }

    func overloadCounts() async throws -> (statistics: OverloadControl.Statistics, trackedSources: Int) {
        (OverloadControl.Statistics(), 0)
    }
}

extension LiveRoomControl {
    /// A bridge that cannot place calls (test fakes) answers 501.
    func dialOut(
        _ target: SIPURI,
        via destination: SocketAddress?,
        room: String,
        displayName: String?,
        ringTimeout: Duration
    ) async throws -> ParticipantID {
        throw AdminError(.notImplemented, "this bridge cannot place calls")
    }

    var trunk: ConferenceConfiguration.Trunk? { nil }
}
