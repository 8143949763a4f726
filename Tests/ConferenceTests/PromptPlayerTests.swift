import Testing

@testable import Conference

/// Join and leave tones in a burst of joins: one waits at a time, so listeners get back to the room.
@Suite("PromptPlayer: join and leave tones coalesce")
struct PromptPlayerTests {
    static let joinTone = [Int16](repeating: 1000, count: 800)
    static let leaveTone = [Int16](repeating: -1000, count: 800)

    @Test("a hundred joins before the first tone starts queue one tone")
    func burstBeforePlaying() {
        var player = PromptPlayer()
        for _ in 0..<100 { player.enqueueTone(Self.joinTone) }
        #expect(player.queuedCount == 1)
        player.enqueueTone(Self.leaveTone)
        player.enqueueTone(Self.leaveTone)
        #expect(player.queuedCount == 2, "a leave tone is another tone, queued once")
    }

    @Test("a join while its tone plays is heard once more after it, not once per join")
    func burstWhilePlaying() {
        var player = PromptPlayer()
        player.enqueueTone(Self.joinTone)
        var frame = [Int16](repeating: 0, count: 160)
        let started = player.render(into: &frame)
        #expect(started)
        for _ in 0..<50 { player.enqueueTone(Self.joinTone) }
        #expect(player.queuedCount == 2)
        // Both tones play out in full: 1600 samples, ten frames, then nothing.
        var frames = 1
        while player.render(into: &frame) { frames += 1 }
        #expect(frames == 10)
    }

    @Test("other prompts (names, counts) always queue, copies of a tone included")
    func otherPromptsQueue() {
        var player = PromptPlayer()
        let name = [Int16](repeating: 7, count: 400)
        player.enqueue(name)
        player.enqueue(name)
        // Equal samples in another buffer are another clip, not the library's tone.
        player.enqueueTone(Self.joinTone)
        player.enqueueTone(Self.joinTone.map { $0 })
        #expect(player.queuedCount == 4)
    }
}
