import NIOCore

/// Entering the room from its own event loop, once per datagram and per tick.
///
/// `assumeIsolated` costs two heap allocations per call (it makes the closure escape for the cast that drops
/// the isolation, and boxes its captures) besides the runtime's executor check: twice the allocations of the
/// whole receive path, per packet. These entries do the same cast on closures that capture nothing, so nothing is
/// allocated, and check the loop with NIO's thread test instead. They are only reached from the room's channels
/// and clock, which run on `eventLoop`, the room's executor.
extension ConferenceRoom {
    private typealias IsolatedReceive = (isolated ConferenceRoom, AddressedEnvelope<ByteBuffer>, ParticipantID, Bool)
        -> Void
    private typealias Receive = (ConferenceRoom, AddressedEnvelope<ByteBuffer>, ParticipantID, Bool) -> Void
    private typealias IsolatedTick = (isolated ConferenceRoom) -> Void
    private typealias Tick = (ConferenceRoom) -> Void

    /// Hands a datagram from one of the room's media sockets (RTP, or RTCP on `port + 1`) to the room.
    nonisolated func receiveOnLoop(_ envelope: AddressedEnvelope<ByteBuffer>, for id: ParticipantID, rtcp: Bool) {
        self.eventLoop.preconditionInEventLoop()
        let isolated: IsolatedReceive = { room, envelope, id, rtcp in
            if rtcp {
                room.receivedRTCPDatagram(envelope, for: id)
            } else {
                room.receivedDatagram(envelope, for: id)
            }
        }
        // The same reinterpretation `assumeIsolated` makes: we are on the room's executor (checked above).
        unsafeBitCast(isolated, to: Receive.self)(self, envelope, id, rtcp)
    }

    /// Runs one mixing tick, from the room's clock.
    nonisolated func tickOnLoop() {
        self.eventLoop.preconditionInEventLoop()
        let isolated: IsolatedTick = { room in room.tick() }
        unsafeBitCast(isolated, to: Tick.self)(self)
    }
}
