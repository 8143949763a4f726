import Foundation

/// Every prompt and music-on-hold class, decoded once at start-up to 16-bit PCM at the room rate.
///
/// The library is immutable after loading and shared by all rooms on all event loops; listeners keep only a
/// cursor into these arrays, so a thousand callers hearing hold music cost one copy of the music.
public final class PromptLibrary: Sendable {
    /// The rate every prompt and track is stored at.
    public let sampleRate: Int
    private let prompts: [Prompt: [Int16]]
    private let musicClasses: [String: MusicClass]
    /// Spoken numbers: "0" ... "20", "30" ... "90", "hundred".
    private let numbers: [String: [Int16]]

    /// Where Debian's asterisk-core-sounds-en-wav and asterisk-moh-opsound-wav put their files.
    public static let debianSoundsDirectory = "/usr/share/asterisk/sounds/en"
    /// Where Debian's asterisk-moh-opsound-wav puts its classes.
    public static let debianMusicDirectory = "/usr/share/asterisk/moh"

    /// Makes a library from samples already decoded at `sampleRate`.
    public convenience init(
        sampleRate: Int,
        prompts: [Prompt: [Int16]],
        musicClasses: [String: [Int16]],
        numbers: [String: [Int16]] = [:]
    ) {
        self.init(
            sampleRate: sampleRate,
            prompts: prompts,
            classes: musicClasses.mapValues { MusicClass(tracks: [$0]) },
            numbers: numbers
        )
    }

    /// A library with music classes of several tracks each (and their shuffle settings).
    public init(
        sampleRate: Int,
        prompts: [Prompt: [Int16]],
        classes: [String: MusicClass],
        numbers: [String: [Int16]] = [:]
    ) {
        self.sampleRate = sampleRate
        self.prompts = prompts
        self.musicClasses = classes
        self.numbers = numbers
    }

    /// The same prompts and music at another rate (for rooms that mix at 16 or 48 kHz); made once per rate.
    public func resampled(to rate: Int) -> PromptLibrary {
        guard rate != self.sampleRate else { return self }
        func convert(_ samples: [Int16]) -> [Int16] {
            WAVFile(sampleRate: self.sampleRate, samples: samples).resampled(to: rate)
        }
        return PromptLibrary(
            sampleRate: rate,
            prompts: self.prompts.mapValues(convert),
            classes: self.musicClasses.mapValues { MusicClass(tracks: $0.tracks.map(convert), shuffle: $0.shuffle) },
            numbers: self.numbers.mapValues(convert)
        )
    }

    /// The words that say `number` (0 to 999) in the prompt language, e.g. 45 -> "40", "5".
    public func spoken(_ number: Int) -> [[Int16]] {
        var words: [String] = []
        var rest = max(0, min(999, number))
        if rest >= 100 {
            words += [String(rest / 100), "hundred"]
            rest %= 100
            if rest == 0 { return words.compactMap { self.numbers[$0] } }
        }
        if rest <= 20 {
            words.append(String(rest))
        } else {
            words.append(String(rest / 10 * 10))
            if rest % 10 != 0 { words.append(String(rest % 10)) }
        }
        return words.compactMap { self.numbers[$0] }
    }

