/// Registers an address-of-record with a registrar or trunk and keeps the binding alive (RFC 3261 §10.2):
/// answers digest challenges (§22.2, RFC 8760), refreshes before the granted expiry runs out, raises Expires
/// after 423 (§10.2.8), backs off exponentially after failures, and unregisters (`Expires: 0`, §10.2.2).
///
/// A value: events in (``start()``, ``receivedResponse(_:)``, ``transactionFailed()``, ``timerFired(_:)``,
/// ``stop()``), ``Action``s out. Sending, timers and reporting are the driver's (``RegistrationDriver``).
///
/// Every REGISTER of one client shares a Call-ID and From tag, and CSeq grows by one per request (§10.2: "a
/// UA SHOULD use the same Call-ID for all registrations during a single boot cycle").
public struct RegistrationClient: Sendable {
    /// What to register, where, and how persistently.
    public struct Configuration: Sendable {
        /// The Request-URI: the registrar's domain, without user part (RFC 3261 §10.2, e.g. `sip:example.com`).
        public var registrar: SIPURI
        /// The address-of-record, put in To and From (§10.2).
        public var addressOfRecord: SIPURI
        /// Where requests for the AOR should reach us: our Contact URI (§10.2.1).
        public var contact: SIPURI
        /// Answers the registrar's digest challenges; nil gives up at the first 401 or 407.
        public var credentials: DigestCredentials?
        /// The Expires we ask for, in seconds (§10.2.1.1); the registrar may grant less.
        public var requestedExpires: Int
        /// Refresh when this fraction of the granted time has passed (0.9: at 90 %).
        public var refreshFraction: Double
        /// The first retry delay after a failure; it doubles per failure (RFC 5626 §4.5's shape, no jitter)...
        public var initialBackoff: Duration
        /// ...up to this.
        public var maxBackoff: Duration
        /// The Call-ID of every REGISTER (RFC 3261 §10.2: one per binding, so refreshes are recognized).
        public var callID: String
        /// The From tag of every REGISTER.
        public var fromTag: String
        /// Makes the client nonce of each digest answer (random by default; fixed in tests).
        public var makeCnonce: @Sendable () -> String

        /// Makes a configuration; Call-ID and From tag are random unless given.
        public init(
            registrar: SIPURI,
            addressOfRecord: SIPURI,
            contact: SIPURI,
            credentials: DigestCredentials? = nil,
            requestedExpires: Int = 3600,
            refreshFraction: Double = 0.9,
            initialBackoff: Duration = .seconds(30),
            maxBackoff: Duration = .seconds(1800),
            callID: String = SIPToken.callID(),
            fromTag: String = SIPToken.tag(),
            makeCnonce: @escaping @Sendable () -> String = { SIPToken.random(length: 16) }
        ) {
            self.registrar = registrar
            self.addressOfRecord = addressOfRecord
            self.contact = contact
            self.credentials = credentials
            self.requestedExpires = requestedExpires
            self.refreshFraction = refreshFraction
            self.initialBackoff = initialBackoff
            self.maxBackoff = maxBackoff
            self.callID = callID
            self.fromTag = fromTag
            self.makeCnonce = makeCnonce
        }
    }

    /// Where the client stands.
    public enum State: Sendable, Equatable {
        /// Not started. Next: `registering`.
        case idle
        /// A REGISTER is in flight (first, refresh, after a challenge or a retry). Next: `registered`,
        /// `registering` (answering a challenge or 423), `waitingToRetry`, `unregistering`.
        case registering
        /// The registrar granted `expires` seconds; the refresh timer runs. Next: `registering`, `unregistering`.
        case registered(expires: Int)
        /// The last attempt failed (`failures` in a row); the retry timer runs. Next: `registering`,
        /// `unregistered`.
        case waitingToRetry(failures: Int)
        /// A REGISTER with `Expires: 0` is in flight. Next: `unregistered`.
        case unregistering
        /// Stopped. Next: `registering` (``start()`` again).
        case unregistered
    }

    /// The two timers the driver runs for the client.
    public enum Timer: Sendable, Hashable, CustomStringConvertible {
        /// Re-register before the binding expires.
        case refresh
        /// Try again after a failure.
        case retry

        public var description: String {
            switch self {
            case .refresh: "refresh"
            case .retry: "retry"
            }
        }
    }

