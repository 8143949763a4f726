import Foundation
import GRDB

/// The embedded room store: one SQLite file in WAL mode, with versioned migrations.
///
/// WAL with `synchronous = FULL` makes each committed write survive a kill -9 or power loss.
public final class SQLiteRoomStore: RoomStore {
    private let queue: DatabaseQueue

    /// Opens (creating if needed) `rooms.sqlite` in `directory`.
    public init(directory: String) throws(ConferenceError) {
        var isDirectory: ObjCBool = false
        let manager = FileManager.default
        if !manager.fileExists(atPath: directory, isDirectory: &isDirectory) {
            do {
                try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw ConferenceError(.storeFailure, "cannot create data directory \(directory)")
            }
        } else if !isDirectory.boolValue {
            throw ConferenceError(.storeFailure, "data directory \(directory) is not a directory")
        }
        guard manager.isWritableFile(atPath: directory) else {
            throw ConferenceError(.storeFailure, "data directory \(directory) is not writable")
        }
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            let queue = try DatabaseQueue(path: directory + "/rooms.sqlite", configuration: configuration)
            _ = try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = WAL") }
            try Self.migrator.migrate(queue)
            self.queue = queue
        } catch {
            throw ConferenceError(.storeFailure, "cannot open room store in \(directory): \(error)")
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: rooms") { db in
            try db.create(table: "room") { table in
                table.column("extension", .text).primaryKey()
                table.column("name", .text).notNull()
                table.column("pin", .text).notNull()
                table.column("musicOnHoldClass", .text).notNull().defaults(to: "default")
                // ConfBridge-style options as JSON: new options need no schema change.
                table.column("options", .text).notNull().defaults(to: "{}")
            }
            try db.create(table: "roomDID") { table in
                table.column("did", .text).primaryKey()
                table.column("extension", .text).notNull().references("room", column: "extension", onDelete: .cascade)
            }
        }
        migrator.registerMigration("v2: room menus") { db in
            // The in-call DTMF menu in RoomMenu's text form; rooms from before keep ConfBridge's default menu.
            try db.alter(table: "room") { table in
                table.add(column: "menu", .text).notNull().defaults(to: "default")
            }
        }
        return migrator
    }

    /// Every room, in extension order.
    public func allRooms() throws(ConferenceError) -> [RoomDefinition] {
        try self.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM room ORDER BY extension")
            return try rows.map { try Self.definition(from: $0, db: db) }
        }
    }

    /// The room with this extension or DID, if any.
    public func room(extensionNumber: String) throws(ConferenceError) -> RoomDefinition? {
        try self.read { db in
            if let row = try Row.fetchOne(
                db,
                sql: "SELECT * FROM room WHERE extension = ?",
                arguments: [extensionNumber]
            ) {
                return try Self.definition(from: row, db: db)
            }
            let viaDID = try String.fetchOne(
                db,
                sql: "SELECT extension FROM roomDID WHERE did = ?",
                arguments: [extensionNumber]
            )
            guard let viaDID,
                let row = try Row.fetchOne(db, sql: "SELECT * FROM room WHERE extension = ?", arguments: [viaDID])
            else { return nil }
            return try Self.definition(from: row, db: db)
        }
    }

    /// Adds a room; fails with `duplicateExtension` if its extension or a DID is taken.
    public func insert(_ room: RoomDefinition) throws(ConferenceError) {
        try room.validate()
        try self.write { db in
            if try Self.isTaken(room.extensionNumber, db: db) {
                throw ConferenceError(.duplicateExtension, "extension \(room.extensionNumber) is already in use")
            }
            for did in room.dids where try Self.isTaken(did, db: db) {
                throw ConferenceError(.duplicateExtension, "DID \(did) is already in use")
            }
            try Self.save(room, db: db)
        }
    }

    /// Replaces the room with the same extension; fails with `roomNotFound` if there is none.
    public func update(_ room: RoomDefinition) throws(ConferenceError) {
        try room.validate()
        try self.write { db in
            guard
                try Row.fetchOne(db, sql: "SELECT 1 FROM room WHERE extension = ?", arguments: [room.extensionNumber])
                    != nil
            else { throw ConferenceError(.roomNotFound, "no room with extension \(room.extensionNumber)") }
            try db.execute(sql: "DELETE FROM roomDID WHERE extension = ?", arguments: [room.extensionNumber])
            for did in room.dids where try Self.isTaken(did, db: db) {
                throw ConferenceError(.duplicateExtension, "DID \(did) is already in use")
            }
            try db.execute(sql: "DELETE FROM room WHERE extension = ?", arguments: [room.extensionNumber])
            try Self.save(room, db: db)
        }
    }

    /// Removes a room; returns whether there was one.
    @discardableResult
    public func remove(extensionNumber: String) throws(ConferenceError) -> Bool {
        try self.write { db in
            try db.execute(sql: "DELETE FROM roomDID WHERE extension = ?", arguments: [extensionNumber])
            try db.execute(sql: "DELETE FROM room WHERE extension = ?", arguments: [extensionNumber])
            return db.changesCount > 0
        }
    }

    private static func isTaken(_ number: String, db: Database) throws -> Bool {
        try Row.fetchOne(
            db,
            sql: "SELECT 1 FROM room WHERE extension = ? UNION SELECT 1 FROM roomDID WHERE did = ?",
            arguments: [number, number]
        ) != nil
    }

    private static func save(_ room: RoomDefinition, db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO room (extension, name, pin, musicOnHoldClass, options, menu)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                room.extensionNumber, room.name, room.pin, room.musicOnHoldClass,
                String(decoding: try JSONEncoder().encode(room.options), as: UTF8.self),
                room.menu.description,
            ]
        )
        for did in room.dids {
            try db.execute(
                sql: "INSERT INTO roomDID (did, extension) VALUES (?, ?)",
                arguments: [did, room.extensionNumber]
            )
        }
    }

    private static func definition(from row: Row, db: Database) throws -> RoomDefinition {
        let ext: String = row["extension"]
        let dids = try String.fetchAll(
            db,
            sql: "SELECT did FROM roomDID WHERE extension = ? ORDER BY did",
            arguments: [ext]
        )
        let optionsJSON: String = row["options"]
        let options = try JSONDecoder().decode(RoomOptions.self, from: Data(optionsJSON.utf8))
        let menuText: String = row["menu"]
        return RoomDefinition(
            name: row["name"],
            extensionNumber: ext,
            pin: row["pin"],
            dids: dids,
            musicOnHoldClass: row["musicOnHoldClass"],
            options: options,
            menu: try RoomMenu(parsing: menuText)
        )
    }

    private func read<T>(_ body: (Database) throws -> T) throws(ConferenceError) -> T {
        do {
            return try self.queue.read(body)
        } catch let error as ConferenceError {
            throw error
        } catch {
            throw ConferenceError(.storeFailure, "room store read failed: \(error)")
        }
    }

    private func write<T>(_ body: (Database) throws -> T) throws(ConferenceError) -> T {
        do {
            return try self.queue.write(body)
        } catch let error as ConferenceError {
            throw error
        } catch {
            throw ConferenceError(.storeFailure, "room store write failed: \(error)")
        }
    }
}
