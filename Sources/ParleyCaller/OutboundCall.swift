import NIOCore
import RTP
import SIPCore

/// One call placed by a ``CallerAgent``: its dialog, its RTP socket, what it sends and what it heard.
///
/// Confined to the agent's event loop; the async methods hop there.
public final class OutboundCall: @unchecked Sendable {
    // Safety: every mutable field is touched only on `agent.eventLoop` (the public API hops there).
    public let callID: String
    public let target: String
    unowned let agent: CallerAgent
    public let localTag: String
    public internal(set) var remoteTag: String?
    /// Bodies of NOTIFYs received in this dialog (RFC 3515 sipfrag progress of a REFER).
    var notifications: [String] = []
    var remoteTarget: SIPURI?
    var inviteRequest: SIPRequest
    var offer: SessionDescription?
    var localCSeq: UInt32 = 1
    var channel: (any Channel)?
    /// Sends the call's RTP on the channel's socket in one `sendto` (no pipeline trip and flush per packet).
    var sender: DatagramSender?
    /// The local RTP port, given back to the agent's allocator when the call ends.
    var mediaPort: Int?
    var remoteMedia: SocketAddress?
    var law: G711.Law = .muLaw
    var payloadType: UInt8 = 0
    var telephoneEventPayloadType: UInt8 = 101
    var source: AudioSource
    var samplesSent = 0
    var frame = [Int16](repeating: 0, count: 160)
    var heardFrame = [Int16](repeating: 0, count: 160)
    let ssrc = UInt32.random(in: 1...UInt32.max)
    var sequence = UInt16.random(in: 0...UInt16.max)
    var timestamp = UInt32.random(in: 0...UInt32.max)
    var pendingDigits: [Character] = []
    var digitSender: TelephoneEventSender?
    var digitsDone: [EventLoopPromise<Void>] = []
    var recording: [Int16] = []
    var recordingEnabled = true
    /// Packets, loss and jitter of what arrived since the last ``resetReception()``.
    var reception = ReceptionStatistics()
    /// The encoded payload of `source` when every frame of it is the same (silence, a tone on a 50 Hz grid) and the
    /// codec is G.711: computed once, then copied into every packet instead of rendering and encoding each frame.
    var repeatedPayload: [UInt8]?
    public internal(set) var packetsReceived = 0
    public internal(set) var packetsSent = 0
    var answered = false
    /// On hold by our own re-INVITE: send no audio.
    var holding = false
    /// G.722 or Opus state when the call negotiated one.
    var wideband: WidebandCodec?
    /// Asked for wideband audio: with G.722 (Opus) the call sends and records at 16 (48) kHz, not 8 kHz.
    var wantsWidebandAudio = false
    /// The loss an Opus encoder sizes its in-band FEC for, in percent.
    var opusExpectedLossPercent = 10
    /// The rate a G.722 or Opus call sends and records at, when asked for (else by `wantsWidebandAudio`).
    var requestedAudioRate: Int?
    /// The Opus encoder's bitrate (bit/s) and complexity (0 to 10).
    var opusBitrate = 32000
    var opusComplexity = 5
    /// The rate of what this call sends and records.
    public internal(set) var audioRate = 8000
    /// The codec the far end chose, for reports ("PCMU", "PCMA", "G722").
    public internal(set) var codecName = ""
    var silentlyStopped = false
    var ended = false
    var endedByRemote = false
    var endWaiters: [EventLoopPromise<Void>] = []
    var answerPromise: EventLoopPromise<Void>?
    /// The SIP transport of the dialog, and the server address a stream transport's requests go to.
    var transport: SIPTransportKind = .udp
    var server: SocketAddress?
    /// SRTP contexts when the call negotiated SRTP (RFC 3711, keys by SDES).
    var srtpSender: SRTPSender?
    var srtpReceiver: SRTPReceiver?
    var srtpProfileInUse: SRTPProfile?
    var srtpDroppedCount = 0
    /// The last protected packets sent, kept while ``keepSentPackets`` is on (to replay them in tests).
    var sentPacketLog: [ByteBuffer] = []
    var keepSentPackets = false
    /// RTCP (RFC 3550 §6): the session once answered, its socket on port + 1 (closed with rtcp-mux), and where
    /// reports go.
    var rtcp: RTCPSession?
    var rtcpChannel: (any Channel)?
    var rtcpRemote: SocketAddress?
    var rtcpMux = false
    var rtcpInterval: TimeAmount = .seconds(5)
    var ntpClock = NTPClock(unixNanoseconds: 0, now: .now())
    /// The reason of the far end's RTCP BYE, once it sent one ("" without a reason).
    var rtcpByeReason: String?
    /// Audio packets still to be dropped instead of sent (loss injected by a test), and how many were.
    var dropPending = 0
    var droppedCount = 0
    /// The caller's side of 100rel and session timers for the INVITE (RFC 3262, RFC 4028).
    var extensions = UACInviteExtensions(sessionTimers: .init())
    /// The session timer once answered with a Session-Expires, its interval, and the tasks running it.
    var sessionTimer: SessionTimer?
    var sessionSeconds: UInt32?
    var sessionTimerTasks: [SessionTimer.Timer: Scheduled<Void>] = [:]
    /// UPDATE or re-INVITE for our refreshes (from the server's Allow and its 405/501).
    var refreshMethod = SessionRefreshMethod()

