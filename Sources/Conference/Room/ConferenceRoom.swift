import Foundation
import Logging
import Mixer
import NIOCore
import RTP

/// A live room: its participants, its mixing clock, its music and recording, all on one event loop.
///
/// The actor's executor is the event loop, so the RTP handlers of its participants (on the same loop) enter it
/// synchronously with `assumeIsolated`, and the media path needs neither locks nor hops. Signalling reaches it
/// by message from the SIP loop.
actor ConferenceRoom {
    nonisolated let eventLoop: any EventLoop
    nonisolated let extensionNumber: String
    /// The mixing rate (`internal_sample_rate`), fixed for the room's life: every leg converts to and from it.
    nonisolated let sampleRate: Int
    /// Milliseconds per mixing tick (`mixing_interval`: 10, 20, 40 or 80), fixed for the room's life; every leg
    /// repacketises between it and its caller's ptime.
    nonisolated let mixingInterval: Int
    /// Ticks in one second, for what the room counts in seconds (media timeouts, metrics, name recording).
    private let ticksPerSecond: Int
    nonisolated var unownedExecutor: UnownedSerialExecutor { self.eventLoop.executor.asUnownedSerialExecutor() }

    private var definition: RoomDefinition
    private let environment: RoomEnvironment
    private let music: MusicClass
    private let musicShuffle: Bool
    private var random = SystemRandomNumberGenerator()
    private var participants: [Participant] = []
    /// The same participants by ID: every received datagram looks its caller up here, so a room of a thousand does
    /// not search a thousand entries per packet.
    private var participantsByID: [ParticipantID: Participant] = [:]
    /// Loudest-K mix-minus with talker detection, gains and a limiter on every output (pure compute).
    private let mixer: ConferenceMixer
    /// The shared mix encoded once per codec this tick, for every listener who is not talking.
    private var sharedEncoded: [G711.Law: [UInt8]] = [:]
    /// In a room faster than 8 kHz, the shared mix brought down to 8 kHz once a tick for the G.711 listeners.
    private let sharedDown: Resampler?
    private var sharedNarrow: [Int16]
    /// In-band DTMF detection works at 8 kHz: a faster room decimates the caller's frame into this.
    private var dtmfScratch: [Int16]
    private let frameSize: Int
    private let tickInterval: TimeAmount
    private var tickStart = NIODeadline.now()
    private var ticks: Int64 = 0
    private var lateTicks = 0
    /// Tick and packet counts since the last report to the bridge's metrics.
    private var meter = RoomMeter()
    private var clock: NIOScheduledCallback?
    private var locked = false
    private var joinCounter = 0
    private var recorder: RoomRecorder?
    private var completedRecordings: [RecordingInfo] = []
    /// G.711 frames in a faster room raised to its rate, and those left at 8 kHz (not mixed), since the room opened.
    private var framesResampled = 0
    private var framesLeftAtCodecRate = 0

    init(definition: RoomDefinition, eventLoop: any EventLoop, environment: RoomEnvironment) {
        self.definition = definition
        self.extensionNumber = definition.extensionNumber
        self.eventLoop = eventLoop
        self.environment = environment
        // The bridge hands the room its prompts at the room's rate, so the library's rate is the mixing rate.
        self.sampleRate = environment.prompts.sampleRate
        let music = environment.prompts.musicClass(definition.musicOnHoldClass)
        self.music = music
        self.musicShuffle = definition.options.musicOnHoldShuffle ?? music.shuffle
        let interval = definition.options.mixingInterval
        self.mixingInterval = interval
        self.ticksPerSecond = 1000 / interval
        self.frameSize = environment.prompts.sampleRate * interval / 1000
        self.tickInterval = .milliseconds(Int64(interval))
        self.sharedNarrow = [Int16](repeating: 0, count: 8 * interval)
        self.dtmfScratch = [Int16](repeating: 0, count: 8 * interval)
        self.sharedDown =
            environment.prompts.sampleRate == 8000
            ? nil : try? Resampler(inputRate: environment.prompts.sampleRate, outputRate: 8000)
        self.mixer = ConferenceMixer(
            configuration: ConferenceMixer.Configuration(
                frameSize: environment.prompts.sampleRate * interval / 1000,
                maximumTalkers: 4,
                talkerDetection: TalkerDetector.Configuration(
                    talkingThreshold: definition.options.dspTalkingThreshold,
                    silenceMilliseconds: definition.options.dspSilenceThreshold,
                    onsetMilliseconds: interval,
                    frameMilliseconds: interval
                )
            )
        )
        for law in [G711.Law.muLaw, .aLaw] {
            self.sharedEncoded[law] = [UInt8](repeating: 0, count: 8 * interval)
        }
    }

    private var options: RoomOptions { self.definition.options }
    private var prompts: PromptLibrary { self.environment.prompts }

    // MARK: - Membership (from signalling)

    /// Adds an answered caller and starts their way in: the PIN, or straight in for callers Parley placed
    /// (`admitted`) and for a transfer that takes over another participant's place (`replacing`).
    func add(
        id: ParticipantID,
        media: MediaLeg,
        source: String,
        displayName: String,
        admitted: CallerFlow.Role? = nil,
        replacing: ParticipantID? = nil
    ) {
        let participant = Participant(
            id: id,
            media: media,
            source: source,
            flow: CallerFlow(
                digitTimeout: self.environment.digitTimeout,
                announceNames: self.options.announceNames,
                menu: self.definition.menu
            ),
            frameSize: self.frameSize,
            displayName: displayName,
            slot: self.mixer.addSlot(settings: ConferenceMixer.SlotSettings(isMuted: true)),
            inbandDTMF: media.parameters.telephoneEventPayloadType == nil
        )
        if !self.options.jitterBuffer { media.playPacketsAsTheyCome() }
        if self.options.denoise {
            participant.denoiser = try? NoiseSuppressor(frameSize: self.frameSize, sampleRate: self.sampleRate)
        }
        self.participants.append(participant)
        self.participantsByID[participant.id] = participant
        self.startClockIfNeeded()
        participant.joinedTick = self.ticks
        if let replacing, let old = self.participant(replacing) {
            // RFC 3891 attended transfer: same seat, same role and mute state, no join or leave announcements.
            participant.muted = old.muted
            self.run(participant.flow.admit(old.role), for: participant, announce: false)
            self.remove(id: replacing, announce: false)
        } else if let admitted {
            self.run(participant.flow.admit(admitted), for: participant)
        } else {
            self.run(participant.flow.callAnswered(), for: participant)
        }
    }

    /// Removes a caller (BYE, timeout or kick) and closes their media.
    func remove(id: ParticipantID, announce: Bool = true) {
        guard let index = self.participants.firstIndex(where: { $0.id == id }) else { return }
        let participant = self.participants.remove(at: index)
        self.participantsByID[id] = nil
        self.meter.packets += participant.media.packetCounts - participant.meteredPackets
        self.mixer.removeSlot(participant.slot)
        participant.digitTimer?.cancel()
        self.environment.logger.info(
            "media leg closed",
            metadata: participant.media.receptionSummary.mapValues { .stringConvertible($0) }.merging(
                ["room": "\(self.extensionNumber)", "participant": "\(participant.id)"]
            ) { first, _ in first }
        )
        participant.media.close()
        guard participant.inMix else {
            self.stopIfEmpty()
            return
        }
        self.environment.publish(ConferenceEvent(.left, room: self.extensionNumber, participant: id))
        if self.options.announceJoinLeave, announce {
            self.announce(participant, to: self.participants.filter(\.inMix), phrase: .hasLeft, tone: .leaveTone)
        }
        if self.options.endMarked, participant.role == .admin,
            !self.participants.contains(where: { $0.inMix && $0.role == .admin })
        {
            for other in self.participants where other.role == .user {
                self.run(other.flow.mustLeave(.leaderLeft, saying: [.leaderHasLeft]), for: other)
            }
        }
        self.stopIfEmpty()
    }

    private func stopIfEmpty() {
        guard self.participants.isEmpty else { return }
        self.reportMetrics()
        self.stopClock()
        self.stopRecording()
        self.locked = false
    }

    func updateDefinition(_ definition: RoomDefinition) { self.definition = definition }

    var isEmpty: Bool { self.participants.isEmpty }

    /// Hold (re-INVITE with sendonly or inactive): the caller is mixed out and sent nothing until resumed.
    func setHold(_ onHold: Bool, for id: ParticipantID) {
        guard let participant = self.participant(id), participant.onHold != onHold else { return }
        participant.onHold = onHold
        if onHold {
            participant.media.pauseSending()
        } else {
            participant.media.resumeSending()
        }
        self.environment.publish(
            ConferenceEvent(onHold ? .held : .resumed, room: self.extensionNumber, participant: id)
        )
    }

    /// A media address change from a re-INVITE.
    func updateRemote(_ address: SocketAddress?, for id: ParticipantID) {
        self.participant(id)?.media.updateRemote(address)
    }

    /// A renegotiated codec or packet time (any of ours; see ``MediaLeg/updateCodec(_:)``); false when it could not be set up.
    func updateCodec(_ parameters: MediaParameters, for id: ParticipantID) -> Bool {
        self.participant(id)?.media.updateCodec(parameters) ?? false
    }

    /// SRTP keys from a re-INVITE (unchanged ones change nothing).
    func updateSecureMedia(_ secure: SecureMedia?, for id: ParticipantID) {
        self.participant(id)?.media.updateSecure(secure)
    }

    func snapshot() -> RoomSnapshot {
        RoomSnapshot(
            extensionNumber: self.extensionNumber,
            members: self.participants.map {
                RoomSnapshot.Member(
                    stage: Self.stage(of: $0.flow.state),
                    id: $0.id,
                    displayName: $0.displayName,
                    inConference: $0.inMix,
                    isAdmin: $0.role == .admin,
                    muted: $0.muted,
                    onHold: $0.onHold,
                    waitingForMarked: $0.waitingForMarked,
                    packetsReceived: $0.media.packetsReceived,
                    packetsDropped: $0.media.packetsDropped,
                    packetsSent: $0.media.packetsSent,
                    jitterBufferMilliseconds: $0.media.jitterBufferMilliseconds,
                    rtcp: $0.media.rtcpStatistics,
                    srtpSuite: $0.media.parameters.secure?.profile.name
                )
            },
            locked: self.locked,
            recording: self.recorder?.path,
            lateTicks: self.lateTicks,
            ticks: self.ticks,
            framesWithLevel: self.mixer.suppliedLevelCount,
            framesMeasuredByMixer: self.mixer.measuredLevelCount,
            framesResampled: self.framesResampled,
            framesLeftAtCodecRate: self.framesLeftAtCodecRate
        )
    }

    private func participant(_ id: ParticipantID) -> Participant? { self.participantsByID[id] }

    static func stage(of state: CallerFlow.State) -> RoomSnapshot.Stage {
        switch state {
        case .answered: .answered
        case .recordingName: .recordingName
        case .collectingPIN, .verifying: .enteringPIN
        case .joining: .joining
        case .inConference: .inConference
        case .leaving, .ended: .leaving
        }
    }

    // MARK: - Admin operations

    func setMuted(_ muted: Bool, for id: ParticipantID) -> Bool {
        guard let participant = self.participant(id), participant.inMix else { return false }
        self.mute(participant, muted)
        return true
    }

    func kick(_ id: ParticipantID) -> Bool {
        guard let participant = self.participant(id) else { return false }
        self.run(participant.flow.mustLeave(.kicked, saying: [.kicked]), for: participant)
        return true
    }

    func setLocked(_ locked: Bool) {
        guard self.locked != locked else { return }
        self.locked = locked
        self.environment.publish(ConferenceEvent(locked ? .locked : .unlocked, room: self.extensionNumber))
    }

    /// Starts recording the mix; returns the file path, or nil if recording is unavailable.
    func startRecording() -> String? {
        if let recorder = self.recorder { return recorder.path }
        guard let directory = self.environment.recordingsDirectory else { return nil }
        do {
            let recorder = try RoomRecorder(
                directory: directory,
                room: self.extensionNumber,
                sampleRate: self.sampleRate
            )
            self.recorder = recorder
            self.environment.publish(
                ConferenceEvent(.recordingStarted, room: self.extensionNumber, detail: recorder.path)
            )
            return recorder.path
        } catch {
            return nil
        }
    }

    func stopRecording() {
        guard let recorder = self.recorder else { return }
        recorder.close()
        self.recorder = nil
        self.environment.publish(ConferenceEvent(.recordingStopped, room: self.extensionNumber, detail: recorder.path))
    }

    // MARK: - Media (on the loop, from the RTP handlers)

    func receivedDatagram(_ envelope: AddressedEnvelope<ByteBuffer>, for id: ParticipantID) {
        guard let participant = self.participant(id) else { return }
        let arrival = UInt64(max(0, NIODeadline.now().uptimeNanoseconds))
        if participant.media.isMultiplexedRTCP(envelope) {
            self.receivedRTCP(envelope, for: participant, arrival: arrival)
            return
        }
        if let digit = participant.media.received(envelope, tick: self.ticks, arrivalNanoseconds: arrival) {
            self.run(participant.flow.digitReceived(digit), for: participant)
        }
    }

    /// A datagram on a leg's RTCP socket (`port + 1`).
    func receivedRTCPDatagram(_ envelope: AddressedEnvelope<ByteBuffer>, for id: ParticipantID) {
        guard let participant = self.participant(id) else { return }
        self.receivedRTCP(envelope, for: participant, arrival: UInt64(max(0, NIODeadline.now().uptimeNanoseconds)))
    }

    /// Hands an RTCP packet to the caller's leg; a BYE from the caller is logged (the call itself ends by SIP
    /// BYE or the RTP timeout: RFC 3550 §6.6 makes RTCP BYE a courtesy, not a hang-up).
    private func receivedRTCP(
        _ envelope: AddressedEnvelope<ByteBuffer>,
        for participant: Participant,
        arrival: UInt64
    ) {
        guard case .bye(let reason) = participant.media.receivedRTCP(envelope, arrivalNanoseconds: arrival) else {
            return
        }
        self.environment.logger.info(
            "RTCP BYE from caller",
            metadata: [
                "room": "\(self.extensionNumber)", "participant": "\(participant.id)",
                "reason": "\(reason ?? "")",
            ]
        )
    }

    /// A digit that came by SIP INFO rather than in the media.
    func receivedDigit(_ digit: Character, for id: ParticipantID) {
        guard let participant = self.participant(id) else { return }
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
        // Deadline-based: tick n fires at start + n·interval, so scheduling delays never accumulate into drift.
        let deadline = self.tickStart + self.tickInterval * Int64(self.ticks + 1)
        self.clock = try? self.eventLoop.scheduleCallback(at: deadline, handler: RoomTickHandler(room: self))
    }

    func tick() {
        guard self.clock != nil else { return }
        self.ticks += 1
        let now = NIODeadline.now()
        let due = self.tickStart + self.tickInterval * Int64(self.ticks)
        if now - due > .milliseconds(10) { self.lateTicks += 1 }
        self.mixOneFrame()
        for participant in self.participants { participant.media.sendRTCPIfDue(now: now) }
        self.meter.recordTick(
            latenessNanoseconds: (now - due).nanoseconds,
            costNanoseconds: (NIODeadline.now() - now).nanoseconds
        )
        if self.meter.ticks >= self.ticksPerSecond { self.reportMetrics() }
        // Catch up without a burst if we fell far behind (a stalled loop): skip the missed ticks.
        if now - due > self.tickInterval * 5 {
            self.ticks = (now - self.tickStart).nanoseconds / self.tickInterval.nanoseconds
        }
        self.scheduleNextTick()
    }

    /// Adds this second's counts to the bridge's metrics: ticks, packets since the last report, the worst jitter,
    /// and the worst RTCP round-trip time and reported loss.
    private func reportMetrics() {
        var worstJitter: Double?
        var worstRoundTrip: Double?
        var worstRemoteLoss: Double?
        for participant in self.participants {
            let counts = participant.media.packetCounts
            self.meter.packets += counts - participant.meteredPackets
            participant.meteredPackets = counts
            if participant.inMix { worstJitter = max(worstJitter ?? 0, participant.media.jitterMilliseconds) }
            let rtcp = participant.media.rtcp.peer
            if let roundTrip = rtcp.roundTripTime {
                worstRoundTrip = max(worstRoundTrip ?? 0, Double(roundTrip.nanoseconds) / 1e6)
            }
            if rtcp.reportBlocks > 0 { worstRemoteLoss = max(worstRemoteLoss ?? 0, Double(rtcp.fractionLost) / 256) }
        }
        self.environment.metrics.add(
            self.meter,
            room: self.extensionNumber,
            jitterMilliseconds: worstJitter,
            roundTripMilliseconds: worstRoundTrip,
            remoteFractionLost: worstRemoteLoss
        )
        self.meter.reset()
    }

    /// Tells `listeners` that `participant` came or went: its recorded name and `phrase` with announce_names, else
    /// `tone`, of which one waits per listener at a time (``PromptPlayer/enqueueTone(_:)``), so a burst of joins
    /// does not keep the room from its listeners.
    private func announce(_ participant: Participant, to listeners: [Participant], phrase: Prompt, tone: Prompt) {
        if self.options.announceNames && !participant.name.isEmpty {
            let words = self.prompts.samples(of: phrase)
            for listener in listeners {
                listener.prompts.enqueue(participant.name)
                listener.prompts.enqueue(words)
            }
        } else {
            let samples = self.prompts.samples(of: tone)
            for listener in listeners { listener.prompts.enqueueTone(samples) }
        }
    }

    private func mixOneFrame() {
        var digits: [(Participant, Character)] = []
        var finishedNames: [Participant] = []
        var active = 0
        var announced = 0
        for participant in self.participants {
            let settings = participant.mixerSettings
            if self.mixer.settings(of: participant.slot) != settings {
                self.mixer.setSettings(settings, of: participant.slot)
            }
            if participant.inMix && !participant.waitingForMarked { active += 1 }
            // A G.711 caller in a faster room is read at 8 kHz; its frame is raised to the room's rate only when
            // something needs it there: the mix (if the mixer selects it), a name recording, the denoiser.
            let deferred = participant.media.defersResampling
            let level =
                deferred ? participant.media.readNarrowFrame() : participant.media.readFrame(into: &participant.input)
            participant.hasInput = level != nil
            participant.inputLevel = level ?? 0
            guard participant.hasInput else { continue }
            let needsRoomRate = participant.nameFramesLeft > 0 || (participant.mayTalk && participant.denoiser != nil)
            if deferred && needsRoomRate {
                participant.input.withUnsafeMutableBufferPointer { participant.media.raiseNarrowFrame(into: $0) }
                self.framesResampled += 1
            }
            if var detector = participant.inbandDTMF {
                let digit: Character?
                if deferred {
                    digit = participant.media.withNarrowFrame { detector.process($0) }
                } else if self.sampleRate == 8000 {
                    digit = participant.input.withUnsafeBufferPointer { detector.process($0) }
                } else {
                    // DTMF tones lie under 1.7 kHz: plain decimation to 8 kHz keeps them.
                    let step = self.sampleRate / 8000
                    for index in self.dtmfScratch.indices { self.dtmfScratch[index] = participant.input[index * step] }
                    digit = self.dtmfScratch.withUnsafeBufferPointer { detector.process($0) }
                }
                if let digit { digits.append((participant, digit)) }
                participant.inbandDTMF = detector
            }
            if participant.nameFramesLeft > 0 {
                participant.name.append(contentsOf: participant.input)
                participant.nameFramesLeft -= 1
                if participant.nameFramesLeft == 0 { finishedNames.append(participant) }
            }
            if participant.mayTalk {
                if let denoiser = participant.denoiser {
                    // Denoising changes the level: the mixer measures the frame it gets.
                    participant.input.withUnsafeMutableBufferPointer { denoiser.process($0) }
                    participant.input.withUnsafeBufferPointer { self.mixer.setInput($0, for: participant.slot) }
                } else if deferred && !needsRoomRate {
                    // The level alone: the frame is raised to the room's rate below if the mixer selects it.
                    self.mixer.announceInput(of: participant.slot, averageMagnitude: participant.inputLevel)
                    announced += 1
                } else {
                    // The decoder's level: the mixer reads only the loudest K frames, not every listener's.
                    participant.input.withUnsafeBufferPointer {
                        self.mixer.setInput($0, for: participant.slot, averageMagnitude: participant.inputLevel)
                    }
                }
            } else if deferred && !needsRoomRate {
                self.framesLeftAtCodecRate += 1
            }
        }
        // Who is heard is decided on the levels; only the K selected frames are resampled (issue 6).
        self.mixer.selectTalkers()
        if announced > 0 {
            var raised = 0
            for participant in self.participants where self.mixer.needsSelectedInput(participant.slot) {
                self.mixer.withSelectedInput(of: participant.slot) { participant.media.raiseNarrowFrame(into: $0) }
                raised += 1
            }
            self.framesResampled += raised
            self.framesLeftAtCodecRate += announced - raised
        }
        self.mixer.mix()
        if self.options.talkDetectionEvents {
            for event in self.mixer.talkEvents {
                guard let participant = self.participants.first(where: { $0.slot == event.slot }) else { continue }
                self.environment.publish(
                    ConferenceEvent(
                        event.event == .startedTalking ? .startedTalking : .stoppedTalking,
                        room: self.extensionNumber,
                        participant: participant.id
                    )
                )
            }
        }
        if let recorder = self.recorder {
            self.mixer.withSharedOutput { recorder.append($0) }
        }
        var encodedMuLaw = false
        var encodedALaw = false
        var narrowed = false
        let alone = active == 1
        var finishedPrompts: [Participant] = []
        for participant in self.participants {
            if participant.onHold { continue }
            if participant.prompts.isPlaying {
                _ = participant.prompts.render(into: &participant.output)
                if !participant.prompts.isPlaying { finishedPrompts.append(participant) }
            } else if participant.inMix && (participant.waitingForMarked || alone) {
                if self.options.musicOnHoldWhenEmpty || participant.waitingForMarked {
                    self.renderMusic(for: participant)
                } else {
                    self.silence(&participant.output)
                }
            } else if participant.inMix {
                if self.mixer.usesSharedOutput(participant.slot), participant.media.sharesEncoding {
                    // Everyone who is not talking hears the same mix: encode it once per codec, send it to all.
                    let law = participant.media.law
                    let encoded = law == .muLaw ? encodedMuLaw : encodedALaw
                    if !encoded {
                        if law == .muLaw { encodedMuLaw = true } else { encodedALaw = true }
                        if let down = self.sharedDown {
                            if !narrowed {
                                narrowed = true
                                self.mixer.withSharedOutput { shared in
                                    self.sharedNarrow.withUnsafeMutableBufferPointer { narrow in
                                        let produced = down.process(shared, into: narrow).produced
                                        for index in produced..<narrow.count { narrow[index] = 0 }
                                    }
                                }
                            }
                            self.sharedNarrow.withUnsafeBufferPointer { narrow in
                                self.sharedEncoded[law, default: []].withUnsafeMutableBytes {
                                    _ = G711.encode(narrow, law: law, into: $0)
                                }
                            }
                        } else {
                            self.mixer.withSharedOutput { shared in
                                self.sharedEncoded[law, default: []].withUnsafeMutableBytes {
                                    _ = G711.encode(shared, law: law, into: $0)
                                }
                            }
                        }
                    }
                    participant.media.send(encoded: self.sharedEncoded[law, default: []])
                    continue
                }
                self.mixer.withOutput(of: participant.slot) { heard in
                    for index in participant.output.indices { participant.output[index] = heard[index] }
                }
            } else {
                self.silence(&participant.output)
            }
            participant.media.send(participant.output)
        }
        for participant in self.participants { participant.media.flush() }
        self.checkMediaTimeouts()
        for participant in finishedNames {
            participant.name = Self.trimSilence(participant.name, frame: self.frameSize)
            self.run(participant.flow.nameRecorded(), for: participant)
        }
        for participant in finishedPrompts where self.participant(participant.id) != nil {
            self.run(participant.flow.promptsFinished(), for: participant)
        }
        for (participant, digit) in digits where self.participant(participant.id) != nil {
            self.run(participant.flow.digitReceived(digit), for: participant)
        }
    }

    /// Ends calls whose media stopped (RTP timeout); a held caller may stay silent as long as they like.
    private func checkMediaTimeouts() {
        guard self.ticks % Int64(self.ticksPerSecond) == 0 else { return }
        let limit = Int64(self.environment.rtpTimeout.components.seconds) * Int64(self.ticksPerSecond)
        for participant in self.participants where !participant.onHold && !participant.hangingUp {
            let since = max(participant.media.lastReceivedTick, participant.joinedTick)
            if self.ticks - since > limit {
                participant.hangingUp = true
                participant.media.sendRTCPBye()
                self.environment.hangUp(participant.id)
            }
        }
    }

    private func silence(_ frame: inout [Int16]) {
        for index in frame.indices { frame[index] = 0 }
    }

    private func renderMusic(for participant: Participant) {
        participant.music.render(self.music, shuffle: self.musicShuffle, into: &participant.output, using: &self.random)
    }

    /// Cuts leading and trailing quiet (average magnitude under a threshold per 20 ms) from a recorded name.
    static func trimSilence(_ samples: [Int16], frame: Int = 160, threshold: Int = 300) -> [Int16] {
        func loud(_ start: Int) -> Bool {
            let end = min(samples.count, start + frame)
            guard start < end else { return false }
            var sum = 0
            for index in start..<end { sum += abs(Int(samples[index])) }
            return sum / (end - start) >= threshold
        }
        var first = 0
        while first < samples.count, !loud(first) { first += frame }
        var last = samples.count - frame
        while last > first, !loud(last) { last -= frame }
        guard first < samples.count, last >= first else { return [] }
        return Array(samples[first..<min(samples.count, last + frame)])
    }

    // MARK: - Caller flow actions

    private func run(_ actions: [CallerFlow.Action], for participant: Participant, announce: Bool = true) {
        for action in actions {
            switch action {
            case .play(let list):
                for prompt in list { participant.prompts.enqueue(self.prompts.samples(of: prompt)) }
                if list.isEmpty { self.run(participant.flow.promptsFinished(), for: participant) }
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
            case .recordName(let duration):
                participant.name.removeAll()
                let frames =
                    Int(duration.components.seconds) * self.ticksPerSecond
                    + Int(duration.components.attoseconds / (Int64(self.mixingInterval) * 1_000_000_000_000_000))
                participant.nameFramesLeft = max(1, frames)
            case .verifyPIN(let entered):
                self.run(participant.flow.pinVerified(self.verify(entered, from: participant)), for: participant)
            case .join(let role):
                self.join(participant, as: role, announce: announce)
            case .menu(let choice):
                self.menu(choice, from: participant)
            case .hangUp:
                guard !participant.hangingUp else { continue }
                participant.hangingUp = true
                participant.media.sendRTCPBye()
                self.environment.hangUp(participant.id)
            }
        }
    }

    private func verify(_ entered: String, from participant: Participant) -> CallerFlow.PINVerdict {
        let guardian = self.environment.pinGuard
        let now = UInt64(max(0, NIODeadline.now().uptimeNanoseconds))
        if case .lockedOut(let until) = guardian.check(source: participant.source, room: self.extensionNumber, now: now) {
            self.environment.logger.warning(
                "PIN entry refused: source locked out",
                metadata: [
                    "room": "\(self.extensionNumber)", "source": "\(participant.source)",
                    "seconds_left": "\((until &- now) / 1_000_000_000)",
                ]
            )
            return .lockedOut
        }
        let digits = Array(entered.utf8)
        // Both comparisons always run, so timing tells nothing about which PIN (if any) was close.
        let isAdmin = self.options.adminPIN.map { ConstantTime.equal(digits, Array($0.utf8)) } ?? false
        let isUser = ConstantTime.equal(digits, Array(self.definition.pin.utf8))
        if isAdmin || isUser {
            guardian.recordSuccess(source: participant.source, room: self.extensionNumber, now: now)
            return isAdmin ? .admin : .user
        }
        guardian.recordFailure(source: participant.source, room: self.extensionNumber, now: now)
        self.environment.logger.notice(
            "wrong PIN",
            metadata: ["room": "\(self.extensionNumber)", "source": "\(participant.source)"]
        )
        return .wrong
    }

    private func digitTimerFired(for id: ParticipantID) {
        guard let participant = self.participant(id) else { return }
        participant.digitTimer = nil
        self.run(participant.flow.digitTimerFired(), for: participant)
    }

    private func join(_ participant: Participant, as role: CallerFlow.Role, announce: Bool = true) {
        let members = self.participants.filter { $0.inMix && $0.id != participant.id }
        if self.locked, role != .admin, announce {
            self.run(participant.flow.mustLeave(.roomLocked, saying: [.locked]), for: participant)
            return
        }
        if let max = self.options.maxMembers, members.count >= max, role != .admin, announce {
            self.run(participant.flow.mustLeave(.roomFull, saying: [.full]), for: participant)
            return
        }
        participant.role = role
        participant.inMix = true
        self.joinCounter += 1
        participant.joinSequence = self.joinCounter
        if self.options.startMuted, role == .user { participant.muted = true }
        let markedPresent = members.contains { $0.role == .admin } || role == .admin
        if self.options.waitMarked, role == .user, !markedPresent {
            participant.waitingForMarked = true
            participant.prompts.enqueue(self.prompts.samples(of: .waitForLeader))
        }
        if role == .admin {
            for waiting in members where waiting.waitingForMarked {
                waiting.waitingForMarked = false
                waiting.prompts.enqueue(self.prompts.samples(of: .placedIntoConference))
            }
        }
        self.environment.publish(
            ConferenceEvent(
                .joined,
                room: self.extensionNumber,
                participant: participant.id,
                detail: participant.displayName
            )
        )
        if self.options.recordConference, self.recorder == nil { _ = self.startRecording() }
        let others = members.filter { !$0.waitingForMarked }.count
        if !participant.waitingForMarked, announce {
            if others == 0 {
                if self.options.announceOnlyUser { participant.prompts.enqueue(self.prompts.samples(of: .onlyPerson)) }
            } else if self.options.announceUserCount {
                participant.prompts.enqueue(self.prompts.samples(of: .thereAre))
                for word in self.prompts.spoken(others) { participant.prompts.enqueue(word) }
                participant.prompts.enqueue(self.prompts.samples(of: .otherParticipants))
            }
        }
        if self.options.announceJoinLeave, announce {
            let listeners = members.filter { !$0.waitingForMarked }
            self.announce(participant, to: listeners, phrase: .hasJoined, tone: .joinTone)
        }
        if participant.muted {
            self.environment.publish(ConferenceEvent(.muted, room: self.extensionNumber, participant: participant.id))
        }
    }

    private func mute(_ participant: Participant, _ muted: Bool) {
        guard participant.muted != muted else { return }
        participant.muted = muted
        self.environment.publish(
            ConferenceEvent(muted ? .muted : .unmuted, room: self.extensionNumber, participant: participant.id)
        )
    }

    private func menu(_ choice: CallerFlow.MenuAction, from participant: Participant) {
        switch choice {
        case .toggleMute:
            self.mute(participant, !participant.muted)
            participant.prompts.enqueue(self.prompts.samples(of: participant.muted ? .muted : .unmuted))
        case .listenVolumeDown: participant.listenLevel = max(-4, participant.listenLevel - 1)
        case .listenVolumeReset: participant.listenLevel = 0
        case .listenVolumeUp: participant.listenLevel = min(4, participant.listenLevel + 1)
        case .talkVolumeDown: participant.talkLevel = max(-4, participant.talkLevel - 1)
        case .talkVolumeReset: participant.talkLevel = 0
        case .talkVolumeUp: participant.talkLevel = min(4, participant.talkLevel + 1)
        case .leave:
            break
        case .toggleLock:
            self.setLocked(!self.locked)
            participant.prompts.enqueue(self.prompts.samples(of: self.locked ? .lockedNow : .unlockedNow))
        case .kickLast:
            let candidates = self.participants.filter { $0.inMix && $0.id != participant.id && $0.role != .admin }
            if let last = candidates.max(by: { $0.joinSequence < $1.joinSequence }) {
                self.run(last.flow.mustLeave(.kicked, saying: [.kicked]), for: last)
            }
        case .toggleMuteOthers:
            let others = self.participants.filter { $0.inMix && $0.role != .admin }
            let muteThem = others.contains { !$0.muted }
            for other in others { self.mute(other, muteThem) }
            participant.prompts.enqueue(self.prompts.samples(of: muteThem ? .nowMuted : .nowUnmuted))
        }
    }
}

