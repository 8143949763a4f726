// Why a class: the engine owns one contiguous block of input and output frames for every participant (a 1000-seat
// room at 48 kHz holds about 4 MB of samples). A value type would copy that block on the first write after any
// accidental copy, and the room would have to reach its frames through `inout` chains. A final class with manually
// allocated storage has one identity, never copies, and lets each tick read its storage pointers once. It is not
// `Sendable`: it lives inside one room, on that room's event loop.

/// The per-tick mixing engine of one room: talker detection, loudest-K selection, mix-minus, gains and limiting.
///
/// Participants are *slots*: stable `Int` indices handed out by ``addSlot(settings:)`` and reused after ``removeSlot(_:)``.
/// Each slot owns a preallocated input frame and output frame of ``frameSize`` samples. Nothing allocates per tick;
/// only adding a slot beyond the current capacity grows the storage.
///
/// ## Driving it (once per 20 ms tick)
/// 1. For every participant with a decoded frame, write it with ``withInput(of:_:)`` (or copy it with
///    ``setInput(_:for:)``). A slot given no frame this tick counts as silence and costs nothing more; a slot whose
///    frame comes with its level (``withInput(of:averageMagnitude:_:)``) skips the energy measurement.
/// 2. Call ``mix()``.
///
///    A room whose inputs cost something to produce (a G.711 caller raised to a 16 or 48 kHz room by its own
///    resampler) can instead give only the level first, ``announceInput(of:averageMagnitude:)``, call
///    ``selectTalkers()``, write the frames of the announced slots that entered ``mixedSlots`` with
///    ``withSelectedInput(of:_:)``, and then call ``mix()``. The talkers chosen, the events and every output are
///    the same as if all frames had been written first; only the K mixed frames are ever produced.
/// 3. Read ``talkEvents`` (talk start/stop, in slot order) for the event stream.
/// 4. For each participant, ``outputSource(of:)`` says what it hears:
///    - ``OutputSource/shared``: the one shared mix in ``withSharedOutput(_:)``; encode it once per codec group and
///      send that payload to all of them;
///    - ``OutputSource/own``: a frame of its own in ``withOutput(of:_:)`` (a talker in the mix, who hears everyone
///      but itself, or a listener with a non-unity listen gain); encode it for that participant alone;
///    - ``OutputSource/silence``: the participant is deaf; ``withOutput(of:_:)`` gives zeros.
///
/// ## What a tick costs
/// Every unmuted slot with input costs one energy measurement (a sum of magnitudes over its frame). Only the
/// ``maximumTalkers`` loudest talkers enter the sum; each of them costs one mix-minus and one limiter pass, and the
/// shared mix costs one more. Everything else is O(1) per slot, so a room of a thousand listeners costs what a room
/// of K talkers costs plus the energy measurements. A slot whose level comes with its frame skips the measurement,
/// and one announced by level alone (``announceInput(of:averageMagnitude:)``) needs its frame only if it is mixed.
///
/// ## Semantics
/// - Talker detection uses ``TalkerDetector`` (ConfBridge's talking and silence thresholds) on each input after its
///   talk gain, so a participant turned down must speak louder to be detected, as ConfBridge does.
/// - The loudest-K ranking uses the frame's average magnitude after talk gain. Ties go to the lower slot index, so
///   the choice is deterministic.
/// - A muted slot contributes nothing and is never a talker: muting a talker ends its talking at once (a
///   ``TalkerDetector/Event/stoppedTalking`` event at the next tick), without waiting for the silence hangover.
/// - A deaf slot hears silence but may still talk.
/// - Talk gain is applied in place to the input of each slot that enters the mix.
/// - Every output (shared, talker, listener with a gain) goes through its own ``Limiter``, so sums beyond the
///   Int16 range are brought down smoothly and never wrap. When a participant moves from the shared mix to an output
///   of its own, its limiter starts from the shared limiter's state so the level does not jump.
public final class ConferenceMixer {
    /// A change of talking state of one slot during the last ``mix()``.
    public struct TalkEvent: Hashable, Sendable {
        /// The slot that started or stopped talking.
        public let slot: Int
        /// What happened.
        public let event: TalkerDetector.Event

