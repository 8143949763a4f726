import Conference
import Foundation
import NIOCore
import NIOPosix
import ParleyCaller
import SIPCore
import Testing

#if canImport(Glibc)
import Glibc
#endif

// Real softphones from Debian against a bridge on 127.0.0.1: baresip 1.0.0 (driven over its ctrl_tcp
// interface) and linphonec 5.1.65 (driven through a pseudo-terminal). Each phone plays a 600 Hz WAV file as
// its microphone and records what it hears; the project's test caller sends 1000 Hz into the same room.
// Configs live in Tests/interop/ and are copied into a temporary directory per test.

/// Files, ports and audio helpers shared by the phone tests.
enum Interop {
    static let directory: String = {
        var url = URL(fileURLWithPath: #filePath)
        url.deleteLastPathComponent()
        url.deleteLastPathComponent()
        return url.appendingPathComponent("interop").path
    }()

    static let pin = "2468"
    static let phoneTone = 600.0
    static let callerTone = 1000.0
    /// What a second phone plays, to tell it from the first (the transferee of an attended transfer).
    static let secondPhoneTone = 800.0

    /// A fresh temporary directory.
    static func temporaryDirectory(_ prefix: String) throws -> String {
        let path = NSTemporaryDirectory() + "\(prefix)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Copies a template from Tests/interop, replacing each `@KEY@`.
    static func render(template: String, to path: String, values: [String: String]) throws {
        var text = try String(contentsOfFile: Self.directory + "/" + template, encoding: .utf8)
        for (key, value) in values { text = text.replacingOccurrences(of: "@\(key)@", with: value) }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// Runs a command to completion (bounded by `timeout`), returning its exit status.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], timeout: TimeInterval = 30) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        return process.terminationStatus
    }

    /// A 16-bit 8 kHz mono sine WAV made with sox.
    static func makeTone(_ path: String, frequency: Double, seconds: Int) throws {
        let status = try Self.run(
            "/usr/bin/sox",
            ["-n", "-r", "8000", "-c", "1", "-b", "16", path, "synth", String(seconds), "sine", String(frequency), "vol", "0.5"]
        )
        guard status == 0 else { throw InteropError("sox could not make \(path)") }
    }

    /// True if nothing is bound to `port` on 127.0.0.1 for this socket type.
    static func portIsFree(_ port: Int, type: Int32, host: String = "127.0.0.1") -> Bool {
        let fd = socket(AF_INET, type, 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = Glibc.sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr(host)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return result == 0
    }

    /// `count` consecutive ports, free for UDP and TCP on 127.0.0.1, in the phones' range (50000-59999, checked free;
    /// the test bridge uses 21000-28999 for RTP, sipp 29000-32499 and the test caller 40000-59999, skipping ports in use).
    static func freePorts(_ count: Int) -> Int {
        for _ in 0..<100 {
            let base = Int.random(in: 500..<600) * 100 + Int.random(in: 0..<(100 - count)) / 2 * 2
            let ports = base..<(base + count)
            if ports.allSatisfy({
                Self.portIsFree($0, type: Int32(SOCK_DGRAM.rawValue)) && Self.portIsFree($0, type: Int32(SOCK_STREAM.rawValue))
            }) {
                return base
            }
        }
        return Int.random(in: 500..<600) * 100
    }

    /// The samples of a 16-bit PCM WAV file from byte `offset` of its data (the file may still be growing,
    /// so a zero or missing data size means "to the end of the file"); of a stereo file, the left channel.
    static func wavSamples(_ path: String, fromDataByte offset: Int = 0) -> [Int16] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        let bytes = [UInt8](data)
        guard let start = Self.wavDataStart(bytes) else { return [] }
        let stride = 2 * Self.wavFormat(bytes).channels
        let from = start + offset - offset % stride
        guard from < bytes.count else { return [] }
        var samples: [Int16] = []
        samples.reserveCapacity((bytes.count - from) / stride)
        var index = from
        while index + 1 < bytes.count {
            samples.append(Int16(bitPattern: UInt16(bytes[index]) | UInt16(bytes[index + 1]) << 8))
            index += stride
        }
        return samples
    }

    /// The sample rate of a WAV file (baresip's dumps run at the codec's rate: 16 kHz for G.722, 48 kHz for Opus).
    static func wavRate(_ path: String) -> Double {
        guard let data = FileManager.default.contents(atPath: path) else { return 8000 }
        return Double(Self.wavFormat([UInt8](data)).rate)
    }

    /// Rate and channels from the `fmt ` chunk; 8 kHz mono when there is none (linphone's header stays zeroed).
    private static func wavFormat(_ bytes: [UInt8]) -> (rate: Int, channels: Int) {
        guard bytes.count >= 44, bytes[0..<4].elementsEqual("RIFF".utf8) else { return (8000, 1) }
        var index = 12
        while index + 8 <= bytes.count {
            let size =
                Int(bytes[index + 4]) | Int(bytes[index + 5]) << 8 | Int(bytes[index + 6]) << 16
                | Int(bytes[index + 7]) << 24
            if bytes[index..<(index + 4)].elementsEqual("fmt ".utf8), index + 16 <= bytes.count {
                let channels = Int(bytes[index + 10]) | Int(bytes[index + 11]) << 8
                let rate =
                    Int(bytes[index + 12]) | Int(bytes[index + 13]) << 8 | Int(bytes[index + 14]) << 16
                    | Int(bytes[index + 15]) << 24
                return (max(rate, 1), max(channels, 1))
            }
            index += 8 + size + (size & 1)
        }
        return (8000, 1)
    }

    /// How many bytes of audio data the WAV file holds so far.
    static func wavDataBytes(_ path: String) -> Int {
        guard let data = FileManager.default.contents(atPath: path) else { return 0 }
        let bytes = [UInt8](data)
        guard let start = Self.wavDataStart(bytes) else { return 0 }
        return max(0, bytes.count - start)
    }

    private static func wavDataStart(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 44 else { return nil }
        // linphone's recorder leaves the 44-byte header zeroed until the file is closed.
        guard bytes[0..<4].elementsEqual("RIFF".utf8), bytes[8..<12].elementsEqual("WAVE".utf8) else { return 44 }
        var index = 12
        while index + 8 <= bytes.count {
            let size =
                Int(bytes[index + 4]) | Int(bytes[index + 5]) << 8 | Int(bytes[index + 6]) << 16
                | Int(bytes[index + 7]) << 24
            if bytes[index..<(index + 4)].elementsEqual("data".utf8) { return index + 8 }
            index += 8 + size + (size & 1)
        }
        return nil
    }

    /// Polls `condition` until it holds or `timeout` passes.
    static func eventually(timeout: Duration, _ condition: () async throws -> Bool) async rethrows -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            if try await condition() { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return try await condition()
    }

    /// Ends a process we started: TERM, then KILL after `grace`; children listed in `children` first.
    static func stop(_ process: Process, grace: TimeInterval = 3) {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(grace)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// The process ids whose parent is `pid` (from /proc).
    static func children(of pid: Int32) -> [Int32] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        var result: [Int32] = []
        for entry in entries {
            guard let child = Int32(entry),
                let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, Int32(fields[1]) == pid { result.append(child) }
        }
        return result
    }
}

struct InteropError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// What the shared scenario needs from a phone.
protocol InteropPhone: AnyObject, Sendable {
    var name: String { get }
    /// Calls `uri`; true once the call is answered.
    func dial(_ uri: String) async throws -> Bool
    /// Sends DTMF digits the phone's way (RFC 4733 or SIP INFO, depending on its config).
    func sendDigits(_ digits: String) async throws
    func hold() async throws
    func resume() async throws
    func hangUp() async throws
    /// True once the phone reports that the far end hung up (or the call ended).
    func waitForCallEnd(timeout: Duration) async -> Bool
    /// Path of the WAV file the current call's received audio goes to.
    var recordingPath: String? { get }
    /// The recording's sample rate when its header cannot tell yet (nil: read the header).
    var recordingRate: Double? { get }
    /// Whether the recording still follows the call after hold and resume. When not, ``echoWhatItHears()``
    /// proves the phone still hears: it sends back what it plays.
    var recordsAfterHold: Bool { get }
    /// Makes the phone send what it hears instead of its tone (its player feeds its source).
    func echoWhatItHears() async throws
    /// The audio codec the phone reports for the current (or last) call.
    func negotiatedCodec() -> String?
    /// Everything the phone logged, for failure messages.
    func log() -> String
    func stop() async
}

// MARK: - baresip

/// The ctrl_tcp connection: netstring-framed JSON commands, responses and events.
final class BaresipControl: @unchecked Sendable {
    // Safety: `messages` and `buffer` are touched only under `lock`; `fd` is immutable.
    struct Message: Sendable {
        var isEvent: Bool
        var type: String
        var token: String
        var ok: Bool
        var data: String
    }

    private let fd: Int32
    private let lock = NSLock()
    private var buffer: [UInt8] = []
    private var messages: [Message] = []

    private init(fd: Int32) {
        self.fd = fd
        let thread = Thread { [self] in self.readLoop() }
        thread.start()
    }

    static func connect(port: Int, timeout: Duration) async throws -> BaresipControl {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw InteropError("socket() failed") }
            var address = Glibc.sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            if result == 0 { return BaresipControl(fd: fd) }
            Glibc.close(fd)
            try await Task.sleep(for: .milliseconds(100))
        }
        throw InteropError("baresip's ctrl_tcp did not open port \(port)")
    }

