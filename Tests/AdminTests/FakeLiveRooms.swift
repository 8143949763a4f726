import Conference
import Synchronization

@testable import ConfServer

/// A bridge stand-in: rooms with callers are plain values the test sets up, and every call is recorded.
final class FakeLiveRooms: LiveRoomControl {
    private let rooms = Mutex<[String: LiveRoomView]>([:])
    private let reloads = Mutex<[String]>([])

    func put(_ view: LiveRoomView) { self.rooms.withLock { $0[view.room] = view } }
    var reloaded: [String] { self.reloads.withLock { $0 } }

    func participants(room: String) async throws -> LiveRoomView? { self.rooms.withLock { $0[room] } }

    func setMuted(_ muted: Bool, participant: ParticipantID, room: String) async throws -> Bool {
        self.rooms.withLock { rooms in
            guard var view = rooms[room],
                let index = view.participants.firstIndex(where: { $0.id == participant.description })
            else { return false }
            view.participants[index].muted = muted
            rooms[room] = view
            return true
        }
    }

    func kick(participant: ParticipantID, room: String) async throws -> Bool {
        self.rooms.withLock { rooms in
            guard var view = rooms[room],
                let index = view.participants.firstIndex(where: { $0.id == participant.description })
            else { return false }
            view.participants.remove(at: index)
            rooms[room] = view
            return true
        }
    }

    func setLocked(_ locked: Bool, room: String) async throws -> Bool {
        self.rooms.withLock { rooms in
            guard rooms[room] != nil else { return false }
            rooms[room]?.locked = locked
            return true
        }
    }

    func startRecording(room: String) async throws -> String? {
        self.rooms.withLock { rooms in
            guard rooms[room] != nil else { return nil }
            rooms[room]?.recording = "room-\(room).wav"
            return "/tmp/room-\(room).wav"
        }
    }

    func stopRecording(room: String) async throws -> Bool {
        self.rooms.withLock { rooms in
            guard rooms[room] != nil else { return false }
            rooms[room]?.recording = nil
            return true
        }
    }

    func reloadRoom(_ room: String) async throws { self.reloads.withLock { $0.append(room) } }

    func liveRooms() async throws -> [String] { self.rooms.withLock { $0.keys.sorted() } }

    var pinCounts: (failures: Int, refused: Int) { (3, 1) }

    /// A caller in a room, as the bridge would show them.
    static func caller(_ id: UInt64, muted: Bool = false) -> LiveRoomView.Participant {
        LiveRoomView.Participant(
            id: ParticipantID(id).description,
            name: "caller \(id)",
            stage: "inConference",
            inConference: true,
            admin: false,
            muted: muted,
            onHold: false,
            waitingForMarked: false,
            packetsReceived: 10,
            packetsSent: 10
        )
    }
}