        /// Creates an event (the mixer makes these; tests compare against them).
        public init(slot: Int, event: TalkerDetector.Event) {
            self.slot = slot
            self.event = event
        }
    }

    /// What a participant hears after a ``mix()``.
    public enum OutputSource: Hashable, Sendable {
        /// The shared mix of all selected talkers, identical for every such participant.
        case shared
        /// A frame computed for this participant alone.
        case own
        /// Silence: the participant is deaf.
        case silence
    }

    /// A participant's mixing settings.
    public struct SlotSettings: Hashable, Sendable {
        /// A muted participant contributes nothing to the mix and never counts as talking.
        public var isMuted: Bool
        /// A deaf participant hears silence.
        public var isDeaf: Bool
        /// Applied to what the participant says (ConfBridge's talk volume).
        public var talkGain: Gain
        /// Applied to what the participant hears (ConfBridge's listen volume).
        public var listenGain: Gain

        /// Creates settings; the defaults are an unmuted, hearing participant at unity gains.
        public init(isMuted: Bool = false, isDeaf: Bool = false, talkGain: Gain = .unity, listenGain: Gain = .unity) {
            self.isMuted = isMuted
            self.isDeaf = isDeaf
            self.talkGain = talkGain
            self.listenGain = listenGain
        }
    }

    /// Everything fixed for the life of the mixer.
    public struct Configuration: Hashable, Sendable {
        /// Samples per frame at the room's rate: 160, 320 or 960 for 20 ms at 8, 16 or 48 kHz.
        public var frameSize: Int
        /// How many of the loudest talkers enter the mix (K).
        public var maximumTalkers: Int
        /// Thresholds of every slot's talker detector.
        public var talkerDetection: TalkerDetector.Configuration
        /// Largest output magnitude of every limiter.
        public var limiterCeiling: Int32
        /// The accumulation kernel.
        public var kernel: MixKernel

        /// Creates a configuration; K defaults to 4, as the issue and ConfBridge practice suggest.
        public init(
            frameSize: Int,
            maximumTalkers: Int = 4,
            talkerDetection: TalkerDetector.Configuration = TalkerDetector.Configuration(),
            limiterCeiling: Int32 = 29205,
            kernel: MixKernel = .simd
        ) {
            self.frameSize = frameSize
            self.maximumTalkers = maximumTalkers
            self.talkerDetection = talkerDetection
            self.limiterCeiling = limiterCeiling
            self.kernel = kernel
        }
    }

    /// Per-slot state, kept in one contiguous array so the per-tick scan is a linear walk.
    private struct Slot {
        var isActive = false
        var hasInput = false
        /// The average magnitude the room supplied with this tick's frame, or −1 to measure it.
        var suppliedMagnitude = -1
        /// The last input was announced (level only) and its samples are not written yet.
        var framePending = false
        var isMixed = false
        /// The tick whose own output this slot's limiter last produced.
        var ownOutputTick = -2
        var settings = SlotSettings()
        var detector: TalkerDetector
        var limiter: Limiter
    }

    /// The configuration this mixer was made with.
    public let configuration: Configuration
    /// Samples per frame.
    public var frameSize: Int { self.configuration.frameSize }
    /// K: how many of the loudest talkers enter the mix.
    public var maximumTalkers: Int { self.configuration.maximumTalkers }
    /// Slots the storage holds before ``addSlot(settings:)`` must grow it.
    public private(set) var slotCapacity: Int
    /// Slots currently in use.
    public private(set) var activeSlotCount = 0
    /// Talk start and stop events of the last ``mix()``, in slot order.
    public private(set) var talkEvents: [TalkEvent] = []
    /// The slots whose frames entered the last ``mix()``, loudest first (at most ``maximumTalkers``).
    public private(set) var mixedSlots: [Int] = []
    /// Input frames whose level came with them (``withInput(of:averageMagnitude:_:)``), over the mixer's life.
    public private(set) var suppliedLevelCount = 0
    /// Input frames the mixer had to measure itself (a pass over every sample), over the mixer's life: the cost
    /// that grows with listeners. A room whose decoders supply levels keeps this at 0.
    public private(set) var measuredLevelCount = 0