    /// Loads the prompts from `soundsDirectory` and the music classes from `musicDirectory`.
    ///
    /// The "default" class is the files directly in `musicDirectory` (at most `maxMusicFiles` of them, in name
    /// order); each subdirectory is a class of its own. A prompt whose file is missing is an error that names it.
    /// Classes named in `shuffledClasses` (or all, with `shuffleMusic`) play their tracks in a random order,
    /// drawn per listener.
    public static func load(
        soundsDirectory: String = debianSoundsDirectory,
        musicDirectory: String = debianMusicDirectory,
        sampleRate: Int = 8000,
        maxMusicFiles: Int = 2,
        shuffleMusic: Bool = false,
        shuffledClasses: Set<String> = []
    ) throws(ConferenceError) -> PromptLibrary {
        var prompts: [Prompt: [Int16]] = [:]
        for prompt in Prompt.allCases {
            let path = soundsDirectory + "/" + prompt.rawValue + ".wav"
            prompts[prompt] = try Self.readWAV(path: path).resampled(to: sampleRate)
        }
        var numbers: [String: [Int16]] = [:]
        let numberNames =
            (0...20).map(String.init) + stride(from: 30, through: 90, by: 10).map(String.init) + ["hundred"]
        for name in numberNames {
            if let file = try? Self.readWAV(path: soundsDirectory + "/digits/" + name + ".wav") {
                numbers[name] = file.resampled(to: sampleRate)
            }
        }
        var classes: [String: MusicClass] = [:]
        let manager = FileManager.default
        guard let entries = try? manager.contentsOfDirectory(atPath: musicDirectory) else {
            throw ConferenceError(.missingPrompt, "music-on-hold directory \(musicDirectory) cannot be read")
        }
        // A class is a folder: its files play as a playlist, in name order, or shuffled per listener.
        func playlist(_ names: [String]) -> [String] {
            Array(names.filter { Self.isAudioFile($0) }.sorted().prefix(maxMusicFiles))
        }
        func shuffles(_ name: String) -> Bool { shuffleMusic || shuffledClasses.contains(name) }
        var defaultFiles: [String] = []
        for entry in entries.sorted() {
            let path = musicDirectory + "/" + entry
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                var tracks: [[Int16]] = []
                for file in playlist((try? manager.contentsOfDirectory(atPath: path)) ?? []) {
                    tracks.append(try Self.readAudio(path: path + "/" + file).resampled(to: sampleRate))
                }
                let music = MusicClass(tracks: tracks, shuffle: shuffles(entry))
                if !music.isEmpty { classes[entry] = music }
            } else {
                defaultFiles.append(entry)
            }
        }
        var defaultTracks: [[Int16]] = []
        for file in playlist(defaultFiles) {
            defaultTracks.append(try Self.readAudio(path: musicDirectory + "/" + file).resampled(to: sampleRate))
        }
        let defaultMusic = MusicClass(tracks: defaultTracks, shuffle: shuffles("default"))
        guard !defaultMusic.isEmpty else {
            throw ConferenceError(.missingPrompt, "no music-on-hold WAV files in \(musicDirectory)")
        }
        classes["default"] = defaultMusic
        return PromptLibrary(sampleRate: sampleRate, prompts: prompts, classes: classes, numbers: numbers)
    }

    /// File types we load: WAV directly, the rest through sox.
    static func isAudioFile(_ name: String) -> Bool {
        let lower = name.lowercased()
        return [".wav", ".au", ".ulaw", ".alaw", ".gsm", ".flac", ".ogg", ".mp3", ".aiff", ".raw16"].contains {
            lower.hasSuffix($0)
        }
    }

    /// Reads a WAV file, or converts any other format to 16-bit mono WAV with sox (done once, at load).
    static func readAudio(path: String) throws(ConferenceError) -> WAVFile {
        if path.lowercased().hasSuffix(".wav") { return try Self.readWAV(path: path) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sox")
        process.arguments = [path, "-t", "wav", "-e", "signed-integer", "-b", "16", "-c", "1", "-"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw ConferenceError(.invalidAudioFile, "\(path): sox is needed to convert this file and could not run")
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ConferenceError(.invalidAudioFile, "\(path): sox could not convert it")
        }
        do {
            return try WAVFile(bytes: [UInt8](data))
        } catch {
            throw ConferenceError(.invalidAudioFile, "\(path): \(error.reason)")
        }
    }

    static func readWAV(path: String) throws(ConferenceError) -> WAVFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConferenceError(.missingPrompt, "sound file \(path) is missing or unreadable")
        }
        do {
            return try WAVFile(bytes: [UInt8](data))
        } catch {
            throw ConferenceError(.invalidAudioFile, "\(path): \(error.reason)")
        }
    }

    /// The samples of a prompt (empty if the library was built without it).
    public func samples(of prompt: Prompt) -> [Int16] { self.prompts[prompt] ?? [] }

    /// The music of a class as one stream of samples, falling back to "default" for an unknown class name.
    public func music(class name: String) -> [Int16] { self.musicClass(name).concatenated }

    /// A class with its tracks and shuffle setting, falling back to "default" for an unknown class name.
    public func musicClass(_ name: String) -> MusicClass {
        self.musicClasses[name] ?? self.musicClasses["default"] ?? MusicClass(tracks: [])
    }

    /// The names of the loaded music classes, sorted.
    public var musicClassNames: [String] { self.musicClasses.keys.sorted() }
}
