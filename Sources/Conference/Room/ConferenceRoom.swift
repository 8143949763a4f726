import Mixer
import NIOCore
import RTP

/// A live room: its participants, its 20 ms mixing clock and its music, all on one event loop.
///
/// The actor's executor is the event loop, so the RTP handlers of its participants (on the same loop) enter it
/// synchronously with `assumeIsolated`, and the media path needs neither locks nor hops. Signalling reaches it
/// by message from the SIP loop.
actor ConferenceRoom {
    nonisolated let eventLoop: any EventLoop
    nonisolated let extensionNumber: String
    nonisolated var unownedExecutor: UnownedSerialExecutor { self.eventLoop.executor.asUnownedSerialExecutor() }

    private var definition: RoomDefinition
    private let prompts: PromptLibrary
    private let music: [Int16]
    private var musicPosition = 0
    private var participants: [Participant] = []
    private var mixer: MixMinus
    private let frameSize: Int
    private let tickInterval: TimeAmount
    private var tickStart = NIODeadline.now()
    private var ticks: Int64 = 0
    private var lateTicks = 0
    private var clock: NIOScheduledCallback?
    private let hangUp: @Sendable (ParticipantID) -> Void
    private let digitTimeout: Duration

    init(
        definition: RoomDefinition,
        eventLoop: any EventLoop,
        prompts: PromptLibrary,
        digitTimeout: Duration,
        hangUp: @escaping @Sendable (ParticipantID) -> Void
    ) {
        self.definition = definition
        self.extensionNumber = definition.extensionNumber
        self.eventLoop = eventLoop
        self.prompts = prompts
        self.music = prompts.music(class: definition.musicOnHoldClass)
        self.frameSize = prompts.sampleRate / 50
        self.tickInterval = .milliseconds(20)
        self.mixer = MixMinus(frameSize: prompts.sampleRate / 50)
        self.hangUp = hangUp
        self.digitTimeout = digitTimeout
    }

    // MARK: - Membership (from signalling)

    /// Adds an answered caller and starts their way in (PIN prompt).
    func add(id: ParticipantID, media: MediaLeg, displayName: String) {
        let participant = Participant(
            id: id,
            media: media,
            flow: CallerFlow(pin: self.definition.pin, digitTimeout: self.digitTimeout),
            frameSize: self.frameSize,
            displayName: displayName
        )
        self.participants.append(participant)
        self.startClockIfNeeded()
        self.run(participant.flow.callAnswered(), for: participant)
    }

    /// Removes a caller (BYE, timeout or kick) and closes their media.
    func remove(id: ParticipantID) {
        guard let index = self.participants.firstIndex(where: { $0.id == id }) else { return }
        let participant = self.participants.remove(at: index)
        participant.digitTimer?.cancel()
        participant.media.close()
        if participant.inMix, self.definition.announceJoinLeave {
            for other in self.participants where other.inMix { other.prompts.enqueue(self.prompts.samples(of: .leaveTone)) }
        }
        if self.participants.isEmpty { self.stopClock() }
    }

    func updateDefinition(_ definition: RoomDefinition) { self.definition = definition }

    var isEmpty: Bool { self.participants.isEmpty }

    func snapshot() -> RoomSnapshot {
        RoomSnapshot(
            extensionNumber: self.extensionNumber,
            members: self.participants.map {
                RoomSnapshot.Member(
                    id: $0.id,
                    displayName: $0.displayName,
                    inConference: $0.inMix,
                    packetsReceived: $0.media.packetsReceived,
                    packetsSent: $0.media.packetsSent
                )
            },
            lateTicks: self.lateTicks,
            ticks: self.ticks
        )
    }

    // MARK: - Media (on the loop, from the RTP handlers)

    func receivedDatagram(_ envelope: AddressedEnvelope<ByteBuffer>, for id: ParticipantID) {
        guard let participant = self.participants.first(where: { $0.id == id }) else { return }
        let arrival = UInt64(max(0, NIODeadline.now().uptimeNanoseconds))
        if let digit = participant.media.received(envelope, tick: self.ticks, arrivalNanoseconds: arrival) {
            self.run(participant.flow.digitReceived(digit), for: participant)
        }
    }

    /// A digit that came by SIP INFO rather than in the media.
    func receivedDigit(_ digit: Character, for id: ParticipantID) {
        guard let participant = self.participants.first(where: { $0.id == id }) else { return }
        self.run(participant.flow.digitReceived(digit), for: participant)
    }

    // MARK: - The mixing clock

    private func startClockIfNeeded() {
        guard self.clock == nil else { return }
        self.tickStart = .now()
        self.ticks = 0
        self.scheduleNextTick()
    }

    private func stopClock() {
        self.clock?.cancel()
        self.clock = nil
    }

    private func scheduleNextTick() {
        // Deadline-based: tick n fires at start + n·20 ms, so scheduling delays never accumulate into drift.
        let deadline = self.tickStart + self.tickInterval * Int64(self.ticks + 1)
        self.clock = try? self.eventLoop.scheduleCallback(at: deadline, handler: RoomTickHandler(room: self))
    }

    func tick() {
        guard self.clock != nil else { return }
        self.ticks += 1
        let now = NIODeadline.now()
        let due = self.tickStart + self.tickInterval * Int64(self.ticks)
        if now - due > .milliseconds(10) { self.lateTicks += 1 }
        self.mixFrame()
        // Catch up without a burst if we fell far behind (a stalled loop): skip the missed ticks.
        if now - due > self.tickInterval * 5 {
            let missed = (now - self.tickStart).nanoseconds / self.tickInterval.nanoseconds
            self.ticks = missed
        }
        self.scheduleNextTick()
    }

    private func mixFrame() {
        var joined = 0
        self.mixer.beginTick()
        for participant in self.participants {
            participant.hasInput = participant.media.readFrame(into: &participant.input)
            if participant.inMix {
                joined += 1
                if participant.hasInput { participant.input.withUnsafeBufferPointer { self.mixer.add($0) } }
            }
        }
        let musicPlaying = joined == 1
        var finished: [Participant] = []
        for participant in self.participants {
            if participant.prompts.isPlaying {
                _ = participant.prompts.render(into: &participant.output)
                if !participant.prompts.isPlaying { finished.append(participant) }
            } else if participant.inMix {
                if musicPlaying {
                    self.renderMusic(into: &participant.output)
                } else if participant.hasInput {
                    participant.input.withUnsafeBufferPointer { own in
                        participant.output.withUnsafeMutableBufferPointer { self.mixer.mixMinus(own: own, into: $0) }
                    }
                } else {
                    participant.output.withUnsafeMutableBufferPointer { self.mixer.total(into: $0) }
                }
            } else {
                for i in participant.output.indices { participant.output[i] = 0 }
            }
            participant.media.send(participant.output)
        }
        if musicPlaying { self.musicPosition += self.frameSize }
        for participant in self.participants { participant.media.flush() }
        for participant in finished {
            self.run(participant.flow.promptsFinished(), for: participant)
        }
    }

    private func renderMusic(into frame: inout [Int16]) {
        guard !self.music.isEmpty else {
            for i in frame.indices { frame[i] = 0 }
            return
        }
        for i in frame.indices { frame[i] = self.music[(self.musicPosition + i) % self.music.count] }
    }

    // MARK: - Caller flow actions

    private func run(_ actions: [CallerFlow.Action], for participant: Participant) {
        for action in actions {
            switch action {
            case .play(let list):
                for prompt in list { participant.prompts.enqueue(self.prompts.samples(of: prompt)) }
            case .stopPrompts:
                participant.prompts.stop()
            case .startDigitTimer(let timeout):
                participant.digitTimer?.cancel()
                let id = participant.id
                participant.digitTimer = self.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(timeout)) {
                    [weak self] in
                    self?.assumeIsolated { room in room.digitTimerFired(for: id) }
                }
            case .cancelDigitTimer:
                participant.digitTimer?.cancel()
                participant.digitTimer = nil
            case .join:
                self.join(participant)
            case .hangUp:
                guard !participant.hangingUp else { continue }
                participant.hangingUp = true
                self.hangUp(participant.id)
            }
        }
    }

    private func digitTimerFired(for id: ParticipantID) {
        guard let participant = self.participants.first(where: { $0.id == id }) else { return }
        participant.digitTimer = nil
        self.run(participant.flow.digitTimerFired(), for: participant)
    }

    private func join(_ participant: Participant) {
        let others = self.participants.filter { $0.inMix && $0.id != participant.id }
        participant.inMix = true
        if others.isEmpty {
            participant.prompts.enqueue(self.prompts.samples(of: .onlyPerson))
            self.musicPosition = 0
        } else if self.definition.announceUserCount {
            participant.prompts.enqueue(self.prompts.samples(of: .thereAre))
        }
        if self.definition.announceJoinLeave {
            for other in others { other.prompts.enqueue(self.prompts.samples(of: .joinTone)) }
        }
    }
}

/// Fires a room's tick; reused for every tick, so the clock allocates no closure per frame.
struct RoomTickHandler: NIOScheduledCallbackHandler, Sendable {
    let room: ConferenceRoom

    func handleScheduledCallback(eventLoop: some EventLoop) {
        self.room.assumeIsolated { room in room.tick() }
    }
}

/// Hands a leg's datagrams to its room, synchronously: the channel and the room share one event loop.
final class RTPReceiveHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let room: ConferenceRoom
    private let id: ParticipantID

    init(room: ConferenceRoom, id: ParticipantID) {
        self.room = room
        self.id = id
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = self.unwrapInboundIn(data)
        let id = self.id
        self.room.assumeIsolated { room in room.receivedDatagram(envelope, for: id) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP errors for a caller that went away: the RTP timeout or BYE ends the call, not the socket.
    }
}

@available(*, unavailable)
extension RTPReceiveHandler: Sendable {}
