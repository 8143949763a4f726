import Mixer
import ParleyCaller

/// Who calls which room and sends what, and how to judge what a caller heard.
///
/// Callers are dealt to the rooms in turn (caller i joins room i mod R, as its (i / R)th member). In each room the
/// first `talkers` members send a tone of their own and the others send silence, so with the server mixing its K
/// loudest talkers and `talkers` ≤ K every tone is mixed and the check below is exact rather than a lottery.
struct LoadPlan: Sendable {
    /// Tone of a room's n-th talker: 350 Hz apart so Goertzel tells them apart, and multiples of 50 Hz so each
    /// 20 ms frame is the same and is encoded once.
    static let frequencies: [Double] = [400, 750, 1100, 1450, 1800, 2150, 2500, 2850]
    /// A tone another caller must reach in what a caller hears (its share of the energy; with K tones each has 1/K).
    static let heardShare = 0.02
    /// The largest share a caller's own tone may have in what it hears. An echo through the mix would give it about
    /// 1/K (25% with K = 4); choppy audio on a starved machine leaks a percent or two into neighbouring bins.
    static let ownShare = 0.05
    /// A 20 ms frame whose average magnitude is at most this (ConfBridge's talking threshold) counts as silence.
    static let silenceMagnitude = 160

    let callers: Int
    let rooms: [String]
    let talkers: Int

    func room(of caller: Int) -> String { self.rooms[caller % self.rooms.count] }
    func position(of caller: Int) -> Int { caller / self.rooms.count }
    func isTalker(_ caller: Int) -> Bool { self.position(of: caller) < self.talkers }

    /// How many callers room number `room` (0-based) gets.
    func members(ofRoom room: Int) -> Int {
        let count = self.rooms.count
        return (self.callers - room + count - 1) / count
    }

    func source(of caller: Int) -> AudioSource {
        self.isTalker(caller) ? .tone(frequency: Self.frequencies[self.position(of: caller)]) : .silence
    }

    /// The callers to check: alternately a talker and a listener, walking through the rooms.
    func sample(_ count: Int) -> [Int] {
        var chosen: [Int] = []
        var seen = Set<Int>()
        var step = 0
        while chosen.count < min(count, self.callers) && step < 4 * self.callers + 8 {
            let room = step % self.rooms.count
            let round = step / self.rooms.count
            let members = self.members(ofRoom: room)
            let talkers = min(self.talkers, members)
            let listeners = members - talkers
            var position: Int
            if chosen.count % 2 == 1 && listeners > 0 {
                position = talkers + round % listeners
            } else {
                position = talkers > 0 ? round % talkers : 0
            }
            position = min(position, max(members - 1, 0))
            let caller = position * self.rooms.count + room
            if caller < self.callers && seen.insert(caller).inserted { chosen.append(caller) }
            step += 1
        }
        return chosen
    }

    /// Judges what `caller` heard in the measured window.
    func check(caller: Int, heard: [Int16]) -> AudioCheck {
        let room = caller % self.rooms.count
        let talkerCount = min(self.talkers, self.members(ofRoom: room))
        let ownPosition = self.position(of: caller)
        var missing: [Double] = []
        for position in 0..<talkerCount where position != ownPosition {
            let frequency = Self.frequencies[position]
            if Self.share(of: frequency, in: heard) <= Self.heardShare { missing.append(frequency) }
        }
        var ownShare = 0.0
        if ownPosition < talkerCount {
            ownShare = Self.share(of: Self.frequencies[ownPosition], in: heard)
        }
        let hearsItself = ownShare >= Self.ownShare
        var frames = 0
        var silent = 0
        heard.withUnsafeBufferPointer { samples in
            var start = 0
            while start + 160 <= samples.count {
                let frame = UnsafeBufferPointer(rebasing: samples[start..<(start + 160)])
                if TalkerDetector.averageMagnitude(of: frame) <= Self.silenceMagnitude { silent += 1 }
                frames += 1
                start += 160
            }
        }
        // A room with one talker: its listeners hear the tone, the talker itself hears (almost) nothing.
        let expectsSound = talkerCount > (ownPosition < talkerCount ? 1 : 0)
        return AudioCheck(
            caller: caller,
            passed: missing.isEmpty && !hearsItself && frames > 0,
            missing: missing,
            hearsItself: hearsItself,
            ownShare: ownShare,
            frames: frames,
            silentFrames: expectsSound ? silent : 0,
            soundFrames: expectsSound ? frames : 0
        )
    }

    /// The share of `frequency` in the energy of `samples`, summed frame by frame (20 ms, where every talker's tone
    /// is a whole number of periods): packets lost or late leave phase jumps between frames, which would smear a
    /// single transform over the whole recording.
    static func share(of frequency: Double, in samples: [Int16]) -> Double {
        var power = 0.0
        var energy = 0.0
        samples.withUnsafeBufferPointer { all in
            var start = 0
            while start + 160 <= all.count {
                let frame = UnsafeBufferPointer(rebasing: all[start..<(start + 160)])
                power += Goertzel.power(of: frequency, sampleRate: 8000, samples: frame)
                energy += Goertzel.energy(of: frame) * 80
                start += 160
            }
        }
        return energy > 0 ? power / energy : 0
    }
}

/// The verdict on one checked caller.
struct AudioCheck: Sendable {
    var caller: Int
    var passed: Bool
    var missing: [Double]
    var hearsItself: Bool
    /// The share of the caller's own tone in what it heard (0 for a listener).
    var ownShare: Double
    /// 20 ms frames heard in the window.
    var frames: Int
    /// Frames that were silence although the caller should have heard tones.
    var silentFrames: Int
    /// Frames in which the caller should have heard tones.
    var soundFrames: Int
}
