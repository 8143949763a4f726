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
