/// Where room definitions live. The SQLite store is the embedded default; others (PostgreSQL) can follow.
///
/// Every write is durable before it returns, so an API answer never promises what a crash could take back.
public protocol RoomStore: Sendable {
    func allRooms() throws(ConferenceError) -> [RoomDefinition]
    func room(extensionNumber: String) throws(ConferenceError) -> RoomDefinition?
    /// Adds a room; fails with `.duplicateExtension` if its extension (or a DID) is taken.
    func insert(_ room: RoomDefinition) throws(ConferenceError)
    /// Replaces the room with the same extension; fails with `.roomNotFound` if there is none.
    func update(_ room: RoomDefinition) throws(ConferenceError)
    /// Removes the room with this extension; returns whether one existed.
    @discardableResult
    func remove(extensionNumber: String) throws(ConferenceError) -> Bool
}
