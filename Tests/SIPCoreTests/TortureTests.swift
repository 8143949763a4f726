import NIOCore
import Testing

@testable import SIPCore

extension TortureCorpus.Case: CustomTestStringConvertible {}

/// Outcomes the answer for a case comes from a layer above the parser: the parser must accept these messages
/// and leave readable the fields that layer needs. 404/405/481/482/483/488/501 are routing or method
/// decisions; 406 (Accept), 415 (Content-Type), 416 (Request-URI scheme) and 420 (Require) are UAS checks of
/// RFC 3261 §8.2.1–§8.2.3.
private let higherLayerCodes: Set<String> = [
    "404", "405", "406", "415", "416", "420", "481", "482", "483", "488", "501",
]

/// What this parser does with each `drop` case (a response): parse it (the transaction layer then finds no
/// match and absorbs it) or refuse it (the transport drops it unanswered, RFC 3261 §18.1.2).
private let dropOutcomes: [String: Bool] = [
    "rfc4475/unreason.dat": true,  // UTF-8 reason phrase parses (RFC 4475 §3.1.1.12)
    "rfc4475/noreason.dat": true,  // empty reason phrase parses (§3.1.1.13)
    "rfc4475/scalarlg.dat": false,  // CSeq above 2^31-1: refused (§3.1.2.5)
    "rfc4475/bigcode.dat": false,  // status code 4294967301: refused without overflow (§3.1.2.19)
    "rfc4475/bcast.dat": true,  // parses; the endpoint never sends to 255.255.255.255 (§3.3.10)
]

@Suite("RFC 4475 / RFC 5118 torture corpus")
struct TortureTests {
    @Test("the corpus is present and complete")
    func corpusIsPresent() {
        #expect(TortureCorpus.cases.count == 61)
    }

