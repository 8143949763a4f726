/// A caller's way into a room and their keys once inside: a plain state machine.
///
/// Name recording, PIN prompt and attempts, the verdict, joining, the in-room DTMF menu and being told to
/// leave. The driver (the room) feeds it events and carries out the actions it returns; the machine plays
/// nothing, keeps no clock, knows no PIN (the driver verifies, so limits across calls apply) and touches no
/// socket, so every rule here is tested without I/O.
public struct CallerFlow: Sendable {
    /// What a caller is in the room: admins are marked users too (ConfBridge's admin and marked flags).
    public enum Role: Sendable, Equatable {
        case user
        case admin
    }

    /// Where the caller is.
    public enum State: Sendable, Equatable {
        /// Answered, nothing played yet. Next: `recordingName`, `collectingPIN`.
        case answered
        /// "Say your name" and the recording of it. Next: `collectingPIN`.
        case recordingName
        /// The PIN prompt plays or has played; digits accumulate. Next: `verifying`.
        case collectingPIN(entered: String, failures: Int)
        /// The entry went to the driver for checking. Next: `joining`, `collectingPIN`, `leaving`.
        case verifying(failures: Int)
        /// The PIN was right; "you will now be placed into the conference" plays. Next: `inConference`.
        case joining(Role)
        /// In the room; `pending` holds the keys of a menu sequence begun but not finished. Next: `leaving`,
        /// `ended`.
        case inConference(Role, pending: String)
        /// A goodbye or a reason plays. Next: `ended`.
        case leaving(HangUpReason)
        /// The call should be hung up.
        case ended
    }

    /// What the driver must do.
    public enum Action: Sendable, Equatable {
        /// Queue these prompts for the caller, in order, after anything already playing.
        case play([Prompt])
        /// Stop the prompt that is playing and drop the queue (the caller barged in with a digit).
        case stopPrompts
        /// (Re)start the timer that ends digit entry; call ``digitTimerFired()`` when it expires.
        case startDigitTimer(Duration)
        case cancelDigitTimer
        /// Record the caller's voice for this long, then call ``nameRecorded()``.
        case recordName(Duration)
        /// Check this entry against the room's PINs and the guessing limits; answer with ``pinVerified(_:)``.
        case verifyPIN(String)
        /// Put the caller into the room with this role.
        case join(Role)
        /// Carry out a menu choice.
        case menu(MenuAction)
        /// End the call with BYE.
        case hangUp(HangUpReason)
    }

    /// The driver's answer to ``Action/verifyPIN(_:)``.
    public enum PINVerdict: Sendable, Equatable {
        case user
        case admin
        case wrong
        /// Refused without comparing: the source or room is locked out for guessing.
        case lockedOut
    }

    /// What an in-room key sequence does, with ConfBridge's action names; ``RoomMenu`` maps keys to these.
    public enum MenuAction: String, Sendable, Equatable, CaseIterable {
        case toggleMute = "toggle_mute"
        case listenVolumeDown = "decrease_listening_volume"
        case listenVolumeReset = "reset_listening_volume"
        case listenVolumeUp = "increase_listening_volume"
        case talkVolumeDown = "decrease_talking_volume"
        case talkVolumeReset = "reset_talking_volume"
        case talkVolumeUp = "increase_talking_volume"
        case leave = "leave_conference"
        /// Admins only.
        case toggleLock = "admin_toggle_conference_lock"
        /// Admins only: remove the most recently joined caller.
        case kickLast = "admin_kick_last"
        /// Admins only: mute or unmute everyone but admins.
        case toggleMuteOthers = "admin_toggle_mute_participants"

        /// The key after `*` for each choice in ``RoomMenu/standard`` (ConfBridge's default menus).
        public var key: Character {
            switch self {
            case .toggleMute: "1"
            case .toggleLock: "2"
            case .kickLast: "3"
            case .listenVolumeDown: "4"
            case .listenVolumeReset: "5"
            case .listenVolumeUp: "6"
            case .talkVolumeDown: "7"
            case .toggleMuteOthers: "8"
            case .talkVolumeUp: "9"
            case .talkVolumeReset: "0"
            case .leave: "#"
            }
        }

        /// Whether only admin callers may use the action.
        public var adminOnly: Bool { self == .toggleLock || self == .kickLast || self == .toggleMuteOthers }
    }

    /// Why the flow hangs a caller up; the raw value goes to the log and the event stream.
    public enum HangUpReason: String, Sendable, Equatable {
        case tooManyWrongPINs = "too many wrong PINs"
        case lockedOut = "PIN attempts locked out"
        case leftByMenu = "left with the menu"
        case kicked = "removed by an admin"
        case roomLocked = "room locked"
        case roomFull = "room full"
        case leaderLeft = "the last marked user left"
    }

    /// Where the caller is now.
    public private(set) var state: State = .answered
    private let maxAttempts: Int
    private let digitTimeout: Duration
    private let announceNames: Bool
    private let nameDuration: Duration
    private let menu: RoomMenu
    private var promptPlaying = false

    /// The longest PIN entry we keep; anything longer is simply wrong.
    static let maxEnteredDigits = 32

