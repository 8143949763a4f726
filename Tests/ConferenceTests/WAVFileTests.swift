import Foundation
import Mixer
import Testing

@testable import Conference

@Suite("WAV files")
struct WAVFileTests {
    @Test("Write then read gives the same samples")
    func roundTrip() throws {
        let samples: [Int16] = (0..<800).map { Int16(truncatingIfNeeded: $0 * 37 - 9000) }
        let bytes = WAVFile(sampleRate: 8000, samples: samples).bytes()
        let read = try WAVFile(bytes: bytes)
        #expect(read.sampleRate == 8000)
        #expect(read.samples == samples)
    }

    @Test("Garbage and truncated files are refused with a reason")
    func garbage() {
        #expect(throws: ConferenceError(.invalidAudioFile, "")) { try WAVFile(bytes: Array("hello".utf8)) }
        let bytes = WAVFile(sampleRate: 8000, samples: [1, 2, 3]).bytes()
        #expect(throws: ConferenceError(.invalidAudioFile, "")) { try WAVFile(bytes: Array(bytes.prefix(30))) }
    }

    @Test("Resampling 16 kHz to 8 kHz halves the length")
    func resample() {
        let file = WAVFile(sampleRate: 16000, samples: [Int16](repeating: 100, count: 1600))
        let out = file.resampled(to: 8000)
        #expect(out.count == 800)
        #expect(out.allSatisfy { $0 == 100 })
    }

    @Test("Debian's prompts load (make deps installs them)")
    func debianPrompts() throws {
        let library = try PromptLibrary.load(maxMusicFiles: 1)
        #expect(library.samples(of: .enterPIN).count > 8000)
        #expect(library.music(class: "default").count > 8000 * 60)
        #expect(library.music(class: "no-such-class") == library.music(class: "default"))
    }
}

@Suite("Music-on-hold classes")
struct MusicClassTests {
    /// Makes a music folder with sox: two files in the default class, a class folder with an .au file.
    func makeMusic() throws -> String {
        let directory = NSTemporaryDirectory() + "parley-moh-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory + "/jazz", withIntermediateDirectories: true)
        for (name, frequency) in [("a.wav", 440), ("b.wav", 660), ("jazz/c.au", 880)] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/sox")
            process.arguments = [
                "-n", "-r", "8000", "-c", "1", "-b", "16", directory + "/" + name, "synth", "1", "sine", "\(frequency)",
            ]
            try process.run()
            process.waitUntilExit()
        }
        return directory
    }

    @Test("A folder is a class; other formats are converted with sox; files play in order")
    func classes() throws {
        let directory = try self.makeMusic()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let library = try PromptLibrary.load(musicDirectory: directory, maxMusicFiles: 10)
        #expect(library.musicClassNames == ["default", "jazz"])
        let jazz = library.music(class: "jazz")
        #expect(abs(jazz.count - 8000) < 100, "the .au file was converted (\(jazz.count) samples)")
        let playlist = library.music(class: "default")
        #expect(abs(playlist.count - 16000) < 200)
        let first = playlist.prefix(8000).withUnsafeBufferPointer {
            Goertzel.relativePower(of: 440, sampleRate: 8000, samples: UnsafeBufferPointer(rebasing: $0[...]))
        }
        #expect(first > 0.5, "a.wav (440 Hz) plays first")
    }
}

@Suite("Music on hold: each listener's place, and shuffle")
struct MusicPlayerTests {
    /// Three one-second tracks whose samples say which track and where: track t, sample n holds t*10000 + n/10.
    let music = MusicClass(
        tracks: (0..<3).map { track in (0..<8000).map { Int16(track * 10000 + $0 / 10) } },
        shuffle: false
    )

    @Test("Two listeners keep their own places in the same class")
    func ownPlaces() {
        var random = SystemRandomNumberGenerator()
        var early = MusicPlayer()
        var late = MusicPlayer()
        var frame = [Int16](repeating: 0, count: 160)
        for _ in 0..<60 { early.render(self.music, shuffle: false, into: &frame, using: &random) }
        late.render(self.music, shuffle: false, into: &frame, using: &random)
        #expect(frame[0] == 0, "a new listener starts at the beginning")
        #expect(early.place == (1, 1600), "60 frames of 160 from three 8000-sample tracks")
        early.render(self.music, shuffle: false, into: &frame, using: &random)
        #expect(frame[0] == 10000 + 160, "and the first listener goes on from their own place")
    }

    @Test("Shuffled, the tracks play whole in a random order that differs between listeners")
    func shuffled() {
        var random = SystemRandomNumberGenerator()
        var frame = [Int16](repeating: 0, count: 8000)
        var orders: Set<[Int]> = []
        for _ in 0..<20 {
            var player = MusicPlayer()
            var order: [Int] = []
            for _ in 0..<6 {
                player.render(self.music, shuffle: true, into: &frame, using: &random)
                order.append(Int(frame[0]) / 10000)
                #expect(frame[7999] == Int16(order.last.map { $0 * 10000 + 799 } ?? 0), "a whole track")
            }
            #expect(zip(order, order.dropFirst()).allSatisfy { $0 != $1 }, "never the same track twice in a row")
            orders.insert(order)
        }
        #expect(orders.count > 1, "listeners get different orders")
    }

    @Test("Classes named in the settings shuffle; the room option overrides the class")
    func shuffleSettings() throws {
        var options = RoomOptions()
        try options.apply(["music_on_hold_shuffle=no"])
        #expect(options.musicOnHoldShuffle == false)
        try options.apply(["music_on_hold_shuffle=default"])
        #expect(options.musicOnHoldShuffle == nil)
        let library = try PromptLibrary.load(maxMusicFiles: 1, shuffledClasses: ["default"])
        #expect(library.musicClass("default").shuffle)
        #expect(!(try PromptLibrary.load(maxMusicFiles: 1)).musicClass("default").shuffle)
    }
}
