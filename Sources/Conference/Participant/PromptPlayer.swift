/// Plays queued prompts to one listener, 20 ms at a time, from the shared ``PromptLibrary`` buffers.
struct PromptPlayer {
    private var queue: [[Int16]] = []
    private var position = 0

    var isPlaying: Bool { !self.queue.isEmpty }

    mutating func enqueue(_ samples: [Int16]) {
        if !samples.isEmpty { self.queue.append(samples) }
    }

    /// Queues a join or leave tone unless the same tone already waits, not yet started. A tone says "someone came
    /// or went", and a listener hears prompts instead of the room: without this, a hundred callers dialling in at
    /// once would queue a hundred tones and keep everyone from the room for a minute or more. The tone playing now
    /// does not count, so a join during it is still heard once after it.
    mutating func enqueueTone(_ samples: [Int16]) {
        let waiting = self.queue.indices.dropFirst(self.position > 0 ? 1 : 0)
        guard !waiting.contains(where: { Self.isSameClip(self.queue[$0], samples) }) else { return }
        self.enqueue(samples)
    }

    /// Whether two clips are the same prompt buffer: tones come from the shared ``PromptLibrary``, so a copy shares
    /// its storage, and no samples need comparing.
    private static func isSameClip(_ first: [Int16], _ second: [Int16]) -> Bool {
        first.withUnsafeBufferPointer { a in
            second.withUnsafeBufferPointer { b in a.baseAddress == b.baseAddress && a.count == b.count }
        }
    }

    /// Clips queued, the one playing included.
    var queuedCount: Int { self.queue.count }

    mutating func stop() {
        self.queue.removeAll(keepingCapacity: true)
        self.position = 0
    }

    /// Fills `frame` with the next samples (zero-padded at the very end). Returns false if nothing was queued.
    mutating func render(into frame: inout [Int16]) -> Bool {
        guard !self.queue.isEmpty else { return false }
        var written = 0
        while written < frame.count, !self.queue.isEmpty {
            let current = self.queue[0]
            let take = min(frame.count - written, current.count - self.position)
            for i in 0..<take { frame[written + i] = current[self.position + i] }
            written += take
            self.position += take
            if self.position >= current.count {
                self.queue.removeFirst()
                self.position = 0
            }
        }
        for i in written..<frame.count { frame[i] = 0 }
        return true
    }
}
