import SIPCore

/// A comparable projection of the actions the transaction, retransmitter and dialog machines return, so tests
/// can `#expect` the exact action list after each event (SIPRequest and SIPResponse are not Equatable).
/// Requests project to their method, responses to their status code.
enum Step: Equatable, CustomStringConvertible {
    case sendResponse(Int)
    case sendRequest(SIPMethod)
    case schedule(SIPTimer, Duration)
    case cancel(SIPTimer)
    case passToTU(SIPMethod)
    case deliverToTU(Int)
    case timedOut
    case transportError
    case terminate
    case scheduleRetransmitter(UASInviteResponseRetransmitter.Timer, Duration)
    case cancelRetransmitter(UASInviteResponseRetransmitter.Timer)
    case ackTimedOut

    var description: String {
        switch self {
        case .sendResponse(let code): "send(\(code))"
        case .sendRequest(let method): "send(\(method))"
        case .schedule(let timer, let after): "schedule(\(timer), \(after))"
        case .cancel(let timer): "cancel(\(timer))"
        case .passToTU(let method): "passToTU(\(method))"
        case .deliverToTU(let code): "deliverToTU(\(code))"
        case .timedOut: "timedOut"
        case .transportError: "transportError"
        case .terminate: "terminate"
        case .scheduleRetransmitter(let timer, let after): "schedule(\(timer), \(after))"
        case .cancelRetransmitter(let timer): "cancel(\(timer))"
        case .ackTimedOut: "ackTimedOut"
        }
    }
}

extension Array where Element == ServerTransactionAction {
    var steps: [Step] {
        self.map { action in
            switch action {
            case .send(let response): .sendResponse(response.statusCode)
            case .schedule(let timer, let after): .schedule(timer, after)
            case .cancel(let timer): .cancel(timer)
            case .passToTU(let request): .passToTU(request.method)
            case .timedOut: .timedOut
            case .transportError: .transportError
            case .terminate: .terminate
            }
        }
    }
}

extension Array where Element == ClientTransactionAction {
    var steps: [Step] {
        self.map { action in
            switch action {
            case .send(let request): .sendRequest(request.method)
            case .schedule(let timer, let after): .schedule(timer, after)
            case .cancel(let timer): .cancel(timer)
            case .deliverToTU(let response): .deliverToTU(response.statusCode)
            case .timedOut: .timedOut
            case .transportError: .transportError
            case .terminate: .terminate
            }
        }
    }

    /// The requests the actions send, in order.
    var sentRequests: [SIPRequest] {
        self.compactMap { action in
            if case .send(let request) = action { return request }
            return nil
        }
    }
}

extension Array where Element == UASInviteResponseRetransmitter.Action {
    var steps: [Step] {
        self.map { action in
            switch action {
            case .send(let response): .sendResponse(response.statusCode)
            case .schedule(let timer, let after): .scheduleRetransmitter(timer, after)
            case .cancel(let timer): .cancelRetransmitter(timer)
            case .ackTimedOut: .ackTimedOut
            case .terminate: .terminate
            }
        }
    }
}

/// Builders for the few messages the transaction and dialog tests need.
enum TransactionTestMessages {
    static let aliceURI = SIPURI(scheme: "sip", user: "alice", host: "atlanta.example.com")
    static let bobURI = SIPURI(scheme: "sip", user: "bob", host: "biloxi.example.com")
    static let topVia = "SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8"
    static let proxyVia = "SIP/2.0/UDP bigbox3.site3.atlanta.example.com;branch=z9hG4bK77ef4c2312983.1"

    /// An INVITE (or another method) as Alice's UA sends it, with two Routes.
    static func request(_ method: SIPMethod = .invite, cseq: UInt32 = 314_159) -> SIPRequest {
        SIPRequest(
            method: method,
            uri: bobURI,
            headers: SIPHeaderFields([
                (.via, topVia),
                (.via, proxyVia),
                (.maxForwards, "70"),
                (.route, "<sip:p1.example.com;lr>"),
                (.route, "<sip:p2.example.com;lr>"),
                (.to, "Bob <sip:bob@biloxi.example.com>"),
                (.from, "Alice <sip:alice@atlanta.example.com>;tag=1928301774"),
                (.callID, "a84b4c76e66710@pc33.atlanta.example.com"),
                (.cseq, "\(cseq) \(method.token)"),
                (.contact, "<sip:alice@pc33.atlanta.example.com>"),
            ])
        )
    }

    /// A response to ``request(_:cseq:)`` with Bob's To tag (none on 100).
    static func response(_ statusCode: Int, method: SIPMethod = .invite, cseq: UInt32 = 314_159) -> SIPResponse {
        let to = statusCode == 100 ? "Bob <sip:bob@biloxi.example.com>" : "Bob <sip:bob@biloxi.example.com>;tag=a6c85cf"
        return SIPResponse(
            statusCode: statusCode,
            reasonPhrase: "Reason",
            headers: SIPHeaderFields([
                (.via, topVia),
                (.via, proxyVia),
                (.to, to),
                (.from, "Alice <sip:alice@atlanta.example.com>;tag=1928301774"),
                (.callID, "a84b4c76e66710@pc33.atlanta.example.com"),
                (.cseq, "\(cseq) \(method.token)"),
            ])
        )
    }

    static func ack(cseq: UInt32 = 314_159) -> SIPRequest {
        var ack = request(.ack, cseq: cseq)
        ack.headers.set(.to, "Bob <sip:bob@biloxi.example.com>;tag=a6c85cf")
        return ack
    }
}
