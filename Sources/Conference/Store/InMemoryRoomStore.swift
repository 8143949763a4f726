import NIOConcurrencyHelpers

/// A room store that lives in memory: for embedding applications that define rooms in code, and for tests.
///
/// Nothing survives the process; use ``SQLiteRoomStore`` where rooms must outlive a restart.
public final class InMemoryRoomStore: RoomStore {
    private let rooms: NIOLockedValueBox<[String: RoomDefinition]>

    public init(_ rooms: [RoomDefinition] = []) throws(ConferenceError) {
        self.rooms = NIOLockedValueBox([:])
        for room in rooms { try self.insert(room) }
    }

    public func allRooms() throws(ConferenceError) -> [RoomDefinition] {
        self.rooms.withLockedValue { $0.values.sorted { $0.extensionNumber < $1.extensionNumber } }
    }

    public func room(extensionNumber: String) throws(ConferenceError) -> RoomDefinition? {
        self.rooms.withLockedValue { rooms in
            rooms[extensionNumber] ?? rooms.values.first { $0.dids.contains(extensionNumber) }
        }
    }

    public func insert(_ room: RoomDefinition) throws(ConferenceError) {
        try room.validate()
        let taken = self.rooms.withLockedValue { rooms -> String? in
            let numbers = [room.extensionNumber] + room.dids
            for number in numbers
            where rooms[number] != nil || rooms.values.contains(where: { $0.dids.contains(number) }) {
                return number
            }
            rooms[room.extensionNumber] = room
            return nil
        }
        if let taken { throw ConferenceError(.duplicateExtension, "extension or DID \(taken) is already in use") }
    }

    public func update(_ room: RoomDefinition) throws(ConferenceError) {
        try room.validate()
        let found = self.rooms.withLockedValue { rooms -> Bool in
            guard rooms[room.extensionNumber] != nil else { return false }
            rooms[room.extensionNumber] = room
            return true
        }
        if !found { throw ConferenceError(.roomNotFound, "no room with extension \(room.extensionNumber)") }
    }

    @discardableResult
    public func remove(extensionNumber: String) throws(ConferenceError) -> Bool {
        self.rooms.withLockedValue { $0.removeValue(forKey: extensionNumber) != nil }
    }
}