    init(agent: CallerAgent, callID: String, target: String, invite: SIPRequest, localTag: String, source: AudioSource)
    {
        self.agent = agent
        self.callID = callID
        self.target = target
        self.inviteRequest = invite
        self.localTag = localTag
        self.source = source
    }

    // MARK: - Public API

    /// Sends DTMF digits as RFC 4733 events in the media stream, one after the other; returns when all are sent.
    public func sendDigits(_ digits: String) async throws {
        let loop = self.agent.eventLoop
        try await loop.flatSubmit { () -> EventLoopFuture<Void> in
            let promise = loop.makePromise(of: Void.self)
            self.pendingDigits.append(contentsOf: digits)
            self.digitsDone.append(promise)
            return promise.futureResult
        }.get()
    }

    /// Sends one digit by SIP INFO (application/dtmf-relay) and returns the status of the answer.
    public func sendInfoDigit(_ digit: Character) async throws -> Int {
        let loop = self.agent.eventLoop
        return try await loop.flatSubmit { () -> EventLoopFuture<Int> in
            let promise = loop.makePromise(of: Int.self)
            var info = self.inDialogRequest(.info)
            info.headers.add(.contentType, "application/dtmf-relay")
            info.body = Array("Signal=\(digit)\r\nDuration=160\r\n".utf8)
            self.send(info, completing: promise)
            return promise.futureResult
        }.get()
    }

    /// Sends REFER (RFC 3515) asking the far end to bring `target` into the call; returns the final status.
    public func refer(to target: String) async throws -> Int {
        let loop = self.agent.eventLoop
        return try await loop.flatSubmit { () -> EventLoopFuture<Int> in
            let promise = loop.makePromise(of: Int.self)
            var refer = self.inDialogRequest(.refer)
            refer.headers.add(.referTo, "<\(target)>")
            refer.headers.add(.referredBy, self.inviteRequest.headers[.from] ?? "")
            refer.headers.add(.contact, self.inviteRequest.headers[.contact] ?? "")
            self.send(refer, completing: promise)
            return promise.futureResult
        }.get()
    }

    /// Stops or restarts sending media without telling the far end (a phone that went silent or away).
    public func setSending(_ sending: Bool) async throws {
        try await self.agent.eventLoop.submit { self.silentlyStopped = !sending }.get()
    }

    /// Where the far end wants our RTP (from its SDP answer).
    public var remoteMediaAddress: SocketAddress? {
        get async throws { try await self.agent.eventLoop.submit { self.remoteMedia }.get() }
    }

    /// The sipfrag bodies of the NOTIFYs received so far.
    public func receivedNotifications() async throws -> [String] {
        try await self.agent.eventLoop.submit { self.notifications }.get()
    }

    /// The value of a Replaces header (RFC 3891) that takes over this call at the far end.
    public var replacesValue: String {
        get async throws {
            try await self.agent.eventLoop.submit {
                "\(self.callID);to-tag=\(self.remoteTag ?? "");from-tag=\(self.localTag)"
            }.get()
        }
    }