    private var slots: UnsafeMutablePointer<Slot>
    private var inputs: UnsafeMutablePointer<Int16>
    private var outputs: UnsafeMutablePointer<Int16>
    /// One past the highest slot index ever handed out; the per-tick scan stops here.
    private var slotLimit = 0
    private var freeSlots: [Int] = []
    private let shared: UnsafeMutablePointer<Int16>
    private let silence: UnsafeMutablePointer<Int16>
    private let wide: UnsafeMutablePointer<Int32>
    private let rankedSlots: UnsafeMutablePointer<Int>
    private let rankedMagnitudes: UnsafeMutablePointer<Int>
    private var sum: MixMinus
    private var sharedLimiter: Limiter
    private var listenGainSlotCount = 0
    /// Ticks mixed so far; tells whether a slot's own limiter was in use on the previous tick.
    private var tick = 0
    /// Talkers chosen by ``selectTalkers()`` for the coming ``mix()`` (their slots are `rankedSlots[0..<count]`),
    /// or nil before the selection of this tick.
    private var selectedCount: Int?

    /// Creates a mixer with storage for `slotCapacity` participants.
    ///
    /// - Parameters:
    ///   - configuration: frame size, K, thresholds; `frameSize` and `maximumTalkers` must be positive.
    ///   - slotCapacity: slots to preallocate; ``addSlot(settings:)`` grows the storage (doubling) beyond it.
    public init(configuration: Configuration, slotCapacity: Int = 16) {
        precondition(configuration.frameSize > 0, "frameSize must be positive")
        precondition(configuration.maximumTalkers > 0, "maximumTalkers must be positive")
        precondition(configuration.maximumTalkers < MixMinus.maximumContributors, "too many talkers for Int32 sums")
        let capacity = max(slotCapacity, 1)
        let frameSize = configuration.frameSize
        self.configuration = configuration
        self.slotCapacity = capacity
        self.slots = .allocate(capacity: capacity)
        self.inputs = .allocate(capacity: capacity * frameSize)
        self.inputs.initialize(repeating: 0, count: capacity * frameSize)
        self.outputs = .allocate(capacity: capacity * frameSize)
        self.outputs.initialize(repeating: 0, count: capacity * frameSize)
        self.shared = .allocate(capacity: frameSize)
        self.shared.initialize(repeating: 0, count: frameSize)
        self.silence = .allocate(capacity: frameSize)
        self.silence.initialize(repeating: 0, count: frameSize)
        self.wide = .allocate(capacity: frameSize)
        self.wide.initialize(repeating: 0, count: frameSize)
        self.rankedSlots = .allocate(capacity: configuration.maximumTalkers)
        self.rankedSlots.initialize(repeating: 0, count: configuration.maximumTalkers)
        self.rankedMagnitudes = .allocate(capacity: configuration.maximumTalkers)
        self.rankedMagnitudes.initialize(repeating: 0, count: configuration.maximumTalkers)
        self.sum = MixMinus(frameSize: frameSize, kernel: configuration.kernel)
        self.sharedLimiter = Limiter(ceiling: configuration.limiterCeiling)
        self.slots.initialize(repeating: Self.makeSlot(configuration), count: capacity)
        self.talkEvents.reserveCapacity(capacity)
        self.mixedSlots.reserveCapacity(configuration.maximumTalkers)
        self.freeSlots.reserveCapacity(capacity)
    }