    @Test("each torture message gets its expected parser outcome", arguments: TortureCorpus.cases)
    func expectedOutcome(_ testCase: TortureCorpus.Case) throws {
        let bytes = try #require(TortureCorpus.bytes(testCase.file), "missing \(testCase.file)")
        let parser = SIPMessageParser()
        let result: Result<SIPMessage, SIPParseError>
        do {
            result = .success(try parser.parseDatagram(bytes))
        } catch {
            result = .failure(error)
        }

        if testCase.expect == "drop" {
            #expect(testCase.kind == "response")
            let shouldParse = try #require(dropOutcomes[testCase.file] as Bool?)
            switch result {
            case .success(let message):
                #expect(shouldParse, "\(testCase.file) parsed but was expected to be refused")
                guard case .response = message else {
                    Issue.record("a drop case parsed as a request")
                    return
                }
            case .failure(let error):
                #expect(!shouldParse, "\(testCase.file) refused: \(error)")
            }
            // Either way, a response is never answered, and the salvage helper must not make it a request.
            #expect(parser.salvageRequestHeaders(bytes) == nil)
            return
        }

        let alternatives = testCase.expect.split(separator: "|").map(String.init)
        let acceptable = alternatives.contains("accept") || alternatives.contains { higherLayerCodes.contains($0) }
        let parserCodes = alternatives.compactMap(Int.init).filter { !higherLayerCodes.contains(String($0)) }

        switch result {
        case .success(let message):
            #expect(acceptable, "\(testCase.file) parsed but expected \(testCase.expect)")
            guard case .request(let request) = message else {
                Issue.record("\(testCase.file) is not a request")
                return
            }
            // The fields every later layer needs (§8.2.6.2, §17.2.3) are readable.
            #expect(request.topVia != nil)
            #expect(request.from != nil)
            #expect(request.to != nil)
            #expect(request.callID != nil)
            #expect(request.cseq?.method == request.method)
            self.checkHigherLayerFields(testCase, request)
        case .failure(let error):
            #expect(
                parserCodes.contains(error.statusCode),
                "\(testCase.file) refused with \(error.statusCode) (\(error)) but expected \(testCase.expect)"
            )
            #expect(error.reasonPhrase.count > 3)
            // A refused request can still be answered (§8.2, RFC 4475 §3.3.1).
            let salvaged = try #require(parser.salvageRequestHeaders(bytes), "cannot answer \(testCase.file)")
            let response = SIPResponse(replyingTo: salvaged, error: error)
            #expect(response.statusCode == error.statusCode)
            #expect(!response.headers.fieldValues(.via).isEmpty)
        }
    }

    /// Fields the UAS needs for the answers that belong to it, noted per case.
    private func checkHigherLayerFields(_ testCase: TortureCorpus.Case, _ request: SIPRequest) {
        switch testCase.expect {
        case "416":
            // The TU answers 416: the Request-URI scheme is neither sip nor sips (RFC 3261 §8.2.2.1).
            #expect(!request.uri.isSIP)
        case "420":
            // The TU answers 420 with Unsupported listing these (RFC 3261 §8.2.2.3).
            #expect(request.headers.optionTags(.require).count >= 1)
        case "415":
            // The TU answers 415 with Accept (RFC 3261 §8.2.3).
            #expect(request.contentType == "application/unknownformat")
        case "406|400":
            // The TU answers 406 (Accept lacks application/sdp) or 400.
            #expect(request.headers[.accept] != nil)
        default:
            break
        }
    }

    @Test("parse(serialize(parse(x))) equals parse(x) for every message that parses", arguments: TortureCorpus.cases)
    func roundTrip(_ testCase: TortureCorpus.Case) throws {
        let bytes = try #require(TortureCorpus.bytes(testCase.file))
        let parser = SIPMessageParser()
        guard let first = try? parser.parseDatagram(bytes) else { return }
        let second = try parser.parseDatagram(first.bytes)
        #expect(MessageComparison.equivalent(first, second))
    }

    @Test("RFC 4475 §3.1.1.8: octets after the Content-Length body are not a second request")
    func extraOctetsDropped() throws {
        let bytes = try #require(TortureCorpus.bytes("rfc4475/dblreq.dat"))
        let message = try SIPMessageParser().parseDatagram(bytes)
        guard case .request(let request) = message else {
            Issue.record("not a request")
            return
        }
        #expect(request.method == .register)
        #expect(request.body.isEmpty)
    }

    @Test("RFC 4475 §3.4.1: without Content-Length the body runs to the end of the datagram")
    func noContentLength() throws {
        let bytes = try #require(TortureCorpus.bytes("rfc4475/inv2543.dat"))
        guard case .request(let request) = try SIPMessageParser().parseDatagram(bytes) else {
            Issue.record("not a request")
            return
        }
        #expect(request.headers.contentLength == nil)
        #expect(request.body.count > 0)
        #expect(request.maxForwards == nil)
    }

    @Test("RFC 4475 §3.1.1.11: a binary multipart body is kept octet for octet")
    func binaryBody() throws {
        let bytes = try #require(TortureCorpus.bytes("rfc4475/mpart01.dat"))
        guard case .request(let request) = try SIPMessageParser().parseDatagram(bytes) else {
            Issue.record("not a request")
            return
        }
        #expect(request.body.count == request.headers.contentLength)
        #expect(request.body.contains(0))
        #expect(request.topVia?.rport == .requested)
    }

    @Test("RFC 4475 §3.1.1.1: the tortuous INVITE's fields read correctly")
    func tortuousInvite() throws {
        let bytes = try #require(TortureCorpus.bytes("rfc4475/wsinv.dat"))
        guard case .request(let request) = try SIPMessageParser().parseDatagram(bytes) else {
            Issue.record("not a request")
            return
        }
        #expect(request.to?.tag == "1918181833n")
        #expect(request.from?.tag == "98asjd8")
        #expect(request.from?.displayName == "J Rosenberg \\\"")
        #expect(request.maxForwards == 68)
        #expect(request.cseq == CSeqHeader(sequence: 9, method: .invite))
        #expect(request.vias.count == 3)
        #expect(request.vias.first?.branch == "390skdjuw")
        #expect(request.vias.last?.branch == "z9hG4bK30239")
        #expect(request.vias.dropFirst().first?.transport == "TCP")
        #expect(request.headers[.subject] == "")
        #expect(request.headers[HeaderName("NewFangledHeader")] == "newfangled value  continued newfangled value")
        let contact = try #require(request.contacts.first)
        #expect(contact.displayName == "Quoted string \"\"")
        #expect(contact.parameters["newparam"] == "newvalue")
        #expect(contact.parameters["secondparam"] == "")
        #expect(contact.parameters["q"] == "0.33")
        #expect(request.body.count == 150)
    }

    @Test("RFC 4475 §3.1.1.4: %00 in a user part does not truncate it")
    func escapedNull() throws {
        let bytes = try #require(TortureCorpus.bytes("rfc4475/escnull.dat"))
        guard case .request(let request) = try SIPMessageParser().parseDatagram(bytes) else {
            Issue.record("not a request")
            return
        }
        #expect(request.contacts.count == 2)
        let decoded = try #require(request.to?.uri.decodedUser)
        #expect(decoded.utf8.contains(0))
        #expect(decoded == "null-\u{0}-null")
        #expect(request.contacts.map(\.uri.decodedUser) == ["\u{0}", "\u{0}\u{0}"])
    }

    @Test("RFC 4475 §3.1.1.5: an escaped method and header name are unknown ones")
    func percentIsNoEscapeInTokens() throws {
        let bytes = try #require(TortureCorpus.bytes("rfc4475/esc02.dat"))
        guard case .request(let request) = try SIPMessageParser().parseDatagram(bytes) else {
            Issue.record("not a request")
            return
        }
        #expect(request.method == .other("RE%47IST%45R"))
        #expect(request.contacts.count == 2)
    }

    @Test("RFC 4475 §3.3.12/§3.3.13: Contact params outside <> belong to the header, inside to the URI")
    func contactParameterPlacement() throws {
        let outside = try #require(TortureCorpus.bytes("rfc4475/cparam01.dat"))
        let inside = try #require(TortureCorpus.bytes("rfc4475/cparam02.dat"))
        let parser = SIPMessageParser()
        guard case .request(let first) = try parser.parseDatagram(outside),
            case .request(let second) = try parser.parseDatagram(inside)
        else {
            Issue.record("not requests")
            return
        }
        #expect(first.contacts.first?.parameters.contains("unknownparam") == true)
        #expect(first.contacts.first?.uri.parameters.contains("unknownparam") == false)
        #expect(second.contacts.first?.uri.parameters.contains("unknownparam") == true)
    }

    @Test("RFC 5118 §4.3/§4.4: a port inside brackets is part of the address")
    func ipv6Ports() throws {
        let parser = SIPMessageParser()
        guard
            case .request(let ambiguous) = try parser.parseDatagram(
                #require(TortureCorpus.bytes("rfc5118/port-ambiguous"))
            ),
            case .request(let unambiguous) = try parser.parseDatagram(
                #require(TortureCorpus.bytes("rfc5118/port-unambiguous"))
            )
        else {
            Issue.record("not requests")
            return
        }
        #expect(ambiguous.uri.host == "[2001:db8::10:5070]")
        #expect(ambiguous.uri.port == nil)
        #expect(unambiguous.uri.host == "[2001:db8::10]")
        #expect(unambiguous.uri.port == 5070)
    }

    @Test("RFC 5118 §4.5: received with and without brackets")
    func receivedIPv6() throws {
        let parser = SIPMessageParser()
        guard
            case .request(let with) = try parser.parseDatagram(
                #require(TortureCorpus.bytes("rfc5118/via-received-param-with-delim"))
            ),
            case .request(let without) = try parser.parseDatagram(
                #require(TortureCorpus.bytes("rfc5118/via-received-param-no-delim"))
            )
        else {
            Issue.record("not requests")
            return
        }
        #expect(with.topVia?.received == "[2001:db8::9:255]")
        #expect(without.topVia?.received == "2001:db8::9:255")
    }
}

/// Compares two parsed messages field by field (start line, header names and values except Content-Length, body).
enum MessageComparison {
    static func equivalent(_ lhs: SIPMessage, _ rhs: SIPMessage) -> Bool {
        switch (lhs, rhs) {
        case (.request(let a), .request(let b)):
            return a.method == b.method && a.uri == b.uri && a.version == b.version && a.body == b.body
                && self.fields(a.headers) == self.fields(b.headers)
        case (.response(let a), .response(let b)):
            return a.statusCode == b.statusCode && a.reasonPhrase == b.reasonPhrase && a.body == b.body
                && self.fields(a.headers) == self.fields(b.headers)
        default:
            return false
        }
    }

    private static func fields(_ headers: SIPHeaderFields) -> [SIPHeaderFields.Field] {
        headers.fields.filter { $0.name != .contentLength }
    }
}
