import Mixer
import NIOCore
import RTP

/// The RTP side of one participant: socket, codec, sequence state, jitter buffer and DTMF receiver.
///
/// Confined to its room's event loop; the room calls it once per received packet and once per tick. Audio
/// crosses it at the room's rate (8, 16 or 48 kHz): G.711 is resampled from and to 8 kHz, G.722 and Opus pass
/// at their own rate when the room mixes at it (wideband between wideband callers).
final class MediaLeg {
    let channel: any Channel
    let localPort: Int
    private(set) var parameters: MediaParameters
    private var jitterBuffer = JitterBuffer()
    private var concealer: PacketLossConcealer
    private var telephoneEvents = TelephoneEventReceiver()
    private let ssrc = UInt32.random(in: 1...UInt32.max)
    private var sequence = UInt16.random(in: 0...UInt16.max)
    private var timestamp = UInt32.random(in: 0...UInt32.max)
    private var sentFirst = false
    private var payloadScratch = [UInt8](repeating: 0, count: 1024)
    /// Whether the remote address was learned from received packets (symmetric RTP).
    private(set) var latched = false
    private(set) var packetsReceived = 0
    private(set) var packetsSent = 0
    private(set) var lastReceivedTick: Int64 = 0
    private(set) var packetsDropped = 0
    /// Source checks (symmetric and strict RTP); the room runs the inactivity timeout itself.
    private var session = MediaSession<SocketAddress>(
        configuration: MediaSession<SocketAddress>.Configuration(inactivityTimeout: nil),
        now: .now()
    )

    /// G.722 or Opus state for a wideband leg (nil for G.711).
    private let wideband: WidebandCodec?
    /// The room's mixing rate, and the samples of one 20 ms frame at it.
    let audioRate: Int
    let frameSize: Int
    /// For a G.711 leg in a room faster than 8 kHz: 8 kHz to room rate and back, through an 8 kHz frame.
    private let narrowUp: Resampler?
    private let narrowDown: Resampler?
    private var narrow = [Int16](repeating: 0, count: 160)
    /// SRTP on a secure leg (RFC 3711): protects what we send, checks and decrypts what arrives.
    private var srtpSender: SRTPSender?
    private var srtpReceiver: SRTPReceiver?
    /// Where a received SRTP packet is decrypted: the datagram's own buffer is still referenced by the pipeline,
    /// so decrypting it in place would make NIO copy it; this one is reused for every packet.
    private var clearScratch: ByteBuffer
    /// SRTP packets dropped: tag mismatch (tampered or forged), replayed, or malformed.
    private(set) var srtpDropped = 0

    init(channel: any Channel, localPort: Int, parameters: MediaParameters, audioRate: Int = 8000) {
        self.channel = channel
        self.localPort = localPort
        self.parameters = parameters
        self.audioRate = audioRate
        self.frameSize = audioRate / 50
        self.concealer = PacketLossConcealer(frameSize: audioRate / 50)
        self.wideband = parameters.wideband.flatMap {
            try? WidebandCodec($0, frameSize: audioRate / 50, audioRate: audioRate)
        }
        if self.wideband == nil, audioRate != 8000 {
            self.narrowUp = try? Resampler(inputRate: 8000, outputRate: audioRate)
            self.narrowDown = try? Resampler(inputRate: audioRate, outputRate: 8000)
        } else {
            self.narrowUp = nil
            self.narrowDown = nil
        }
        self.clearScratch = channel.allocator.buffer(capacity: parameters.secure == nil ? 0 : 2048)
        if let secure = parameters.secure {
            self.srtpSender = SRTPSender(profile: secure.profile, masterKey: secure.local)
            self.srtpReceiver = SRTPReceiver(profile: secure.profile, masterKey: secure.remote)
        }
        if let wideband = self.wideband {
            self.jitterBuffer = JitterBuffer(
                configuration: JitterBuffer.Configuration(
                    maximumPayloadBytes: wideband.maximumPayloadBytes,
                    clockRate: wideband.kind == .opus ? 48000 : 8000
                )
            )
        }
    }

    /// Whether this leg can take the room's shared mix encoded once for everyone on the same G.711 law (the
    /// room brings the mix to 8 kHz once for all of them).
    var sharesEncoding: Bool { self.wideband == nil }

