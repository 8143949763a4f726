import NIOCore

/// Live-room operations for an admin API or an embedding application. Each hops to the room's event loop.
extension ConferenceBridge {
    /// Runs `body` on the live room for `extensionNumber`; nil if nobody is in the room.
    private func withRoom<T: Sendable>(
        _ extensionNumber: String,
        _ body: @escaping @Sendable (isolated ConferenceRoom) -> T
    ) async throws -> T? {
        guard let room = try await self.liveRoom(extensionNumber) else { return nil }
        return try await room.eventLoop.submit { room.assumeIsolated { body($0) } }.get()
    }

    private func liveRoom(_ extensionNumber: String) async throws -> ConferenceRoom? {
        try await self.sipLoop.submit { self.roomsByExtension[extensionNumber] }.get()
    }

    /// Who is in a room right now (nil: nobody).
    public func participants(room extensionNumber: String) async throws -> RoomSnapshot? {
        try await self.withRoom(extensionNumber) { $0.snapshot() }
    }

    /// Mutes or unmutes a participant; false if there is no such participant in the room.
    public func setMuted(_ muted: Bool, participant: ParticipantID, room extensionNumber: String) async throws -> Bool {
        try await self.withRoom(extensionNumber) { $0.setMuted(muted, for: participant) } ?? false
    }

    /// Removes a participant (they hear "you have been kicked", then BYE).
    public func kick(participant: ParticipantID, room extensionNumber: String) async throws -> Bool {
        try await self.withRoom(extensionNumber) { $0.kick(participant) } ?? false
    }

    /// Locks or unlocks a live room; false if nobody is in it.
    public func setLocked(_ locked: Bool, room extensionNumber: String) async throws -> Bool {
        try await self.withRoom(extensionNumber) { room -> Bool in
            room.setLocked(locked)
            return true
        } ?? false
    }

    /// Starts recording a live room; returns the file's path (nil: nobody in the room or no recordings directory).
    public func startRecording(room extensionNumber: String) async throws -> String? {
        try await self.withRoom(extensionNumber) { $0.startRecording() } ?? nil
    }

    /// Stops recording a live room; false if nobody is in it.
    public func stopRecording(room extensionNumber: String) async throws -> Bool {
        try await self.withRoom(extensionNumber) { room -> Bool in
            room.stopRecording()
            return true
        } ?? false
    }

    /// Tells a live room that its definition changed in the store (PIN, options), so new callers see it.
    public func reloadRoom(_ extensionNumber: String) async throws {
        let definition = try self.store.room(extensionNumber: extensionNumber)
        guard let definition else { return }
        _ = try await self.withRoom(extensionNumber) { $0.updateDefinition(definition) }
    }

    /// Extensions of the rooms with someone in them.
    public func liveRooms() async throws -> [String] {
        try await self.sipLoop.submit { self.roomsByExtension.keys.sorted() }.get()
    }
}
