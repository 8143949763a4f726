import Testing

@testable import Conference

@Suite("Caller flow: PIN entry and joining")
struct CallerFlowTests {
    @Test("Answering plays the PIN prompt")
    func answerPrompts() {
        var flow = CallerFlow(pin: "1234")
        #expect(flow.callAnswered() == [.play([.enterPIN])])
        #expect(flow.state == .collectingPIN(entered: "", failures: 0))
        #expect(flow.promptsFinished() == [.startDigitTimer(.seconds(10))])
    }

    @Test("The right PIN ending in # joins after the placed-into-conference prompt")
    func rightPIN() {
        var flow = CallerFlow(pin: "1234")
        _ = flow.callAnswered()
        #expect(flow.digitReceived("1") == [.stopPrompts, .startDigitTimer(.seconds(10))])
        for digit in "234" { #expect(flow.digitReceived(digit) == [.startDigitTimer(.seconds(10))]) }
        #expect(flow.digitReceived("#") == [.cancelDigitTimer, .play([.placedIntoConference])])
        #expect(flow.state == .joining)
        #expect(flow.promptsFinished() == [.join])
        #expect(flow.state == .inConference)
        #expect(flow.digitReceived("5") == [])
    }

    @Test("Three wrong PINs play invalid-PIN, goodbye, then hang up")
    func threeWrongPINs() {
        var flow = CallerFlow(pin: "1234")
        _ = flow.callAnswered()
        _ = flow.promptsFinished()
        for digit in "9#" { _ = flow.digitReceived(digit) }
        #expect(flow.state == .collectingPIN(entered: "", failures: 1))
        _ = flow.promptsFinished()
        for digit in "99#" { _ = flow.digitReceived(digit) }
        _ = flow.promptsFinished()
        _ = flow.digitReceived("8")
        #expect(flow.digitReceived("#") == [.cancelDigitTimer, .play([.invalidPIN, .goodbye])])
        #expect(flow.state == .leaving)
        #expect(flow.digitReceived("1") == [])
        #expect(flow.promptsFinished() == [.hangUp(.tooManyWrongPINs)])
        #expect(flow.state == .ended)
    }

    @Test("A wrong PIN re-prompts and clears the digits")
    func wrongPINReprompts() {
        var flow = CallerFlow(pin: "1234")
        _ = flow.callAnswered()
        _ = flow.promptsFinished()
        for digit in "12" { _ = flow.digitReceived(digit) }
        #expect(flow.digitReceived("#") == [.cancelDigitTimer, .play([.invalidPIN, .enterPIN])])
        #expect(flow.state == .collectingPIN(entered: "", failures: 1))
    }

    @Test("Digits without # are submitted when the digit timer fires")
    func timeoutSubmits() {
        var flow = CallerFlow(pin: "1234")
        _ = flow.callAnswered()
        _ = flow.promptsFinished()
        for digit in "1234" { _ = flow.digitReceived(digit) }
        #expect(flow.digitTimerFired() == [.cancelDigitTimer, .play([.placedIntoConference])])
    }

    @Test("Silence at the prompt counts as a failed try")
    func silenceCounts() {
        var flow = CallerFlow(pin: "1234")
        _ = flow.callAnswered()
        _ = flow.promptsFinished()
        #expect(flow.digitTimerFired() == [.cancelDigitTimer, .play([.invalidPIN, .enterPIN])])
        #expect(flow.state == .collectingPIN(entered: "", failures: 1))
    }

    @Test("* clears what was typed")
    func starClears() {
        var flow = CallerFlow(pin: "12")
        _ = flow.callAnswered()
        _ = flow.promptsFinished()
        for digit in "99*12" { _ = flow.digitReceived(digit) }
        #expect(flow.digitReceived("#") == [.cancelDigitTimer, .play([.placedIntoConference])])
    }

    @Test("Endless digits are capped and simply wrong")
    func overlongEntry() {
        var flow = CallerFlow(pin: "1")
        _ = flow.callAnswered()
        _ = flow.promptsFinished()
        for _ in 0..<1000 { _ = flow.digitReceived("1") }
        #expect(flow.digitReceived("#") == [.cancelDigitTimer, .play([.invalidPIN, .enterPIN])])
    }

    @Test("PIN comparison is exact", arguments: [("1234", "1234", true), ("1234", "123", false), ("123", "1234", false),
        ("", "", true), ("0000", "0001", false)])
    func constantTimeEqual(a: String, b: String, equal: Bool) {
        #expect(CallerFlow.constantTimeEqual(Array(a.utf8), Array(b.utf8)) == equal)
    }
}
