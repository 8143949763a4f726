import Testing

@testable import Conference

@Suite("PIN guessing limits")
struct PINAttemptLimiterTests {
    static let second: UInt64 = 1_000_000_000

    @Test("A source is locked out after repeated failures, with a growing lockout")
    func sourceLockout() {
        var limiter = PINAttemptLimiter()
        var now: UInt64 = 1
        for _ in 0..<6 {
            #expect(limiter.check(source: "10.0.0.1", room: "1000", now: now) == .allowed)
            limiter.recordFailure(source: "10.0.0.1", room: "1000", now: now)
            now += Self.second
        }
        #expect(limiter.check(source: "10.0.0.1", room: "1000", now: now) != .allowed)
        #expect(limiter.check(source: "10.0.0.2", room: "1000", now: now) == .allowed, "other sources still get in")
        now += 61 * Self.second
        #expect(limiter.check(source: "10.0.0.1", room: "1000", now: now) == .allowed, "the first lockout lasts 60 s")
        for _ in 0..<6 { limiter.recordFailure(source: "10.0.0.1", room: "1000", now: now) }
        now += 61 * Self.second
        #expect(limiter.check(source: "10.0.0.1", room: "1000", now: now) != .allowed, "the second lockout is longer")
        now += 60 * Self.second
        #expect(limiter.check(source: "10.0.0.1", room: "1000", now: now) == .allowed)
    }

    @Test("A scripted guesser covers a tiny part of a 6-digit space in a day")
    func guesserIsSlowedDown() {
        var limiter = PINAttemptLimiter()
        var now: UInt64 = 1
        var tries = 0
        let day = 86_400 * Self.second
        while now < day {
            if case .lockedOut(let until) = limiter.check(source: "203.0.113.9", room: "1000", now: now) {
                now = until
                continue
            }
            tries += 1
            limiter.recordFailure(source: "203.0.113.9", room: "1000", now: now)
            now += Self.second / 2
        }
        #expect(tries < 200, "\(tries) guesses in 24 h")
        #expect(Double(tries) / 1_000_000 < 0.001)
    }

    @Test("Many guessing sources lock the room for sources that failed, not for newcomers")
    func roomWide() {
        var limiter = PINAttemptLimiter()
        let now: UInt64 = 1000
        for index in 0..<30 { limiter.recordFailure(source: "198.51.100.\(index)", room: "1000", now: now) }
        #expect(limiter.check(source: "198.51.100.3", room: "1000", now: now + 1) != .allowed)
        #expect(limiter.check(source: "192.0.2.1", room: "1000", now: now + 1) == .allowed)
        #expect(limiter.check(source: "198.51.100.3", room: "2000", now: now + 1) == .allowed)
        #expect(limiter.totalFailures == 30)
    }

    @Test("The numbers: 36 guesses in the first hour, then 6 an hour; a 6-digit space takes over 19 years")
    func guessingBudget() {
        var limiter = PINAttemptLimiter()
        var now: UInt64 = 1
        var attempts: [UInt64] = []
        let hour = 3600 * Self.second
        // A guesser that tries again the moment it is allowed (one try per second while it may).
        while now < 48 * hour {
            if case .lockedOut(let until) = limiter.check(source: "203.0.113.9", room: "1000", now: now) {
                now = until
                continue
            }
            attempts.append(now)
            limiter.recordFailure(source: "203.0.113.9", room: "1000", now: now)
            now += Self.second
        }
        let firstHour = attempts.filter { $0 < hour }.count
        let secondDay = attempts.filter { $0 >= 24 * hour }.count
        #expect(firstHour == 36, "lockouts of 1, 2, 4, 8, 16 min after every 6 failures")
        #expect(secondDay <= 6 * 24, "then 6 guesses per hour-long lockout: \(secondDay) on day 2")
        let yearsForSpace = 1_000_000.0 / Double(secondDay) / 365
        #expect(yearsForSpace > 19)
    }
}
