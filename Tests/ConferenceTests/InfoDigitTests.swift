import SIPCore
import Testing

@testable import Conference

@Suite("DTMF by SIP INFO")
struct InfoDigitTests {
    func info(_ type: String, _ body: String) -> SIPRequest {
        var request = SIPRequest(method: .info, uri: SIPURI(scheme: "sip", user: "1000", host: "127.0.0.1"))
        request.headers.add(.contentType, type)
        request.body = Array(body.utf8)
        return request
    }

    @Test(
        "application/dtmf-relay Signal= lines",
        arguments: [
            ("Signal=5\r\nDuration=160\r\n", Character("5")), ("Signal= #\r\n", "#"), ("signal=*", "*"),
            ("Duration=100\r\nSignal=A\r\n", "A"),
        ]
    )
    func relay(body: String, digit: Character) {
        #expect(ConferenceBridge.infoDigit(self.info("application/dtmf-relay", body)) == digit)
    }

    @Test("application/dtmf bodies")
    func plain() {
        #expect(ConferenceBridge.infoDigit(self.info("application/dtmf", "7\r\n")) == "7")
    }

    @Test("Nonsense is ignored", arguments: ["Signal=55", "Signal=x", "", "Signal"])
    func nonsense(body: String) {
        #expect(ConferenceBridge.infoDigit(self.info("application/dtmf-relay", body)) == nil)
    }
}
