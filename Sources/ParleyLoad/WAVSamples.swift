import Foundation

/// Reads and writes the mono 16-bit PCM WAV files that `--play` sends and `--record` keeps, at the callers' audio
/// rate (8 kHz, or `--audio-rate` for G.722 and Opus).
///
/// Files at another rate or in another format are refused rather than converted (sox does that well).
enum WAVSamples {
    /// The samples of a mono 16-bit PCM WAV file at `rate`; nil when the file is missing or in another format.
    static func read(_ path: String, rate: Int = 8000) -> [Int16]? {
        guard let data = FileManager.default.contents(atPath: path), data.count >= 12 else { return nil }
        let bytes = [UInt8](data)
        guard bytes[0..<4].elementsEqual("RIFF".utf8), bytes[8..<12].elementsEqual("WAVE".utf8) else { return nil }
        func little(_ offset: Int, _ count: Int) -> Int {
            (0..<count).reduce(0) { $0 | Int(bytes[offset + $1]) << (8 * $1) }
        }
        var offset = 12
        var formatOK = false
        while offset + 8 <= bytes.count {
            let size = little(offset + 4, 4)
            let body = offset + 8
            guard body + size <= bytes.count || bytes[offset..<offset + 4].elementsEqual("data".utf8) else {
                return nil
            }
            if bytes[offset..<offset + 4].elementsEqual("fmt ".utf8), size >= 16 {
                formatOK =
                    little(body, 2) == 1 && little(body + 2, 2) == 1 && little(body + 4, 4) == rate
                    && little(body + 14, 2) == 16
            } else if bytes[offset..<offset + 4].elementsEqual("data".utf8) {
                guard formatOK else { return nil }
                let end = min(bytes.count, body + size)
                return stride(from: body, to: end - 1, by: 2).map { Int16(bitPattern: UInt16(little($0, 2))) }
            }
            offset = body + size + (size & 1)
        }
        return nil
    }

    /// Writes `samples` as a mono 16-bit PCM WAV file at `rate`; false when it cannot be written.
    static func write(_ samples: [Int16], to path: String, rate: Int = 8000) -> Bool {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(44 + samples.count * 2)
        func append(_ text: String) { bytes.append(contentsOf: text.utf8) }
        func append(_ value: Int, _ count: Int) {
            for index in 0..<count { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * index))) }
        }
        let dataBytes = samples.count * 2
        append("RIFF")
        append(36 + dataBytes, 4)
        append("WAVEfmt ")
        append(16, 4)
        append(1, 2)  // PCM
        append(1, 2)  // mono
        append(rate, 4)
        append(2 * rate, 4)  // bytes per second
        append(2, 2)  // block align
        append(16, 2)  // bits per sample
        append("data")
        append(dataBytes, 4)
        for sample in samples { append(Int(UInt16(bitPattern: sample)), 2) }
        return FileManager.default.createFile(atPath: path, contents: Data(bytes))
    }
}