    private func readLoop() {
        var chunk = [UInt8](repeating: 0, count: 8192)
        while true {
            let count = recv(self.fd, &chunk, chunk.count, 0)
            if count <= 0 { break }
            self.lock.lock()
            self.buffer.append(contentsOf: chunk[0..<count])
            self.parse()
            self.lock.unlock()
        }
    }

    /// Splits complete netstrings (`LENGTH:JSON,`) off the buffer. Called under `lock`.
    private func parse() {
        while let colon = self.buffer.firstIndex(of: UInt8(ascii: ":")) {
            guard let length = Int(String(decoding: self.buffer[..<colon], as: UTF8.self)) else {
                self.buffer.removeAll()
                return
            }
            let end = colon + 1 + length
            guard self.buffer.count > end else { return }
            let payload = Data(self.buffer[(colon + 1)..<end])
            self.buffer.removeFirst(end + 1)
            guard let object = try? JSONSerialization.jsonObject(with: payload) as? [String: Any] else { continue }
            self.messages.append(
                Message(
                    isEvent: (object["event"] as? Bool) ?? false,
                    type: (object["type"] as? String) ?? "",
                    token: (object["token"] as? String) ?? "",
                    ok: (object["ok"] as? Bool) ?? false,
                    data: (object["data"] as? String) ?? (object["param"] as? String) ?? ""
                )
            )
        }
    }

    var count: Int {
        self.lock.lock()
        defer { self.lock.unlock() }
        return self.messages.count
    }

    func message(where predicate: (Message) -> Bool, from index: Int = 0) -> Message? {
        self.lock.lock()
        defer { self.lock.unlock() }
        return self.messages.dropFirst(index).first(where: predicate)
    }