    /// Creates a mixer for frames of `frameSize` samples with default thresholds and K = 4.
    public convenience init(frameSize: Int, maximumTalkers: Int = 4, slotCapacity: Int = 16) {
        self.init(
            configuration: Configuration(frameSize: frameSize, maximumTalkers: maximumTalkers),
            slotCapacity: slotCapacity
        )
    }

    deinit {
        self.slots.deinitialize(count: self.slotCapacity)
        self.slots.deallocate()
        self.inputs.deallocate()
        self.outputs.deallocate()
        self.shared.deallocate()
        self.silence.deallocate()
        self.wide.deallocate()
        self.rankedSlots.deallocate()
        self.rankedMagnitudes.deallocate()
    }

    private static func makeSlot(_ configuration: Configuration) -> Slot {
        Slot(
            detector: TalkerDetector(configuration: configuration.talkerDetection),
            limiter: Limiter(ceiling: configuration.limiterCeiling)
        )
    }

    // MARK: - Slots

    /// Adds a participant and returns its slot index, stable until ``removeSlot(_:)``.
    ///
    /// Reuses a freed index when there is one; otherwise grows the storage if it is full (the only allocation the
    /// mixer makes after `init`, and never during a tick).
    /// - Parameter settings: the participant's initial settings.
    /// - Returns: the slot index.
    public func addSlot(settings: SlotSettings = SlotSettings()) -> Int {
        let index: Int
        if let free = self.freeSlots.popLast() {
            index = free
        } else {
            if self.slotLimit == self.slotCapacity { self.grow(to: self.slotCapacity * 2) }
            index = self.slotLimit
            self.slotLimit += 1
        }
        var slot = Self.makeSlot(self.configuration)
        slot.isActive = true
        slot.settings = settings
        self.slots[index] = slot
        if !settings.listenGain.isUnity { self.listenGainSlotCount += 1 }
        self.activeSlotCount += 1
        return index
    }

    /// Removes a participant; its index may be handed out again by ``addSlot(settings:)``.
    ///
    /// No ``TalkerDetector/Event/stoppedTalking`` is raised for a participant removed while talking: the room that
    /// removes it already knows it left.
    public func removeSlot(_ slot: Int) {
        self.checkActive(slot)
        if !self.slots[slot].settings.listenGain.isUnity { self.listenGainSlotCount -= 1 }
        self.slots[slot] = Self.makeSlot(self.configuration)
        self.freeSlots.append(slot)
        self.activeSlotCount -= 1
    }

    /// Whether `slot` is in use.
    public func isActive(_ slot: Int) -> Bool {
        slot >= 0 && slot < self.slotLimit && self.slots[slot].isActive
    }

    /// The settings of `slot`.
    public func settings(of slot: Int) -> SlotSettings {
        self.checkActive(slot)
        return self.slots[slot].settings
    }

    /// Replaces the settings of `slot`; they take effect at the next ``mix()``.
    public func setSettings(_ settings: SlotSettings, of slot: Int) {
        self.checkActive(slot)
        let old = self.slots[slot].settings
        if !old.listenGain.isUnity { self.listenGainSlotCount -= 1 }
        if !settings.listenGain.isUnity { self.listenGainSlotCount += 1 }
        self.slots[slot].settings = settings
    }

    /// Mutes or unmutes `slot`.
    public func setMuted(_ muted: Bool, for slot: Int) {
        var settings = self.settings(of: slot)
        settings.isMuted = muted
        self.setSettings(settings, of: slot)
    }

    /// Makes `slot` deaf (it hears silence) or hearing.
    public func setDeaf(_ deaf: Bool, for slot: Int) {
        var settings = self.settings(of: slot)
        settings.isDeaf = deaf
        self.setSettings(settings, of: slot)
    }

    /// Sets the talk gain of `slot` (what the others hear of it).
    public func setTalkGain(_ gain: Gain, for slot: Int) {
        var settings = self.settings(of: slot)
        settings.talkGain = gain
        self.setSettings(settings, of: slot)
    }