    /// What the driver must do.
    public enum Action: Sendable {
        /// Send this REGISTER to the registrar in a new client transaction; feed its responses back.
        case send(SIPRequest)
        /// Start (or restart) a timer; call ``timerFired(_:)`` when it fires.
        case schedule(Timer, after: Duration)
        /// Stop a timer.
        case cancel(Timer)
        /// Tell the application: registered for `expires` seconds.
        case reportRegistered(expires: Int)
        /// Tell the application: an attempt failed (`status` nil: timeout or transport error); the next try
        /// is in `retryIn`.
        case reportFailed(status: Int?, retryIn: Duration)
        /// Tell the application: the binding is removed (or given up).
        case reportUnregistered
    }

    /// The account and timing this client runs with.
    public let configuration: Configuration
    /// Where the registration stands.
    public private(set) var state: State = .idle
    /// The CSeq number of the last REGISTER sent.
    public private(set) var sequence: UInt32 = 0
    private var requestedExpires: Int
    private var failures = 0
    /// Digest answers sent for the current attempt; a second 401 is answered only when it says `stale`.
    private var challengesAnswered = 0
    private var intervalRaised = false
    private var lastRequest: SIPRequest?

    /// Starts idle; ``start()`` sends the first REGISTER.
    public init(configuration: Configuration) {
        self.configuration = configuration
        self.requestedExpires = configuration.requestedExpires
    }

    // MARK: - Events

    /// Starts registering: sends the first REGISTER.
    public mutating func start() -> [Action] {
        switch self.state {
        case .idle, .unregistered, .waitingToRetry:
            var actions: [Action] = [.cancel(.retry)]
            actions.append(self.register(expires: self.requestedExpires))
            self.state = .registering
            return actions
        case .registering, .registered, .unregistering:
            return []
        }
    }

    /// A response to the last REGISTER (provisional ones are ignored; responses to older REGISTERs, by CSeq,
    /// are stale and ignored).
    public mutating func receivedResponse(_ response: SIPResponse) -> [Action] {
        guard response.statusCode >= 200, response.headers.cseq?.sequence == self.sequence else { return [] }
        switch self.state {
        case .registering:
            return self.registeringGot(response)
        case .unregistering:
            if response.statusCode == 401 || response.statusCode == 407,
                let retry = self.answerChallenge(response)
            {
                return [.send(retry)]
            }
            self.state = .unregistered
            return [.reportUnregistered]
        case .idle, .registered, .waitingToRetry, .unregistered:
            return []
        }
    }

    /// The last REGISTER's transaction timed out (Timer F) or could not be sent (RFC 3261 §17.1.4).
    public mutating func transactionFailed() -> [Action] {
        switch self.state {
        case .registering:
            return self.failed(status: nil, retryAfter: nil)
        case .unregistering:
            self.state = .unregistered
            return [.reportUnregistered]
        case .idle, .registered, .waitingToRetry, .unregistered:
            return []
        }
    }

    /// A timer the client asked for fired.
    public mutating func timerFired(_ timer: Timer) -> [Action] {
        switch (timer, self.state) {
        case (.refresh, .registered), (.retry, .waitingToRetry):
            self.challengesAnswered = 0
            self.intervalRaised = false
            self.state = .registering
            return [self.register(expires: self.requestedExpires)]
        case (.refresh, _), (.retry, _):
            // A timer cancelled too late: nothing to do.
            return []
        }
    }

    /// Stops: removes the binding with `Expires: 0` if one may exist (RFC 3261 §10.2.2), else just stops.
    public mutating func stop() -> [Action] {
        switch self.state {
        case .registered, .registering:
            self.challengesAnswered = 0
            self.state = .unregistering
            return [.cancel(.refresh), .cancel(.retry), self.register(expires: 0)]
        case .idle, .waitingToRetry:
            self.state = .unregistered
            return [.cancel(.refresh), .cancel(.retry), .reportUnregistered]
        case .unregistering, .unregistered:
            return []
        }
    }

    // MARK: - Transitions

    private mutating func registeringGot(_ response: SIPResponse) -> [Action] {
        switch response.statusCode {
        case 200..<300:
            let granted = self.grantedExpires(response)
            guard granted > 0 else { return self.failed(status: response.statusCode, retryAfter: nil) }
            self.failures = 0
            self.challengesAnswered = 0
            self.intervalRaised = false
            self.state = .registered(expires: granted)
            return [
                .cancel(.retry),
                .schedule(.refresh, after: self.refreshDelay(granted: granted)),
                .reportRegistered(expires: granted),
            ]
        case 401, 407:
            if let retry = self.answerChallenge(response) { return [.send(retry)] }
            return self.failed(status: response.statusCode, retryAfter: nil)
        case 423:
            // §10.2.8: Interval Too Brief; retry once with at least Min-Expires.
            if !self.intervalRaised, let text = response.headers[.minExpires]?.trimmingSIPWhitespace(),
                let minimum = text.sipDecimal(max: UInt64(Int32.max)), Int(minimum) > self.requestedExpires
            {
                self.intervalRaised = true
                self.requestedExpires = Int(minimum)
                return [self.register(expires: self.requestedExpires)]
            }
            return self.failed(status: 423, retryAfter: nil)
        default:
            return self.failed(status: response.statusCode, retryAfter: Self.retryAfter(response))
        }
    }