    /// Sends a command and waits for its response.
    @discardableResult
    func command(_ name: String, _ params: String = "", timeout: Duration = .seconds(5)) async throws -> Message {
        let token = UUID().uuidString
        let json = try JSONSerialization.data(withJSONObject: ["command": name, "params": params, "token": token])
        let frame = Array("\(json.count):".utf8) + [UInt8](json) + Array(",".utf8)
        let sent = frame.withUnsafeBytes { send(self.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == frame.count else { throw InteropError("baresip ctrl_tcp: could not send \(name)") }
        var response: Message?
        _ = await Interop.eventually(timeout: timeout) {
            response = self.message(where: { !$0.isEvent && $0.token == token })
            return response != nil
        }
        guard let response else { throw InteropError("baresip ctrl_tcp: no response to \(name)") }
        return response
    }

    /// Waits for an event of `type` that arrived at or after message `index`.
    func waitForEvent(_ type: String, from index: Int, timeout: Duration) async -> Bool {
        await Interop.eventually(timeout: timeout) {
            self.message(where: { $0.isEvent && $0.type == type }, from: index) != nil
        }
    }

    func close() {
        shutdown(self.fd, Int32(SHUT_RDWR))
        Glibc.close(self.fd)
    }
}

/// baresip 1.0.0, headless, with its config rendered from Tests/interop/baresip.
final class BaresipPhone: InteropPhone, @unchecked Sendable {
    // Safety: the scenario drives one phone from one task at a time.
    let name: String
    let directory: String
    let process: Process
    let control: BaresipControl
    let logPath: String
    let recordDirectory: String
    private var callStart = 0

    /// The port baresip takes SIP on (127.0.0.1), for calls to it.
    let sipPort: Int
    /// Where baresip takes SIP over TLS: its `sip_listen` port + 1.
    var tlsPort: Int { self.sipPort + 1 }

    /// Starts baresip with `codecModules` loaded and, when `accountCodecs` is set, only those codecs offered.
    /// With `tls`, its account is reached over SIP over TLS (on ``tlsPort``): `tls`'s certificate and key are its
    /// own and its trust roots (else the certificate) its CA file; `srtp` then makes its media SRTP only.
    static func start(
        name: String,
        codecModules: [String],
        accountCodecs: String?,
        answerMode: String = "manual",
        tls: SIPTLSConfiguration? = nil,
        srtp: Bool = true
    ) async throws -> BaresipPhone {
        let directory = try Interop.temporaryDirectory("baresip-\(name)")
        let recordDirectory = directory + "/heard"
        try FileManager.default.createDirectory(atPath: recordDirectory, withIntermediateDirectories: true)
        let source = directory + "/tone600.wav"
        try Interop.makeTone(source, frequency: Interop.phoneTone, seconds: 120)
        let base = Interop.freePorts(20)
        var modules = codecModules
        var tlsLines = ""
        if let tls {
            // baresip reads its certificate and key from one file.
            let certificate = directory + "/certificate.pem"
            let chain = try String(contentsOfFile: tls.certificateChainPath, encoding: .utf8)
            let key = try String(contentsOfFile: tls.privateKeyPath, encoding: .utf8)
            try (chain + key).write(toFile: certificate, atomically: true, encoding: .utf8)
            tlsLines = "sip_certificate\t\t\(certificate)\nsip_cafile\t\t\(tls.trustRootsPath ?? tls.certificateChainPath)"
            if srtp { modules.append("srtp") }
        }
        let values = [
            "NAME": name, "SIP_PORT": String(base), "CTRL_PORT": String(base + 5),
            "RTP_LOW": String(base + 10), "RTP_HIGH": String(base + 19), "SOURCE_WAV": source,
            "RECORD_DIR": recordDirectory,
            "CODEC_MODULES": modules.map { "module\t\t\t\($0).so" }.joined(separator: "\n"),
            "CODECS": accountCodecs.map { ";audio_codecs=\($0)" } ?? "", "ANSWERMODE": answerMode,
            "TLS": tlsLines, "TRANSPORT": tls == nil ? "" : ";transport=tls",
            "MEDIAENC": tls != nil && srtp ? ";mediaenc=srtp-mand" : "",
        ]
        try Interop.render(template: "baresip/config", to: directory + "/config", values: values)
        try Interop.render(template: "baresip/accounts", to: directory + "/accounts", values: values)
        let logPath = directory + "/baresip.log"
        FileManager.default.createFile(atPath: logPath, contents: nil)
        let process = Process()
        // nice: the phone yields the CPU to the timing-sensitive tests that run alongside on a busy machine.
        // -t: baresip quits on its own after 240 s even if the test process dies.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/nice")
        process.arguments = ["-n", "10", "/usr/bin/baresip", "-f", directory, "-v", "-t", "240"]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardInput = FileHandle.nullDevice
        let log = FileHandle(forWritingAtPath: logPath)
        process.standardOutput = log
        process.standardError = log
        try process.run()
        do {
            let control = try await BaresipControl.connect(port: base + 5, timeout: .seconds(15))
            if tls != nil {
                let listening = await Interop.eventually(timeout: .seconds(10)) {
                    !Interop.portIsFree(base + 1, type: Int32(SOCK_STREAM.rawValue))
                }
                guard listening else { throw InteropError("baresip did not open its TLS port \(base + 1)") }
            }
            return BaresipPhone(
                name: name,
                directory: directory,
                process: process,
                control: control,
                logPath: logPath,
                recordDirectory: recordDirectory,
                sipPort: base
            )
        } catch {
            Interop.stop(process)
            throw error
        }
    }

    private init(
        name: String,
        directory: String,
        process: Process,
        control: BaresipControl,
        logPath: String,
        recordDirectory: String,
        sipPort: Int
    ) {
        self.sipPort = sipPort
        self.name = name
        self.directory = directory
        self.process = process
        self.control = control
        self.logPath = logPath
        self.recordDirectory = recordDirectory
    }

    func dial(_ uri: String) async throws -> Bool {
        self.callStart = self.control.count
        let response = try await self.control.command("dial", uri)
        guard response.ok else { return false }
        return await self.control.waitForEvent("CALL_ESTABLISHED", from: self.callStart, timeout: .seconds(15))
    }

    /// One `sndcode` per key: baresip sends the RFC 4733 event and its end packets for each.
    func sendDigits(_ digits: String) async throws {
        for digit in digits {
            try await self.control.command("sndcode", String(digit))
            try await Task.sleep(for: .milliseconds(300))
        }
    }

    func hold() async throws { try await self.control.command("hold") }
    func resume() async throws { try await self.control.command("resume") }
    func hangUp() async throws { try await self.control.command("hangup") }

    /// sndfile writes a complete header as it goes.
    var recordingRate: Double? { nil }

    /// baresip 1.0.0 drops its decoding filters (sndfile among them) when the answer to its hold re-INVITE is
    /// not sendrecv, and never sets them up again in that call: it still plays what it hears, but the dump stops.
    var recordsAfterHold: Bool { false }

    /// Switches the call's source to the aubridge device its player writes to: baresip then sends what it plays.
    func echoWhatItHears() async throws {
        let response = try await self.control.command("ausrc", "aubridge,\(self.name)-sink")
        guard response.ok else { throw InteropError("baresip refused ausrc: \(response.data)") }
    }

    /// Blind transfer of the current call (REFER, RFC 3515).
    func transfer(to uri: String) async throws {
        let response = try await self.control.command("transfer", uri)
        guard response.ok else { throw InteropError("baresip refused transfer: \(response.data)") }
    }

    /// Waits for the next call to be established (an incoming call with answermode=auto, or a transfer's).
    func waitForEstablished(after index: Int, timeout: Duration) async -> Bool {
        await self.control.waitForEvent("CALL_ESTABLISHED", from: index, timeout: timeout)
    }

    /// Starts a new stretch of events to wait on, for calls this phone did not dial.
    func markCallStart() -> Int {
        self.callStart = self.control.count
        return self.callStart
    }

    func waitForCallEnd(timeout: Duration) async -> Bool {
        await self.control.waitForEvent("CALL_CLOSED", from: self.callStart, timeout: timeout)
    }

    /// sndfile names its files after the call's start time, so the last `*-dec.wav` is the current call's.
    var recordingPath: String? {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: self.recordDirectory)) ?? []
        return files.filter { $0.hasSuffix("-dec.wav") }.sorted().last.map { self.recordDirectory + "/" + $0 }
    }

    func negotiatedCodec() -> String? {
        // "audio: Set audio encoder: PCMU 8000Hz 1ch"
        let lines = self.log().split(separator: "\n").filter { $0.contains("Set audio encoder:") }
        guard let line = lines.last, let range = line.range(of: "Set audio encoder: ") else { return nil }
        return line[range.upperBound...].split(separator: " ").first.map(String.init)
    }