/// A finished or running recording of a room's mix.
public struct RecordingInfo: Sendable, Equatable {
    /// The WAV file.
    public var path: String
    /// The room's extension.
    public var room: String
}

/// Fires a room's tick; reused for every tick, so the clock allocates no closure per frame.
struct RoomTickHandler: NIOScheduledCallbackHandler, Sendable {
    let room: ConferenceRoom

    func handleScheduledCallback(eventLoop: some EventLoop) {
        self.room.tickOnLoop()
    }
}

/// Hands a leg's datagrams to its room, synchronously: the channel and the room share one event loop.
final class RTPReceiveHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let room: ConferenceRoom
    private let id: ParticipantID
    /// Whether this is the leg's RTCP socket (`port + 1`) rather than its RTP one.
    private let rtcp: Bool

    init(room: ConferenceRoom, id: ParticipantID, rtcp: Bool = false) {
        self.room = room
        self.id = id
        self.rtcp = rtcp
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Not `assumeIsolated`: it would allocate twice per packet (see `receiveOnLoop`).
        self.room.receiveOnLoop(self.unwrapInboundIn(data), for: self.id, rtcp: self.rtcp)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP errors for a caller that went away: the RTP timeout or BYE ends the call, not the socket.
    }
}

@available(*, unavailable)
extension RTPReceiveHandler: Sendable {}