    /// Changes what the caller sends from now on (a `.once` source starts from its beginning).
    public func setSource(_ source: AudioSource) async throws {
        try await self.agent.eventLoop.submit {
            self.source = source
            self.samplesSent = 0
            self.repeatedPayload = nil
        }.get()
    }

    /// Sends a re-INVITE with the given direction (RFC 3264 §8.4: sendonly puts the far end on hold,
    /// sendrecv resumes) and returns the final status. A 2xx is acknowledged.
    public func reInvite(direction: SDPDirection) async throws -> Int {
        let loop = self.agent.eventLoop
        return try await loop.flatSubmit { () -> EventLoopFuture<Int> in
            let promise = loop.makePromise(of: Int.self)
            guard var offer = self.offer else {
                promise.succeed(0)
                return promise.futureResult
            }
            offer.origin.sessionVersion = String((UInt64(offer.origin.sessionVersion) ?? 0) &+ 1)
            for index in offer.media.indices { offer.media[index].setDirection(direction) }
            self.offer = offer
            var invite = self.inDialogRequest(.invite)
            invite.headers.add(.contact, self.inviteRequest.headers[.contact] ?? "")
            invite.headers.add(.contentType, "application/sdp")
            invite.body = Array(String(describing: offer).utf8)
            let sequence = self.localCSeq
            self.holding = direction != .sendrecv
            self.agent.send(invite, for: self) { result in
                switch result {
                case .response(let response) where response.statusCode < 200:
                    break
                case .response(let response):
                    if response.statusCode < 300 {
                        var ack = self.inDialogRequest(.ack)
                        ack.headers.set(.cseq, "\(sequence) ACK")
                        self.localCSeq -= 1
                        self.agent.sendACK(ack, for: self)
                    }
                    promise.succeed(response.statusCode)
                case .timedOut, .transportError:
                    promise.succeed(408)
                }
            }
            return promise.futureResult
        }.get()
    }

    /// The session interval (RFC 4028) the call runs with, in seconds, or nil when it has no session timer.
    public var sessionInterval: UInt32? {
        get async throws {
            try await self.agent.eventLoop.submit { self.sessionTimer?.isRunning == true ? self.sessionSeconds : nil }
                .get()
        }
    }

    /// The SRTP suite the call negotiated, or nil for plain RTP.
    public var srtpProfile: SRTPProfile? {
        get async throws { try await self.agent.eventLoop.submit { self.srtpProfileInUse }.get() }
    }

    /// Received SRTP packets this caller dropped (tag mismatch, replay, malformed).
    public var srtpDropped: Int {
        get async throws { try await self.agent.eventLoop.submit { self.srtpDroppedCount }.get() }
    }

    // MARK: - Attacks on SRTP, for tests

    /// Starts (or stops) keeping the SRTP packets this call sends, so that ``replayKeptPackets(interval:)`` can
    /// send them again.
    public func setKeepingSentPackets(_ keep: Bool) async throws {
        try await self.agent.eventLoop.submit {
            self.keepSentPackets = keep
            if !keep { self.sentPacketLog.removeAll() }
        }.get()
    }

    /// A replay attack: sends every kept SRTP packet again, byte for byte, from this call's own address, one per
    /// `interval`. Returns how many were sent.
    public func replayKeptPackets(interval: Duration = .milliseconds(20)) async throws -> Int {
        let packets = try await self.agent.eventLoop.submit { () -> [ByteBuffer] in
            self.keepSentPackets = false
            return self.sentPacketLog
        }.get()
        for packet in packets {
            try await self.sendRaw(packet)
            try await Task.sleep(for: interval)
        }
        return packets.count
    }

