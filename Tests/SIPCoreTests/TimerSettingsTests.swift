import SIPCore
import Testing

@Suite("RFC 3261 §17 timer values")
struct TimerSettingsTests {
    @Test("§17.1.1.1: defaults are T1 = 500 ms, T2 = 4 s, T4 = 5 s, and 64·T1 = 32 s")
    func defaults() {
        let timers = SIPTimerSettings()
        #expect(timers.T1 == .milliseconds(500))
        #expect(timers.T2 == .seconds(4))
        #expect(timers.T4 == .seconds(5))
        #expect(timers.transactionTimeout == .seconds(32))
        #expect(timers.timerDUnreliable == .seconds(32))
    }

    @Test("§17.1.2.2: doubling intervals are capped at T2")
    func doubling() {
        let timers = SIPTimerSettings()
        #expect(timers.doubledCappedAtT2(.milliseconds(500)) == .seconds(1))
        #expect(timers.doubledCappedAtT2(.seconds(2)) == .seconds(4))
        #expect(timers.doubledCappedAtT2(.seconds(4)) == .seconds(4))
    }

    @Test("§17.1.1.2: Timer D is at least 32 s and outlasts 64·T1 when T1 is raised")
    func timerD() {
        #expect(SIPTimerSettings(T1: .milliseconds(100)).timerDUnreliable == .seconds(32))
        #expect(SIPTimerSettings(T1: .seconds(1)).timerDUnreliable == .seconds(64))
    }
}
