/// The PostgreSQL room store's tables, created and upgraded by named migrations.
///
/// The tables and columns are the SQLite store's (`room`, `roomDID`; quoted, so the camel-case names stay), and
/// the migrations carry the same identifiers, so one look at either database says which schema it has. PostgreSQL
/// adds `roomStoreVersion`: one row counting committed changes, which orders reloads across nodes and whose row lock
/// serializes writers, so the duplicate checks of two nodes cannot interleave.
enum PostgresRoomSchema {
    /// The migrations in order: identifier and statements. Applied ones are recorded in `parleyMigration`.
    static let migrations: [(identifier: String, statements: [String])] = [
        (
            "v1: rooms",
            [
                """
                CREATE TABLE room (
                    extension TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    pin TEXT NOT NULL,
                    "musicOnHoldClass" TEXT NOT NULL DEFAULT 'default',
                    options TEXT NOT NULL DEFAULT '{}'
                )
                """,
                """
                CREATE TABLE "roomDID" (
                    did TEXT PRIMARY KEY,
                    extension TEXT NOT NULL REFERENCES room (extension) ON DELETE CASCADE
                )
                """,
                """
                CREATE TABLE "roomStoreVersion" (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    version BIGINT NOT NULL
                )
                """,
                #"INSERT INTO "roomStoreVersion" (id, version) VALUES (1, 0)"#,
            ]
        ),
        (
            "v2: room menus",
            [#"ALTER TABLE room ADD COLUMN menu TEXT NOT NULL DEFAULT 'default'"#]
        ),
    ]

    /// Serializes migrations of nodes starting together (`pg_advisory_xact_lock` key; "parley" in ASCII).
    static let migrationLockKey: Int64 = 0x7061_726c_6579

    /// The channel on which every committed change is announced; the payload is the new version.
    static let channel = "parley_rooms"

    /// Every room with its DIDs and the version they belong to, in one statement (so one snapshot).
    static let loadQuery = """
        SELECT v.version, COALESCE((
            SELECT json_agg(json_build_object(
                'extension', r.extension, 'name', r.name, 'pin', r.pin,
                'musicOnHoldClass', r."musicOnHoldClass", 'options', r.options, 'menu', r.menu,
                'dids', COALESCE(
                    (SELECT json_agg(d.did ORDER BY d.did) FROM "roomDID" d WHERE d.extension = r.extension),
                    '[]'::json)
            ) ORDER BY r.extension) FROM room r
        ), '[]'::json)::text
        FROM "roomStoreVersion" v WHERE v.id = 1
        """
}