    /// Handles one datagram; returns a DTMF digit when this packet started a new RFC 4733 event.
    func received(_ envelope: AddressedEnvelope<ByteBuffer>, tick: Int64, arrivalNanoseconds: UInt64) -> Character? {
        var data = envelope.data
        if self.srtpReceiver != nil {
            // RFC 3711 §3.3: authenticate (and refuse replays) before anything reads the packet.
            self.clearScratch.clear()
            self.clearScratch.writeImmutableBuffer(envelope.data)
            do {
                try self.srtpReceiver?.unprotectRTP(&self.clearScratch)
            } catch {
                self.srtpDropped += 1
                self.packetsDropped += 1
                return nil
            }
            data = self.clearScratch
        }
        guard let packet = RTPPacketView(buffer: data) else {
            self.packetsDropped += 1
            return nil
        }
        // Symmetric RTP: send back to where the caller's packets come from (callers behind NAT). Strict RTP:
        // the source is learnt over a short probation, then packets from anywhere else are dropped, so nobody
        // can inject audio into the call (no RTP bleed). A re-INVITE with a new address starts afresh.
        let now = NIODeadline.uptimeNanoseconds(arrivalNanoseconds)
        switch self.session.receivedPacket(
            from: envelope.remoteAddress,
            ssrc: packet.ssrc,
            sequenceNumber: packet.sequenceNumber,
            now: now
        ) {
        case .accept:
            break
        case .latch(let address):
            self.parameters.remote = address
            self.latched = true
        case .restartStream:
            // A new SSRC (the phone restarted its stream): forget the old stream's sequence and events.
            self.jitterBuffer.reset()
            self.telephoneEvents.reset()
        case .drop:
            self.packetsDropped += 1
            return nil
        }
        self.packetsReceived += 1
        self.lastReceivedTick = tick
        let payloadType = packet.payloadType
        guard let payload = packet.payload(in: data) else { return nil }
        if payloadType == self.parameters.payloadType {
            payload.withUnsafeReadableBytes { bytes in
                _ = self.jitterBuffer.insert(
                    sequence: packet.sequenceNumber,
                    timestamp: packet.timestamp,
                    payload: bytes,
                    arrival: arrivalNanoseconds
                )
            }
            return nil
        }
        // RFC 4733 telephone-event: on the negotiated type, and tolerated on 96/101 from phones (and sipp) that
        // send it there whatever the SDP said.
        let isEventType =
            payloadType == self.parameters.telephoneEventPayloadType || payloadType == 96 || payloadType == 101
        guard isEventType else { return nil }
        guard let event = TelephoneEvent(buffer: payload) else { return nil }
        return self.telephoneEvents.receivedPacket(event, timestamp: packet.timestamp)
    }

    /// Pulls the next 20 ms of the caller's audio into `frame` (room rate).
    ///
    /// - Returns: the frame's average magnitude (mean `|sample|`), for the mixer's talker detection, or nil when
    ///   there was nothing. A G.711 leg measures it while decoding (``G711/decodeMeasuring(_:law:into:)``), so the
    ///   room's tick reads each listener's samples once, not twice; in a room faster than 8 kHz it is the 8 kHz
    ///   frame's level, which the resampler keeps. Wideband and concealed frames are measured after decoding.
    func readFrame(into frame: inout [Int16]) -> Int? {
        let law = self.parameters.law
        let result = self.payloadScratch.withUnsafeMutableBytes { scratch in
            self.jitterBuffer.pop(into: scratch)
        }
        switch result {
        case .frame(let count):
            let level = frame.withUnsafeMutableBufferPointer { samples in
                self.payloadScratch.withUnsafeBytes { scratch in
                    let payload = UnsafeRawBufferPointer(rebasing: scratch[0..<min(count, scratch.count)])
                    let decoded: Int
                    var level: Int?
                    if let wideband = self.wideband {
                        decoded = wideband.decode(payload, into: samples)
                    } else if let up = self.narrowUp {
                        decoded = self.narrow.withUnsafeMutableBufferPointer { narrow in
                            let narrowDecoded = G711.decodeMeasuring(payload, law: law, into: narrow)
                            level = narrowDecoded.sumOfMagnitudes / max(narrow.count, 1)
                            let narrowFrame = UnsafeBufferPointer(rebasing: narrow[0..<narrowDecoded.count])
                            return up.process(narrowFrame, into: samples).produced
                        }
                    } else {
                        let direct = G711.decodeMeasuring(payload, law: law, into: samples)
                        decoded = direct.count
                        level = direct.sumOfMagnitudes / max(samples.count, 1)
                    }
                    // A short packet leaves the rest of the frame silent rather than stale.
                    for index in decoded..<samples.count { samples[index] = 0 }
                    return level ?? TalkerDetector.averageMagnitude(of: UnsafeBufferPointer(samples))
                }
            }
            frame.withUnsafeBufferPointer { self.concealer.recordGoodFrame($0) }
            return level
        case .conceal:
            _ = frame.withUnsafeMutableBufferPointer { self.concealer.conceal(into: $0) }
            return frame.withUnsafeBufferPointer { TalkerDetector.averageMagnitude(of: $0) }
        case .empty:
            return nil
        }
    }

