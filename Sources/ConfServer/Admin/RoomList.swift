import Hummingbird

/// `GET /api/v1/rooms`: every stored room, ordered by extension.
struct RoomList: ResponseCodable, Equatable, Sendable {
    var rooms: [RoomResource]
}
