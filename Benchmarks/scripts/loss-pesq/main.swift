// Offline PESQ harness for the receive path under loss and jitter (issue 5): speech is coded (Opus with in-band
// FEC, or G.711), sent through a simulated network (seeded loss, uniform jitter, some packets held back), received
// by the same JitterBuffer the media leg uses on a virtual 20 ms clock, and decoded the way MediaLeg does. The
// output WAV is scored by Tests/quality/score.py. Independent of CPU load: nothing runs in real time.
//
// usage: loss-pesq IN.wav OUT.wav MODE [LOSS] [JITTER_MS] [SEED]
//   MODE: opus-fec (FEC from the next packet, else PLC), opus-plc (libopus PLC only), g711 (PacketLossConcealer)
//   RATE=16000: the input's rate (8000 or 16000), kept throughout (a room at that rate).
//   TANDEM=1: then on through the bridge's own encoder (its Opus settings for the rate, or G.711) to the listening
//   caller's decoder, as in Tests/quality/pesq.sh, where the room re-encodes the mix for each listener.
import Foundation

func readWAV(_ path: String) -> [Int16] {
    guard let data = FileManager.default.contents(atPath: path), data.count > 44 else { fatalError("cannot read \(path)") }
    let bytes = [UInt8](data)
    var offset = 12
    while offset + 8 <= bytes.count {
        let id = String(decoding: bytes[offset..<(offset + 4)], as: UTF8.self)
        let size = Int(bytes[offset + 4]) | Int(bytes[offset + 5]) << 8 | Int(bytes[offset + 6]) << 16 | Int(bytes[offset + 7]) << 24
        if id == "data" {
            let start = offset + 8
            let end = min(bytes.count, start + size)
            return stride(from: start, to: end - 1, by: 2).map { Int16(bitPattern: UInt16(bytes[$0]) | UInt16(bytes[$0 + 1]) << 8) }
        }
        offset += 8 + size
    }
    fatalError("no data chunk")
}

func writeWAV(_ path: String, _ samples: [Int16]) {
    var out = [UInt8]()
    func u32(_ v: Int) { out += [UInt8(v & 255), UInt8(v >> 8 & 255), UInt8(v >> 16 & 255), UInt8(v >> 24 & 255)] }
    func u16(_ v: Int) { out += [UInt8(v & 255), UInt8(v >> 8 & 255)] }
    out += Array("RIFF".utf8); u32(36 + samples.count * 2); out += Array("WAVEfmt ".utf8)
    u32(16); u16(1); u16(1); u32(rate); u32(2 * rate); u16(2); u16(16)
    out += Array("data".utf8); u32(samples.count * 2)
    for s in samples { u16(Int(UInt16(bitPattern: s))) }
    _ = FileManager.default.createFile(atPath: path, contents: Data(out))
}

let environment = ProcessInfo.processInfo.environment
let rate = Int(environment["RATE"] ?? "") ?? 8000
let frameSize = rate / 50
let tandem = environment["TANDEM"] == "1"
// OPUS_BITRATE, OPUS_COMPLEXITY, OPUS_LOSS: the sending caller's encoder (parley-load's defaults: 32 kbit/s, 5, 10 %).
var opusSettings = OpusEncoderWrapper.Configuration()
if let value = environment["OPUS_BITRATE"].flatMap({ Int($0) }) { opusSettings.bitrate = value }
if let value = environment["OPUS_COMPLEXITY"].flatMap({ Int($0) }) { opusSettings.complexity = value }
if let value = environment["OPUS_LOSS"].flatMap({ Int($0) }) { opusSettings.packetLossPercent = value }
// The bridge's encoder (second hop): its own defaults for the rate; BRIDGE_BITRATE, BRIDGE_COMPLEXITY change them.
var bridgeSettings = OpusEncoderWrapper.Configuration.speech(audioRate: rate)
if let value = environment["BRIDGE_BITRATE"].flatMap({ Int($0) }) { bridgeSettings.bitrate = value }
if let value = environment["BRIDGE_COMPLEXITY"].flatMap({ Int($0) }) { bridgeSettings.complexity = value }
let arguments = CommandLine.arguments
let input = readWAV(arguments[1])
let mode = arguments[3]
let loss = arguments.count > 4 ? Double(arguments[4]) ?? 0.05 : 0.05
let jitterMs = arguments.count > 5 ? Double(arguments[5]) ?? 40 : 40
var seed: UInt64 = arguments.count > 6 ? UInt64(arguments[6]) ?? 7 : 7
func random() -> Double {
    seed = seed &* 6364136223846793005 &+ 1442695040888963407
    return Double(seed >> 11) / Double(1 << 53)
}