    /// Sets the listen gain of `slot` (what it hears). A non-unity listen gain gives the slot an output of its own.
    public func setListenGain(_ gain: Gain, for slot: Int) {
        var settings = self.settings(of: slot)
        settings.listenGain = gain
        self.setSettings(settings, of: slot)
    }

    /// Whether `slot` is talking, by its detector (including the silence hangover).
    public func isTalking(_ slot: Int) -> Bool {
        self.checkActive(slot)
        return self.slots[slot].detector.isTalking
    }

    /// Whether `slot`'s frame entered the last ``mix()`` (it is one of the K loudest talkers).
    public func isMixed(_ slot: Int) -> Bool {
        self.checkActive(slot)
        return self.slots[slot].isMixed
    }

    /// The average magnitude (after talk gain) of the last frame `slot`'s detector measured (0 for a tick without
    /// input; muted slots are not measured).
    public func lastAverageMagnitude(of slot: Int) -> Int {
        self.checkActive(slot)
        return self.slots[slot].detector.lastAverageMagnitude
    }

    // MARK: - Input

    /// Lets `body` write this tick's frame of `slot` (``frameSize`` samples) and marks the slot as having input.
    ///
    /// The buffer holds the previous tick's samples (after talk gain if the slot was mixed): write all of it.
    /// If `body` throws, the slot has no input this tick.
    public func withInput<Result, Failure: Error>(
        of slot: Int,
        _ body: (UnsafeMutableBufferPointer<Int16>) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        self.checkActive(slot)
        precondition(self.selectedCount == nil, "input given between selectTalkers() and mix()")
        let frame = UnsafeMutableBufferPointer(start: self.inputs + slot * self.frameSize, count: self.frameSize)
        let result = try body(frame)
        self.slots[slot].hasInput = true
        self.slots[slot].suppliedMagnitude = -1
        self.slots[slot].framePending = false
        return result
    }

    /// Like ``withInput(of:_:)``, with the frame's average absolute sample value already known, so the mixer skips
    /// measuring it: the one per-listener cost of a tick.
    ///
    /// A decoder can sum magnitudes while it writes the samples, or a room can derive the figure from an RFC 6464
    /// client-to-mixer audio level. It is used before talk gain, exactly as a measured one would be.
    /// - Parameters:
    ///   - slot: the participant's slot.
    ///   - averageMagnitude: mean of `|sample|` over the frame (0...32 768).
    ///   - body: writes the frame into the slot's input buffer.
    public func withInput<Result, Failure: Error>(
        of slot: Int,
        averageMagnitude: Int,
        _ body: (UnsafeMutableBufferPointer<Int16>) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        let result = try self.withInput(of: slot, body)
        self.slots[slot].suppliedMagnitude = max(averageMagnitude, 0)
        return result
    }

    /// Copies this tick's frame of `slot`; a shorter frame is padded with silence, a longer one truncated.
    public func setInput(_ frame: UnsafeBufferPointer<Int16>, for slot: Int) {
        self.withInput(of: slot) { destination in
            let count = min(frame.count, destination.count)
            if let source = frame.baseAddress, let target = destination.baseAddress {
                target.update(from: source, count: count)
            }
            if count < destination.count {
                destination.baseAddress.map { ($0 + count).update(repeating: 0, count: destination.count - count) }
            }
        }
    }

    /// Copies this tick's frame of `slot` like ``setInput(_:for:)``, with its average magnitude already known (see
    /// ``withInput(of:averageMagnitude:_:)``): the mixer does not read the samples unless the slot is mixed.
    public func setInput(_ frame: UnsafeBufferPointer<Int16>, for slot: Int, averageMagnitude: Int) {
        self.setInput(frame, for: slot)
        self.slots[slot].suppliedMagnitude = max(averageMagnitude, 0)
    }