    /// Answers a 401/407 once per attempt, and again only when the registrar says the nonce was `stale`
    /// (RFC 7616 §3.3): a second plain challenge means the credentials are wrong.
    private mutating func answerChallenge(_ response: SIPResponse) -> SIPRequest? {
        guard let credentials = self.configuration.credentials, let last = self.lastRequest else { return nil }
        let header: HeaderName = response.statusCode == 401 ? .wwwAuthenticate : .proxyAuthenticate
        let stale = response.headers.fieldValues(header).contains { value in
            (try? DigestChallenge(parsing: value))?.stale ?? false
        }
        guard self.challengesAnswered == 0 || (stale && self.challengesAnswered < 3) else { return nil }
        guard
            let retry = try? last.authorizedRetry(
                after: response,
                credentials: credentials,
                cnonce: self.configuration.makeCnonce()
            )
        else { return nil }
        self.challengesAnswered += 1
        self.sequence = retry.headers.cseq?.sequence ?? (self.sequence &+ 1)
        self.lastRequest = retry
        return retry
    }

    private mutating func failed(status: Int?, retryAfter: Duration?) -> [Action] {
        self.failures += 1
        self.challengesAnswered = 0
        self.intervalRaised = false
        var delay = self.configuration.initialBackoff
        for _ in 1..<max(1, self.failures) {
            delay = delay * 2
            if delay >= self.configuration.maxBackoff { break }
        }
        if delay > self.configuration.maxBackoff { delay = self.configuration.maxBackoff }
        if let retryAfter, retryAfter > delay { delay = retryAfter }
        self.state = .waitingToRetry(failures: self.failures)
        return [.cancel(.refresh), .schedule(.retry, after: delay), .reportFailed(status: status, retryIn: delay)]
    }

    /// The time granted: the `expires` parameter of our Contact in the 200, else its Expires header, else
    /// what we asked for (RFC 3261 §10.2.4).
    private func grantedExpires(_ response: SIPResponse) -> Int {
        for contact in response.headers.contacts where contact.uri == self.configuration.contact {
            if let value = contact.parameters["expires"]?.sipDecimal(max: UInt64(Int32.max)) { return Int(value) }
        }
        if let text = response.headers[.expires]?.trimmingSIPWhitespace(),
            let value = text.sipDecimal(max: UInt64(Int32.max))
        {
            return Int(value)
        }
        return self.requestedExpires
    }

    private func refreshDelay(granted: Int) -> Duration {
        let milliseconds = Double(granted) * 1000 * min(max(self.configuration.refreshFraction, 0.1), 1.0)
        return .milliseconds(Int64(milliseconds))
    }

    /// Retry-After in seconds, ignoring comments and parameters (RFC 3261 §20.33).
    private static func retryAfter(_ response: SIPResponse) -> Duration? {
        guard let text = response.headers[.retryAfter] else { return nil }
        let digits = text.trimmingSIPWhitespace().prefix { $0.isASCII && $0.isNumber }
        guard let seconds = String(digits).sipDecimal(max: UInt64(Int32.max)) else { return nil }
        return .seconds(Int64(seconds))
    }

    /// Builds the next REGISTER (RFC 3261 §10.2): new CSeq, same Call-ID and From tag.
    private mutating func register(expires: Int) -> Action {
        self.sequence &+= 1
        var headers = SIPHeaderFields()
        let aor = self.configuration.addressOfRecord.description
        headers.add(.to, "<\(aor)>")
        headers.add(.from, "<\(aor)>;tag=\(self.configuration.fromTag)")
        headers.add(.callID, self.configuration.callID)
        headers.add(.cseq, "\(self.sequence) REGISTER")
        headers.add(.contact, "<\(self.configuration.contact.description)>")
        headers.add(.expires, String(expires))
        let request = SIPRequest(method: .register, uri: self.configuration.registrar, headers: headers)
        self.lastRequest = request
        return .send(request)
    }
}
