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
