import SIPCore
import Testing

/// A comparable projection of ``RegistrationClient/Action``.
enum RegistrationStep: Equatable {
    case send(cseq: UInt32, expires: String, authorized: Bool)
    case schedule(RegistrationClient.Timer, Duration)
    case cancel(RegistrationClient.Timer)
    case registered(Int)
    case failed(Int?, Duration)
    case unregistered
}

extension [RegistrationClient.Action] {
    var steps: [RegistrationStep] {
        self.map { action in
            switch action {
            case .send(let request):
                .send(
                    cseq: request.headers.cseq?.sequence ?? 0,
                    expires: request.headers[.expires] ?? "",
                    authorized: request.headers.contains(.authorization)
                        || request.headers.contains(.proxyAuthorization)
                )
            case .schedule(let timer, let after): .schedule(timer, after)
            case .cancel(let timer): .cancel(timer)
            case .reportRegistered(let expires): .registered(expires)
            case .reportFailed(let status, let retryIn): .failed(status, retryIn)
            case .reportUnregistered: .unregistered
            }
        }
    }

    var sentRequest: SIPRequest? {
        for action in self {
            if case .send(let request) = action { return request }
        }
        return nil
    }
}

@Suite("RFC 3261 §10.2 REGISTER client")
struct RegistrationClientTests {
    static func configuration(
        credentials: DigestCredentials? = DigestCredentials(username: "alice", password: "pw")
    )
        throws -> RegistrationClient.Configuration
    {
        RegistrationClient.Configuration(
            registrar: try SIPURI(parsing: "sip:example.com"),
            addressOfRecord: try SIPURI(parsing: "sip:alice@example.com"),
            contact: try SIPURI(parsing: "sip:alice@192.0.2.4:5060"),
            credentials: credentials,
            requestedExpires: 600,
            callID: "reg-call",
            fromTag: "fromtag",
            makeCnonce: { "cnonce" }
        )
    }

    static func response(_ status: Int, to request: SIPRequest?, headers: [(HeaderName, String)] = []) -> SIPResponse {
        var response = SIPResponse(
            replyingTo: request ?? SIPRequest(method: .register, uri: SIPURI(host: "x")),
            statusCode: status,
            toTag: "reg"
        )
        for (name, value) in headers { response.headers.add(name, value) }
        return response
    }

    static let challenge: (HeaderName, String) = (
        .wwwAuthenticate, #"Digest realm="example.com", nonce="n1", qop="auth""#
    )

    @Test("§10.2.1: the REGISTER names the AOR in To and From, our Contact and the requested Expires")
    func firstRegister() throws {
        var client = RegistrationClient(configuration: try Self.configuration())
        let actions = client.start()
        #expect(actions.steps == [.cancel(.retry), .send(cseq: 1, expires: "600", authorized: false)])
        let request = try #require(actions.sentRequest)
        #expect(request.method == .register)
        #expect(request.uri.description == "sip:example.com")
        #expect(request.headers.to?.uri.description == "sip:alice@example.com")
        #expect(request.headers.from?.tag == "fromtag")
        #expect(request.headers.callID == "reg-call")
        #expect(request.headers.contacts.first?.uri.description == "sip:alice@192.0.2.4:5060")
        #expect(client.state == .registering)
    }

    @Test("§22.2: 401 is answered once with credentials and CSeq + 1; 200 arms the refresh at 90 %")
    func challengeThenSuccess() throws {
        var client = RegistrationClient(configuration: try Self.configuration())
        let first = client.start().sentRequest
        let retry = client.receivedResponse(Self.response(401, to: first, headers: [Self.challenge]))
        #expect(retry.steps == [.send(cseq: 2, expires: "600", authorized: true)])
        let authorization = try #require(retry.sentRequest?.headers[.authorization])
        #expect(authorization.contains(#"cnonce="cnonce""#))
        let ok = client.receivedResponse(
            Self.response(200, to: retry.sentRequest, headers: [(.contact, "<sip:alice@192.0.2.4:5060>;expires=300")])
        )
        #expect(ok.steps == [.cancel(.retry), .schedule(.refresh, .seconds(270)), .registered(300)])
        #expect(client.state == .registered(expires: 300))
    }

    @Test("§10.2.4: a refresh reuses Call-ID and From tag with a higher CSeq")
    func refresh() throws {
        var client = RegistrationClient(configuration: try Self.configuration())
        let first = client.start().sentRequest
        _ = client.receivedResponse(Self.response(200, to: first, headers: [(.expires, "600")]))
        let refresh = client.timerFired(.refresh)
        #expect(refresh.steps == [.send(cseq: 2, expires: "600", authorized: false)])
        #expect(refresh.sentRequest?.headers.callID == "reg-call")
        #expect(refresh.sentRequest?.headers.from?.tag == "fromtag")
    }

