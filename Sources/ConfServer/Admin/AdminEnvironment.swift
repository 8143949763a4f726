import Conference

/// What the admin API's routes work on: the room store, the live bridge, files and the event stream.
///
/// Passed in whole to ``AdminRouter/build(_:)`` so tests substitute any part of it.
struct AdminEnvironment: Sendable {
    /// Where room definitions live; every write is durable before the API answers.
    var store: any RoomStore
    /// The running bridge's rooms.
    var live: any LiveRoomControl
    /// Where recordings are written; nil when recording is off.
    var recordingsDirectory: String?
    /// The bearer token every API request must carry; nil accepts requests without one (loopback only).
    var token: String?
    /// Live conference events for WebSocket subscribers.
    var events: EventBroadcaster
    /// Counters and gauges for `/metrics`.
    var metrics: AdminMetrics
}