    /// Packet counts so far, for the room's meter: lost are frames the jitter buffer concealed, dropped are
    /// packets refused by the source checks or by the jitter buffer (late, duplicate).
    var packetCounts: RoomMeter.PacketCounts {
        let statistics = self.jitterBuffer.statistics
        return RoomMeter.PacketCounts(
            received: self.packetsReceived,
            sent: self.packetsSent,
            lost: statistics.concealed,
            dropped: self.packetsDropped + statistics.late + statistics.duplicates
        )
    }

    /// The caller's interarrival jitter (RFC 3550 §6.4.1), in milliseconds.
    var jitterMilliseconds: Double { self.jitterBuffer.jitterMilliseconds }
    /// The jitter buffer's present delay: frames held or awaited, from the next to play to the newest received.
    var jitterBufferMilliseconds: Int { self.jitterBuffer.bufferedFrames * 20 }

    /// The leg's codec, so the room can encode once for every listener who shares it.
    var law: G711.Law { self.parameters.law }

    /// Writes one already-encoded 20 ms payload (the room's shared mix, encoded once per codec).
    func send(encoded payload: [UInt8]) {
        guard let remote = self.parameters.remote else { return }
        var buffer = self.channel.allocator.buffer(capacity: 12 + payload.count + SRTPSender.rtcpOverhead)
        self.writeHeader(into: &buffer, samples: payload.count)
        buffer.writeBytes(payload)
        self.write(&buffer, to: remote)
    }

    /// Sends one RTP packet, protected first on a secure leg; never plain RTP on a leg that negotiated SRTP.
    private func write(_ buffer: inout ByteBuffer, to remote: SocketAddress) {
        if self.srtpSender != nil {
            do {
                try self.srtpSender?.protectRTP(&buffer)
            } catch {
                return
            }
        }
        self.channel.write(AddressedEnvelope(remoteAddress: remote, data: buffer), promise: nil)
    }

    private func writeHeader(into buffer: inout ByteBuffer, samples: Int) {
        let header = RTPHeader(
            marker: !self.sentFirst,
            payloadType: self.parameters.payloadType,
            sequenceNumber: self.sequence,
            timestamp: self.timestamp,
            ssrc: self.ssrc
        )
        header.write(into: &buffer)
        self.sentFirst = true
        self.sequence &+= 1
        self.timestamp &+= UInt32(samples)
        self.packetsSent += 1
    }

    /// Encodes and writes one 20 ms frame at the room's rate to the caller (not flushed: the room flushes once
    /// per tick).
    func send(_ frame: [Int16]) {
        guard let remote = self.parameters.remote else { return }
        let narrowCount = self.narrow.count
        var buffer = self.channel.allocator.buffer(
            capacity: 12 + (self.wideband?.maximumPayloadBytes ?? narrowCount) + SRTPSender.rtcpOverhead
        )
        self.writeHeader(into: &buffer, samples: Int(self.wideband?.timestampIncrement ?? UInt32(narrowCount)))
        let law = self.parameters.law
        let wideband = self.wideband
        let down = self.narrowDown
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: wideband?.maximumPayloadBytes ?? narrowCount) { out in
            frame.withUnsafeBufferPointer { samples in
                if let wideband { return wideband.encode(samples, into: out) }
                guard let down else { return G711.encode(samples, law: law, into: out) }
                return self.narrow.withUnsafeMutableBufferPointer { narrow in
                    let produced = down.process(samples, into: narrow).produced
                    // The filter's start-up delay may leave the first frame short: pad, keep the timing.
                    for index in produced..<narrow.count { narrow[index] = 0 }
                    return G711.encode(UnsafeBufferPointer(narrow), law: law, into: out)
                }
            }
        }
        self.write(&buffer, to: remote)
    }

    /// A new address from a re-INVITE: send there, and learn again from what arrives (symmetric RTP).
    func updateRemote(_ address: SocketAddress?) {
        guard let address else { return }
        self.parameters.remote = address
        self.latched = false
        self.session.renegotiated()
    }

    /// New SRTP keys from a re-INVITE: a context is replaced only when its key changed, so an unchanged one
    /// keeps its rollover counter and replay window.
    func updateSecure(_ secure: SecureMedia?) {
        guard secure != self.parameters.secure else { return }
        let previous = self.parameters.secure
        if secure?.remote != previous?.remote || secure?.profile != previous?.profile {
            self.srtpReceiver = secure.map { SRTPReceiver(profile: $0.profile, masterKey: $0.remote) }
        }
        if secure?.local != previous?.local || secure?.profile != previous?.profile {
            self.srtpSender = secure.map { SRTPSender(profile: $0.profile, masterKey: $0.local) }
        }
        if secure != nil && self.clearScratch.capacity < 2048 {
            self.clearScratch = self.channel.allocator.buffer(capacity: 2048)
        }
        self.parameters.secure = secure
    }

    func flush() { self.channel.flush() }

    func close() { self.channel.close(promise: nil) }
}
