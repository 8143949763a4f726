import Testing

@testable import Mixer

/// Choosing the talkers from levels alone (`announceInput`, `selectTalkers`, `withSelectedInput`), so a room
/// produces only the frames that are mixed (issue 6): the same talkers, events and outputs as a mixer given every
/// frame, with only the selected frames ever written.
@Suite("Conference mixer: talkers chosen from levels before the frames exist")
struct ConferenceMixerSelectionTests {
    static let frameSize = 160

    /// Slot `slot`'s frame at `tick`, or nil for no input: bursts of speech-like noise of a loudness of its own,
    /// pauses long and short (some shorter than the 2.5 s hangover, so talkers in their hangover compete with
    /// quieter live ones), the others' background under the talking threshold.
    static func frame(slot: Int, tick: Int) -> [Int16]? {
        var generator = SplitMix64(seed: UInt64(slot * 100_003 + tick))
        if slot == 9 && tick % 7 == 3 { return nil }  // a caller whose packets sometimes do not come
        let period = 40 + 23 * slot
        let talking = slot < 7 && (tick + 11 * slot) % period < period / 2
        let amplitude: Int16 = talking ? Int16(1500 + 700 * (slot % 5)) : 90
        return (0..<Self.frameSize).map { _ in Int16.random(in: -amplitude...amplitude, using: &generator) }
    }

    static func level(_ frame: [Int16]) -> Int {
        frame.withUnsafeBufferPointer { TalkerDetector.averageMagnitude(of: $0) }
    }

    static func makeMixer() -> ConferenceMixer {
        let mixer = ConferenceMixer(frameSize: Self.frameSize, maximumTalkers: 3, slotCapacity: 4)
        for _ in 0..<10 { _ = mixer.addSlot() }
        mixer.setTalkGain(Gain(level: 2), for: 1)
        mixer.setTalkGain(Gain(level: -2), for: 4)
        mixer.setListenGain(Gain(level: 3), for: 8)
        mixer.setDeaf(true, for: 6)
        return mixer
    }

    @Test("levels first, then only the selected frames: the same talkers, events and outputs as every frame given")
    func sameAsEveryFrameGiven() {
        let everyFrame = Self.makeMixer()
        let selected = Self.makeMixer()
        var written = 0
        var announced = 0
        var announcedWhileMuted = 0
        var talkingButNotMixed = 0
        var admissions = 0
        for tick in 0..<600 {
            // A muted spell for slot 2, on both.
            let muted = (200..<260).contains(tick)
            everyFrame.setMuted(muted, for: 2)
            selected.setMuted(muted, for: 2)
            var frames: [Int: [Int16]] = [:]
            for slot in 0..<10 {
                guard let frame = Self.frame(slot: slot, tick: tick) else { continue }
                frames[slot] = frame
                frame.withUnsafeBufferPointer {
                    everyFrame.setInput($0, for: slot, averageMagnitude: Self.level(frame))
                }
                selected.announceInput(of: slot, averageMagnitude: Self.level(frame))
                announced += 1
                if muted && slot == 2 { announcedWhileMuted += 1 }
            }
            let mixedBefore = Set(selected.mixedSlots)
            selected.selectTalkers()
            for slot in 0..<10 {
                #expect(selected.needsSelectedInput(slot) == (selected.isMixed(slot) && frames[slot] != nil))
                guard selected.needsSelectedInput(slot), let frame = frames[slot] else { continue }
                selected.withSelectedInput(of: slot) { input in
                    for index in input.indices { input[index] = frame[index] }
                }
                written += 1
                if !mixedBefore.contains(slot) { admissions += 1 }
            }
            everyFrame.mix()
            selected.mix()
            #expect(selected.mixedSlots == everyFrame.mixedSlots, "tick \(tick)")
            #expect(selected.talkEvents == everyFrame.talkEvents, "tick \(tick)")
            #expect(
                selected.withSharedOutput { Array($0) } == everyFrame.withSharedOutput { Array($0) },
                "tick \(tick)"
            )
            for slot in 0..<10 {
                #expect(selected.outputSource(of: slot) == everyFrame.outputSource(of: slot))
                #expect(selected.withOutput(of: slot) { Array($0) } == everyFrame.withOutput(of: slot) { Array($0) })
                if selected.isTalking(slot) && frames[slot] != nil && !selected.isMixed(slot) {
                    talkingButNotMixed += 1
                }
            }
            #expect(written <= announced)
        }
        // The scenario exercises what matters: talkers (live or in their hangover) left out by K, callers
        // coming into the mix again, and most frames never written.
        #expect(talkingButNotMixed > 50, "talking but not mixed: \(talkingButNotMixed)")
        #expect(admissions > 10, "admissions: \(admissions)")
        #expect(written * 3 < announced, "written \(written) of \(announced)")
        #expect(selected.measuredLevelCount == 0)
        // A muted slot's level is not even looked at.
        #expect(announcedWhileMuted > 0)
        #expect(selected.suppliedLevelCount == announced - announcedWhileMuted)
        #expect(selected.suppliedLevelCount == everyFrame.suppliedLevelCount)
    }

    @Test("a selected slot whose announced frame is not written is mixed as silence, not as its last frame")
    func unwrittenIsSilence() {
        let mixer = ConferenceMixer(frameSize: Self.frameSize, maximumTalkers: 4, slotCapacity: 2)
        let loud = mixer.addSlot()
        let listener = mixer.addSlot()
        let frame = [Int16](repeating: 3000, count: Self.frameSize)
        frame.withUnsafeBufferPointer { mixer.setInput($0, for: loud, averageMagnitude: 3000) }
        mixer.mix()
        #expect(mixer.withOutput(of: listener) { $0.contains { $0 != 0 } }, "the first frame is heard")
        mixer.announceInput(of: loud, averageMagnitude: 3000)
        mixer.selectTalkers()
        #expect(mixer.mixedSlots == [loud])
        #expect(mixer.needsSelectedInput(loud))
        #expect(!mixer.needsSelectedInput(listener))
        mixer.mix()
        #expect(mixer.mixedSlots == [loud])
        #expect(mixer.withOutput(of: listener) { $0.allSatisfy { $0 == 0 } }, "no stale frame is replayed")
    }

    @Test("mix() alone still selects: a mixer driven the old way is unchanged by the split")
    func mixSelectsByItself() {
        let mixer = ConferenceMixer(frameSize: Self.frameSize, maximumTalkers: 1, slotCapacity: 3)
        let quiet = mixer.addSlot()
        let loud = mixer.addSlot()
        [Int16](repeating: 1000, count: Self.frameSize).withUnsafeBufferPointer { mixer.setInput($0, for: quiet) }
        [Int16](repeating: 2000, count: Self.frameSize).withUnsafeBufferPointer { mixer.setInput($0, for: loud) }
        mixer.mix()
        #expect(mixer.mixedSlots == [loud])
        #expect(mixer.withSharedOutput { $0.allSatisfy { $0 == 2000 } })
        #expect(mixer.talkEvents.count == 2)
    }
}
