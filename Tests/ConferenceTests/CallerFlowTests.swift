import Foundation
import Testing

@testable import Conference

@Suite("Caller flow: PIN entry, joining and the menu")
struct CallerFlowTests {
    /// A flow past the PIN prompt, waiting for digits.
    func collecting(names: Bool = false) -> CallerFlow {
        var flow = CallerFlow(announceNames: names)
        _ = flow.callAnswered()
        _ = flow.promptsFinished()
        return flow
    }

    func inConference(_ role: CallerFlow.Role) -> CallerFlow {
        var flow = self.collecting()
        _ = flow.digitReceived("#")
        _ = flow.pinVerified(role == .admin ? .admin : .user)
        _ = flow.promptsFinished()
        return flow
    }

    @Test("Answering plays the PIN prompt, then waits for digits")
    func answerPrompts() {
        var flow = CallerFlow()
        #expect(flow.callAnswered() == [.play([.enterPIN])])
        #expect(flow.state == .collectingPIN(entered: "", failures: 0))
        #expect(flow.promptsFinished() == [.startDigitTimer(.seconds(10))])
    }

    @Test("With names announced, the caller records their name first")
    func nameFirst() {
        var flow = CallerFlow(announceNames: true, nameDuration: .seconds(3))
        #expect(flow.callAnswered() == [.play([.sayYourName, .beep])])
        #expect(flow.digitReceived("1") == [])
        #expect(flow.promptsFinished() == [.recordName(.seconds(3))])
        #expect(flow.nameRecorded() == [.play([.enterPIN])])
        #expect(flow.state == .collectingPIN(entered: "", failures: 0))
    }

