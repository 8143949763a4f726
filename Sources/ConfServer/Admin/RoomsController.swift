import Conference
import Hummingbird

/// Rooms CRUD under `/api/v1/rooms`: every change is validated whole before the store is written, so a bad
/// request never leaves a room half-changed.
struct RoomsController<Context: RequestContext>: Sendable {
    let environment: AdminEnvironment

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("rooms", use: self.list)
        group.post("rooms", use: self.create)
        group.get("rooms/:extension", use: self.show)
        group.put("rooms/:extension", use: self.replace)
        group.patch("rooms/:extension", use: self.patch)
        group.delete("rooms/:extension", use: self.delete)
        group.post("rooms/:extension/pin/regenerate", use: self.regeneratePIN)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> RoomList {
        let showPIN = try Self.showPIN(request)
        let rooms = try self.storeCall { store throws(ConferenceError) in try store.allRooms() }
        return RoomList(
            rooms: rooms.sorted { $0.extensionNumber < $1.extensionNumber }.map { RoomResource($0, showPIN: showPIN) }
        )
    }

    /// Creates a room; the PIN is generated when absent. The answer shows the PIN, so the operator can hand it out.
    @Sendable func create(_ request: Request, context: Context) async throws -> EditedResponse<RoomResource> {
        let input = try await Self.decode(request, context: context)
        guard let name = input.name else { throw AdminError(.invalidRoom, "field 'name' is required") }
        guard let extensionNumber = input.extensionNumber else {
            throw AdminError(.invalidRoom, "field 'extension' is required")
        }
        let pin = try input.pin ?? PINGenerator.generate(length: input.generatedPINLength())
        let room = RoomDefinition(
            name: name,
            extensionNumber: extensionNumber,
            pin: pin,
            dids: input.dids ?? [],
            musicOnHoldClass: input.musicOnHold ?? "default",
            options: try input.applyOptions(to: RoomOptions()),
            menu: try input.parsedMenu() ?? .standard
        )
        try Self.validate(room)
        try self.storeCall { store throws(ConferenceError) in try store.insert(room) }
        return EditedResponse(status: .created, response: RoomResource(room, showPIN: true))
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> RoomResource {
        RoomResource(try self.existing(context), showPIN: try Self.showPIN(request))
    }

    /// Replaces a room: absent fields take their defaults, except the PIN, which is kept when absent.
    @Sendable func replace(_ request: Request, context: Context) async throws -> RoomResource {
        let current = try self.existing(context)
        let input = try await Self.decode(request, context: context)
        try Self.checkExtension(input, matches: current)
        guard let name = input.name else { throw AdminError(.invalidRoom, "field 'name' is required") }
        let room = RoomDefinition(
            name: name,
            extensionNumber: current.extensionNumber,
            pin: input.pin ?? current.pin,
            dids: input.dids ?? [],
            musicOnHoldClass: input.musicOnHold ?? "default",
            options: try input.applyOptions(to: RoomOptions()),
            menu: try input.parsedMenu() ?? .standard
        )
        return try await self.save(room, request: request)
    }

    /// Changes only the fields given; options merge into the room's current options.
    @Sendable func patch(_ request: Request, context: Context) async throws -> RoomResource {
        var room = try self.existing(context)
        let input = try await Self.decode(request, context: context)
        try Self.checkExtension(input, matches: room)
        if let name = input.name { room.name = name }
        if let pin = input.pin { room.pin = pin }
        if let dids = input.dids { room.dids = dids }
        if let music = input.musicOnHold { room.musicOnHoldClass = music }
        room.options = try input.applyOptions(to: room.options)
        if let menu = try input.parsedMenu() { room.menu = menu }
        return try await self.save(room, request: request)
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> HTTPResponse.Status {
        let extensionNumber = try Self.extensionParameter(context)
        let removed = try self.storeCall { store throws(ConferenceError) in
            try store.remove(extensionNumber: extensionNumber)
        }
        guard removed else { throw AdminError(.roomNotFound, "no room with extension \(extensionNumber)") }
        return .noContent
    }

    /// Gives the room a new random PIN of the same length (at least 6) and shows it.
    @Sendable func regeneratePIN(_ request: Request, context: Context) async throws -> RoomResource {
        var room = try self.existing(context)
        var pin = PINGenerator.generate(length: max(6, room.pin.count))
        while pin == room.options.adminPIN { pin = PINGenerator.generate(length: max(6, room.pin.count)) }
        room.pin = pin
        try self.storeCall { store throws(ConferenceError) in try store.update(room) }
        try? await self.environment.live.reloadRoom(room.extensionNumber)
        return RoomResource(room, showPIN: true)
    }

    // MARK: helpers

    private func save(_ room: RoomDefinition, request: Request) async throws -> RoomResource {
        try Self.validate(room)
        try self.storeCall { store throws(ConferenceError) in try store.update(room) }
        try? await self.environment.live.reloadRoom(room.extensionNumber)
        return RoomResource(room, showPIN: try Self.showPIN(request))
    }

    private func existing(_ context: Context) throws -> RoomDefinition {
        let extensionNumber = try Self.extensionParameter(context)
        let room = try self.storeCall { store throws(ConferenceError) in
            try store.room(extensionNumber: extensionNumber)
        }
        guard let room else { throw AdminError(.roomNotFound, "no room with extension \(extensionNumber)") }
        return room
    }

    private func storeCall<T>(_ body: (any RoomStore) throws(ConferenceError) -> T) throws(AdminError) -> T {
        do {
            return try body(self.environment.store)
        } catch {
            throw AdminError(error)
        }
    }

    static func validate(_ room: RoomDefinition) throws(AdminError) {
        do {
            try room.validate()
        } catch {
            throw AdminError(error)
        }
    }

    static func checkExtension(_ input: RoomInput, matches room: RoomDefinition) throws(AdminError) {
        if let given = input.extensionNumber, given != room.extensionNumber {
            throw AdminError(
                .invalidRoom,
                "the extension cannot change (path says \(room.extensionNumber), body says \(given)); create a new room"
            )
        }
    }

    static func extensionParameter(_ context: Context) throws(AdminError) -> String {
        guard let value = context.parameters.get("extension") else {
            throw AdminError(.malformedRequest, "missing room extension in the path")
        }
        return value
    }

    /// Reads `?show_pin=`; only `true`/`false` (or `1`/`0`) are accepted.
    static func showPIN(_ request: Request) throws(AdminError) -> Bool {
        switch request.uri.queryParameters.get("show_pin") {
        case nil, "false", "0": return false
        case "true", "1": return true
        case let other?: throw AdminError(.malformedRequest, "show_pin must be true or false, got '\(other)'")
        }
    }

    static func decode(_ request: Request, context: Context) async throws -> RoomInput {
        do {
            return try await request.decode(as: RoomInput.self, context: context)
        } catch let error as HTTPError {
            throw AdminError(.malformedRequest, error.body ?? "the body is not a JSON room object")
        }
    }
}