    /// Says that `slot` has a frame this tick whose average magnitude is known, without writing its samples yet.
    ///
    /// The slot counts as having input, exactly as with ``setInput(_:for:averageMagnitude:)``. Its samples are
    /// needed only if ``selectTalkers()`` puts it in ``mixedSlots``: then write them with
    /// ``withSelectedInput(of:_:)`` before ``mix()``. A room gives the level of a frame it has not converted to the
    /// room's rate yet, and converts only the K frames that are mixed.
    /// - Parameters:
    ///   - slot: the participant's slot.
    ///   - averageMagnitude: mean of `|sample|` over the frame (0...32 768), before talk gain.
    public func announceInput(of slot: Int, averageMagnitude: Int) {
        self.checkActive(slot)
        precondition(self.selectedCount == nil, "input given between selectTalkers() and mix()")
        self.slots[slot].hasInput = true
        self.slots[slot].suppliedMagnitude = max(averageMagnitude, 0)
        self.slots[slot].framePending = true
    }

    /// Lends the input buffer (``frameSize`` samples) of a slot that ``selectTalkers()`` put in ``mixedSlots``, to
    /// write the frame announced for it with ``announceInput(of:averageMagnitude:)``. Write all of it.
    ///
    /// A selected slot whose announced frame is not written by ``mix()`` is mixed as silence.
    public func withSelectedInput<Result, Failure: Error>(
        of slot: Int,
        _ body: (UnsafeMutableBufferPointer<Int16>) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        self.checkActive(slot)
        precondition(self.selectedCount != nil && self.slots[slot].isMixed, "slot \(slot) was not selected")
        let frame = UnsafeMutableBufferPointer(start: self.inputs + slot * self.frameSize, count: self.frameSize)
        let result = try body(frame)
        self.slots[slot].framePending = false
        return result
    }

    /// Whether `slot`'s frame was announced without its samples and the last ``selectTalkers()`` selected it, so
    /// the room must write it with ``withSelectedInput(of:_:)`` before ``mix()``.
    public func needsSelectedInput(_ slot: Int) -> Bool {
        self.checkActive(slot)
        return self.selectedCount != nil && self.slots[slot].isMixed && self.slots[slot].framePending
    }

    // MARK: - The tick

    /// Decides this tick's talkers from the levels given so far: talker detection of every slot, then the K
    /// loudest talking slots with input. Needs no samples, so it can run before the announced frames exist.
    ///
    /// Afterwards ``mixedSlots``, ``isMixed(_:)`` and ``talkEvents`` describe this tick, and no more input may be
    /// given until ``mix()``, which uses this selection (it selects by itself when this was not called). The
    /// outputs still hold the last tick's mix until then.
    public func selectTalkers() {
        guard self.selectedCount == nil else { return }
        let frameSize = self.frameSize
        let maximumTalkers = self.maximumTalkers
        let slots = self.slots
        let inputs = self.inputs
        let rankedSlots = self.rankedSlots
        let rankedMagnitudes = self.rankedMagnitudes
        self.talkEvents.removeAll(keepingCapacity: true)
        for slot in self.mixedSlots { slots[slot].isMixed = false }
        self.mixedSlots.removeAll(keepingCapacity: true)

        // 1. Detect talkers and keep the K loudest in a small sorted list (loudest first, lower index first on ties).
        var ranked = 0
        var measured = 0
        var supplied = 0
        defer {
            self.measuredLevelCount += measured
            self.suppliedLevelCount += supplied
        }
        for index in 0..<self.slotLimit where slots[index].isActive {
            let hadInput = slots[index].hasInput
            slots[index].hasInput = false
            if slots[index].settings.isMuted {
                if slots[index].detector.isTalking {
                    slots[index].detector = TalkerDetector(configuration: self.configuration.talkerDetection)
                    self.talkEvents.append(TalkEvent(slot: index, event: .stoppedTalking))
                }
                continue
            }
            var magnitude = 0
            if hadInput {
                var average = slots[index].suppliedMagnitude
                if average < 0 {
                    average = MixKernel.sumOfMagnitudes(inputs + index * frameSize, count: frameSize) / frameSize
                    measured += 1
                } else {
                    supplied += 1
                }
                magnitude = slots[index].settings.talkGain.scale(magnitude: average)
            }
            if let event = slots[index].detector.processFrame(averageMagnitude: magnitude) {
                self.talkEvents.append(TalkEvent(slot: index, event: event))
            }
            guard hadInput, slots[index].detector.isTalking else { continue }
            guard ranked < maximumTalkers || magnitude > rankedMagnitudes[maximumTalkers - 1] else { continue }
            if ranked < maximumTalkers { ranked += 1 }
            var position = ranked - 1
            while position > 0 && rankedMagnitudes[position - 1] < magnitude {
                rankedMagnitudes[position] = rankedMagnitudes[position - 1]
                rankedSlots[position] = rankedSlots[position - 1]
                position -= 1
            }
            rankedMagnitudes[position] = magnitude
            rankedSlots[position] = index
        }
        for rank in 0..<ranked {
            slots[rankedSlots[rank]].isMixed = true
            self.mixedSlots.append(rankedSlots[rank])
        }
        self.selectedCount = ranked
    }

