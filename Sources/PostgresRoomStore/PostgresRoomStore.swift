import Conference
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import PostgresNIO

/// A room store in PostgreSQL, so that several Parley nodes share one set of rooms.
///
/// The ``RoomStore`` protocol is synchronous because the bridge looks a room up on its event loop for every
/// INVITE, and that lookup must never wait on a network. So reads answer from a copy of every room held in memory;
/// the copy is loaded at start and reloaded whenever any node commits a change, which PostgreSQL announces with
/// NOTIFY on the `parley_rooms` channel (another node's edit is seen within milliseconds on a LAN).
///
/// Writes are durable before they return, as the protocol promises: each runs as one transaction on the store's
/// own connection and event-loop thread, never on the bridge's or the admin server's loops; the caller's thread
/// waits for the commit (as it waits for SQLite's fsync), then for the reloaded copy, so it reads its own write.
/// Writers on all nodes serialize on the row of `roomStoreVersion`, which makes the duplicate-extension checks hold
/// across nodes. When the database is unreachable, reads go on from the last copy and writes fail with
/// `.storeFailure`; the listening connection reconnects every second and reloads once it is back.
public final class PostgresRoomStore: RoomStore {
    /// Where the store connects (its description leaves out the password).
    public let url: PostgresStoreURL
    private let configuration: PostgresConnection.Configuration
    /// One thread of its own: waiting callers can never be blocking the loop their answer needs.
    private let group: MultiThreadedEventLoopGroup
    private let logger: Logger
    private let copy: NIOLockedValueBox<StoredRooms>
    /// The connection for writes; its lock is held for a whole transaction, which serializes this node's writes.
    private let writer: NIOLockedValueBox<PostgresConnection?>
    private let listener: NIOLockedValueBox<Listener>
    private let nextConnectionID: NIOLockedValueBox<Int>

    /// How long a statement may take before the store gives up on it and on its connection.
    static let timeout: TimeAmount = .seconds(10)
    /// The wait between attempts to reconnect the listening connection.
    static let reconnectDelay: TimeAmount = .seconds(1)

    private struct Listener {
        var connection: PostgresConnection?
        var closed = false
    }

    /// Connects to `url` (`postgres://user:password@host:port/database`), creates or upgrades the tables, starts
    /// listening for changes and loads every room; fails with `.storeFailure` if any of that fails.
    public init(url: String, logger: Logger = Logger(label: "parley.store")) throws(ConferenceError) {
        self.url = try PostgresStoreURL(url)
        self.configuration = try self.url.connectionConfiguration()
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        self.logger = logger
        self.copy = NIOLockedValueBox(.empty)
        self.writer = NIOLockedValueBox(nil)
        self.listener = NIOLockedValueBox(Listener())
        self.nextConnectionID = NIOLockedValueBox(0)
        do {
            try self.transaction { connection in try self.migrate(connection) }
            try self.startListening()
        } catch {
            self.close()
            throw error
        }
    }

    /// Closes the connections and the store's thread. Reads still answer from the last copy afterwards.
    public func close() {
        let listening = self.listener.withLockedValue { listener -> PostgresConnection? in
            listener.closed = true
            defer { listener.connection = nil }
            return listener.connection
        }
        let closingListener: EventLoopFuture<Void>? = listening?.close()
        try? closingListener?.wait()
        let writing = self.writer.withLockedValue { connection in
            defer { connection = nil }
            return connection
        }
        let closingWriter: EventLoopFuture<Void>? = writing?.close()
        try? closingWriter?.wait()
        try? self.group.syncShutdownGracefully()
    }

    // MARK: reads, from the copy

    public func allRooms() throws(ConferenceError) -> [RoomDefinition] {
        self.copy.withLockedValue { $0.rooms.values.sorted { $0.extensionNumber < $1.extensionNumber } }
    }

    public func room(extensionNumber: String) throws(ConferenceError) -> RoomDefinition? {
        self.copy.withLockedValue { $0.room(extensionNumber) }
    }