    @Test("A second 401 without stale means wrong credentials: fail and back off")
    func wrongPassword() throws {
        var client = RegistrationClient(configuration: try Self.configuration())
        let first = client.start().sentRequest
        let retry = client.receivedResponse(Self.response(401, to: first, headers: [Self.challenge])).sentRequest
        let again = client.receivedResponse(Self.response(401, to: retry, headers: [Self.challenge]))
        #expect(again.steps == [.cancel(.refresh), .schedule(.retry, .seconds(30)), .failed(401, .seconds(30))])
    }

    @Test("RFC 7616 §3.3: a stale nonce is answered again")
    func staleNonce() throws {
        var client = RegistrationClient(configuration: try Self.configuration())
        let first = client.start().sentRequest
        let retry = client.receivedResponse(Self.response(401, to: first, headers: [Self.challenge])).sentRequest
        let stale: (HeaderName, String) = (.wwwAuthenticate, #"Digest realm="example.com", nonce="n2", stale=true"#)
        let again = client.receivedResponse(Self.response(401, to: retry, headers: [stale]))
        #expect(again.steps == [.send(cseq: 3, expires: "600", authorized: true)])
    }

    @Test("§10.2.8: 423 raises Expires to Min-Expires and retries at once")
    func intervalTooBrief() throws {
        var client = RegistrationClient(configuration: try Self.configuration())
        let first = client.start().sentRequest
        let next = client.receivedResponse(Self.response(423, to: first, headers: [(.minExpires, "1800")]))
        #expect(next.steps == [.send(cseq: 2, expires: "1800", authorized: false)])
    }

    @Test("Responses to an older REGISTER (by CSeq) and provisional ones are ignored")
    func staleResponses() throws {
        var client = RegistrationClient(configuration: try Self.configuration())
        let first = client.start().sentRequest
        _ = client.receivedResponse(Self.response(401, to: first, headers: [Self.challenge]))
        #expect(client.receivedResponse(Self.response(200, to: first)).isEmpty)
        #expect(client.receivedResponse(Self.response(100, to: first)).isEmpty)
        #expect(client.state == .registering)
    }

    @Test("Failures back off exponentially in virtual time, capped, honouring Retry-After; success resets")
    func backoffInVirtualTime() throws {
        var configuration = try Self.configuration(credentials: nil)
        configuration.initialBackoff = .seconds(10)
        configuration.maxBackoff = .seconds(60)
        var client = RegistrationClient(configuration: configuration)
        var clock = TimerVirtualClock<RegistrationClient.Timer>()
        var sendTimes: [Duration] = []
        var pending = client.start()
        var rounds = 0
        while rounds < 6 {
            var sent: SIPRequest?
            for action in pending {
                switch action {
                case .schedule(let timer, let after): clock.schedule(timer, after: after)
                case .cancel(let timer): clock.cancel(timer)
                case .send(let request):
                    sent = request
                    sendTimes.append(clock.now)
                case .reportRegistered, .reportFailed, .reportUnregistered: break
                }
            }
            if let sent {
                // Fail five times (once with Retry-After: 100), then succeed.
                let failure =
                    rounds == 3
                    ? Self.response(503, to: sent, headers: [(.retryAfter, "100")])
                    : Self.response(503, to: sent)
                let answer = rounds < 5 ? failure : Self.response(200, to: sent, headers: [(.expires, "100")])
                pending = client.receivedResponse(answer)
                rounds += 1
                continue
            }
            guard let timer = clock.advanceToNextTimer() else { break }
            pending = client.timerFired(timer)
        }
        // Sends at 0, +10, +20, +40, +100 (Retry-After beats 60), +60 (cap), then success at 230.
        #expect(sendTimes == [.zero, .seconds(10), .seconds(30), .seconds(70), .seconds(170), .seconds(230)])
        #expect(client.state == .registered(expires: 100))
    }

    @Test("A transaction timeout counts as a failure with no status")
    func timeout() throws {
        var client = RegistrationClient(configuration: try Self.configuration())
        _ = client.start()
        #expect(
            client.transactionFailed().steps == [
                .cancel(.refresh), .schedule(.retry, .seconds(30)), .failed(nil, .seconds(30)),
            ]
        )
        #expect(client.state == .waitingToRetry(failures: 1))
    }

    @Test("§10.2.2: stop sends Expires: 0 and reports unregistered on its answer")
    func unregister() throws {
        var client = RegistrationClient(configuration: try Self.configuration())
        let first = client.start().sentRequest
        _ = client.receivedResponse(Self.response(200, to: first))
        let stop = client.stop()
        #expect(stop.steps == [.cancel(.refresh), .cancel(.retry), .send(cseq: 2, expires: "0", authorized: false)])
        let done = client.receivedResponse(Self.response(200, to: stop.sentRequest))
        #expect(done.steps == [.unregistered])
        #expect(client.state == .unregistered)
        #expect(client.timerFired(.refresh).isEmpty)
    }
}