    func log() -> String {
        let text = (try? String(contentsOfFile: self.logPath, encoding: .utf8)) ?? ""
        // The status line ("[0:00:03] audio=...") repeats without newlines; drop it.
        return text.replacingOccurrences(of: #"\[\d+:\d\d:\d\d\] audio=\d+/\d+ \(bit/s\)\s*"#, with: "", options: .regularExpression)
    }

    func stop() async {
        _ = try? await self.control.command("quit", timeout: .seconds(2))
        _ = await Interop.eventually(timeout: .seconds(3)) { !self.process.isRunning }
        Interop.stop(self.process)
        self.control.close()
        try? FileManager.default.removeItem(atPath: self.directory)
    }
}

// MARK: - linphone

/// linphonec 5.1.65 in a pseudo-terminal (`script`), its audio from and to WAV files.
final class LinphonePhone: InteropPhone, @unchecked Sendable {
    // Safety: the scenario drives one phone from one task at a time.
    let name: String
    let home: String
    let process: Process
    let input: FileHandle
    let outputPath: String
    let logPath: String
    private var callStart = 0
    private var calls = 0
    private(set) var recordingPath: String?
    /// The port linphonec takes SIP on (127.0.0.1), for calls to it.
    private(set) var sipPort = 0

    /// linphonec's audio codecs in its default order (mime, rate, channels, enabled by default), as it writes
    /// them to its rc file; G722 is built in but off by default.
    static let defaultCodecs: [(mime: String, rate: Int, channels: Int, enabled: Bool)] = [
        ("opus", 48000, 2, true), ("speex", 16000, 1, true), ("speex", 8000, 1, true), ("PCMU", 8000, 1, true),
        ("PCMA", 8000, 1, true), ("G722", 8000, 1, false), ("G729", 8000, 1, true),
    ]

    /// The rc file's codec sections: linphone's defaults, or only `codecs` (mime names) enabled.
    static func codecSections(_ codecs: [String]?) -> String {
        Self.defaultCodecs.enumerated().map { index, codec in
            let enabled = codecs.map { $0.contains(codec.mime) } ?? codec.enabled
            return "[audio_codec_\(index)]\nmime=\(codec.mime)\nrate=\(codec.rate)\nchannels=\(codec.channels)\n"
                + "enabled=\(enabled ? 1 : 0)"
        }.joined(separator: "\n")
    }

    /// Starts linphonec. `codecs` (mime names) restricts its offer to those; nil keeps its defaults.
    /// With `autoAnswer` it answers incoming calls itself.
    static func start(
        name: String,
        useInfo: Bool,
        codecs: [String]? = nil,
        autoAnswer: Bool = false,
        tone: Double = Interop.phoneTone
    ) async throws -> LinphonePhone {
        let home = try Interop.temporaryDirectory("linphone-\(name)")
        // Without its database directory linphonec never opens its SIP socket.
        try FileManager.default.createDirectory(
            atPath: home + "/.local/share/linphone",
            withIntermediateDirectories: true
        )
        let source = home + "/tone600.wav"
        try Interop.makeTone(source, frequency: tone, seconds: 120)
        let base = Interop.freePorts(8)
        try Interop.render(
            template: "linphone/linphonerc",
            to: home + "/linphonerc",
            values: [
                "SIP_PORT": String(base), "RTP_PORT": String(base + 2), "VIDEO_RTP_PORT": String(base + 4),
                "TEXT_RTP_PORT": String(base + 6), "USE_INFO": useInfo ? "1" : "0",
                "USE_RFC2833": useInfo ? "0" : "1", "AUDIO_CODECS": Self.codecSections(codecs),
            ]
        )
        let outputPath = home + "/output.txt"
        let logPath = home + "/linphone.log"
        FileManager.default.createFile(atPath: outputPath, contents: nil)
        let process = Process()
        // timeout: linphonec goes away on its own after 240 s even if the test process dies.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        process.arguments = [
            "240", "/usr/bin/nice", "-n", "10", "/usr/bin/script", "-qfc", "linphonec -c \(home)/linphonerc -d 5 -l \(logPath)", "/dev/null",
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = home
        environment["TERM"] = "dumb"
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: home)
        let pipe = Pipe()
        process.standardInput = pipe
        let output = FileHandle(forWritingAtPath: outputPath)
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let phone = LinphonePhone(
            name: name,
            home: home,
            process: process,
            input: pipe.fileHandleForWriting,
            outputPath: outputPath,
            logPath: logPath
        )
        let ready = await Interop.eventually(timeout: .seconds(20)) {
            !Interop.portIsFree(base, type: Int32(SOCK_DGRAM.rawValue))
        }
        guard ready else {
            await phone.stop()
            throw InteropError("linphonec did not open its SIP port \(base)")
        }
        phone.sipPort = base
        phone.send("soundcard use files")
        phone.send("play \(source)")
        if autoAnswer {
            phone.recordingPath = home + "/heard-incoming.wav"
            phone.send("record \(home)/heard-incoming.wav")
            phone.send("autoanswer enable")
        }
        return phone
    }

    private init(name: String, home: String, process: Process, input: FileHandle, outputPath: String, logPath: String) {
        self.name = name
        self.home = home
        self.process = process
        self.input = input
        self.outputPath = outputPath
        self.logPath = logPath
    }

    func send(_ line: String) {
        try? self.input.write(contentsOf: Array((line + "\n").utf8))
    }

    var output: String { (try? String(contentsOfFile: self.outputPath, encoding: .utf8)) ?? "" }

    private func waitForOutput(_ text: String, timeout: Duration) async -> Bool {
        await self.waitForOutput(text, after: self.callStart, timeout: timeout)
    }

    /// Waits for `text` in what linphonec printed after byte `offset` of its output.
    func waitForOutput(_ text: String, after offset: Int, timeout: Duration) async -> Bool {
        await Interop.eventually(timeout: timeout) {
            String(self.output.utf8.dropFirst(offset))?.contains(text) ?? false
        }
    }

    /// How much linphonec has printed so far, to wait for what comes next.
    var outputMark: Int { self.output.utf8.count }

    /// Points the recorder at a new file; linphonec opens it when a call's audio starts.
    func record(to path: String) {
        self.recordingPath = path
        self.send("record \(path)")
    }

    func dial(_ uri: String) async throws -> Bool {
        self.calls += 1
        let recording = self.home + "/heard-\(self.calls).wav"
        self.recordingPath = recording
        self.send("record \(recording)")
        try await Task.sleep(for: .milliseconds(300))
        self.callStart = self.output.utf8.count
        self.send("call \(uri)")
        return await self.waitForOutput("connected.", timeout: .seconds(15))
    }