let opus = mode.hasPrefix("opus")
let codec = opus ? try! WidebandCodec(.opus, frameSize: frameSize, audioRate: rate, opus: opusSettings) : nil
let decoder = opus ? try! WidebandCodec(.opus, frameSize: frameSize, audioRate: rate) : nil
// Packets, with (arrival ms, sequence, payload).
var payload = [UInt8](repeating: 0, count: 1500)
var packets: [(arrival: Double, sequence: Int, payload: [UInt8])] = []
var dropped = 0
let frames = input.count / frameSize + 10
for index in 0..<frames {
    var frame = [Int16](repeating: 0, count: frameSize)
    for j in 0..<frameSize where index * frameSize + j < input.count { frame[j] = input[index * frameSize + j] }
    let count: Int
    if let codec {
        count = frame.withUnsafeBufferPointer { f in payload.withUnsafeMutableBytes { codec.encode(f, into: $0) } }
    } else {
        count = frame.withUnsafeBufferPointer { f in payload.withUnsafeMutableBytes { G711.encode(f, law: .muLaw, into: $0) } }
    }
    if random() < loss { dropped += 1; continue }
    var delay = random() * jitterMs
    if jitterMs > 0, random() < 0.02 { delay += 30 }
    packets.append((Double(index * 20) + delay, index, Array(payload[0..<count])))
}
packets.sort { $0.arrival < $1.arrival }

var buffer = JitterBuffer(configuration: .init(
    maximumPayloadBytes: 400, frameMilliseconds: 20, clockRate: opus ? 48000 : 8000,
    initialDelayMilliseconds: 40, minimumDelayMilliseconds: 20))
var concealer = PacketLossConcealer(sampleRate: rate, frameSize: frameSize)
var output: [Int16] = []
var scratch = [UInt8](repeating: 0, count: 400)
var samples = [Int16](repeating: 0, count: frameSize)
var next = 0
var codecConcealed = Int.max / 2
var fec = 0, plc = 0
for tick in 0..<(frames + 20) {
    let now = Double(tick * 20) + 0.5
    while next < packets.count && packets[next].arrival <= now {
        let packet = packets[next]
        _ = packet.payload.withUnsafeBytes {
            buffer.insert(sequence: UInt16(packet.sequence & 0xFFFF), timestamp: UInt32(packet.sequence * (opus ? 960 : 160)), payload: $0,
                          arrival: UInt64(packet.arrival * 1_000_000))
        }
        next += 1
    }
    let result = scratch.withUnsafeMutableBytes { buffer.pop(into: $0) }
    var produced = true
    switch result {
    case .frame(let count):
        samples.withUnsafeMutableBufferPointer { out in
            scratch.withUnsafeBytes { s in
                let payload = UnsafeRawBufferPointer(rebasing: s[0..<count])
                if let decoder { _ = decoder.decode(payload, into: out); codecConcealed = 0 }
                else { _ = G711.decode(payload, law: .muLaw, into: out); concealer.processGoodFrame(out) }
            }
        }
    case .conceal, .empty:
        if let decoder {
            if case .empty = result, codecConcealed >= 60 { produced = false; break }
            let nextCount = (mode == "opus-fec" && result == .conceal) ? scratch.withUnsafeMutableBytes { buffer.peekNext(into: $0) } : nil
            samples.withUnsafeMutableBufferPointer { out in
                scratch.withUnsafeBytes { s in
                    let n = nextCount.map { UnsafeRawBufferPointer(rebasing: s[0..<$0]) }
                    _ = decoder.conceal(nextPayload: n, into: out)
                }
            }
            if nextCount != nil { fec += 1 } else { plc += 1 }
            codecConcealed += 20
        } else {
            if case .empty = result, !concealer.isAudible { produced = false; break }
            _ = samples.withUnsafeMutableBufferPointer { concealer.conceal(into: $0) }
            plc += 1
        }
    }
    output += produced ? samples : [Int16](repeating: 0, count: frameSize)
}
if tandem {
    // The room's encoder for the listener (the bridge's defaults) and the listener's decoder, in order, no loss.
    let bridge = opus ? try! WidebandCodec(.opus, frameSize: frameSize, audioRate: rate, opus: bridgeSettings) : nil
    let listener = opus ? try! WidebandCodec(.opus, frameSize: frameSize, audioRate: rate) : nil
    var heard: [Int16] = []
    var frame = [Int16](repeating: 0, count: frameSize)
    for start in stride(from: 0, to: output.count - frameSize + 1, by: frameSize) {
        let count = output[start..<(start + frameSize)].withUnsafeBufferPointer { f in
            payload.withUnsafeMutableBytes { p in
                bridge.map { $0.encode(f, into: p) } ?? G711.encode(f, law: .muLaw, into: p)
            }
        }
        frame.withUnsafeMutableBufferPointer { out in
            payload.withUnsafeBytes { p in
                let packet = UnsafeRawBufferPointer(rebasing: p[0..<count])
                _ = listener.map { $0.decode(packet, into: out) } ?? G711.decode(packet, law: .muLaw, into: out)
            }
        }
        heard += frame
    }
    output = heard
}
writeWAV(arguments[2], output)
let s = buffer.statistics
print("\(mode): dropped \(dropped) of \(frames), late \(s.late), concealed \(s.concealed), fec \(fec), plc \(plc), underruns \(s.underruns), skipped \(s.skipped), shrink drops \(s.dropped), target \(buffer.targetDelayMilliseconds) ms, jitter \(String(format: "%.1f", buffer.jitterMilliseconds)) ms")
