import Conference
import Hummingbird

/// Operations on rooms with callers in them: participants, mute, kick, lock, recording and dial-out.
///
/// A room must exist in the store (404 otherwise); operations that need callers answer 409 when it is empty.
struct LiveController<Context: RequestContext>: Sendable {
    let environment: AdminEnvironment

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("rooms/:extension/participants", use: self.participants)
        group.post("rooms/:extension/participants/:participant/mute") { request, context in
            try await self.setMuted(true, request: request, context: context)
        }
        group.post("rooms/:extension/participants/:participant/unmute") { request, context in
            try await self.setMuted(false, request: request, context: context)
        }
        group.delete("rooms/:extension/participants/:participant", use: self.kick)
        group.post("rooms/:extension/lock") { _, context in try await self.setLocked(true, context: context) }
        group.post("rooms/:extension/unlock") { _, context in try await self.setLocked(false, context: context) }
        group.post("rooms/:extension/recording/start", use: self.startRecording)
        group.post("rooms/:extension/recording/stop", use: self.stopRecording)
        group.post("rooms/:extension/dial-out", use: self.dialOut)
    }

    /// Who is in the room; an empty list (`live: false`) for a stored room nobody is in.
    @Sendable func participants(_ request: Request, context: Context) async throws -> LiveRoomView {
        let room = try self.storedRoom(context)
        return try await self.environment.live.participants(room: room) ?? .empty(room)
    }

    func setMuted(_ muted: Bool, request: Request, context: Context) async throws -> LiveRoomView.Participant {
        let (room, participant) = try self.participantParameters(context)
        guard try await self.environment.live.setMuted(muted, participant: participant, room: room) else {
            throw AdminError(.participantNotFound, "no participant \(participant) in room \(room)")
        }
        let view = try await self.environment.live.participants(room: room)
        guard let member = view?.participants.first(where: { $0.id == participant.description }) else {
            throw AdminError(.participantNotFound, "participant \(participant) left room \(room)")
        }
        return member
    }

    @Sendable func kick(_ request: Request, context: Context) async throws -> HTTPResponse.Status {
        let (room, participant) = try self.participantParameters(context)
        guard try await self.environment.live.kick(participant: participant, room: room) else {
            throw AdminError(.participantNotFound, "no participant \(participant) in room \(room)")
        }
        return .noContent
    }

    func setLocked(_ locked: Bool, context: Context) async throws -> LiveRoomView {
        let room = try self.storedRoom(context)
        guard try await self.environment.live.setLocked(locked, room: room) else {
            throw AdminError(.roomNotLive, "room \(room) has nobody in it; only a live room can be locked or unlocked")
        }
        return try await self.environment.live.participants(room: room) ?? .empty(room)
    }

    @Sendable func startRecording(_ request: Request, context: Context) async throws -> LiveRoomView {
        let room = try self.storedRoom(context)
        guard self.environment.recordingsDirectory != nil else {
            throw AdminError(.recordingUnavailable, "recording is off: the server has no recordings directory")
        }
        guard try await self.environment.live.liveRooms().contains(room) else {
            throw AdminError(.roomNotLive, "room \(room) has nobody in it; there is nothing to record")
        }
        guard try await self.environment.live.startRecording(room: room) != nil else {
            throw AdminError(.recordingUnavailable, "room \(room) could not start recording; see the server log")
        }
        return try await self.environment.live.participants(room: room) ?? .empty(room)
    }

    @Sendable func stopRecording(_ request: Request, context: Context) async throws -> LiveRoomView {
        let room = try self.storedRoom(context)
        guard try await self.environment.live.stopRecording(room: room) else {
            throw AdminError(.roomNotLive, "room \(room) has nobody in it")
        }
        return try await self.environment.live.participants(room: room) ?? .empty(room)
    }

    /// Calls a SIP address (or a number through the trunk) and seats whoever answers in the room, without a
    /// PIN. Answers once the call is up (the live room, with the new caller), or with why it is not: a bad
    /// target (422), refused (502), no answer within `ring_timeout` (504, the call is cancelled).
    @Sendable func dialOut(_ request: Request, context: Context) async throws -> LiveRoomView {
        let room = try self.storedRoom(context)
        let input: DialOutInput
        do {
            input = try await request.decode(as: DialOutInput.self, context: context)
        } catch let error as AdminError {
            throw error
        } catch {
            throw AdminError(.malformedRequest, "the body must be JSON like {\"target\": \"sip:alice@192.0.2.10\"}")
        }
        let ringTimeout = try input.checkedRingTimeout()
        let (target, destination) = try input.resolvedTarget(trunk: self.environment.live.trunk)
        _ = try await self.environment.live.dialOut(
            target,
            via: destination,
            room: room,
            displayName: input.displayName,
            ringTimeout: ringTimeout
        )
        return try await self.environment.live.participants(room: room) ?? .empty(room)
    }

    // MARK: helpers

    /// The room's extension from the path, after checking the store has it.
    private func storedRoom(_ context: Context) throws -> String {
        let extensionNumber = try RoomsController<Context>.extensionParameter(context)
        let room: RoomDefinition?
        do {
            room = try self.environment.store.room(extensionNumber: extensionNumber)
        } catch {
            throw AdminError(error)
        }
        guard room != nil else { throw AdminError(.roomNotFound, "no room with extension \(extensionNumber)") }
        return extensionNumber
    }

    private func participantParameters(_ context: Context) throws -> (String, ParticipantID) {
        let room = try self.storedRoom(context)
        let text = context.parameters.get("participant") ?? ""
        guard let participant = LiveRoomView.participantID(text) else {
            throw AdminError(.participantNotFound, "'\(text)' is not a participant id (like P12)")
        }
        return (room, participant)
    }
}
