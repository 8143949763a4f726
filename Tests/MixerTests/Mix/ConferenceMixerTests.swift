import Testing

@testable import Mixer

@Suite("Conference mixer: loudest-K mix-minus per tick")
struct ConferenceMixerTests {
    static let frameSize = 160

    /// A deterministic frame of random samples in ±`amplitude` (average magnitude about amplitude / 2).
    static func noise(amplitude: Int16, seed: UInt64, count: Int = frameSize) -> [Int16] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in Int16.random(in: -amplitude...amplitude, using: &generator) }
    }

    /// A frame whose every sample has magnitude `level`, alternating sign: average magnitude exactly `level`.
    static func square(_ level: Int16, count: Int = frameSize) -> [Int16] {
        (0..<count).map { $0 % 2 == 0 ? level : -level }
    }

    static func silence(count: Int = frameSize) -> [Int16] { [Int16](repeating: 0, count: count) }

    /// Gives each slot its frame (nil: no input this tick) and mixes.
    static func tick(_ mixer: ConferenceMixer, _ frames: [Int: [Int16]]) {
        for (slot, frame) in frames { frame.withUnsafeBufferPointer { mixer.setInput($0, for: slot) } }
        mixer.mix()
    }

    static func output(_ mixer: ConferenceMixer, _ slot: Int) -> [Int16] {
        mixer.withOutput(of: slot) { Array($0) }
    }

    static func shared(_ mixer: ConferenceMixer) -> [Int16] {
        mixer.withSharedOutput { Array($0) }
    }

    /// Σ frames − own, computed naively in Int and saturated: the scalar reference.
    static func reference(_ frames: [[Int16]], minus own: [Int16]? = nil) -> [Int16] {
        (0..<frameSize).map { index in
            let total = frames.reduce(0) { $0 + Int($1[index]) } - Int(own?[index] ?? 0)
            return Int16(clamping: total)
        }
    }

    static func makeMixer(slots: Int, maximumTalkers: Int = 4, frameSize: Int = frameSize) -> ConferenceMixer {
        let mixer = ConferenceMixer(frameSize: frameSize, maximumTalkers: maximumTalkers, slotCapacity: 4)
        for expected in 0..<slots { #expect(mixer.addSlot() == expected) }
        return mixer
    }

    @Test("each mixed talker hears the exact sum of the others; every listener hears the exact whole sum")
    func exactSums() {
        let mixer = Self.makeMixer(slots: 6)
        let talkers = [
            0: Self.noise(amplitude: 4000, seed: 1), 2: Self.noise(amplitude: 5000, seed: 2),
            5: Self.noise(amplitude: 3000, seed: 3),
        ]
        var frames = talkers
        for slot in [1, 3, 4] { frames[slot] = Self.silence() }
        Self.tick(mixer, frames)
        let all = Array(talkers.values)
        #expect(Set(mixer.mixedSlots) == [0, 2, 5])
        for (slot, own) in talkers {
            #expect(mixer.outputSource(of: slot) == .own)
            #expect(Self.output(mixer, slot) == Self.reference(all, minus: own))
        }
        for slot in [1, 3, 4] {
            #expect(mixer.outputSource(of: slot) == .shared)
            #expect(Self.output(mixer, slot) == Self.reference(all))
        }
        #expect(Self.shared(mixer) == Self.reference(all))
    }

    @Test("mix-minus holds for every participant when everyone talks", arguments: [1, 2, 3, 5, 8])
    func mixMinusForEveryone(participants: Int) {
        let mixer = Self.makeMixer(slots: participants, maximumTalkers: participants)
        let frames = (0..<participants).map { Self.noise(amplitude: 3500, seed: UInt64(100 + $0)) }
        Self.tick(mixer, Dictionary(uniqueKeysWithValues: frames.enumerated().map { ($0.offset, $0.element) }))
        #expect(mixer.mixedSlots.count == participants)
        for slot in 0..<participants {
            #expect(Self.output(mixer, slot) == Self.reference(frames, minus: frames[slot]))
        }
    }

    @Test("the scalar and SIMD kernels give identical outputs", arguments: [160, 320, 960, 163])
    func kernelsAgree(frameSize: Int) {
        var results: [[[Int16]]] = []
        for kernel in [MixKernel.scalar, .simd] {
            let mixer = ConferenceMixer(
                configuration: .init(frameSize: frameSize, maximumTalkers: 3, kernel: kernel),
                slotCapacity: 8
            )
            for _ in 0..<6 { _ = mixer.addSlot() }
            for round in 0..<3 {
                var frames: [Int: [Int16]] = [:]
                for slot in 0..<6 {
                    let seed = UInt64(round * 10 + slot)
                    frames[slot] = Self.noise(amplitude: Int16(2000 * (slot + 1)), seed: seed, count: frameSize)
                }
                for (slot, frame) in frames { frame.withUnsafeBufferPointer { mixer.setInput($0, for: slot) } }
                mixer.mix()
            }
            results.append((0..<6).map { slot in mixer.withOutput(of: slot) { Array($0) } })
        }
        #expect(results[0] == results[1])
    }

    @Test("only the K loudest talkers enter the mix, loudest first")
    func loudestK() {
        let mixer = Self.makeMixer(slots: 7)
        let levels: [Int16] = [500, 3000, 1000, 2500, 200, 4000, 0]
        Self.tick(
            mixer,
            Dictionary(uniqueKeysWithValues: levels.enumerated().map { ($0.offset, Self.square($0.element)) })
        )
        #expect(mixer.mixedSlots == [5, 1, 3, 2])
        // Slots 0 and 4 talk (above the threshold of 160) but are not loud enough: they hear the shared mix.
        #expect(mixer.isTalking(0) && mixer.isTalking(4))
        #expect(!mixer.isMixed(0) && !mixer.isMixed(4))
        #expect(mixer.usesSharedOutput(0) && mixer.usesSharedOutput(4) && mixer.usesSharedOutput(6))
        let mixed = [5, 1, 3, 2].map { Self.square(levels[$0]) }
        #expect(Self.shared(mixer) == Self.reference(mixed))
        #expect(Self.output(mixer, 1) == Self.reference(mixed, minus: Self.square(3000)))
    }

    @Test("ties are broken by the lower slot index")
    func ties() {
        let mixer = Self.makeMixer(slots: 6, maximumTalkers: 3)
        Self.tick(mixer, Dictionary(uniqueKeysWithValues: (0..<6).map { ($0, Self.square(1000)) }))
        #expect(mixer.mixedSlots == [0, 1, 2])
        // A tie at the boundary: slot 4 is loudest, then three equal ones compete for two places.
        let levels: [Int16] = [900, 1000, 800, 1000, 2000, 1000]
        Self.tick(
            mixer,
            Dictionary(uniqueKeysWithValues: levels.enumerated().map { ($0.offset, Self.square($0.element)) })
        )
        #expect(mixer.mixedSlots == [4, 1, 3])
    }

    @Test("with K + 1 talkers the quietest hears the shared mix and is not in it")
    func kPlusOne() {
        let mixer = Self.makeMixer(slots: 5)
        let frames = (0..<5).map { Self.noise(amplitude: Int16(1000 + 1000 * $0), seed: UInt64(7 + $0)) }
        Self.tick(mixer, Dictionary(uniqueKeysWithValues: frames.enumerated().map { ($0.offset, $0.element) }))
        #expect(mixer.mixedSlots == [4, 3, 2, 1])
        #expect(mixer.outputSource(of: 0) == .shared)
        let mixed = Array(frames[1...])
        #expect(Self.output(mixer, 0) == Self.reference(mixed))
        for slot in 1..<5 { #expect(Self.output(mixer, slot) == Self.reference(mixed, minus: frames[slot])) }
    }

    @Test("a muted participant contributes nothing and stops talking at once")
    func muted() {
        let mixer = Self.makeMixer(slots: 3)
        let a = Self.noise(amplitude: 3000, seed: 11)
        let b = Self.noise(amplitude: 3000, seed: 12)
        Self.tick(mixer, [0: a, 1: b, 2: Self.silence()])
        #expect(mixer.isTalking(1))
        mixer.setMuted(true, for: 1)
        Self.tick(mixer, [0: a, 1: b, 2: Self.silence()])
        #expect(mixer.talkEvents == [.init(slot: 1, event: .stoppedTalking)])
        #expect(mixer.mixedSlots == [0])
        #expect(!mixer.isTalking(1))
        #expect(Self.output(mixer, 2) == a)
        #expect(mixer.outputSource(of: 1) == .shared)
        #expect(Self.output(mixer, 1) == a)
        // A muted participant makes no events while it speaks.
        Self.tick(mixer, [0: a, 1: b, 2: Self.silence()])
        #expect(mixer.talkEvents.isEmpty)
    }

    @Test("a deaf participant hears silence but is still heard")
    func deaf() {
        let mixer = Self.makeMixer(slots: 3)
        mixer.setDeaf(true, for: 0)
        mixer.setDeaf(true, for: 2)
        let a = Self.noise(amplitude: 3000, seed: 21)
        let b = Self.noise(amplitude: 2000, seed: 22)
        Self.tick(mixer, [0: a, 1: b, 2: Self.silence()])
        #expect(mixer.outputSource(of: 0) == .silence)
        #expect(mixer.outputSource(of: 2) == .silence)
        #expect(Self.output(mixer, 0) == Self.silence())
        #expect(Self.output(mixer, 2) == Self.silence())
        #expect(Self.output(mixer, 1) == a)
        #expect(Self.shared(mixer) == Self.reference([a, b]))
    }

    @Test("talk gain scales what the others hear, listen gain what one hears, both saturating")
    func gains() {
        let mixer = Self.makeMixer(slots: 3)
        mixer.setTalkGain(Gain(level: 2), for: 0)
        mixer.setListenGain(Gain(level: -2), for: 2)
        let a = Self.noise(amplitude: 3000, seed: 31)
        let b = Self.noise(amplitude: 2000, seed: 32)
        Self.tick(mixer, [0: a, 1: b, 2: Self.silence()])
        let louder = a.map { Int16(clamping: (Int($0) * 65381) >> 15) }
        #expect(Self.output(mixer, 1) == louder)
        #expect(Self.output(mixer, 0) == b)
        #expect(mixer.outputSource(of: 2) == .own)
        let sum = Self.reference([louder, b])
        #expect(Self.shared(mixer) == sum)
        #expect(Self.output(mixer, 2) == sum.map { Int16(clamping: (Int($0) * 16423) >> 15) })
    }

    @Test("talk gain affects talker detection and ranking")
    func talkGainRanking() {
        let mixer = Self.makeMixer(slots: 2, maximumTalkers: 1)
        mixer.setTalkGain(Gain(level: -4), for: 0)
        // 600 × 0.25 = 150 is below the talking threshold of 160; slot 1 at 300 talks.
        Self.tick(mixer, [0: Self.square(600), 1: Self.square(300)])
        #expect(!mixer.isTalking(0))
        #expect(mixer.mixedSlots == [1])
    }

    @Test("six full-scale talkers never wrap and stay under the ceiling", arguments: [4, 6])
    func limiterNoWrap(maximumTalkers: Int) {
        let mixer = Self.makeMixer(slots: 8, maximumTalkers: maximumTalkers)
        let ceiling = Int(mixer.configuration.limiterCeiling)
        // In phase: the plain sum is 6 × 32767, far beyond Int16.
        let loud = (0..<Self.frameSize).map { $0 % 40 < 20 ? Int16.max : Int16.min + 1 }
        for _ in 0..<10 {
            var frames: [Int: [Int16]] = [6: Self.silence(), 7: Self.silence()]
            for slot in 0..<6 { frames[slot] = loud }
            Self.tick(mixer, frames)
            for slot in 0..<8 {
                let heard = Self.output(mixer, slot)
                #expect(heard.allSatisfy { abs(Int($0)) <= ceiling })
                // No wrap: every sample keeps the sign of what was summed.
                #expect(zip(heard, loud).allSatisfy { Int($0) * Int($1) >= 0 })
            }
        }
        // After the attack the peak sits just under the ceiling instead of being clipped flat at Int16.max.
        let peak = Self.shared(mixer).map { abs(Int($0)) }.max() ?? 0
        #expect(peak > ceiling - 1000 && peak <= ceiling)
    }

    @Test("talking stops only after the 2500 ms hangover, and mixed talkers stay mixed meanwhile")
    func hangover() {
        let mixer = Self.makeMixer(slots: 2)
        let voice = Self.noise(amplitude: 3000, seed: 41)
        Self.tick(mixer, [0: voice, 1: Self.silence()])
        #expect(mixer.talkEvents == [.init(slot: 0, event: .startedTalking)])
        var stoppedAt: Int?
        for tick in 1...130 {
            Self.tick(mixer, [0: Self.silence(), 1: Self.silence()])
            if mixer.talkEvents.contains(.init(slot: 0, event: .stoppedTalking)) { stoppedAt = tick }
            if tick == 124 { #expect(mixer.isTalking(0) && mixer.isMixed(0)) }
        }
        #expect(stoppedAt == 125)
        #expect(!mixer.isMixed(0))
        // Without input at all (no packets), silence is counted the same way.
        Self.tick(mixer, [0: voice])
        #expect(mixer.isTalking(0))
        for _ in 0..<125 { mixer.mix() }
        #expect(!mixer.isTalking(0))
    }

    @Test("every non-talker gets the very same shared frame")
    func sharedIdentical() {
        let mixer = Self.makeMixer(slots: 12)
        var frames: [Int: [Int16]] = [:]
        for slot in 0..<12 {
            frames[slot] = slot < 2 ? Self.noise(amplitude: 6000, seed: UInt64(slot)) : Self.silence()
        }
        Self.tick(mixer, frames)
        let shared = Self.shared(mixer)
        #expect(!shared.allSatisfy { $0 == 0 })
        for slot in 2..<12 {
            #expect(mixer.usesSharedOutput(slot))
            #expect(Self.output(mixer, slot) == shared)
        }
        #expect(!mixer.sharedOutputIsSilent)
    }

    @Test("a room of 1000 slots with 3 talkers gives correct outputs to everyone")
    func thousandSlots() {
        let mixer = ConferenceMixer(frameSize: 960, slotCapacity: 1000)
        for _ in 0..<1000 { _ = mixer.addSlot() }
        let talkers = [
            17: Self.noise(amplitude: 5000, seed: 51, count: 960),
            503: Self.noise(amplitude: 4000, seed: 52, count: 960),
            999: Self.noise(amplitude: 3000, seed: 53, count: 960),
        ]
        for (slot, frame) in talkers { frame.withUnsafeBufferPointer { mixer.setInput($0, for: slot) } }
        // Half the listeners send comfort-level noise below the threshold, the others send nothing.
        let hiss = Self.noise(amplitude: 100, seed: 54, count: 960)
        for slot in stride(from: 0, to: 1000, by: 2) where talkers[slot] == nil {
            hiss.withUnsafeBufferPointer { mixer.setInput($0, for: slot) }
        }
        mixer.mix()
        #expect(Set(mixer.mixedSlots) == [17, 503, 999])
        #expect(Set(mixer.talkEvents.map(\.slot)) == [17, 503, 999])
        let all = Array(talkers.values)
        let sum = (0..<960).map { i in Int16(clamping: all.reduce(0) { $0 + Int($1[i]) }) }
        for slot in 0..<1000 {
            if let own = talkers[slot] {
                let expected = (0..<960).map { sum[$0] - own[$0] }
                #expect(mixer.withOutput(of: slot) { Array($0) } == expected)
            } else {
                #expect(mixer.usesSharedOutput(slot))
            }
        }
        #expect(Self.shared(mixer) == sum)
    }

    @Test("slots given no frame are silent, and nobody talking gives a silent shared mix")
    func noInput() {
        let mixer = Self.makeMixer(slots: 3)
        Self.tick(mixer, [0: Self.noise(amplitude: 3000, seed: 61)])
        #expect(mixer.mixedSlots == [0])
        Self.tick(mixer, [:])
        // Slot 0 is in its hangover but gave no frame: it is not mixed.
        #expect(mixer.isTalking(0) && mixer.mixedSlots.isEmpty)
        #expect(mixer.sharedOutputIsSilent)
        #expect(Self.shared(mixer) == Self.silence())
        #expect(Self.output(mixer, 0) == Self.silence())
    }

    @Test("removed slots are reused, and growing the storage keeps every slot's state")
    func slotLifecycle() {
        let mixer = ConferenceMixer(frameSize: Self.frameSize, slotCapacity: 2)
        let first = mixer.addSlot()
        let second = mixer.addSlot()
        mixer.setDeaf(true, for: second)
        let third = mixer.addSlot()
        #expect([first, second, third] == [0, 1, 2])
        #expect(mixer.slotCapacity >= 3)
        #expect(mixer.settings(of: second).isDeaf)
        mixer.removeSlot(first)
        #expect(!mixer.isActive(first))
        #expect(mixer.activeSlotCount == 2)
        let reused = mixer.addSlot()
        #expect(reused == first)
        #expect(mixer.settings(of: reused) == .init())
        let a = Self.noise(amplitude: 3000, seed: 71)
        Self.tick(mixer, [reused: a, third: Self.silence()])
        #expect(Self.output(mixer, third) == a)
    }

    @Test("a listener's gain change moves it between the shared and its own output")
    func sharedToOwn() {
        let mixer = Self.makeMixer(slots: 2)
        let a = Self.noise(amplitude: 2000, seed: 81)
        Self.tick(mixer, [0: a])
        #expect(mixer.usesSharedOutput(1))
        mixer.setListenGain(Gain(level: 1), for: 1)
        Self.tick(mixer, [0: a])
        #expect(mixer.outputSource(of: 1) == .own)
        #expect(Self.output(mixer, 1) == a.map { Int16(clamping: (Int($0) * 46286) >> 15) })
        mixer.setListenGain(.unity, for: 1)
        Self.tick(mixer, [0: a])
        #expect(mixer.usesSharedOutput(1))
    }

    @Test("a level supplied with the frame is used instead of measuring it")
    func suppliedLevel() {
        let mixer = Self.makeMixer(slots: 3, maximumTalkers: 1)
        let quiet = Self.square(300)
        let loud = Self.square(3000)
        // Slot 0 claims to be louder than slot 1 really is: the claim decides the ranking.
        quiet.withUnsafeBufferPointer { frame in
            mixer.withInput(of: 0, averageMagnitude: 5000) { $0.update(fromContentsOf: frame) }
        }
        loud.withUnsafeBufferPointer { mixer.setInput($0, for: 1) }
        mixer.mix()
        #expect(mixer.mixedSlots == [0])
        #expect(mixer.lastAverageMagnitude(of: 0) == 5000)
        #expect(mixer.lastAverageMagnitude(of: 1) == 3000)
        #expect(Self.output(mixer, 2) == quiet)
        // Next tick without a supplied level, it is measured again.
        quiet.withUnsafeBufferPointer { mixer.setInput($0, for: 0) }
        mixer.mix()
        #expect(mixer.lastAverageMagnitude(of: 0) == 300)
    }

    @Test("setInput with a level copies the frame, uses the level, and counts supplied and measured frames")
    func suppliedLevelCounts() {
        let mixer = Self.makeMixer(slots: 3, maximumTalkers: 1)
        let loud = Self.square(3000)
        // Slot 0 is loud but says it is silent; slot 1 is silent but says it is loud: the levels decide.
        loud.withUnsafeBufferPointer { mixer.setInput($0, for: 0, averageMagnitude: 0) }
        Self.silence().withUnsafeBufferPointer { mixer.setInput($0, for: 1, averageMagnitude: 4000) }
        mixer.mix()
        #expect(mixer.mixedSlots == [1])
        #expect(mixer.lastAverageMagnitude(of: 0) == 0)
        #expect(mixer.suppliedLevelCount == 2)
        #expect(mixer.measuredLevelCount == 0)
        // A frame without a level is measured, and counted as such.
        loud.withUnsafeBufferPointer { mixer.setInput($0, for: 2) }
        mixer.mix()
        #expect(mixer.lastAverageMagnitude(of: 2) == 3000)
        #expect(mixer.suppliedLevelCount == 2)
        #expect(mixer.measuredLevelCount == 1)
        // The copied samples are what the others hear when the slot is mixed.
        loud.withUnsafeBufferPointer { mixer.setInput($0, for: 0, averageMagnitude: 3000) }
        mixer.mix()
        #expect(mixer.mixedSlots == [0])
        #expect(Self.output(mixer, 2) == loud)
    }

    @Test("moving from the shared mix to an own output continues the shared limiter's gain, without a jump")
    func limiterHandOver() {
        let mixer = Self.makeMixer(slots: 6)
        let loud = (0..<Self.frameSize).map { Int16($0 * 250 - 20000) }  // a sawtooth: levels vary within the frame
        var frames: [Int: [Int16]] = [5: Self.silence()]
        for slot in 0..<5 { frames[slot] = loud }
        for _ in 0..<5 { Self.tick(mixer, frames) }
        // Slot 5 has been hearing the limited shared mix; a near-unity listen gain gives it an output of its own.
        mixer.setListenGain(Gain(q15: 32767), for: 5)
        Self.tick(mixer, frames)
        #expect(mixer.outputSource(of: 5) == .own)
        let own = Self.output(mixer, 5)
        let shared = Self.shared(mixer)
        #expect(zip(own, shared).allSatisfy { abs(Int($0) - Int($1)) <= 2 })
    }
}
