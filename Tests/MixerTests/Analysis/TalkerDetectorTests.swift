import Testing

@testable import Mixer

@Suite("Talker detection (ConfBridge dsp_talking_threshold / dsp_silence_threshold)")
struct TalkerDetectorTests {
    static let loud = [Int16](repeating: 1000, count: 160)
    static let quiet = [Int16](repeating: 100, count: 160)

    func feed(_ detector: inout TalkerDetector, _ frame: [Int16], times: Int) -> [TalkerDetector.Event] {
        var events: [TalkerDetector.Event] = []
        for _ in 0..<times {
            if let event = frame.withUnsafeBufferPointer({ detector.processFrame($0) }) { events.append(event) }
        }
        return events
    }

    @Test("starts on sound and stops only after 2500 ms of silence")
    func hangover() {
        var detector = TalkerDetector()
        #expect(self.feed(&detector, Self.loud, times: 1) == [.startedTalking])
        #expect(detector.isTalking)
        #expect(self.feed(&detector, Self.quiet, times: 124) == [])
        #expect(detector.isTalking)
        #expect(self.feed(&detector, Self.quiet, times: 1) == [.stoppedTalking])
        #expect(!detector.isTalking)
    }

    @Test("a word during the hangover restarts the silence count")
    func pauses() {
        var detector = TalkerDetector()
        _ = self.feed(&detector, Self.loud, times: 1)
        _ = self.feed(&detector, Self.quiet, times: 100)
        #expect(self.feed(&detector, Self.loud, times: 1) == [])
        #expect(self.feed(&detector, Self.quiet, times: 124) == [])
        #expect(self.feed(&detector, Self.quiet, times: 1) == [.stoppedTalking])
    }

    @Test("the threshold is exclusive: average magnitude 160 is silence, 161 is sound")
    func threshold() {
        var detector = TalkerDetector()
        #expect(self.feed(&detector, [Int16](repeating: -160, count: 160), times: 5) == [])
        #expect(self.feed(&detector, [Int16](repeating: -161, count: 160), times: 1) == [.startedTalking])
        #expect(detector.lastAverageMagnitude == 161)
    }

    @Test("an onset requirement ignores clicks")
    func onset() {
        var detector = TalkerDetector(configuration: .init(onsetMilliseconds: 60))
        #expect(self.feed(&detector, Self.loud, times: 2) == [])
        #expect(self.feed(&detector, Self.quiet, times: 1) == [])
        #expect(self.feed(&detector, Self.loud, times: 3) == [.startedTalking])
    }

    @Test("average magnitude handles Int16.min and empty frames")
    func magnitude() {
        #expect(
            [Int16](repeating: .min, count: 4).withUnsafeBufferPointer { TalkerDetector.averageMagnitude(of: $0) }
                == 32768
        )
        #expect([Int16]().withUnsafeBufferPointer { TalkerDetector.averageMagnitude(of: $0) } == 0)
    }
}
