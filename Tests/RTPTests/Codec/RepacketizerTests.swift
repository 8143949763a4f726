import Testing

@testable import RTP

@Suite("Repacketizer: a caller's ptime against a room's mixing interval")
struct RepacketizerTests {
    /// Pushes a ramp (0, 1, 2...) in chunks of `input` and takes chunks of `output` whenever one is whole, for
    /// `total` samples; returns what came out, in order, and the most ever held.
    static func run(input: Int, output: Int, total: Int) -> (out: [Int16], peak: Int) {
        var queue = Repacketizer<Int16>(capacity: input + output)
        var out: [Int16] = []
        var chunk = [Int16](repeating: 0, count: output)
        var peak = 0
        var next = 0
        while next < total {
            let piece = (next..<(next + input)).map { Int16(truncatingIfNeeded: $0) }
            next += input
            #expect(piece.withUnsafeBufferPointer { queue.append($0) }, "one input chunk always fits")
            peak = max(peak, queue.count)
            while chunk.withUnsafeMutableBufferPointer({ queue.take(into: $0) }) { out += chunk }
        }
        return (out, peak)
    }

    @Test(
        "20 ms packets into 10, 20, 40 and 80 ms frames and back, at 8 and 48 kHz: every sample once, in order",
        arguments: [
            (160, 80), (160, 160), (160, 320), (160, 640), (80, 160), (320, 160), (640, 160), (960, 1920),
            (1920, 960), (240, 160),
        ]
    )
    func inOrder(input: Int, output: Int) {
        let total = input * output * 4
        let (out, peak) = Self.run(input: input, output: output, total: total)
        #expect(out.count == total, "nothing is lost or invented")
        #expect(out == (0..<total).map { Int16(truncatingIfNeeded: $0) }, "the samples keep their order")
        #expect(peak < input + output, "never more than one chunk of each side waits")
    }

    @Test("A 40 ms frame needs two 20 ms packets: taking it early moves nothing")
    func waitsForWholeChunk() {
        var queue = Repacketizer<UInt8>(capacity: 480)
        let packet = [UInt8](repeating: 7, count: 160)
        var frame = [UInt8](repeating: 0, count: 320)
        packet.withUnsafeBufferPointer { _ = queue.append($0) }
        #expect(!frame.withUnsafeMutableBufferPointer { queue.take(into: $0) })
        #expect(queue.count == 160 && frame.allSatisfy { $0 == 0 })
        packet.withUnsafeBufferPointer { _ = queue.append($0) }
        #expect(frame.withUnsafeMutableBufferPointer { queue.take(into: $0) })
        #expect(queue.count == 0 && frame.allSatisfy { $0 == 7 })
    }

    @Test("A chunk larger than the room left is refused whole, and removeAll empties the queue")
    func overflow() {
        var queue = Repacketizer<Int16>(capacity: 240)
        let big = [Int16](repeating: 1, count: 200)
        #expect(big.withUnsafeBufferPointer { queue.append($0) })
        #expect(!big.withUnsafeBufferPointer { queue.append($0) }, "200 more do not fit in 40")
        #expect(queue.count == 200)
        queue.removeAll()
        #expect(queue.count == 0)
    }
}