    @Test("Digits then # go to the driver for checking; a right PIN joins after the prompt")
    func rightPIN() {
        var flow = CallerFlow()
        _ = flow.callAnswered()
        #expect(flow.digitReceived("1") == [.stopPrompts, .startDigitTimer(.seconds(10))])
        for digit in "234" { #expect(flow.digitReceived(digit) == [.startDigitTimer(.seconds(10))]) }
        #expect(flow.digitReceived("#") == [.cancelDigitTimer, .verifyPIN("1234")])
        #expect(flow.digitReceived("5") == [], "digits while verifying are ignored")
        #expect(flow.pinVerified(.user) == [.play([.placedIntoConference])])
        #expect(flow.promptsFinished() == [.join(.user)])
        #expect(flow.state == .inConference(.user, pending: ""))
    }

    @Test("The admin PIN joins as admin")
    func adminPIN() {
        var flow = self.collecting()
        _ = flow.digitReceived("#")
        _ = flow.pinVerified(.admin)
        #expect(flow.promptsFinished() == [.join(.admin)])
    }

    @Test("Three wrong PINs play invalid-PIN, goodbye, then hang up")
    func threeWrongPINs() {
        var flow = self.collecting()
        for attempt in 1...2 {
            _ = flow.digitReceived("#")
            #expect(flow.pinVerified(.wrong) == [.play([.invalidPIN, .enterPIN])])
            #expect(flow.state == .collectingPIN(entered: "", failures: attempt))
            _ = flow.promptsFinished()
        }
        _ = flow.digitReceived("#")
        #expect(flow.pinVerified(.wrong) == [.play([.invalidPIN, .goodbye])])
        #expect(flow.state == .leaving(.tooManyWrongPINs))
        #expect(flow.digitReceived("1") == [])
        #expect(flow.promptsFinished() == [.hangUp(.tooManyWrongPINs)])
        #expect(flow.state == .ended)
    }

    @Test("A locked-out source is told goodbye without another try")
    func lockedOut() {
        var flow = self.collecting()
        _ = flow.digitReceived("#")
        #expect(flow.pinVerified(.lockedOut) == [.play([.invalidPIN, .goodbye])])
        #expect(flow.promptsFinished() == [.hangUp(.lockedOut)])
    }

    @Test("Digits without # are submitted when the digit timer fires; silence is a try too")
    func timeoutSubmits() {
        var flow = self.collecting()
        for digit in "1234" { _ = flow.digitReceived(digit) }
        #expect(flow.digitTimerFired() == [.cancelDigitTimer, .verifyPIN("1234")])
        var silent = self.collecting()
        #expect(silent.digitTimerFired() == [.cancelDigitTimer, .verifyPIN("")])
    }

    @Test("* clears what was typed; endless digits are capped")
    func starAndCap() {
        var flow = self.collecting()
        for digit in "99*12" { _ = flow.digitReceived(digit) }
        #expect(flow.digitReceived("#") == [.cancelDigitTimer, .verifyPIN("12")])
        var long = self.collecting()
        for _ in 0..<1000 { _ = long.digitReceived("1") }
        #expect(long.digitReceived("#") == [.cancelDigitTimer, .verifyPIN(String(repeating: "1", count: 32))])
    }

    @Test("A room's own menu: its sequences act, the default keys do nothing, a wrong sequence is refused")
    func customMenu() throws {
        let menu = try RoomMenu(parsing: "#5=toggle_mute, 99=leave_conference, *0=admin_kick_last")
        var flow = CallerFlow(menu: menu)
        _ = flow.callAnswered()
        _ = flow.promptsFinished()
        _ = flow.digitReceived("#")
        _ = flow.pinVerified(.user)
        _ = flow.promptsFinished()
        #expect(flow.digitReceived("*") == [])
        #expect(flow.digitReceived("1") == [.play([.invalidMenuChoice])], "*1 is not in this menu")
        #expect(flow.digitReceived("#") == [])
        #expect(flow.digitReceived("5") == [.menu(.toggleMute)])
        #expect(flow.digitReceived("7") == [], "a lone key that starts nothing is ignored")
        #expect(flow.digitReceived("*") == [])
        #expect(flow.digitReceived("0") == [.play([.invalidMenuChoice])], "admin actions are for admins")
        #expect(flow.digitReceived("9") == [])
        #expect(flow.digitReceived("9") == [.stopPrompts, .hangUp(.leftByMenu)])
    }

    @Test(
        "Bad menus are refused with the entry named",
        arguments: [
            ("*1=toggle_mute,*1=leave_conference", "'*1'"), ("*1=fly", "*1=fly"), ("*x=toggle_mute", "'*x'"),
            ("*1=toggle_mute,*12=leave_conference", "'*12'"), ("*1toggle_mute", "*1toggle_mute"),
            ("123456789=toggle_mute", "'123456789'"),
        ]
    )
    func badMenus(text: String, named: String) {
        do {
            _ = try RoomMenu(parsing: text)
            Issue.record("\(text) should be refused")
        } catch {
            #expect(error.reason.contains(named), "\(error.reason)")
        }
    }

    @Test("The default menu is ConfBridge's, and the text and map forms round-trip")
    func menuForms() throws {
        #expect(RoomMenu.standard.match("*1") == .action(.toggleMute))
        #expect(RoomMenu.standard.match("*#") == .action(.leave))
        #expect(RoomMenu.standard.match("*") == .prefix)
        #expect(try RoomMenu(parsing: RoomMenu.standard.description) == .standard)
        #expect(try RoomMenu(map: RoomMenu.standard.map) == .standard)
        #expect(try RoomMenu(parsing: "default") == .standard)
        #expect(try RoomMenu(parsing: "none").entries.isEmpty)
    }

    @Test("Menu keys after * map to ConfBridge's defaults", arguments: CallerFlow.MenuAction.allCases)
    func menuKeys(choice: CallerFlow.MenuAction) {
        var admin = self.inConference(.admin)
        #expect(admin.digitReceived(choice.key) == [], "a key without * does nothing")
        #expect(admin.digitReceived("*") == [])
        let expected: [CallerFlow.Action] =
            choice == .leave ? [.stopPrompts, .hangUp(.leftByMenu)] : [.menu(choice)]
        #expect(admin.digitReceived(choice.key) == expected)
        var user = self.inConference(.user)
        _ = user.digitReceived("*")
        let userExpected: [CallerFlow.Action] = choice.adminOnly ? [.play([.invalidMenuChoice])] : expected
        #expect(user.digitReceived(choice.key) == userExpected)
    }

    @Test("Being sent away plays the reason and goodbye, then hangs up")
    func mustLeave() {
        var flow = self.inConference(.user)
        #expect(
            flow.mustLeave(.kicked, saying: [.kicked]) == [
                .cancelDigitTimer, .stopPrompts, .play([.kicked, .goodbye]),
            ]
        )
        #expect(flow.mustLeave(.kicked, saying: [.kicked]) == [])
        #expect(flow.promptsFinished() == [.hangUp(.kicked)])
    }

