import Conference
import NIOCore
import SIPCore

/// ``LiveRoomControl`` over the running ``ConferenceBridge``.
struct BridgeLiveRooms: LiveRoomControl {
    let bridge: ConferenceBridge

    func participants(room: String) async throws -> LiveRoomView? {
        try await self.bridge.participants(room: room).map(LiveRoomView.init)
    }

    func setMuted(_ muted: Bool, participant: ParticipantID, room: String) async throws -> Bool {
        try await self.bridge.setMuted(muted, participant: participant, room: room)
    }

    func kick(participant: ParticipantID, room: String) async throws -> Bool {
        try await self.bridge.kick(participant: participant, room: room)
    }

    func setLocked(_ locked: Bool, room: String) async throws -> Bool {
        try await self.bridge.setLocked(locked, room: room)
    }

    func startRecording(room: String) async throws -> String? {
        try await self.bridge.startRecording(room: room)
    }

    func stopRecording(room: String) async throws -> Bool {
        try await self.bridge.stopRecording(room: room)
    }

    func reloadRoom(_ room: String) async throws {
        try await self.bridge.reloadRoom(room)
    }

    func dialOut(
        _ target: SIPURI,
        via destination: SocketAddress?,
        room: String,
        displayName: String?,
        ringTimeout: Duration
    ) async throws -> ParticipantID {
        do {
            return try await self.bridge.dialOut(
                target,
                into: room,
                via: destination,
                displayName: displayName,
                ringTimeout: ringTimeout
            ).get()
        } catch let error as ConferenceBridge.DialOutError {
            switch error.status {
            case 404 where error.reason.hasPrefix("no room"): throw AdminError(.roomNotFound, error.reason)
            case 408: throw AdminError(.noAnswer, "\(target) did not answer: \(error.reason)")
            default: throw AdminError(.dialOutFailed, "\(target) answered \(error.status) \(error.reason)")
            }
        }
    }

    var trunk: ConferenceConfiguration.Trunk? { self.bridge.configuration.trunk }

    func liveRooms() async throws -> [String] {
        try await self.bridge.liveRooms()
    }

    var pinCounts: (failures: Int, refused: Int) { self.bridge.pinGuard.counts }

    var mediaMetrics: BridgeMetrics.Totals { self.bridge.metrics.snapshot() }

    func inviteResultCounts() async throws -> [Int: Int] {
        try await self.bridge.inviteResultCounts()
    }

    func overloadCounts() async throws -> (statistics: OverloadControl.Statistics, trackedSources: Int) {
        try await self.bridge.overloadCounts()
    }
}
