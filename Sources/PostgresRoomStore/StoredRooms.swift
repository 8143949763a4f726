import Conference
import Foundation

/// One consistent copy of every room in the database, as of a change version; what the store answers reads from.
struct StoredRooms: Sendable {
    /// The database's change counter when this copy was read; a copy replaces another only if it is newer.
    var version: Int64
    var rooms: [String: RoomDefinition]
    /// Which room each DID reaches.
    var extensionByDID: [String: String]

    static let empty = StoredRooms(version: -1, rooms: [:], extensionByDID: [:])

    /// Reads the JSON array of the load query (one object per room, its DIDs inside).
    init(version: Int64, json: String) throws(ConferenceError) {
        let rows: [Row]
        do {
            rows = try JSONDecoder().decode([Row].self, from: Data(json.utf8))
        } catch {
            throw ConferenceError(.storeFailure, "room store returned rooms it cannot read: \(error)")
        }
        var rooms: [String: RoomDefinition] = [:]
        var extensionByDID: [String: String] = [:]
        for row in rows {
            let options: RoomOptions
            do {
                options = try JSONDecoder().decode(RoomOptions.self, from: Data(row.options.utf8))
            } catch {
                throw ConferenceError(.storeFailure, "room \(row.extension) has unreadable options: \(error)")
            }
            rooms[row.extension] = RoomDefinition(
                name: row.name,
                extensionNumber: row.extension,
                pin: row.pin,
                dids: row.dids,
                musicOnHoldClass: row.musicOnHoldClass,
                options: options,
                menu: try RoomMenu(parsing: row.menu)
            )
            for did in row.dids { extensionByDID[did] = row.extension }
        }
        self.init(version: version, rooms: rooms, extensionByDID: extensionByDID)
    }

    init(version: Int64, rooms: [String: RoomDefinition], extensionByDID: [String: String]) {
        self.version = version
        self.rooms = rooms
        self.extensionByDID = extensionByDID
    }

    func room(_ number: String) -> RoomDefinition? {
        self.rooms[number] ?? self.extensionByDID[number].flatMap { self.rooms[$0] }
    }

    /// A room as the load query spells it.
    private struct Row: Decodable {
        var `extension`: String
        var name: String
        var pin: String
        var musicOnHoldClass: String
        var options: String
        var menu: String
        var dids: [String]
    }
}