    /// The change version of the copy reads answer from (every committed change anywhere adds one).
    public var version: Int64 { self.copy.withLockedValue { $0.version } }

    // MARK: writes, durable before they return

    public func insert(_ room: RoomDefinition) throws(ConferenceError) {
        try room.validate()
        let options = try Self.encode(room.options)
        try self.change { connection in
            if try self.isTaken(room.extensionNumber, connection) {
                throw ConferenceError(.duplicateExtension, "extension \(room.extensionNumber) is already in use")
            }
            for did in room.dids where try self.isTaken(did, connection) {
                throw ConferenceError(.duplicateExtension, "DID \(did) is already in use")
            }
            try self.run(
                """
                INSERT INTO room (extension, name, pin, "musicOnHoldClass", options, menu)
                VALUES (\(room.extensionNumber), \(room.name), \(room.pin), \(room.musicOnHoldClass), \(options), \
                \(room.menu.description))
                """,
                on: connection
            )
            try self.insertDIDs(of: room, connection)
        }
    }

    public func update(_ room: RoomDefinition) throws(ConferenceError) {
        try room.validate()
        let options = try Self.encode(room.options)
        try self.change { connection in
            let updated = try self.run(
                """
                UPDATE room SET name = \(room.name), pin = \(room.pin), "musicOnHoldClass" = \(room.musicOnHoldClass),
                options = \(options), menu = \(room.menu.description) WHERE extension = \(room.extensionNumber)
                """,
                on: connection
            )
            guard updated.metadata.rows ?? 0 > 0 else {
                throw ConferenceError(.roomNotFound, "no room with extension \(room.extensionNumber)")
            }
            try self.run(#"DELETE FROM "roomDID" WHERE extension = \#(room.extensionNumber)"#, on: connection)
            for did in room.dids where try self.isTaken(did, connection) {
                throw ConferenceError(.duplicateExtension, "DID \(did) is already in use")
            }
            try self.insertDIDs(of: room, connection)
        }
    }

    @discardableResult
    public func remove(extensionNumber: String) throws(ConferenceError) -> Bool {
        try self.change { connection in
            try self.run(#"DELETE FROM "roomDID" WHERE extension = \#(extensionNumber)"#, on: connection)
            let removed = try self.run("DELETE FROM room WHERE extension = \(extensionNumber)", on: connection)
            return removed.metadata.rows ?? 0 > 0
        }
    }

    private func isTaken(_ number: String, _ connection: PostgresConnection) throws -> Bool {
        let rows = try self.run(
            #"SELECT 1 FROM room WHERE extension = \#(number) UNION SELECT 1 FROM "roomDID" WHERE did = \#(number)"#,
            on: connection
        )
        return !rows.rows.isEmpty
    }

    private func insertDIDs(of room: RoomDefinition, _ connection: PostgresConnection) throws {
        for did in room.dids {
            try self.run(
                #"INSERT INTO "roomDID" (did, extension) VALUES (\#(did), \#(room.extensionNumber))"#,
                on: connection
            )
        }
    }

    private static func encode(_ options: RoomOptions) throws(ConferenceError) -> String {
        do {
            return String(decoding: try JSONEncoder().encode(options), as: UTF8.self)
        } catch {
            throw ConferenceError(.storeFailure, "cannot encode room options: \(error)")
        }
    }

    /// One write: takes the change counter's row lock first (serializing writers on every node), runs `body`,
    /// announces the new version and commits; then reloads the copy so the caller reads its own write.
    private func change<T>(_ body: (PostgresConnection) throws -> T) throws(ConferenceError) -> T {
        try self.transaction(
            { connection in
                let bumped = try self.run(
                    #"UPDATE "roomStoreVersion" SET version = version + 1 WHERE id = 1 RETURNING version"#,
                    on: connection
                )
                guard let row = bumped.rows.first else {
                    throw ConferenceError(.storeFailure, "the room store's version row is missing")
                }
                let version = try row.decode(Int64.self)
                let result = try body(connection)
                try self.run("SELECT pg_notify(\(PostgresRoomSchema.channel), \(String(version)))", on: connection)
                return result
            },
            afterCommit: { connection in
                do {
                    try self.reload(on: connection)
                } catch {
                    self.logger.warning("room store: reloading after a write failed: \(error)")
                }
            }
        )
    }

    /// Runs `body` in a transaction on the writer connection (connecting first if needed), holding its lock.
    private func transaction<T>(
        _ body: (PostgresConnection) throws -> T,
        afterCommit: (PostgresConnection) -> Void = { _ in }
    ) throws(ConferenceError) -> T {
        let result = self.writer.withLockedValue { slot -> Result<T, ConferenceError> in
            do {
                let connection: PostgresConnection
                if let open = slot, !open.isClosed {
                    connection = open
                } else {
                    connection = try self.wait(self.connect(), closing: nil)
                    slot = connection
                }
                try self.run("BEGIN", on: connection)
                let value: T
                do {
                    value = try body(connection)
                    try self.run("COMMIT", on: connection)
                } catch {
                    _ = try? self.run("ROLLBACK", on: connection)
                    throw error
                }
                afterCommit(connection)
                return .success(value)
            } catch {
                if let closed = slot, closed.isClosed { slot = nil }
                return .failure(Self.storeError(error))
            }
        }
        return try result.get()
    }

    // MARK: schema

    private func migrate(_ connection: PostgresConnection) throws {
        try self.run("SELECT pg_advisory_xact_lock(\(PostgresRoomSchema.migrationLockKey))", on: connection)
        try self.run(
            #"CREATE TABLE IF NOT EXISTS "parleyMigration" (identifier TEXT PRIMARY KEY)"#,
            on: connection
        )
        let applied = try self.run(#"SELECT identifier FROM "parleyMigration""#, on: connection).rows.map {
            try $0.decode(String.self)
        }
        for migration in PostgresRoomSchema.migrations where !applied.contains(migration.identifier) {
            for statement in migration.statements {
                try self.run(PostgresQuery(unsafeSQL: statement), on: connection)
            }
            try self.run(
                #"INSERT INTO "parleyMigration" (identifier) VALUES (\#(migration.identifier))"#,
                on: connection
            )
            self.logger.info("room store: applied migration '\(migration.identifier)' on \(self.url)")
        }
    }

    // MARK: the copy and the listening connection

    /// Reads every room on `connection` (waiting) and takes the result if it is newer than the copy.
    private func reload(on connection: PostgresConnection) throws {
        let result = try self.run(PostgresQuery(unsafeSQL: PostgresRoomSchema.loadQuery), on: connection)
        try self.take(result)
    }

    private func take(_ result: PostgresQueryResult) throws {
        guard let row = result.rows.first else {
            throw ConferenceError(.storeFailure, "the room store's version row is missing")
        }
        let (version, json) = try row.decode((Int64, String).self)
        let loaded = try StoredRooms(version: version, json: json)
        self.copy.withLockedValue { copy in
            if loaded.version > copy.version { copy = loaded }
        }
    }

    /// At start: connects the listening connection, LISTENs, then loads (in that order, so no change is missed).
    private func startListening() throws(ConferenceError) {
        do {
            let connection = try self.wait(self.connect(), closing: nil)
            self.listener.withLockedValue { $0.connection = connection }
            try self.wait(self.listen(on: connection), closing: connection)
            try self.reload(on: connection)
            self.watch(connection)
        } catch {
            throw Self.storeError(error)
        }
    }

    private func listen(on connection: PostgresConnection) -> EventLoopFuture<Void> {
        connection.addListener(channel: PostgresRoomSchema.channel) { _, notification in
            // The payload is the version committed; a copy at least that new needs no reload.
            if let version = Int64(notification.payload), version <= self.version { return }
            self.reloadInBackground(on: connection)
        }
        return connection.query(PostgresQuery(unsafeSQL: "LISTEN \(PostgresRoomSchema.channel)"), logger: self.logger)
            .map { _ in }
    }

    private func reloadInBackground(on connection: PostgresConnection) {
        let query = PostgresQuery(unsafeSQL: PostgresRoomSchema.loadQuery)
        connection.query(query, logger: self.logger).whenComplete { result in
            do {
                try self.take(try result.get())
            } catch {
                self.logger.warning("room store: reloading after a change failed: \(Self.storeError(error).reason)")
            }
        }
    }

    /// When the listening connection drops, reconnects after ``reconnectDelay`` until it works, then reloads.
    private func watch(_ connection: PostgresConnection) {
        connection.closeFuture.whenComplete { _ in
            let closed = self.listener.withLockedValue { listener in
                if listener.connection === connection { listener.connection = nil }
                return listener.closed
            }
            guard !closed else { return }
            self.logger.warning("room store: lost the connection to \(self.url); reconnecting")
            self.reconnectListener()
        }
    }

    private func reconnectListener() {
        let loop = self.group.next()
        loop.scheduleTask(in: Self.reconnectDelay) {
            self.connect().flatMap { connection in
                self.listen(on: connection).map { connection }.flatMapError {
                    error -> EventLoopFuture<PostgresConnection> in
                    let closing: EventLoopFuture<Void> = connection.close()
                    return closing.flatMapThrowing { throw error }
                }
            }.whenComplete { result in
                switch result {
                case .success(let connection):
                    let closed = self.listener.withLockedValue { listener in
                        if !listener.closed { listener.connection = connection }
                        return listener.closed
                    }
                    if closed {
                        let _: EventLoopFuture<Void> = connection.close()
                        return
                    }
                    self.logger.info("room store: reconnected to \(self.url)")
                    self.watch(connection)
                    self.reloadInBackground(on: connection)
                case .failure(let error):
                    if self.listener.withLockedValue({ $0.closed }) { return }
                    self.logger.debug("room store: reconnecting failed: \(Self.storeError(error).reason)")
                    self.reconnectListener()
                }
            }
        }
    }

    // MARK: connections and waiting

    private func connect() -> EventLoopFuture<PostgresConnection> {
        let id = self.nextConnectionID.withLockedValue { id in
            id += 1
            return id
        }
        return PostgresConnection.connect(
            on: self.group.next(),
            configuration: self.configuration,
            id: id,
            logger: self.logger
        )
    }

    @discardableResult
    private func run(_ query: PostgresQuery, on connection: PostgresConnection) throws -> PostgresQueryResult {
        try self.wait(connection.query(query, logger: self.logger), closing: connection)
    }

    /// Waits for `future` (never called on the store's own thread); after ``timeout`` gives up and closes
    /// `connection`, whose state is unknown then.
    private func wait<T: Sendable>(_ future: EventLoopFuture<T>, closing connection: PostgresConnection?) throws -> T {
        let promise = future.eventLoop.makePromise(of: T.self)
        future.cascade(to: promise)
        let timer = future.eventLoop.scheduleTask(in: Self.timeout) {
            promise.fail(ConferenceError(.storeFailure, "the database did not answer within \(Self.timeout)"))
            let _: EventLoopFuture<Void>? = connection?.close()
        }
        defer { timer.cancel() }
        return try promise.futureResult.wait()
    }

    /// A conference error for any failure, keeping the database's own message (PSQLError hides it by default).
    private static func storeError(_ error: any Error) -> ConferenceError {
        if let error = error as? ConferenceError { return error }
        if let error = error as? PSQLError {
            if error.serverInfo?[.sqlState] == "23505" {
                return ConferenceError(.duplicateExtension, "extension or DID is already in use")
            }
            if let message = error.serverInfo?[.message] {
                return ConferenceError(.storeFailure, "room store: \(message)")
            }
            return ConferenceError(.storeFailure, "room store: \(error.code)")
        }
        return ConferenceError(.storeFailure, "room store: \(error)")
    }
}