    /// A line of digits is sent as DTMF (RFC 4733, or SIP INFO with `use_info=1`).
    func sendDigits(_ digits: String) async throws {
        for digit in digits {
            self.send(String(digit))
            try await Task.sleep(for: .milliseconds(400))
        }
    }

    var recordsAfterHold: Bool { true }
    func echoWhatItHears() async throws {}

    /// linphone's recorder writes the WAV header only when it closes the file, and records at the decoder's rate
    /// (16 kHz for G.722, 48 kHz for Opus); its log names the rate: "...-->MSFileRec:0x... from rate [16000] to
    /// rate [16000]".
    var recordingRate: Double? {
        let log = (try? String(contentsOfFile: self.logPath, encoding: .utf8)) ?? ""
        let lines = log.split(separator: "\n")
        guard let line = lines.last(where: { $0.contains("-->MSFileRec") && $0.contains("to rate [") }),
            let range = line.range(of: "to rate [", options: .backwards)
        else { return nil }
        return line[range.upperBound...].split(separator: "]").first.flatMap { Double($0) }
    }

    func hold() async throws { self.send("pause") }
    func resume() async throws { self.send("resume") }
    func hangUp() async throws { self.send("terminate") }

    func waitForCallEnd(timeout: Duration) async -> Bool {
        await self.waitForOutput(" ended (", timeout: timeout)
    }

    func negotiatedCodec() -> String? {
        // liblinphone logs the payload its audio stream starts with: "Found payload PCMU/8000 fmtp=".
        let log = (try? String(contentsOfFile: self.logPath, encoding: .utf8)) ?? ""
        guard let line = log.split(separator: "\n").last(where: { $0.contains("Found payload ") && !$0.contains("telephone-event") }),
            let range = line.range(of: "Found payload ")
        else { return nil }
        return line[range.upperBound...].split(separator: "/").first.map(String.init)
    }

    func log() -> String {
        let log = (try? String(contentsOfFile: self.logPath, encoding: .utf8)) ?? ""
        return self.output + "\n--- linphone log (last 200 lines) ---\n"
            + log.split(separator: "\n").suffix(200).joined(separator: "\n")
    }

    func stop() async {
        self.send("quit")
        _ = await Interop.eventually(timeout: .seconds(4)) { !self.process.isRunning }
        if self.process.isRunning {
            // timeout → script → linphonec: end the ones we started, innermost first.
            let script = Interop.children(of: self.process.processIdentifier)
            let linphonec = script.flatMap { Interop.children(of: $0) }
            for pid in linphonec + script { kill(pid, SIGTERM) }
            Interop.stop(self.process)
        }
        try? self.input.close()
        if ProcessInfo.processInfo.environment["PARLEY_INTEROP_KEEP"] == nil { try? FileManager.default.removeItem(atPath: self.home) }
    }
}

// MARK: - The scenario

@Suite("Phone interop: baresip and linphone against the bridge", .serialized, .timeLimit(.minutes(3)))
struct PhoneInteropTests {
    /// What each run found, printed for the README table.
    struct Findings: CustomStringConvertible {
        var phone: String
        var codec: String?
        var phoneHearsCaller = 0.0
        var phoneHearsItself = 0.0
        var callerHearsPhone = 0.0
        var phoneHearsCallerAfterResume: Double?
        var description: String {
            "\(self.phone): codec \(self.codec ?? "?"), phone hears 1000 Hz share \(self.phoneHearsCaller), "
                + "its own 600 Hz \(self.phoneHearsItself); caller hears 600 Hz share \(self.callerHearsPhone)"
                + (self.phoneHearsCallerAfterResume.map { "; after resume the phone hears 1000 Hz share \($0)" } ?? "")
        }
    }

    /// Call, PIN, two-way audio with the test caller, hold and resume, hang up from the phone, then a
    /// second call that Parley ends (kick → BYE). With `full` false: the call, PIN and two-way audio, then the
    /// phone hangs up (the codec runs).
    static func scenario(_ phone: any InteropPhone, expectedCodec: String? = nil, full: Bool = true) async throws {
        let room = "1000"
        let server = try await TestBridge.start(rooms: [
            RoomDefinition(name: "Interop", extensionNumber: room, pin: Interop.pin)
        ])
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let agent = try await CallerAgent.start(on: group.next())
        var findings = Findings(phone: phone.name)
        do {
            try await Self.run(phone, server: server, agent: agent, room: room, full: full, findings: &findings)
            if let expectedCodec {
                #expect(findings.codec == expectedCodec, "\(phone.name) should have negotiated \(expectedCodec)")
            }
        } catch {
            Issue.record("\(phone.name): \(error)\n\(phone.log().suffix(6000))")
        }
        print("Phone interop: \(findings)")
        await phone.stop()
        try await agent.shutdown()
        try await group.shutdownGracefully()
        try await server.stop()
    }

    private static func run(
        _ phone: any InteropPhone,
        server: TestBridge,
        agent: CallerAgent,
        room: String,
        full: Bool,
        findings: inout Findings
    ) async throws {
        let uri = "sip:\(room)@127.0.0.1:\(server.bridge.sipPort)"
        let dialled = try await phone.dial(uri)
        #expect(dialled, "\(phone.name) should get its call answered\n\(phone.log().suffix(4000))")
        guard dialled else { return }
        findings.codec = phone.negotiatedCodec()
        // The project's caller, sending 1000 Hz, joins after the phone; in a codec run it dials in while the
        // phone keys its PIN, which saves a few seconds.
        let joinCaller = { @Sendable () async throws -> OutboundCall in
            let call = try await agent.call(
                user: room,
                server: try server.sipAddress,
                source: .tone(frequency: Interop.callerTone)
            )
            try await call.sendDigits(Interop.pin + "#")
            return call
        }
        let earlyCaller = full ? nil : Task { try await joinCaller() }
        // Let "please enter the conference pin" start, then key the PIN.
        try await Task.sleep(for: .milliseconds(800))
        try await phone.sendDigits(Interop.pin + "#")
        let expectedJoined = full ? 1 : 2
        let phoneJoined = try await server.waitFor(room, timeout: .seconds(15)) { $0?.joinedCount == expectedJoined }
        #expect(
            phoneJoined,
            "\(phone.name)'s PIN should let it in\(full ? "" : " (and the test caller's)")\n\(phone.log().suffix(4000))"
        )
        guard phoneJoined, let phoneID = try await server.snapshot(room)?.members.first?.id else {
            earlyCaller?.cancel()
            return
        }
        let call: OutboundCall
        if let earlyCaller {
            call = try await earlyCaller.value
        } else {
            call = try await joinCaller()
            #expect(try await server.waitFor(room) { $0?.joinedCount == 2 }, "the test caller should join")
        }

        // Join announcements, then three seconds of conversation (two in a codec run).
        try await Task.sleep(for: .seconds(4))
        let path = try #require(phone.recordingPath, "\(phone.name) should be recording what it hears")
        let mark = Interop.wavDataBytes(path)
        try await call.clearRecording()
        try await Task.sleep(for: .seconds(full ? 3 : 2))
        let phoneHeard = Interop.wavSamples(path, fromDataByte: mark)
        let rate = phone.recordingRate ?? Interop.wavRate(path)
        let callerHeard = try await call.recordedSamples()
        findings.phoneHearsCaller = ToneAnalysis.share(of: Interop.callerTone, in: phoneHeard, sampleRate: rate)
        findings.phoneHearsItself = ToneAnalysis.share(of: Interop.phoneTone, in: phoneHeard, sampleRate: rate)
        findings.callerHearsPhone = ToneAnalysis.share(of: Interop.phoneTone, in: callerHeard)
        #expect(
            Double(phoneHeard.count) >= rate * (full ? 2 : 1.5),
            "\(phone.name) should record what it heard (\(phoneHeard.count) samples at \(rate) Hz)"
        )
        #expect(findings.phoneHearsCaller > 0.2, "\(phone.name) should hear the caller's 1000 Hz: \(findings)")
        #expect(findings.phoneHearsItself < 0.02, "\(phone.name) must not hear its own 600 Hz: \(findings)")
        #expect(findings.callerHearsPhone > 0.2, "the caller should hear \(phone.name)'s 600 Hz: \(findings)")

