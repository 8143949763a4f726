import SIPCore

/// A virtual clock for timer tests: it records the deadlines the machine under test schedules and jumps
/// straight to the earliest one, so whole retransmission sequences run with no sleeps and no wall clock
/// (STYLE §9, "Virtual clocks").
struct TimerVirtualClock<Timer: Hashable & CustomStringConvertible> {
    /// Virtual time since the start of the test.
    private(set) var now: Duration = .zero
    private var deadlines: [Timer: Duration] = [:]

    /// Starts `timer` to fire `after` from now, replacing a running instance.
    mutating func schedule(_ timer: Timer, after: Duration) {
        self.deadlines[timer] = self.now + after
    }

    /// Stops `timer`.
    mutating func cancel(_ timer: Timer) {
        self.deadlines[timer] = nil
    }

    /// Stops every timer, as a driver does on `.terminate`.
    mutating func cancelAll() {
        self.deadlines.removeAll()
    }

    /// Advances to the earliest deadline and returns the timer that fires there (ties broken by name), or `nil`
    /// when no timer is running.
    mutating func advanceToNextTimer() -> Timer? {
        let next = self.deadlines.min { lhs, rhs in
            lhs.value != rhs.value ? lhs.value < rhs.value : lhs.key.description < rhs.key.description
        }
        guard let (timer, deadline) = next else { return nil }
        self.deadlines[timer] = nil
        self.now = deadline
        return timer
    }
}

/// What a virtual-time run observed: each send or report, with the virtual time it happened at.
struct TimedEvent: Equatable, CustomStringConvertible {
    var at: Duration
    var step: Step

    var description: String { "\(self.step) at \(self.at)" }
}

/// Drives a client transaction in virtual time until it terminates (or `limit` timers fired), recording every
/// action other than timer bookkeeping.
func runInVirtualTime(
    start: [ClientTransactionAction],
    limit: Int = 100,
    fire: (SIPTimer) -> [ClientTransactionAction]
) -> [TimedEvent] {
    runStepsInVirtualTime(start: start.steps, limit: limit) { fire($0).steps }
}

/// Drives a server transaction in virtual time until it terminates (or `limit` timers fired).
func runInVirtualTime(
    start: [ServerTransactionAction],
    limit: Int = 100,
    fire: (SIPTimer) -> [ServerTransactionAction]
) -> [TimedEvent] {
    runStepsInVirtualTime(start: start.steps, limit: limit) { fire($0).steps }
}

/// The driver both transaction kinds share, on their actions' projections: timer steps go to the clock, a
/// terminate stops every timer and ends the run, every other step is recorded with its virtual time.
private func runStepsInVirtualTime(start: [Step], limit: Int, fire: (SIPTimer) -> [Step]) -> [TimedEvent] {
    var clock = TimerVirtualClock<SIPTimer>()
    var events: [TimedEvent] = []
    var pending = start
    var fired = 0
    while true {
        var terminated = false
        for step in pending {
            switch step {
            case .schedule(let timer, let after): clock.schedule(timer, after: after)
            case .cancel(let timer): clock.cancel(timer)
            case .terminate:
                clock.cancelAll()
                terminated = true
                events.append(TimedEvent(at: clock.now, step: .terminate))
            default:
                events.append(TimedEvent(at: clock.now, step: step))
            }
        }
        guard !terminated, fired < limit, let timer = clock.advanceToNextTimer() else { return events }
        fired += 1
        pending = fire(timer)
    }
}