    /// Makes the flow of one caller, from the room's options; it starts at `answered`.
    public init(
        maxAttempts: Int = 3,
        digitTimeout: Duration = .seconds(10),
        announceNames: Bool = false,
        nameDuration: Duration = .seconds(3),
        menu: RoomMenu = .standard
    ) {
        self.menu = menu
        self.maxAttempts = max(1, maxAttempts)
        self.digitTimeout = digitTimeout
        self.announceNames = announceNames
        self.nameDuration = nameDuration
    }

    /// The call is answered and media flows.
    public mutating func callAnswered() -> [Action] {
        guard case .answered = self.state else { return [] }
        self.promptPlaying = true
        if self.announceNames {
            self.state = .recordingName
            return [.play([.sayYourName, .beep])]
        }
        self.state = .collectingPIN(entered: "", failures: 0)
        return [.play([.enterPIN])]
    }

    /// A caller who needs no PIN (Parley called them, or they take over a transferred seat): straight in.
    public mutating func admit(_ role: Role) -> [Action] {
        guard case .answered = self.state else { return [] }
        self.state = .inConference(role, pending: "")
        return [.join(role)]
    }

    /// The name recording is done (or there was nothing to record): on to the PIN.
    public mutating func nameRecorded() -> [Action] {
        guard case .recordingName = self.state else { return [] }
        self.state = .collectingPIN(entered: "", failures: 0)
        self.promptPlaying = true
        return [.play([.enterPIN])]
    }

    /// The prompt queue ran dry.
    public mutating func promptsFinished() -> [Action] {
        self.promptPlaying = false
        switch self.state {
        case .recordingName:
            return [.recordName(self.nameDuration)]
        case .collectingPIN:
            return [.startDigitTimer(self.digitTimeout)]
        case .joining(let role):
            self.state = .inConference(role, pending: "")
            return [.join(role)]
        case .leaving(let reason):
            self.state = .ended
            return [.hangUp(reason)]
        case .answered, .verifying, .inConference, .ended:
            return []
        }
    }

    /// A DTMF digit arrived (RFC 4733, SIP INFO or in-band; the source does not matter here).
    public mutating func digitReceived(_ digit: Character) -> [Action] {
        switch self.state {
        case .collectingPIN(var entered, let failures):
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
        case .inConference(let role, let pending):
            let keys = pending + String(digit)
            switch self.menu.match(keys) {
            case .prefix:
                self.state = .inConference(role, pending: keys)
                return []
            case .none:
                // A lone key that starts nothing is ignored (it was never meant for the menu); a sequence that
                // went wrong is refused, and its last key may start a new one (`**` re-arms a `*` menu).
                self.state = .inConference(role, pending: "")
                guard !pending.isEmpty else { return [] }
                if self.menu.match(String(digit)) == .prefix {
                    self.state = .inConference(role, pending: String(digit))
                    if pending == String(digit) { return [] }
                }
                return [.play([.invalidMenuChoice])]
            case .action(let choice):
                self.state = .inConference(role, pending: "")
                if choice.adminOnly, role != .admin { return [.play([.invalidMenuChoice])] }
                if choice == .leave {
                    self.state = .ended
                    return [.stopPrompts, .hangUp(.leftByMenu)]
                }
                return [.menu(choice)]
            }
        case .answered, .recordingName, .verifying, .joining, .leaving, .ended:
            return []
        }
    }

    /// Nothing was typed for a while: digits without `#` count as an entry; silence counts as a failed try.
    public mutating func digitTimerFired() -> [Action] {
        guard case .collectingPIN(let entered, let failures) = self.state, !self.promptPlaying else { return [] }
        return self.submit(entered, failures: failures)
    }

    private mutating func submit(_ entered: String, failures: Int) -> [Action] {
        self.state = .verifying(failures: failures)
        return [.cancelDigitTimer, .verifyPIN(entered)]
    }

    /// The driver checked the entry.
    public mutating func pinVerified(_ verdict: PINVerdict) -> [Action] {
        guard case .verifying(let failures) = self.state else { return [] }
        self.promptPlaying = true
        switch verdict {
        case .user, .admin:
            let role: Role = verdict == .admin ? .admin : .user
            self.state = .joining(role)
            return [.play([.placedIntoConference])]
        case .lockedOut:
            self.state = .leaving(.lockedOut)
            return [.play([.invalidPIN, .goodbye])]
        case .wrong:
            let failures = failures + 1
            if failures >= self.maxAttempts {
                self.state = .leaving(.tooManyWrongPINs)
                return [.play([.invalidPIN, .goodbye])]
            }
            self.state = .collectingPIN(entered: "", failures: failures)
            return [.play([.invalidPIN, .enterPIN])]
        }
    }

    /// The room sends the caller away (kicked, locked, full, leader gone): say why, then hang up.
    public mutating func mustLeave(_ reason: HangUpReason, saying prompts: [Prompt]) -> [Action] {
        switch self.state {
        case .leaving, .ended:
            return []
        case .answered, .recordingName, .collectingPIN, .verifying, .joining, .inConference:
            self.state = .leaving(reason)
            self.promptPlaying = true
            return [.cancelDigitTimer, .stopPrompts, .play(prompts + [.goodbye])]
        }
    }

    /// Whether the caller is in the room (past the PIN and the join prompt).
    public var isInConference: Bool {
        if case .inConference = self.state { return true }
        return false
    }
}