    /// A tampering attack: sends `count` packets of a `tone` as this call's own stream (its SSRC, its next
    /// sequence numbers, its key), each with one bit of the encrypted payload flipped after protection.
    public func sendTampered(tone: Double, count: Int, interval: Duration = .milliseconds(20)) async throws {
        let source = AudioSource.tone(frequency: tone)
        for index in 0..<count {
            let packet = try await self.agent.eventLoop.submit { () -> ByteBuffer? in
                guard let channel = self.channel, self.srtpSender != nil else { return nil }
                var frame = [Int16](repeating: 0, count: 160)
                source.render(into: &frame, startingAt: index * 160)
                var buffer = channel.allocator.buffer(capacity: 12 + 160 + 14)
                RTPHeader(
                    payloadType: self.payloadType,
                    sequenceNumber: self.sequence,
                    timestamp: self.timestamp,
                    ssrc: self.ssrc
                ).write(into: &buffer)
                let law = self.law
                buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 160) { out in
                    frame.withUnsafeBufferPointer { G711.encode($0, law: law, into: out) }
                }
                self.sequence &+= 1
                self.timestamp &+= 160
                do {
                    try self.srtpSender?.protectRTP(&buffer)
                } catch {
                    return nil
                }
                let position = buffer.readerIndex + 40
                buffer.setInteger((buffer.getInteger(at: position, as: UInt8.self) ?? 0) ^ 0x10, at: position)
                return buffer
            }.get()
            guard let packet else { throw CallerError(.notConnected, "no SRTP call to tamper with") }
            try await self.sendRaw(packet)
            try await Task.sleep(for: interval)
        }
    }

    /// Sends `packet` as it is from this call's media socket to the far end's media address.
    private func sendRaw(_ packet: ByteBuffer) async throws {
        try await self.agent.eventLoop.flatSubmit { () -> EventLoopFuture<Void> in
            guard let channel = self.channel, let remote = self.remoteMedia else {
                return self.agent.eventLoop.makeSucceededVoidFuture()
            }
            return channel.writeAndFlush(AddressedEnvelope(remoteAddress: remote, data: packet))
        }.get()
    }

    /// Forgets what was heard so far and starts recording afresh.
    public func clearRecording() async throws {
        try await self.agent.eventLoop.submit { self.recording.removeAll(keepingCapacity: true) }.get()
    }

    /// Turns the recording of what the call hears on or off (off also forgets what was recorded). A load generator
    /// records only the callers it checks: a minute of audio is about a megabyte per call.
    public func setRecording(_ enabled: Bool) async throws {
        try await self.agent.eventLoop.submit {
            self.recordingEnabled = enabled
            if !enabled { self.recording = [] }
        }.get()
    }

    /// Packets, loss and jitter received since the last ``resetReception()`` (or the answer).
    public var receptionStatistics: ReceptionStatistics {
        get async throws { try await self.agent.eventLoop.submit { self.reception }.get() }
    }

    /// Starts the reception statistics afresh.
    public func resetReception() async throws {
        try await self.agent.eventLoop.submit { self.reception = ReceptionStatistics() }.get()
    }

    /// Everything heard since the last ``clearRecording()``, as samples at ``audioRate`` in arrival order.
    public func recordedSamples() async throws -> [Int16] {
        try await self.agent.eventLoop.submit { self.recording }.get()
    }

    /// Hangs up with BYE; returns the status of the BYE's answer (or nil if the call had already ended).
    @discardableResult
    public func hangUp() async throws -> Int? {
        let loop = self.agent.eventLoop
        return try await loop.flatSubmit { () -> EventLoopFuture<Int?> in
            guard !self.ended else { return loop.makeSucceededFuture(nil) }
            let promise = loop.makePromise(of: Int?.self)
            let bye = self.inDialogRequest(.bye)
            let status = loop.makePromise(of: Int.self)
            self.send(bye, completing: status)
            promise.completeWith(status.futureResult.map { Optional($0) })
            self.finish(byRemote: false)
            return promise.futureResult
        }.get()
    }

    /// Waits until the far end hangs up (BYE from the server); returns false on timeout.
    public func waitForRemoteHangUp(timeout: Duration) async throws -> Bool {
        let loop = self.agent.eventLoop
        let future = loop.flatSubmit { () -> EventLoopFuture<Void> in
            if self.ended { return loop.makeSucceededVoidFuture() }
            let promise = loop.makePromise(of: Void.self)
            self.endWaiters.append(promise)
            loop.scheduleTask(in: TimeAmount(timeout)) { promise.fail(CallerError(.timedOut, "no BYE")) }
            return promise.futureResult
        }
        do {
            try await future.get()
            return try await loop.submit { self.endedByRemote }.get()
        } catch {
            return false
        }
    }

    public var hasEnded: Bool {
        get async throws { try await self.agent.eventLoop.submit { self.ended }.get() }
    }

    // MARK: - On the loop

    /// Sends a request in this dialog and completes `promise` with its final status (408 when none came).
    func send(_ request: SIPRequest, completing promise: EventLoopPromise<Int>) {
        self.agent.send(request, for: self) { result in
            switch result {
            case .response(let response) where response.statusCode >= 200: promise.succeed(response.statusCode)
            case .response: break
            case .timedOut, .transportError: promise.succeed(408)
            }
        }
    }

    func inDialogRequest(_ method: SIPMethod) -> SIPRequest {
        var request = SIPRequest(method: method, uri: self.remoteTarget ?? self.inviteRequest.uri)
        request.headers.add(.from, self.inviteRequest.headers[.from] ?? "")
        var to = self.inviteRequest.headers[.to] ?? ""
        if let tag = self.remoteTag { to += ";tag=\(tag)" }
        request.headers.add(.to, to)
        request.headers.add(.callID, self.callID)
        self.localCSeq += 1
        request.headers.add(.cseq, "\(self.localCSeq) \(method.token)")
        return request
    }

    func finish(byRemote: Bool) {
        guard !self.ended else { return }
        self.ended = true
        for task in self.sessionTimerTasks.values { task.cancel() }
        self.sessionTimerTasks.removeAll()
        self.endedByRemote = byRemote
        self.sendRTCPBye()
        self.channel?.close(promise: nil)
        self.channel = nil
        self.rtcpChannel?.close(promise: nil)
        self.rtcpChannel = nil
        if let port = self.mediaPort {
            CallerAgent.ports.release(port)
            self.mediaPort = nil
        }
        for waiter in self.endWaiters { waiter.succeed(()) }
        self.endWaiters.removeAll()
        for promise in self.digitsDone { promise.fail(CallerError(.notConnected, "call ended")) }
        self.digitsDone.removeAll()
        self.answerPromise?.fail(CallerError(.notConnected, "call ended before answer"))
        self.answerPromise = nil
    }

    /// One 20 ms step of the sender: a DTMF event packet if digits are pending, else audio.
    func sendTick() {
        guard self.answered, !self.ended, !self.holding, !self.silentlyStopped, let channel = self.channel,
            let remote = self.remoteMedia
        else { return }
        var buffer = channel.allocator.buffer(capacity: 12 + 160 + 14)
        if self.digitSender == nil, !self.pendingDigits.isEmpty {
            let digit = self.pendingDigits.removeFirst()
            var sender = TelephoneEventSender()
            sender.start(digit: digit, timestamp: self.timestamp, durationSamples: 640)
            self.digitSender = sender
        }
        if var sender = self.digitSender {
            if let packet = sender.nextPacket() {
                let header = RTPHeader(
                    marker: packet.marker,
                    payloadType: self.telephoneEventPayloadType,
                    sequenceNumber: self.sequence,
                    timestamp: packet.timestamp,
                    ssrc: self.ssrc
                )
                header.write(into: &buffer)
                packet.event.write(into: &buffer)
                self.digitSender = sender
            } else {
                self.digitSender = nil
                if self.pendingDigits.isEmpty {
                    for promise in self.digitsDone { promise.succeed(()) }
                    self.digitsDone.removeAll()
                }
                return self.sendTick()
            }
        } else {
            let header = RTPHeader(
                marker: self.packetsSent == 0,
                payloadType: self.payloadType,
                sequenceNumber: self.sequence,
                timestamp: self.timestamp,
                ssrc: self.ssrc
            )
            header.write(into: &buffer)
            let law = self.law
            if self.wideband == nil, self.audioRate == 8000, self.source.repeatsEveryFrame {
                if self.repeatedPayload == nil {
                    self.source.render(into: &self.frame, startingAt: 0)
                    var payload = [UInt8](repeating: 0, count: self.frame.count)
                    payload.withUnsafeMutableBytes { out in
                        self.frame.withUnsafeBufferPointer { _ = G711.encode($0, law: law, into: out) }
                    }
                    self.repeatedPayload = payload
                }
                buffer.writeBytes(self.repeatedPayload ?? [])
            } else if let codec = self.wideband {
                self.source.render(into: &self.frame, startingAt: self.samplesSent, sampleRate: self.audioRate)
                buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: codec.maximumPayloadBytes) { out in
                    self.frame.withUnsafeBufferPointer { codec.encode($0, into: out) }
                }
            } else {
                self.source.render(into: &self.frame, startingAt: self.samplesSent)
                buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 160) { out in
                    self.frame.withUnsafeBufferPointer { G711.encode($0, law: law, into: out) }
                }
            }
        }
        self.rtcp?.sentPacket(
            payloadOctets: buffer.readableBytes - RTPHeader.fixedSize,
            timestamp: self.timestamp,
            now: .now()
        )
        self.samplesSent += self.frame.count
        self.timestamp &+= self.wideband?.timestampIncrement ?? 160
        self.sequence &+= 1
        self.packetsSent += 1
        if self.dropPending > 0 {
            // Injected loss: the packet is counted as sent (as the network lost it), never written.
            self.dropPending -= 1
            self.droppedCount += 1
            return
        }
        if self.srtpSender != nil {
            do {
                try self.srtpSender?.protectRTP(&buffer)
            } catch {
                return
            }
            if self.keepSentPackets {
                self.sentPacketLog.append(buffer)
                if self.sentPacketLog.count > 150 { self.sentPacketLog.removeFirst() }
            }
        }
        if let sender = self.sender {
            sender.send(buffer, to: remote)
        } else {
            channel.writeAndFlush(AddressedEnvelope(remoteAddress: remote, data: buffer), promise: nil)
        }
    }

    func receivedMedia(_ envelope: AddressedEnvelope<ByteBuffer>) {
        // RTCP on the RTP port (rtcp-mux, or a peer that sends it there anyway) is told apart by its second octet
        // (RFC 5761 §4) and never counted as audio.
        if envelope.data.withUnsafeReadableBytes({ RTCPMultiplexing.classify($0) }) == .rtcp {
            self.receivedRTCP(envelope)
            return
        }
        var data = envelope.data
        if self.srtpReceiver != nil {
            do {
                try self.srtpReceiver?.unprotectRTP(&data)
            } catch {
                self.srtpDroppedCount += 1
                return
            }
        }
        guard let packet = RTPPacketView(buffer: data) else { return }
        self.packetsReceived += 1
        let arrival = NIODeadline.now().uptimeNanoseconds
        self.rtcp?.receivedPacket(
            ssrc: packet.ssrc,
            sequenceNumber: packet.sequenceNumber,
            timestamp: packet.timestamp,
            arrival: arrival
        )
        self.reception.record(
            sequence: packet.sequenceNumber,
            timestamp: packet.timestamp,
            clockRate: self.codecName == "OPUS" ? 48000 : 8000,
            arrivalNanoseconds: arrival
        )
        guard self.recordingEnabled, packet.payloadType == self.payloadType else { return }
        let law = self.law
        guard let payload = packet.payload(in: data) else { return }
        if let codec = self.wideband {
            payload.withUnsafeReadableBytes { bytes in
                let decoded = self.heardFrame.withUnsafeMutableBufferPointer { codec.decode(bytes, into: $0) }
                self.recording.append(contentsOf: self.heardFrame[0..<decoded])
            }
            return
        }
        payload.withUnsafeReadableBytes { bytes in
            let start = self.recording.count
            self.recording.append(contentsOf: repeatElement(0, count: bytes.count))
            self.recording.withUnsafeMutableBufferPointer { all in
                let tail = UnsafeMutableBufferPointer(rebasing: all[start...])
                _ = G711.decode(bytes, law: law, into: tail)
            }
        }
    }
}

/// Feeds a call's RTP or RTCP socket into the call (same event loop as the agent).
final class CallerMediaHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    weak var call: OutboundCall?
    /// Whether this is the RTCP socket (`port + 1`).
    let rtcp: Bool

    init(call: OutboundCall, rtcp: Bool = false) {
        self.call = call
        self.rtcp = rtcp
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if self.rtcp {
            self.call?.receivedRTCP(self.unwrapInboundIn(data))
        } else {
            self.call?.receivedMedia(self.unwrapInboundIn(data))
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {}
}

@available(*, unavailable)
extension CallerMediaHandler: Sendable {}
