import Testing

@testable import RTP

@Suite("Packet loss concealment (repeat and fade)")
struct PacketLossConcealerTests {
    func conceal(_ plc: inout PacketLossConcealer) -> [Int16] {
        var out = [Int16](repeating: 0x7777, count: plc.frameSize)
        out.withUnsafeMutableBufferPointer { _ = plc.conceal(into: $0) }
        return out
    }

    @Test("repeats the last frame halving per loss, then silence")
    func fades() {
        var plc = PacketLossConcealer(frameSize: 160)
        let good = [Int16](repeating: 1000, count: 160)
        good.withUnsafeBufferPointer { plc.recordGoodFrame($0) }
        let first = self.conceal(&plc)
        let second = self.conceal(&plc)
        let third = self.conceal(&plc)
        let fourth = self.conceal(&plc)
        let fifth = self.conceal(&plc)
        #expect(first[0] > 990 && first[159] == 500)
        #expect(second[0] < 500 && second[159] == 250)
        #expect(third[159] == 125)
        #expect(fourth[159] == 0)
        #expect(fifth.allSatisfy { $0 == 0 })
        #expect(plc.consecutiveConcealed == 5)
        // Monotonic fade across the whole loss.
        let all = first + second + third + fourth
        #expect(zip(all, all.dropFirst()).allSatisfy { $0 >= $1 })
    }

    @Test("a good frame resets the fade")
    func resets() {
        var plc = PacketLossConcealer(frameSize: 8)
        [Int16](repeating: -2000, count: 8).withUnsafeBufferPointer { plc.recordGoodFrame($0) }
        _ = self.conceal(&plc)
        _ = self.conceal(&plc)
        [Int16](repeating: 400, count: 8).withUnsafeBufferPointer { plc.recordGoodFrame($0) }
        #expect(plc.consecutiveConcealed == 0)
        #expect(self.conceal(&plc).last == 200)
    }

    @Test("before any good frame, concealment is silence")
    func silentStart() {
        var plc = PacketLossConcealer(frameSize: 16)
        #expect(self.conceal(&plc).allSatisfy { $0 == 0 })
    }
}
