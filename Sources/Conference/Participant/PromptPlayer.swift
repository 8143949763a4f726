/// Plays queued prompts to one listener, 20 ms at a time, from the shared ``PromptLibrary`` buffers.
struct PromptPlayer {
    private var queue: [[Int16]] = []
    private var position = 0

    var isPlaying: Bool { !self.queue.isEmpty }

    mutating func enqueue(_ samples: [Int16]) {
        if !samples.isEmpty { self.queue.append(samples) }
    }

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
