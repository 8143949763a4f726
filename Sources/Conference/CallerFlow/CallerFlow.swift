/// The way a caller gets into a room: PIN prompt, digits, verification, join; a plain state machine.
///
/// The driver (the room) feeds it events and carries out the actions it returns; the machine itself plays
/// nothing, keeps no clock and touches no socket, so every rule here is tested without I/O.
public struct CallerFlow: Sendable {
    /// Where the caller is on their way in.
    public enum State: Sendable, Equatable {
        /// Answered, nothing played yet. Next: `collectingPIN`.
        case answered
        /// The PIN prompt plays or has played; digits accumulate. Next: `joining`, `collectingPIN`, `leaving`.
        case collectingPIN(entered: String, failures: Int)
        /// The PIN was right; "you will now be placed into the conference" plays. Next: `inConference`.
        case joining
        /// In the mix. Final for the flow (menus come later).
        case inConference
        /// Too many wrong PINs; goodbye plays. Next: `ended`.
        case leaving
        /// The call should be hung up.
        case ended
    }

    /// What the driver must do.
    public enum Action: Sendable, Equatable {
        /// Queue these prompts for the caller, in order, after anything already playing.
        case play([Prompt])
        /// Stop the prompt that is playing and drop the queue (the caller barged in with a digit).
        case stopPrompts
        /// (Re)start the timer that ends digit entry; fire `digitTimerFired()` when it expires.
        case startDigitTimer(Duration)
        case cancelDigitTimer
        /// Put the caller into the room's mix.
        case join
        /// End the call with BYE.
        case hangUp(HangUpReason)
    }

    public enum HangUpReason: String, Sendable, Equatable {
        case tooManyWrongPINs = "too many wrong PINs"
    }

    public private(set) var state: State = .answered
    private let pin: [UInt8]
    private let maxAttempts: Int
    private let digitTimeout: Duration
    private var promptPlaying = false

    /// The longest PIN entry we keep; anything longer is simply wrong.
    static let maxEnteredDigits = 32

    public init(pin: String, maxAttempts: Int = 3, digitTimeout: Duration = .seconds(10)) {
        self.pin = Array(pin.utf8)
        self.maxAttempts = max(1, maxAttempts)
        self.digitTimeout = digitTimeout
    }

    /// The call is answered and media flows: ask for the PIN.
    public mutating func callAnswered() -> [Action] {
        guard case .answered = self.state else { return [] }
        self.state = .collectingPIN(entered: "", failures: 0)
        self.promptPlaying = true
        return [.play([.enterPIN])]
    }

    /// The prompt queue ran dry.
    public mutating func promptsFinished() -> [Action] {
        self.promptPlaying = false
        switch self.state {
        case .collectingPIN:
            return [.startDigitTimer(self.digitTimeout)]
        case .joining:
            self.state = .inConference
            return [.join]
        case .leaving:
            self.state = .ended
            return [.hangUp(.tooManyWrongPINs)]
        case .answered, .inConference, .ended:
            return []
        }
    }

    /// A DTMF digit arrived (RFC 4733, SIP INFO or in-band; the source does not matter here).
    public mutating func digitReceived(_ digit: Character) -> [Action] {
        guard case .collectingPIN(var entered, let failures) = self.state else { return [] }
        var actions: [Action] = []
        if self.promptPlaying {
            self.promptPlaying = false
            actions.append(.stopPrompts)
        }
        switch digit {
        case "#":
            return actions + self.submit(entered, failures: failures)
        case "*":
            entered = ""
        case "0"..."9":
            if entered.utf8.count < Self.maxEnteredDigits { entered.append(digit) }
        default:
            break
        }
        self.state = .collectingPIN(entered: entered, failures: failures)
        actions.append(.startDigitTimer(self.digitTimeout))
        return actions
    }

    /// Nothing was typed for a while: digits without `#` count as an entry; silence counts as a failed try.
    public mutating func digitTimerFired() -> [Action] {
        guard case .collectingPIN(let entered, let failures) = self.state, !self.promptPlaying else { return [] }
        return self.submit(entered, failures: failures)
    }

    private mutating func submit(_ entered: String, failures: Int) -> [Action] {
        if Self.constantTimeEqual(Array(entered.utf8), self.pin) {
            self.state = .joining
            self.promptPlaying = true
            return [.cancelDigitTimer, .play([.placedIntoConference])]
        }
        let failures = failures + 1
        self.promptPlaying = true
        if failures >= self.maxAttempts {
            self.state = .leaving
            return [.cancelDigitTimer, .play([.invalidPIN, .goodbye])]
        }
        self.state = .collectingPIN(entered: "", failures: failures)
        return [.cancelDigitTimer, .play([.invalidPIN, .enterPIN])]
    }

    /// Compares without an early exit, so the time taken does not tell a guesser how many digits were right.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        let length = max(a.count, b.count)
        for i in 0..<length {
            let x = i < a.count ? a[i] : 0
            let y = i < b.count ? b[i] : 0
            difference |= x ^ y
        }
        return difference == 0
    }
}
