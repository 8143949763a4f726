import Foundation
import NIOCore
import RTP

/// The RTP side of one participant: socket, codec, sequence state, jitter buffer and DTMF receiver.
///
/// Confined to its room's event loop; the room calls it once per received packet and once per tick. Audio
/// crosses it at the room's rate (8, 16 or 48 kHz): G.711 is resampled from and to 8 kHz, G.722 and Opus pass
/// at their own rate when the room mixes at it (wideband between wideband callers).
///
/// RTCP (RFC 3550 §6) runs beside the media: an ``RTCPSession`` decides when to report and reads the caller's
/// reports; the leg carries its packets on `port + 1` (its own socket) or, with rtcp-mux (RFC 5761), on the RTP
/// socket, told apart by the second octet. On an SRTP leg every RTCP packet is SRTCP (RFC 3711 §3.4).
final class MediaLeg {
    let channel: any Channel
    let localPort: Int
    /// The RTCP socket on `localPort + 1`; nil with rtcp-mux.
    let rtcpChannel: (any Channel)?
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
    /// Reports sent and received, round-trip time and the caller's view of our stream (RFC 3550 §6).
    private(set) var rtcp: RTCPSession
    /// NTP time for SRs and round-trip times, anchored once for the leg (no steps mid-call).
    private let ntpClock: NTPClock
    /// Where RTCP goes: the caller's RTCP address, latched to where its valid RTCP comes from.
    private var rtcpRemote: SocketAddress?
    /// The media timestamp of the last RTP packet written, for the SR's RTP timestamp.
    private var lastTimestampSent: UInt32 = 0
    /// RTCP datagrams refused: not from the caller, invalid, or failing SRTCP authentication.
    private(set) var rtcpDropped = 0
    private var closed = false
    private var byeSent = false