    @Test(
        "PIN comparison is exact",
        arguments: [
            ("1234", "1234", true), ("1234", "123", false), ("123", "1234", false),
            ("", "", true), ("0000", "0001", false),
        ]
    )
    func constantTimeEqual(a: String, b: String, equal: Bool) {
        #expect(ConstantTime.equal(Array(a.utf8), Array(b.utf8)) == equal)
    }
}

@Suite("Room options (ConfBridge names)")
struct RoomOptionsTests {
    @Test("Options parse from name=value")
    func parse() throws {
        var options = RoomOptions()
        try options.apply([
            "max_members=10", "admin_pin=999", "startmuted=yes", "wait_marked=true", "end_marked=on",
            "announce_user_count=yes", "announce_names=yes", "music_on_hold_when_empty=no",
            "internal_sample_rate=16000",
            "mixing_interval=40", "dsp_talking_threshold=200", "music_on_hold_shuffle=yes",
        ])
        #expect(options.maxMembers == 10)
        #expect(options.adminPIN == "999")
        #expect(options.startMuted && options.waitMarked && options.endMarked && options.announceUserCount)
        #expect(!options.musicOnHoldWhenEmpty)
        #expect(options.internalSampleRate == 16000 && options.mixingInterval == 40)
        #expect(options.musicOnHoldShuffle == true)
        var again = RoomOptions()
        try again.apply(options.assignments)
        #expect(again == options, "assignments round-trip")
    }

    @Test(
        "Unknown and invalid options are refused by name",
        arguments: [
            ("bogus=1", "bogus"), ("max_members=lots", "max_members"), ("startmuted=maybe", "startmuted"),
            ("internal_sample_rate=11025", "internal_sample_rate"), ("admin_pin=12ab", "admin_pin"),
            ("novalue", "name=value"), ("mixing_interval=160", "mixing_interval"),
            ("mixing_interval=30", "10, 20, 40 or 80"), ("music_on_hold_shuffle=often", "music_on_hold_shuffle"),
        ]
    )
    func invalid(assignment: String, named: String) {
        var options = RoomOptions()
        do {
            try options.apply([assignment])
            Issue.record("\(assignment) should be refused")
        } catch {
            #expect(error.reason.contains(named), "\(error.reason)")
        }
    }

    @Test("Options stored before an option existed still load, with its default")
    func olderStoredOptions() throws {
        let json = #"{"startMuted":true,"announceOnlyUser":false}"#
        let options = try JSONDecoder().decode(RoomOptions.self, from: Data(json.utf8))
        #expect(options.startMuted && !options.announceOnlyUser)
        #expect(options.musicOnHoldShuffle == nil && options.internalSampleRate == 8000)
    }

    @Test("The admin PIN must differ from the room PIN")
    func adminDiffers() throws {
        var options = RoomOptions()
        try options.set("admin_pin", "1234")
        #expect(throws: ConferenceError.self) {
            try RoomDefinition(name: "A", extensionNumber: "1", pin: "1234", options: options).validate()
        }
    }
}
