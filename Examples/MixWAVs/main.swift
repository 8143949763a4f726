// Mixing WAV files offline with the Mixer library alone: sums 16-bit mono WAV files frame by frame with
// MixMinus (Int32 accumulation, SIMD kernel) and writes the result through the limiter, so loud inputs never
// wrap. Usage: MixWAVsExample output.wav input1.wav input2.wav ...
import Foundation
import Mixer

let arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.count >= 3 else {
    print("usage: MixWAVsExample output.wav input1.wav input2.wav ...")
    exit(2)
}

/// Reads the samples of a 16-bit mono PCM WAV file (the data chunk after a 44-byte canonical header).
func readSamples(_ path: String) -> (rate: Int, samples: [Int16])? {
    guard let data = FileManager.default.contents(atPath: path), data.count > 44 else { return nil }
    let bytes = [UInt8](data)
    let rate = Int(bytes[24]) | Int(bytes[25]) << 8 | Int(bytes[26]) << 16 | Int(bytes[27]) << 24
    var samples: [Int16] = []
    samples.reserveCapacity((bytes.count - 44) / 2)
    var index = 44
    while index + 1 < bytes.count {
        samples.append(Int16(bitPattern: UInt16(bytes[index]) | UInt16(bytes[index + 1]) << 8))
        index += 2
    }
    return (rate, samples)
}

var inputs: [[Int16]] = []
var rate = 8000
for path in arguments.dropFirst() {
    guard let file = readSamples(path) else {
        print("cannot read \(path) as a 16-bit mono WAV file")
        exit(1)
    }
    rate = file.rate
    inputs.append(file.samples)
}

let frameSize = rate / 50
var mixer = MixMinus(frameSize: frameSize)
var limiter = Limiter()
var sum = [Int32](repeating: 0, count: frameSize)
var frame = [Int16](repeating: 0, count: frameSize)
var output: [Int16] = []
let length = inputs.map(\.count).max() ?? 0
var scratch = [Int16](repeating: 0, count: frameSize)
for start in stride(from: 0, to: length, by: frameSize) {
    mixer.beginTick()
    for input in inputs {
        for i in 0..<frameSize { scratch[i] = start + i < input.count ? input[start + i] : 0 }
        scratch.withUnsafeBufferPointer { mixer.add($0) }
    }
    sum.withUnsafeMutableBufferPointer { mixer.mixMinus(own: nil, into: $0) }
    sum.withUnsafeBufferPointer { wide in frame.withUnsafeMutableBufferPointer { limiter.process(wide, into: $0) } }
    output += frame
}

func le32(_ v: Int) -> [UInt8] {
    [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24 & 0xFF)]
}
var bytes = Array("RIFF".utf8) + le32(36 + output.count * 2) + Array("WAVEfmt ".utf8)
bytes +=
    le32(16) + [1, 0, 1, 0] + le32(rate) + le32(rate * 2) + [2, 0, 16, 0] + Array("data".utf8) + le32(output.count * 2)
for sample in output { bytes += [UInt8(UInt16(bitPattern: sample) & 0xFF), UInt8(UInt16(bitPattern: sample) >> 8)] }
guard FileManager.default.createFile(atPath: arguments[0], contents: Data(bytes)) else {
    print("cannot write \(arguments[0])")
    exit(1)
}
print("mixed \(inputs.count) files, \(output.count / rate) s, into \(arguments[0])")
