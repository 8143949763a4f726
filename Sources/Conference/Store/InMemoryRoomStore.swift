import NIOConcurrencyHelpers

/// A room store that lives in memory: for embedding applications that define rooms in code, and for tests.
///
/// Nothing survives the process; use ``SQLiteRoomStore`` where rooms must outlive a restart.
public final class InMemoryRoomStore: RoomStore {
    private let rooms: NIOLockedValueBox<[String: RoomDefinition]>

    /// Makes a store holding `rooms`, checked as `insert` checks them.
    public init(_ rooms: [RoomDefinition] = []) throws(ConferenceError) {
        self.rooms = NIOLockedValueBox([:])
        for room in rooms { try self.insert(room) }
    }

    /// Every room, in extension order.
    public func allRooms() throws(ConferenceError) -> [RoomDefinition] {
        self.rooms.withLockedValue { $0.values.sorted { $0.extensionNumber < $1.extensionNumber } }
    }

    /// The room with this extension or DID, if any.
    public func room(extensionNumber: String) throws(ConferenceError) -> RoomDefinition? {
        self.rooms.withLockedValue { rooms in
            rooms[extensionNumber] ?? rooms.values.first { $0.dids.contains(extensionNumber) }
        }
    }

    /// Adds a room; fails with `duplicateExtension` if its extension or a DID is taken.
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

    /// Replaces the room with the same extension; fails with `roomNotFound` if there is none.
    public func update(_ room: RoomDefinition) throws(ConferenceError) {
        try room.validate()
        let found = self.rooms.withLockedValue { rooms -> Bool in
            guard rooms[room.extensionNumber] != nil else { return false }
            rooms[room.extensionNumber] = room
            return true
        }
        if !found { throw ConferenceError(.roomNotFound, "no room with extension \(room.extensionNumber)") }
    }

    /// Removes a room; returns whether there was one.
    @discardableResult
    public func remove(extensionNumber: String) throws(ConferenceError) -> Bool {
        self.rooms.withLockedValue { $0.removeValue(forKey: extensionNumber) != nil }
    }
}