    /// Mixes one tick from the inputs given since the last call (choosing the talkers first with
    /// ``selectTalkers()`` unless that was called).
    ///
    /// Afterwards ``talkEvents``, ``mixedSlots``, ``outputSource(of:)`` and the outputs describe this tick, and
    /// every slot's input is consumed (a slot given no frame next tick is silent).
    public func mix() {
        self.selectTalkers()
        let ranked = self.selectedCount ?? 0
        self.selectedCount = nil
        let frameSize = self.frameSize
        let slots = self.slots
        let inputs = self.inputs
        let rankedSlots = self.rankedSlots
        self.tick += 1

        // 2. Sum the selected talkers, each after its talk gain.
        self.sum.beginTick()
        for rank in 0..<ranked {
            let index = rankedSlots[rank]
            let frame = UnsafeMutableBufferPointer(start: inputs + index * frameSize, count: frameSize)
            if slots[index].framePending {
                // Announced and selected, but never written: silence rather than an old frame.
                frame.update(repeating: 0)
                slots[index].framePending = false
            }
            slots[index].settings.talkGain.apply(to: frame)
            self.sum.add(UnsafeBufferPointer(frame))
        }

        // 3. Outputs of their own: each mixed talker (sum minus own), then listeners with a listen gain (sum).
        for rank in 0..<ranked {
            let index = rankedSlots[rank]
            self.renderOwnOutput(of: index, minusOwn: true)
        }
        if self.listenGainSlotCount > 0 {
            for index in 0..<self.slotLimit where slots[index].isActive && !slots[index].isMixed {
                if !slots[index].settings.listenGain.isUnity {
                    self.renderOwnOutput(of: index, minusOwn: false)
                }
            }
        }

        // 4. The shared mix, computed once for everyone else.
        let wide = UnsafeMutableBufferPointer(start: self.wide, count: frameSize)
        self.sum.mixMinus(own: nil, into: wide)
        self.sharedLimiter.process(
            UnsafeBufferPointer(wide),
            into: UnsafeMutableBufferPointer(start: self.shared, count: frameSize)
        )
    }