    /// - Parameters:
    ///   - rtcpChannel: the socket on `localPort + 1`; closed at once when the leg multiplexes RTCP.
    ///   - cname: our RTCP canonical name (SDES CNAME).
    ///   - rtcpInterval: the minimum RTCP report interval (RFC 3550 §6.2; 5 s unless reduced).
    init(
        channel: any Channel,
        localPort: Int,
        parameters: MediaParameters,
        audioRate: Int = 8000,
        rtcpChannel: (any Channel)? = nil,
        cname: String = "parley",
        rtcpInterval: TimeAmount = .seconds(5)
    ) {
        self.channel = channel
        self.localPort = localPort
        if parameters.rtcpMux {
            rtcpChannel?.close(promise: nil)
            self.rtcpChannel = nil
        } else {
            self.rtcpChannel = rtcpChannel
        }
        self.rtcpRemote = parameters.remoteRTCP
        let now = NIODeadline.now()
        self.ntpClock = NTPClock(unixNanoseconds: UInt64(Date().timeIntervalSince1970 * 1e9), now: now)
        self.rtcp = RTCPSession(
            ssrc: self.ssrc,
            configuration: RTCPSession.Configuration(
                clockRate: parameters.clockRate,
                cname: cname,
                minimumInterval: rtcpInterval
            ),
            now: now,
            random: Double.random(in: 0..<1)
        )
        self.parameters = parameters
        self.audioRate = audioRate
        self.frameSize = audioRate / 50
        self.concealer = PacketLossConcealer(sampleRate: audioRate, frameSize: audioRate / 50)
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
            if self.parameters.rtcpMux { self.rtcpRemote = address }
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
        self.rtcp.receivedPacket(
            ssrc: packet.ssrc,
            sequenceNumber: packet.sequenceNumber,
            timestamp: packet.timestamp,
            arrival: arrivalNanoseconds
        )
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

    /// Pulls the next 20 ms of the caller's audio into `frame` (room rate); returns false when there was nothing.
    func readFrame(into frame: inout [Int16]) -> Bool {
        let law = self.parameters.law
        let result = self.payloadScratch.withUnsafeMutableBytes { scratch in
            self.jitterBuffer.pop(into: scratch)
        }
        switch result {
        case .frame(let count):
            frame.withUnsafeMutableBufferPointer { samples in
                self.payloadScratch.withUnsafeBytes { scratch in
                    let payload = UnsafeRawBufferPointer(rebasing: scratch[0..<min(count, scratch.count)])
                    let decoded: Int
                    if let wideband = self.wideband {
                        decoded = wideband.decode(payload, into: samples)
                    } else if let up = self.narrowUp {
                        decoded = self.narrow.withUnsafeMutableBufferPointer { narrow in
                            let count = G711.decode(payload, law: law, into: narrow)
                            return up.process(UnsafeBufferPointer(rebasing: narrow[0..<count]), into: samples).produced
                        }
                    } else {
                        decoded = G711.decode(payload, law: law, into: samples)
                    }
                    // A short packet leaves the rest of the frame silent rather than stale.
                    for index in decoded..<samples.count { samples[index] = 0 }
                }
            }
            // Played 3.75 ms late so a loss's start can be smoothed; after a loss, the concealment blends in.
            frame.withUnsafeMutableBufferPointer { self.concealer.processGoodFrame($0) }
            return true
        case .conceal:
            _ = frame.withUnsafeMutableBufferPointer { self.concealer.conceal(into: $0) }
            return true
        case .empty:
            // An underrun in the middle of speech (a late packet) is concealed too, until concealment is silent.
            guard self.concealer.isAudible else { return false }
            _ = frame.withUnsafeMutableBufferPointer { self.concealer.conceal(into: $0) }
            return true
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
        self.rtcp.sentPacket(
            payloadOctets: buffer.readableBytes - RTPHeader.fixedSize,
            timestamp: self.lastTimestampSent,
            now: .now()
        )
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
        self.lastTimestampSent = self.timestamp
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
        if self.parameters.rtcpMux {
            self.rtcpRemote = address
        } else if let host = address.ipAddress, let port = address.port {
            self.rtcpRemote = try? SocketAddress(ipAddress: host, port: port + 1)
        }
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

    /// Hangs the leg up: an RTCP BYE to the caller unless one went already (RFC 3550 §6.6), then both sockets
    /// are closed once it has left.
    func close() {
        guard !self.closed else { return }
        let channel = self.channel
        let rtcpChannel = self.rtcpChannel
        let bye = self.sendRTCPBye()
        self.closed = true
        guard let bye else {
            channel.close(promise: nil)
            rtcpChannel?.close(promise: nil)
            return
        }
        bye.whenComplete { _ in
            channel.close(promise: nil)
            rtcpChannel?.close(promise: nil)
        }
    }

    /// Sends our last compound RTCP packet, with a BYE, once per leg: the room sends it as soon as it decides to
    /// hang up (so it reaches the caller before the SIP BYE does), and ``close()`` if it has not gone yet.
    ///
    /// - Returns: the write's future, or nil when nothing was sent.
    @discardableResult
    func sendRTCPBye() -> EventLoopFuture<Void>? {
        guard !self.closed, !self.byeSent, let remote = self.rtcpRemote, var buffer = self.makeRTCPBuffer() else {
            return nil
        }
        self.byeSent = true
        let now = NIODeadline.now()
        self.rtcp.writeBye(
            reason: "left the conference",
            now: now,
            wallClock: self.ntpClock.timestamp(at: now),
            into: &buffer
        )
        guard self.protectRTCP(&buffer) else { return nil }
        return (self.rtcpChannel ?? self.channel).writeAndFlush(AddressedEnvelope(remoteAddress: remote, data: buffer))
    }

    // MARK: RTCP

    /// Whether a datagram on the RTP socket is RTCP: the second octet in 192...223 marks it (RFC 5761 §4). With
    /// rtcp-mux that is where RTCP comes; without it a peer that sends RTCP there anyway is still understood
    /// rather than fed to the jitter buffer (none of our payload types lies in 64–95). The room then hands it to
    /// ``receivedRTCP(_:arrivalNanoseconds:)``.
    func isMultiplexedRTCP(_ envelope: AddressedEnvelope<ByteBuffer>) -> Bool {
        envelope.data.withUnsafeReadableBytes { RTCPMultiplexing.classify($0) } == .rtcp
    }

    /// Sends a compound RTCP report if one is due (the room asks once per tick).
    func sendRTCPIfDue(now: NIODeadline) {
        guard !self.closed, self.rtcp.isReportDue(now: now), let remote = self.rtcpRemote,
            var buffer = self.makeRTCPBuffer()
        else { return }
        // Stamp the SR when it is written, not when the tick began: the mix ran in between, and the peer's
        // round-trip time counts from this stamp.
        let stamp = NIODeadline.now()
        guard
            self.rtcp.reportIfDue(
                now: stamp,
                wallClock: self.ntpClock.timestamp(at: stamp),
                random: Double.random(in: 0..<1),
                into: &buffer
            ), self.protectRTCP(&buffer)
        else { return }
        (self.rtcpChannel ?? self.channel).writeAndFlush(
            AddressedEnvelope(remoteAddress: remote, data: buffer),
            promise: nil
        )
    }

    /// Reads one RTCP datagram from the caller: checked (SRTCP), then handed to the RTCP session.
    ///
    /// Only the caller may report: once the RTP source is learnt, RTCP from another host is dropped, and the
    /// RTCP destination latches (symmetric RTCP, callers behind NAT) only to a source whose reports carry the
    /// learnt SSRC.
    func receivedRTCP(_ envelope: AddressedEnvelope<ByteBuffer>, arrivalNanoseconds: UInt64) -> RTCPSession.Received? {
        if let source = self.session.source, source.address.ipAddress != envelope.remoteAddress.ipAddress {
            self.rtcpDropped += 1
            return nil
        }
        var data = envelope.data
        if self.srtpReceiver != nil {
            self.clearScratch.clear()
            self.clearScratch.writeImmutableBuffer(envelope.data)
            do {
                try self.srtpReceiver?.unprotectRTCP(&self.clearScratch)
            } catch {
                self.rtcpDropped += 1
                return nil
            }
            data = self.clearScratch
        }
        let now = NIODeadline.uptimeNanoseconds(arrivalNanoseconds)
        let result = self.rtcp.receivedCompound(data, now: now, wallClock: self.ntpClock.timestamp(at: now))
        if case .invalid = result {
            self.rtcpDropped += 1
            return result
        }
        if let source = self.session.source, self.rtcp.peer.ssrc == source.ssrc {
            self.rtcpRemote = envelope.remoteAddress
        }
        return result
    }

    /// A buffer for one compound RTCP packet, with room for the SRTCP trailer.
    private func makeRTCPBuffer() -> ByteBuffer? {
        guard self.channel.isActive else { return nil }
        let capacity = 128 + self.rtcp.configuration.cname.utf8.count + SRTPSender.rtcpOverhead
        return self.channel.allocator.buffer(capacity: capacity)
    }

    /// Protects a compound RTCP packet on a secure leg; false when that failed (nothing must go out in clear).
    private func protectRTCP(_ buffer: inout ByteBuffer) -> Bool {
        guard self.srtpSender != nil else { return true }
        do {
            try self.srtpSender?.protectRTCP(&buffer)
            return true
        } catch {
            return false
        }
    }

    /// The RTCP figures of this leg, for the admin API and metrics.
    var rtcpStatistics: RTCPStatistics {
        RTCPStatistics(self.rtcp)
    }
}
