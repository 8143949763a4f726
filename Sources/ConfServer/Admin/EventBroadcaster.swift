import Conference
import Synchronization

/// Fans conference events out to every WebSocket subscriber.
///
/// The bridge calls ``publish(_:)`` from its event loops; each subscriber reads an `AsyncStream` that keeps
/// the newest 256 events, so a slow client loses old events instead of growing the server's memory.
final class EventBroadcaster: Sendable {
    private struct State {
        var nextID = 0
        var subscribers: [Int: AsyncStream<EventMessage>.Continuation] = [:]
        var sequence = 0
    }

    private let state = Mutex(State())

    init() {}

    /// Sends `event` to every subscriber.
    func publish(_ event: ConferenceEvent) {
        self.state.withLock { state in
            state.sequence += 1
            let message = EventMessage(event, sequence: state.sequence)
            for continuation in state.subscribers.values { continuation.yield(message) }
        }
    }

    /// A new subscription; events published from now on arrive on its stream until ``unsubscribe(_:)``.
    func subscribe() -> (id: Int, events: AsyncStream<EventMessage>) {
        let (stream, continuation) = AsyncStream<EventMessage>.makeStream(bufferingPolicy: .bufferingNewest(256))
        let id = self.state.withLock { state in
            state.nextID += 1
            state.subscribers[state.nextID] = continuation
            return state.nextID
        }
        return (id, stream)
    }

    /// Ends a subscription and its stream.
    func unsubscribe(_ id: Int) {
        let continuation = self.state.withLock { $0.subscribers.removeValue(forKey: id) }
        continuation?.finish()
    }

    /// How many subscribers are connected.
    var subscriberCount: Int { self.state.withLock { $0.subscribers.count } }
}