    /// Computes `slot`'s own output: (sum − own if mixed) × listen gain, through the slot's limiter.
    private func renderOwnOutput(of index: Int, minusOwn: Bool) {
        let frameSize = self.frameSize
        let slot = self.slots + index
        if slot.pointee.settings.isDeaf { return }
        if slot.pointee.ownOutputTick != self.tick - 1 {
            // Continue from the limiter this participant was hearing through last tick, so the level does not jump.
            slot.pointee.limiter = self.sharedLimiter
        }
        slot.pointee.ownOutputTick = self.tick
        let wide = UnsafeMutableBufferPointer(start: self.wide, count: frameSize)
        let own = minusOwn ? UnsafeBufferPointer(start: self.inputs + index * frameSize, count: frameSize) : nil
        self.sum.mixMinus(own: own, into: wide)
        slot.pointee.settings.listenGain.apply(to: wide)
        slot.pointee.limiter.process(
            UnsafeBufferPointer(wide),
            into: UnsafeMutableBufferPointer(start: self.outputs + index * frameSize, count: frameSize)
        )
    }

    // MARK: - Output

    /// What `slot` hears after the last ``mix()``.
    public func outputSource(of slot: Int) -> OutputSource {
        self.checkActive(slot)
        let state = self.slots[slot]
        if state.settings.isDeaf { return .silence }
        if state.isMixed || !state.settings.listenGain.isUnity { return .own }
        return .shared
    }

    /// Whether `slot` hears the shared mix (so one encoding per codec group serves it).
    public func usesSharedOutput(_ slot: Int) -> Bool {
        self.outputSource(of: slot) == .shared
    }

    /// Whether the last shared mix is digital silence because nobody was mixed (a room may skip or DTX it).
    public var sharedOutputIsSilent: Bool { self.mixedSlots.isEmpty }

    /// Lends the shared mix of the last ``mix()`` (``frameSize`` samples), what every ``OutputSource/shared`` slot
    /// hears.
    public func withSharedOutput<Result, Failure: Error>(
        _ body: (UnsafeBufferPointer<Int16>) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try body(UnsafeBufferPointer(start: self.shared, count: self.frameSize))
    }

    /// Lends what `slot` hears after the last ``mix()``: the shared mix, its own frame or silence, as
    /// ``outputSource(of:)`` says.
    public func withOutput<Result, Failure: Error>(
        of slot: Int,
        _ body: (UnsafeBufferPointer<Int16>) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        let start: UnsafeMutablePointer<Int16> =
            switch self.outputSource(of: slot) {
            case .shared: self.shared
            case .own: self.outputs + slot * self.frameSize
            case .silence: self.silence
            }
        return try body(UnsafeBufferPointer(start: start, count: self.frameSize))
    }

    // MARK: - Storage

    private func checkActive(_ slot: Int) {
        precondition(self.isActive(slot), "slot \(slot) is not in use")
    }

    /// Moves all storage to a larger block; only ever called from ``addSlot(settings:)``.
    private func grow(to capacity: Int) {
        let frameSize = self.frameSize
        let oldCapacity = self.slotCapacity
        let slots = UnsafeMutablePointer<Slot>.allocate(capacity: capacity)
        slots.moveInitialize(from: self.slots, count: oldCapacity)
        (slots + oldCapacity).initialize(repeating: Self.makeSlot(self.configuration), count: capacity - oldCapacity)
        self.slots.deallocate()
        self.slots = slots
        let inputs = UnsafeMutablePointer<Int16>.allocate(capacity: capacity * frameSize)
        inputs.moveInitialize(from: self.inputs, count: oldCapacity * frameSize)
        (inputs + oldCapacity * frameSize).initialize(repeating: 0, count: (capacity - oldCapacity) * frameSize)
        self.inputs.deallocate()
        self.inputs = inputs
        let outputs = UnsafeMutablePointer<Int16>.allocate(capacity: capacity * frameSize)
        outputs.moveInitialize(from: self.outputs, count: oldCapacity * frameSize)
        (outputs + oldCapacity * frameSize).initialize(repeating: 0, count: (capacity - oldCapacity) * frameSize)
        self.outputs.deallocate()
        self.outputs = outputs
        self.slotCapacity = capacity
        self.talkEvents.reserveCapacity(capacity)
        self.freeSlots.reserveCapacity(capacity)
    }
}

@available(*, unavailable)
extension ConferenceMixer: Sendable {}
