import Foundation

/// Records a room's mix to a 16-bit mono WAV file that stays playable if the process dies.
///
/// Audio is buffered for a second and appended; after every append the RIFF and data sizes in the header are
/// rewritten, so a kill -9 loses at most the last second and never leaves a file players refuse.
final class RoomRecorder {
    let path: String
    let sampleRate: Int
    let startedAt: Date
    private let handle: FileHandle
    private var pending: [Int16] = []
    private var samplesWritten = 0
    private let flushEvery: Int

    init(directory: String, room: String, sampleRate: Int, startedAt: Date = Date()) throws {
        let manager = FileManager.default
        try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let stamp = Self.stamp(startedAt)
        self.path = "\(directory)/room-\(room)-\(stamp).wav"
        guard
            manager.createFile(atPath: self.path, contents: Data(WAVFile(sampleRate: sampleRate, samples: []).bytes()))
        else {
            throw ConferenceError(.storeFailure, "cannot create recording \(self.path)")
        }
        self.handle = try FileHandle(forWritingTo: URL(fileURLWithPath: self.path))
        self.sampleRate = sampleRate
        self.startedAt = startedAt
        self.flushEvery = sampleRate
        self.pending.reserveCapacity(sampleRate * 2)
    }

    static func stamp(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970)
        let millis = Int(date.timeIntervalSince1970 * 1000) % 1000
        return "\(seconds)-\(String(millis + 1000).dropFirst())"
    }

    /// Adds one frame of the mix.
    func append(_ frame: UnsafeBufferPointer<Int16>) {
        self.pending.append(contentsOf: frame)
        if self.pending.count >= self.flushEvery { self.flush() }
    }

    /// Writes what is buffered and rewrites the header sizes.
    func flush() {
        guard !self.pending.isEmpty else { return }
        var bytes = [UInt8]()
        bytes.reserveCapacity(self.pending.count * 2)
        for sample in self.pending {
            let value = UInt16(bitPattern: sample)
            bytes.append(UInt8(value & 0xFF))
            bytes.append(UInt8(value >> 8))
        }
        do {
            try self.handle.seekToEnd()
            try self.handle.write(contentsOf: bytes)
            self.samplesWritten += self.pending.count
            self.pending.removeAll(keepingCapacity: true)
            let dataBytes = UInt32(truncatingIfNeeded: self.samplesWritten * 2)
            try self.handle.seek(toOffset: 4)
            try self.handle.write(contentsOf: Self.littleEndian(36 &+ dataBytes))
            try self.handle.seek(toOffset: 40)
            try self.handle.write(contentsOf: Self.littleEndian(dataBytes))
        } catch {
            self.pending.removeAll(keepingCapacity: true)
        }
    }

    static func littleEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 24)]
    }

    var durationSeconds: Double { Double(self.samplesWritten + self.pending.count) / Double(self.sampleRate) }

    func close() {
        self.flush()
        try? self.handle.synchronize()
        try? self.handle.close()
    }
}