        guard full else {
            try await phone.hangUp()
            #expect(await phone.waitForCallEnd(timeout: .seconds(10)), "\(phone.name)'s call should end")
            #expect(
                try await server.waitFor(room, timeout: .seconds(10)) { $0?.members.count == 1 },
                "Parley should let \(phone.name) go on its BYE"
            )
            #expect(try await call.hangUp() == 200)
            return
        }

        // Hold (re-INVITE sendonly): Parley mixes the phone out and stops sending to it.
        try await phone.hold()
        let held = try await server.waitFor(room, timeout: .seconds(10)) {
            $0?.members.first(where: { $0.id == phoneID })?.onHold == true
        }
        #expect(held, "\(phone.name)'s hold should show in the snapshot\n\(phone.log().suffix(3000))")
        if held {
            try await Task.sleep(for: .milliseconds(500))
            let sentBefore = try await server.snapshot(room)?.members.first(where: { $0.id == phoneID })?.packetsSent
            // Should a phone open a new recording file when the re-INVITE restarts its audio, follow it.
            let pathBefore = phone.recordingPath ?? path
            let heardBefore = Interop.wavDataBytes(pathBefore)
            try await call.clearRecording()
            try await Task.sleep(for: .seconds(2))
            let sentAfter = try await server.snapshot(room)?.members.first(where: { $0.id == phoneID })?.packetsSent
            let pathAfter = phone.recordingPath ?? path
            let heardDuringHold =
                pathAfter == pathBefore
                ? Interop.wavDataBytes(pathAfter) - heardBefore : Interop.wavDataBytes(pathAfter)
            let callerDuringHold = try await call.recordedSamples()
            #expect(sentAfter == sentBefore, "Parley should send nothing to a held phone (\(sentBefore ?? -1) → \(sentAfter ?? -1))")
            #expect(heardDuringHold < 1600, "\(phone.name) received \(heardDuringHold) bytes of audio while held")
            let leak = ToneAnalysis.share(of: Interop.phoneTone, in: callerDuringHold)
            #expect(leak < 0.02, "a held \(phone.name) must be mixed out (caller hears 600 Hz share \(leak))")
        }

        try await phone.resume()
        let resumed = try await server.waitFor(room, timeout: .seconds(10)) {
            $0?.members.first(where: { $0.id == phoneID })?.onHold == false
        }
        #expect(resumed, "\(phone.name)'s resume should show in the snapshot")
        if resumed {
            try await Task.sleep(for: .milliseconds(800))
            let resumedPath = phone.recordingPath ?? path
            let mark = Interop.wavDataBytes(resumedPath)
            try await call.clearRecording()
            try await Task.sleep(for: .seconds(2))
            let back = ToneAnalysis.share(of: Interop.phoneTone, in: try await call.recordedSamples())
            #expect(back > 0.2, "after resume the caller should hear \(phone.name) again (share \(back))")
            if phone.recordsAfterHold {
                let phoneBack = ToneAnalysis.share(
                    of: Interop.callerTone,
                    in: Interop.wavSamples(resumedPath, fromDataByte: mark),
                    sampleRate: phone.recordingRate ?? Interop.wavRate(resumedPath)
                )
                findings.phoneHearsCallerAfterResume = phoneBack
                #expect(phoneBack > 0.2, "after resume \(phone.name) should hear the caller again (share \(phoneBack))")
            } else {
                // The phone sends back what it plays: the caller hears its own 1000 Hz only if the phone heard it
                // (Parley never sends a caller its own audio).
                try await phone.echoWhatItHears()
                try await Task.sleep(for: .milliseconds(600))
                try await call.clearRecording()
                try await Task.sleep(for: .milliseconds(1500))
                let echoed = ToneAnalysis.share(of: Interop.callerTone, in: try await call.recordedSamples())
                findings.phoneHearsCallerAfterResume = echoed
                #expect(echoed > 0.2, "after resume \(phone.name) should hear the caller again (echo share \(echoed))")
            }
        }

        // Hang up from the phone: Parley sees BYE and the caller is alone.
        try await phone.hangUp()
        #expect(await phone.waitForCallEnd(timeout: .seconds(10)), "\(phone.name)'s call should end")
        #expect(
            try await server.waitFor(room, timeout: .seconds(10)) { $0?.members.count == 1 },
            "Parley should let \(phone.name) go on its BYE"
        )

        // A second call, ended by Parley: kick → "you have been kicked" → BYE to the phone.
        let callerID = try #require(try await server.snapshot(room)?.members.first?.id)
        try await Task.sleep(for: .milliseconds(500))
        let again = try await phone.dial(uri)
        #expect(again, "\(phone.name)'s second call should be answered")
        guard again else { return }
        try await Task.sleep(for: .milliseconds(800))
        try await phone.sendDigits(Interop.pin + "#")
        #expect(try await server.waitFor(room, timeout: .seconds(15)) { $0?.joinedCount == 2 })
        let secondID = try #require(try await server.snapshot(room)?.members.first(where: { $0.id != callerID })?.id)
        #expect(try await server.bridge.kick(participant: secondID, room: room))
        #expect(await phone.waitForCallEnd(timeout: .seconds(15)), "\(phone.name) should get Parley's BYE")
        #expect(try await server.waitFor(room, timeout: .seconds(10)) { $0?.members.count == 1 })
        #expect(try await call.hangUp() == 200)
    }

    @Test("baresip (PCMU): PIN by RFC 4733, two-way audio, hold/resume heard both ways, hang up both ways")
    func baresip() async throws {
        let phone = try await BaresipPhone.start(name: "baresip-g711", codecModules: ["g711"], accountCodecs: nil)
        try await Self.scenario(phone, expectedCodec: "PCMU")
    }

    @Test(
        "baresip codecs: each one Parley supports, negotiated and heard both ways",
        arguments: [
            // (name, codec modules loaded, account audio_codecs, codec Parley should pick)
            ("pcma", ["g711"], "PCMA", "PCMA"),
            ("g722", ["g722"], "G722", "G722"),
            ("opus", ["opus"], "opus", "opus"),
            // Everything offered (opus/48000/2, G722, PCMU, PCMA): Parley's own order of preference wins.
            ("all-codecs", ["opus", "g722", "g711"], nil, "PCMU"),
        ] as [(String, [String], String?, String)]
    )
    func baresipCodec(name: String, modules: [String], accountCodecs: String?, expected: String) async throws {
        let phone = try await BaresipPhone.start(
            name: "baresip-\(name)",
            codecModules: modules,
            accountCodecs: accountCodecs
        )
        try await Self.scenario(phone, expectedCodec: expected, full: false)
    }

    /// Two baresip phones in a direct call; one transfers the other into a room (blind, REFER with
    /// `Refer-To` the room, RFC 3515). The transferee dials Parley itself, keys the PIN and talks with the room.
    @Test("baresip: a phone in a call with another transfers it into a room (blind REFER)")
    func baresipTransfer() async throws {
        let room = "1000"
        let server = try await TestBridge.start(rooms: [
            RoomDefinition(name: "Interop", extensionNumber: room, pin: Interop.pin)
        ])
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let agent = try await CallerAgent.start(on: group.next())
        let transferor = try await BaresipPhone.start(
            name: "baresip-transferor",
            codecModules: ["g711"],
            accountCodecs: nil
        )
        let transferee = try await BaresipPhone.start(
            name: "baresip-transferee",
            codecModules: ["g711"],
            accountCodecs: nil,
            answerMode: "auto"
        )
        do {
            let call = try await agent.call(
                user: room,
                server: try server.sipAddress,
                source: .tone(frequency: Interop.callerTone)
            )
            try await call.sendDigits(Interop.pin + "#")
            #expect(try await server.waitFor(room) { $0?.joinedCount == 1 }, "the test caller should join")

            let incoming = transferee.markCallStart()
            #expect(try await transferor.dial("sip:phone@127.0.0.1:\(transferee.sipPort)"), "the phones' call")
            #expect(await transferee.waitForEstablished(after: incoming, timeout: .seconds(10)))
            // sndfile names its dumps by the second: let the transferred call start in a later one.
            try await Task.sleep(for: .milliseconds(1100))
            let transferred = transferee.markCallStart()
            try await transferor.transfer(to: "sip:\(room)@127.0.0.1:\(server.bridge.sipPort)")
            #expect(
                await transferee.waitForEstablished(after: transferred, timeout: .seconds(10)),
                "the transferee should call the room\n\(transferee.log().suffix(3000))"
            )
            #expect(
                await transferor.waitForCallEnd(timeout: .seconds(10)),
                "the transferor's call should end once the transfer succeeds"
            )
            try await Task.sleep(for: .milliseconds(800))
            try await transferee.sendDigits(Interop.pin + "#")
            let joined = try await server.waitFor(room, timeout: .seconds(15)) { $0?.joinedCount == 2 }
            #expect(joined, "the transferee's PIN should let it in\n\(transferee.log().suffix(3000))")

            try await Task.sleep(for: .seconds(3))
            let path = try #require(transferee.recordingPath)
            let mark = Interop.wavDataBytes(path)
            try await call.clearRecording()
            try await Task.sleep(for: .seconds(2))
            let heard = ToneAnalysis.share(of: Interop.callerTone, in: Interop.wavSamples(path, fromDataByte: mark))
            let callerHeard = ToneAnalysis.share(of: Interop.phoneTone, in: try await call.recordedSamples())
            print(
                "Phone interop: baresip transfer: transferee hears 1000 Hz share \(heard); "
                    + "caller hears 600 Hz share \(callerHeard)"
            )
            #expect(heard > 0.2, "the transferred phone should hear the room (share \(heard))")
            #expect(callerHeard > 0.2, "the room should hear the transferred phone (share \(callerHeard))")

            try await transferee.hangUp()
            #expect(try await server.waitFor(room, timeout: .seconds(10)) { $0?.members.count == 1 })
            #expect(try await call.hangUp() == 200)
        } catch {
            Issue.record("transfer: \(error)\n\(transferor.log().suffix(3000))\n\(transferee.log().suffix(3000))")
        }
        await transferor.stop()
        await transferee.stop()
        try await agent.shutdown()
        try await group.shutdownGracefully()
        try await server.stop()
    }

    @Test(
        "linphone: PIN by RFC 4733 or SIP INFO, two-way audio, hold/resume, hang up both ways",
        arguments: [false, true]
    )
    func linphone(useInfo: Bool) async throws {
        let phone = try await LinphonePhone.start(name: useInfo ? "linphone-info" : "linphone-rfc4733", useInfo: useInfo)
        try await Self.scenario(phone)
    }

    @Test(
        "linphone codecs: offering one codec Parley supports at a time, negotiated and heard both ways",
        arguments: [
            // (codec enabled in linphonerc, codec Parley should pick); PCMU is the full runs' codec.
            ("PCMA", "PCMA"),
            ("G722", "G722"),
            ("opus", "opus"),
        ] as [(String, String)]
    )
    func linphoneCodec(codec: String, expected: String) async throws {
        let phone = try await LinphonePhone.start(name: "linphone-\(codec)", useInfo: false, codecs: [codec])
        try await Self.scenario(phone, expectedCodec: expected, full: false)
    }

    /// linphone A talks with linphone B, puts it on hold, calls the room and keys the PIN, then transfers B onto
    /// its room call (`transfer 1 --to-call 2`: REFER to B with `Refer-To: <sip:ROOM@HOST?Replaces=...>`, RFC 3515
    /// and RFC 3891). B sends Parley an INVITE with Replaces and takes A's seat without a PIN; Parley ends A's leg
    /// with BYE. linphone builds the Refer-To from the To header of its room call, which leaves out the port it
    /// dialled, so the bridge listens on port 5060 of a loopback address of its own.
    @Test("linphone: attended transfer of another linphone onto a room call (REFER with Replaces)")
    func linphoneAttendedTransfer() async throws {
        // Two linphones talk to each other as well as to Parley here, and about one run in twenty the phones' own
        // call stalls (A's call with B never ends and B sends nothing; Parley's part had gone right). A first
        // attempt that fails is printed and the transfer tried once more with fresh phones and bridge; the test
        // fails when both attempts do.
        let first = try await Self.attendedTransferAttempt()
        guard !first.isEmpty else { return }
        print(
            "Phone interop: linphone attended transfer, first attempt failed, trying again:\n"
                + first.joined(separator: "\n")
        )
        let second = try await Self.attendedTransferAttempt()
        #expect(second.isEmpty, "attended transfer failed twice:\n\(second.joined(separator: "\n"))")
    }

    /// One attended transfer (see ``linphoneAttendedTransfer()``); what went wrong, or nothing.
    static func attendedTransferAttempt() async throws -> [String] {
        var problems: [String] = []
        func check(_ condition: Bool, _ message: @autoclosure () -> String) {
            if !condition { problems.append(message()) }
        }
        let room = "1000"
        var host = "127.0.0.\(Int.random(in: 100..<200))"
        for _ in 0..<20 where !Interop.portIsFree(5060, type: Int32(SOCK_DGRAM.rawValue), host: host) {
            host = "127.0.0.\(Int.random(in: 100..<200))"
        }
        let server = try await TestBridge.start(
            rooms: [RoomDefinition(name: "Interop", extensionNumber: room, pin: Interop.pin)],
            sipHost: host,
            sipPort: 5060
        )
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let agent = try await CallerAgent.start(on: group.next())
        async let startA = LinphonePhone.start(name: "linphone-transferor", useInfo: false)
        async let startB = LinphonePhone.start(
            name: "linphone-transferee",
            useInfo: false,
            autoAnswer: true,
            tone: Interop.secondPhoneTone
        )
        let (transferor, transferee) = try await (startA, startB)
        do {
            let call = try await agent.call(
                user: room,
                server: try server.sipAddress,
                source: .tone(frequency: Interop.callerTone)
            )
            try await call.sendDigits(Interop.pin + "#")
            check(try await server.waitFor(room) { $0?.joinedCount == 1 }, "the test caller should join")

            // Call 1: A and B talk directly; A puts B on hold.
            check(try await transferor.dial("sip:phone@127.0.0.1:\(transferee.sipPort)"), "the phones' call")
            var mark = transferor.outputMark
            transferor.send("pause 1")
            check(
                await transferor.waitForOutput("is now paused", after: mark, timeout: .seconds(10)),
                "A should pause B"
            )

            // Call 2: A calls the room and keys the PIN.
            check(try await transferor.dial("sip:\(room)@\(host)"), "A's call to the room")
            try await Task.sleep(for: .milliseconds(800))
            try await transferor.sendDigits(Interop.pin + "#")
            let aJoined = try await server.waitFor(room, timeout: .seconds(15)) { $0?.joinedCount == 2 }
            check(aJoined, "A's PIN should let it in\n\(transferor.log().suffix(3000))")
            let before = try await server.snapshot(room)?.members.map(\.id) ?? []

            // A transfers B onto its room call.
            let heardPath = transferee.home + "/heard-transferred.wav"
            transferee.record(to: heardPath)
            let markB = transferee.outputMark
            mark = transferor.outputMark
            transferor.send("transfer 1 --to-call 2")
            check(
                await transferee.waitForOutput("?Replaces=", after: markB, timeout: .seconds(10)),
                "B should follow the REFER with Replaces\n\(transferee.log().suffix(3000))"
            )
            // "Call 2 with <sip:1000@HOST?Replaces=...> connected."
            check(
                await transferee.waitForOutput("> connected.", after: markB, timeout: .seconds(10)),
                "B's call with Replaces should be answered\n\(transferee.log().suffix(6000))"
            )
            check(
                await transferor.waitForOutput(
                    "Call 2 with sip:\(room)@\(host) ended",
                    after: mark,
                    timeout: .seconds(10)
                ),
                "Parley should end A's room call with BYE\n\(transferor.log().suffix(3000))"
            )
            let callWithBEnded = await transferor.waitForOutput(
                "Call 1 with sip:phone@127.0.0.1:\(transferee.sipPort) ended",
                after: mark,
                timeout: .seconds(10)
            )
            let logs =
                callWithBEnded ? "" : transferor.log().suffix(3000) + "\n--- B ---\n" + transferee.log().suffix(3000)
            check(callWithBEnded, "A's call with B should end once B is transferred\n\(logs)")
            let taken = try await server.waitFor(room, timeout: .seconds(10)) { snapshot in
                guard let snapshot else { return false }
                return snapshot.joinedCount == 2 && snapshot.members.count == 2 && snapshot.members.map(\.id) != before
            }
            check(taken, "B should take A's seat, already admitted\n\(transferee.log().suffix(3000))")

            // B (800 Hz) hears the room's caller; the caller hears B and no longer A (600 Hz).
            try await Task.sleep(for: .seconds(2))
            let markHeard = Interop.wavDataBytes(heardPath)
            try await call.clearRecording()
            try await Task.sleep(for: .seconds(2))
            let heard = ToneAnalysis.share(
                of: Interop.callerTone,
                in: Interop.wavSamples(heardPath, fromDataByte: markHeard),
                sampleRate: transferee.recordingRate ?? 8000
            )
            let callerHeard = try await call.recordedSamples()
            let callerHearsB = ToneAnalysis.share(of: Interop.secondPhoneTone, in: callerHeard)
            let callerHearsA = ToneAnalysis.share(of: Interop.phoneTone, in: callerHeard)
            print(
                "Phone interop: linphone attended transfer: transferee hears 1000 Hz share \(heard); "
                    + "caller hears the transferee's 800 Hz share \(callerHearsB), "
                    + "the transferor's 600 Hz \(callerHearsA)"
            )
            check(heard > 0.2, "the transferred phone should hear the room (share \(heard))")
            check(callerHearsB > 0.2, "the room should hear the transferred phone (share \(callerHearsB))")
            check(callerHearsA < 0.02, "the transferor should be gone from the room (share \(callerHearsA))")

            try await transferee.hangUp()
            check(
                try await server.waitFor(room, timeout: .seconds(10)) { $0?.members.count == 1 },
                "B's hang-up should leave the caller alone"
            )
            check(try await call.hangUp() == 200, "the caller's BYE should get 200")
        } catch {
            problems.append(
                "attended transfer: \(error)\n\(transferor.log().suffix(3000))\n\(transferee.log().suffix(3000))"
            )
        }
        await transferor.stop()
        await transferee.stop()
        try await agent.shutdown()
        try await group.shutdownGracefully()
        try await server.stop()
        return problems
    }
}
