import Foundation
import Mixer
import NIOCore
import RTP

/// The RTP side of one participant: socket, codec, sequence state, jitter buffer and DTMF receiver.
///
/// Confined to its room's event loop; the room calls it once per received packet and once per tick. Audio
/// crosses it at the room's rate (8, 16 or 48 kHz): G.711 is resampled from and to 8 kHz, G.722 and Opus pass
/// at their own rate when the room mixes at it (wideband between wideband callers).
///
/// A G.711 leg in a room faster than 8 kHz keeps its receive path (concealment, repacketising, level) at 8 kHz
/// and raises a frame to the room's rate only when asked (``raiseNarrowFrame(into:)``): the room asks for the
/// frames the mixer selects, so callers who are not heard cost no resampling.
///
/// RTCP (RFC 3550 §6) runs beside the media: an ``RTCPSession`` decides when to report and reads the caller's
/// reports; the leg carries its packets on `port + 1` (its own socket) or, with rtcp-mux (RFC 5761), on the RTP
/// socket, told apart by the second octet. On an SRTP leg every RTCP packet is SRTCP (RFC 3711 §3.4).
///
/// The room's frames last its mixing interval (10, 20, 40 or 80 ms); the caller's packets last the ptime they
/// negotiated. The leg repacketises between the two both ways: decoded packets queue until a room frame is
/// whole, and room frames (or their shared G.711 encoding) queue until a packet is whole.
final class MediaLeg {
    let channel: any Channel
    /// Sends RTP on the channel's socket without its write path; nil writes through the channel (tests).
    private let sender: DatagramSender?
    /// The outgoing packet, rebuilt in place for every packet (SRTP protects it here too), so sending allocates
    /// nothing: the direct sender keeps no reference, and a channel write is flushed within the tick.
    private var packetScratch: ByteBuffer
    let localPort: Int
    /// The RTCP socket on `localPort + 1`; nil with rtcp-mux.
    let rtcpChannel: (any Channel)?
    private(set) var parameters: MediaParameters
    private var jitterBuffer = JitterBuffer()
    private var concealer = PacketLossConcealer()
    /// The counts of jitter buffers a codec change retired, so the leg's totals never go backwards.
    private var retiredJitterStatistics = JitterBuffer.Statistics()
    private var telephoneEvents = TelephoneEventReceiver()
    private let ssrc = UInt32.random(in: 1...UInt32.max)
    private var sequence = UInt16.random(in: 0...UInt16.max)
    private var timestamp = UInt32.random(in: 0...UInt32.max)
    /// Set for the first packet of the stream and the first after a pause: the RTP marker bit (RFC 3551 §4.1).
    private var markNext = true
    /// When the room stopped sending to the caller (hold), so that resuming can move the timestamp on.
    private var pausedAt: NIODeadline?
    private var payloadScratch = [UInt8](repeating: 0, count: 1024)
    /// Whether the remote address was learned from received packets (symmetric RTP).
    private(set) var latched = false
    private(set) var packetsReceived = 0
    private(set) var packetsSent = 0
    private(set) var lastReceivedTick: Int64 = 0
    private(set) var packetsDropped = 0
    /// Opus frames lost and rebuilt from the next packet's in-band FEC, and lost frames (or underruns) filled by
    /// the decoder's PLC.
    private(set) var framesRecoveredFromFEC = 0
    private(set) var framesConcealedByCodec = 0
    /// Milliseconds concealed by the codec since its last good packet (none yet: nothing to extend).
    private var codecConcealedMilliseconds = Int.max / 2
    /// Source checks (symmetric and strict RTP); the room runs the inactivity timeout itself.
    private var session = MediaSession<SocketAddress>(
        configuration: MediaSession<SocketAddress>.Configuration(inactivityTimeout: nil),
        now: .now()
    )

    /// G.722 or Opus state for a wideband leg (nil for G.711).
    ///
    /// This and everything down to the sample scratch follow the negotiated codec and packet time: a
    /// renegotiation to another codec family or ptime makes them afresh (``updateCodec(_:)``). The values here
    /// are placeholders that ``configureCodec(_:)`` replaces before the initialiser returns.
    private var wideband: WidebandCodec?
    /// The room's mixing rate, and the samples of one room frame (its mixing interval) at it.
    let audioRate: Int
    let frameSize: Int
    /// The caller's packet time, and one packet's samples at the room's rate.
    private(set) var packetMilliseconds = 20
    private var packetSize = 160
    /// For a G.711 leg in a room faster than 8 kHz: 8 kHz to room rate and back.
    private var narrowUp: Resampler?
    private var narrowDown: Resampler?
    /// One room frame at 8 kHz (G.711 out).
    private var narrowFrame: [Int16]
    /// One packet and one room frame of the receive path, at the rate it runs: 8 kHz for a G.711 leg (raised to
    /// the room's rate after the mixer's choice), the room's rate for the others.
    private var inboundPacketSize = 160
    private var inboundFrameSize = 160
    /// One packet of the caller's audio at the receive path's rate, decoded or concealed.
    private var packetSamples: [Int16] = []
    /// Decoded audio waiting to fill room frames.
    private var inbound = Repacketizer<Int16>(capacity: 1)
    /// A G.711 leg in a faster room: its last two room frames at 8 kHz (the one read this tick at
    /// `narrowCurrent`, the one before in the other half), so a resampler that skipped frames can be primed.
    private var narrowFrames: [Int16] = []
    private var narrowCurrent = 0
    /// Calls of ``readNarrowFrame()`` so far, and which of them gave the frames held (−1: none), and which frame
    /// the resampler last converted: its filter history is right for the current frame only when that is the one
    /// just before it.
    private var narrowReads = 0
    private var currentNarrowRead = -1
    private var previousNarrowRead = -1
    private var raisedNarrowRead = -1
    /// Room frames read at 8 kHz, and those of them raised to the room's rate; the resampler's restarts (reset,
    /// then primed with the frame before when there is one) after it skipped frames.
    private(set) var narrowFramesRead = 0
    private(set) var narrowFramesRaised = 0
    private(set) var resamplerRestarts = 0
    /// Room audio waiting to fill a packet: G.711 octets (the shared mix and the leg's own), or room-rate
    /// samples for a wideband codec, which codes a whole packet at once.
    private var outboundOctets = Repacketizer<UInt8>(capacity: 1)
    private var outboundSamples = Repacketizer<Int16>(capacity: 1)
    private var octetScratch: [UInt8] = []
    private var sampleScratch: [Int16] = []
    /// ConfBridge `jitterbuffer=no` (``playPacketsAsTheyCome()``), kept across a codec change.
    private var playsPacketsAsTheyCome = false
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
    ///   - frameMilliseconds: the room's mixing interval: how long each frame to and from the room lasts.
    ///   - sender: sends on `channel`'s socket directly (``RTPSocket/Bound/sender``); nil writes through the channel.
    init(
        channel: any Channel,
        sender: DatagramSender? = nil,
        localPort: Int,
        parameters: MediaParameters,
        audioRate: Int = 8000,
        rtcpChannel: (any Channel)? = nil,
        cname: String = "parley",
        rtcpInterval: TimeAmount = .seconds(5),
        frameMilliseconds: Int = 20
    ) {
        self.channel = channel
        self.sender = sender
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
        self.frameSize = audioRate * frameMilliseconds / 1000
        self.narrowFrame = [Int16](repeating: 0, count: 8 * frameMilliseconds)
        self.clearScratch = channel.allocator.buffer(capacity: parameters.secure == nil ? 0 : 2048)
        self.packetScratch = channel.allocator.buffer(capacity: 2048)
        if let secure = parameters.secure {
            self.srtpSender = SRTPSender(profile: secure.profile, masterKey: secure.local)
            self.srtpReceiver = SRTPReceiver(profile: secure.profile, masterKey: secure.remote)
        }
        if !self.configureCodec(parameters) {
            // The wideband codec could not be made (never expected): G.711's shapes keep the leg sound.
            var narrowband = parameters
            narrowband.wideband = nil
            _ = self.configureCodec(narrowband)
        }
    }

    /// Makes the codec-shaped state for `parameters`' codec and packet time: the decoder and encoder (G.722 or
    /// Opus, or the G.711 resamplers in a room faster than 8 kHz), the packet and frame queues both ways, the
    /// loss concealer, and a jitter buffer on the codec's RTP clock. What was queued under the old codec is
    /// dropped rather than played or sent as the new one.
    ///
    /// - Returns: false, changing nothing, when the wideband codec cannot be made.
    private func configureCodec(_ parameters: MediaParameters) -> Bool {
        let ptime = Self.packetTime(parameters.ptimeMilliseconds, opus: parameters.wideband == .opus)
        let packetSize = self.audioRate * ptime / 1000
        var wideband: WidebandCodec?
        if let kind = parameters.wideband {
            guard let codec = try? WidebandCodec(kind, frameSize: packetSize, audioRate: self.audioRate) else {
                return false
            }
            wideband = codec
        }
        let frameMilliseconds = self.frameSize * 1000 / self.audioRate
        self.wideband = wideband
        self.packetMilliseconds = ptime
        self.packetSize = packetSize
        // G.711 is received at 8 kHz whatever the room's rate (raised after the mixer's choice); the others at the
        // room's rate.
        let inboundRate = wideband == nil ? 8000 : self.audioRate
        self.inboundPacketSize = inboundRate * ptime / 1000
        self.inboundFrameSize = inboundRate * frameMilliseconds / 1000
        self.concealer = PacketLossConcealer(sampleRate: inboundRate, frameSize: self.inboundPacketSize)
        self.codecConcealedMilliseconds = Int.max / 2
        self.narrowFrames = [Int16](
            repeating: 0,
            count: wideband == nil && self.audioRate != 8000 ? 2 * self.inboundFrameSize : 0
        )
        // A new resampler has no history, and the frames held are gone: nothing to prime it with.
        self.narrowCurrent = 0
        self.currentNarrowRead = -1
        self.previousNarrowRead = -1
        self.raisedNarrowRead = -1
        self.packetSamples = [Int16](repeating: 0, count: self.inboundPacketSize)
        self.inbound = Repacketizer(capacity: self.inboundPacketSize + self.inboundFrameSize)
        self.outboundOctets = Repacketizer(capacity: 8 * (ptime + frameMilliseconds))
        self.outboundSamples = Repacketizer(capacity: packetSize + self.frameSize)
        self.octetScratch = [UInt8](repeating: 0, count: 8 * max(ptime, frameMilliseconds))
        self.sampleScratch = [Int16](repeating: 0, count: packetSize)
        if wideband == nil, self.audioRate != 8000 {
            self.narrowUp = try? Resampler(inputRate: 8000, outputRate: self.audioRate)
            self.narrowDown = try? Resampler(inputRate: self.audioRate, outputRate: 8000)
        } else {
            self.narrowUp = nil
            self.narrowDown = nil
        }
        var configuration = JitterBuffer.Configuration(
            maximumPayloadBytes: wideband?.maximumPayloadBytes ?? 8 * ptime,
            frameMilliseconds: ptime,
            clockRate: parameters.clockRate,
            // At least two packets ahead, and the usual 40 ms at small packet times.
            initialDelayMilliseconds: max(40, 2 * ptime),
            minimumDelayMilliseconds: ptime
        )
        if self.playsPacketsAsTheyCome {
            configuration.initialDelayMilliseconds = ptime
            configuration.minimumDelayMilliseconds = ptime
            configuration.maximumDelayMilliseconds = ptime
        }
        self.retiredJitterStatistics = Self.sum(self.retiredJitterStatistics, self.jitterBuffer.statistics)
        self.jitterBuffer = JitterBuffer(configuration: configuration)
        if self.payloadScratch.count < configuration.maximumPayloadBytes {
            self.payloadScratch = [UInt8](repeating: 0, count: configuration.maximumPayloadBytes)
        }
        self.rtcp.changeClockRate(parameters.clockRate)
        return true
    }

    /// The packet time a leg uses for a negotiated `a=ptime`: 10 to 120 ms in steps of 10 (G.711 and G.722 take
    /// any), and for Opus one of its own frame sizes (10, 20, 40, 60 ms); anything else is 20 ms.
    static func packetTime(_ negotiated: Int, opus: Bool) -> Int {
        if opus { return [10, 20, 40, 60].contains(negotiated) ? negotiated : 20 }
        return (10...120).contains(negotiated) && negotiated % 10 == 0 ? negotiated : 20
    }

    /// ConfBridge `jitterbuffer=no`: packets play as they come, one frame behind, instead of behind an adaptive
    /// delay that follows the measured jitter. Reordering within that one frame still works.
    func playPacketsAsTheyCome() {
        self.playsPacketsAsTheyCome = true
        var configuration = self.jitterBuffer.configuration
        configuration.initialDelayMilliseconds = configuration.frameMilliseconds
        configuration.minimumDelayMilliseconds = configuration.frameMilliseconds
        configuration.maximumDelayMilliseconds = configuration.frameMilliseconds
        self.jitterBuffer = JitterBuffer(configuration: configuration)
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

    /// Pulls the next room frame of the caller's audio into `frame` (room rate). Packets are decoded (or
    /// concealed) one after the other until a whole frame is queued.
    ///
    /// - Returns: the frame's average magnitude (mean `|sample|`), for the mixer's talker detection, or nil when
    ///   there was nothing (what is queued then waits for the next packet rather than being padded). When the
    ///   caller's packets last as long as the room's frames (the usual 20 ms), a G.711 leg measures the level right
    ///   after decoding, while the samples are still in L1 cache, so the mixer need not read every caller's frame
    ///   again; in a room faster than 8 kHz it is the 8 kHz packet's level, which the resampler keeps. Repacketised,
    ///   wideband and concealed frames are measured on the frame (a G.711 one at 8 kHz).
    func readFrame(into frame: inout [Int16]) -> Int? {
        if self.defersResampling {
            guard let level = self.readNarrowFrame() else { return nil }
            frame.withUnsafeMutableBufferPointer { self.raiseNarrowFrame(into: $0) }
            return level
        }
        return frame.withUnsafeMutableBufferPointer { self.pullInbound(into: $0) }
    }

    /// Whether the leg's frames wait at 8 kHz until the room asks for them at its rate: G.711 in a room faster
    /// than 8 kHz. Such a leg is read with ``readNarrowFrame()`` and ``raiseNarrowFrame(into:)``.
    var defersResampling: Bool { self.narrowUp != nil }

    /// For a leg that ``defersResampling``: pulls the next room frame at 8 kHz and keeps it, without converting
    /// it; call once per tick, like ``readFrame(into:)``.
    ///
    /// - Returns: the frame's average magnitude at 8 kHz (the decoder's, for a frame of one whole packet), or nil
    ///   when there was nothing.
    func readNarrowFrame() -> Int? {
        self.narrowReads += 1
        self.previousNarrowRead = self.currentNarrowRead
        self.currentNarrowRead = -1
        self.narrowCurrent ^= 1
        let size = self.inboundFrameSize
        let start = self.narrowCurrent * size
        let level = self.narrowFrames.withUnsafeMutableBufferPointer { frames -> Int? in
            guard frames.count >= start + size else { return nil }
            return self.pullInbound(into: UnsafeMutableBufferPointer(rebasing: frames[start..<(start + size)]))
        }
        guard let level else { return nil }
        self.currentNarrowRead = self.narrowReads
        self.narrowFramesRead += 1
        return level
    }

    /// Lends the frame the last ``readNarrowFrame()`` read, at 8 kHz (empty when it read nothing).
    func withNarrowFrame<Result>(_ body: (UnsafeBufferPointer<Int16>) -> Result) -> Result {
        let size = self.currentNarrowRead < 0 ? 0 : self.inboundFrameSize
        let start = self.narrowCurrent * self.inboundFrameSize
        return self.narrowFrames.withUnsafeBufferPointer { frames in
            body(UnsafeBufferPointer(rebasing: frames[start..<min(start + size, frames.count)]))
        }
    }

    /// Converts the frame the last ``readNarrowFrame()`` read to the room's rate, into `output` (one room frame;
    /// silence when there is no frame).
    ///
    /// The resampler runs only for the frames asked for. When it did not convert the frame just before this one
    /// (the caller was not mixed), its history is stale: it starts afresh, primed with that frame when the leg read
    /// one on the tick before, so the output is what a resampler that never stopped would give, without a click;
    /// without that frame the caller's audio starts from silence, as a new resampler's would.
    func raiseNarrowFrame(into output: UnsafeMutableBufferPointer<Int16>) {
        guard let up = self.narrowUp, self.currentNarrowRead >= 0 else {
            output.update(repeating: 0)
            return
        }
        let size = self.inboundFrameSize
        let current = self.narrowCurrent * size
        let previous = (self.narrowCurrent ^ 1) * size
        self.narrowFrames.withUnsafeBufferPointer { frames in
            if self.raisedNarrowRead != self.currentNarrowRead - 1 {
                up.reset()
                self.resamplerRestarts += 1
                if self.previousNarrowRead == self.currentNarrowRead - 1 {
                    // Only the filter's history matters: the primed output is overwritten below.
                    up.process(UnsafeBufferPointer(rebasing: frames[previous..<(previous + size)]), into: output)
                }
            }
            let produced = up.process(UnsafeBufferPointer(rebasing: frames[current..<(current + size)]), into: output)
                .produced
            for index in produced..<output.count { output[index] = 0 }
        }
        self.raisedNarrowRead = self.currentNarrowRead
        self.narrowFramesRaised += 1
    }

    /// Fills `frame` (one room frame at the receive path's rate) from the queue, decoding or concealing packets
    /// until one is whole, and returns its level (nil: nothing, `frame` untouched).
    private func pullInbound(into frame: UnsafeMutableBufferPointer<Int16>) -> Int? {
        let aligned = self.inbound.count == 0 && self.inboundPacketSize == self.inboundFrameSize
        var decoderLevel: Int?
        while self.inbound.count < self.inboundFrameSize {
            switch self.decodeNextPacket() {
            case .nothing: return nil
            case .measured(let level): decoderLevel = level
            case .unmeasured: decoderLevel = nil
            }
        }
        guard self.inbound.take(into: frame) else { return nil }
        if aligned, let decoderLevel { return decoderLevel }
        return TalkerDetector.averageMagnitude(of: UnsafeBufferPointer(frame))
    }

    /// What ``decodeNextPacket()`` queued: a packet whose level the G.711 decoder measured, one without (wideband
    /// or concealed), or nothing.
    private enum DecodedPacket {
        case measured(Int)
        case unmeasured
        case nothing
    }

    /// Pops one packet from the jitter buffer and queues its audio (a lost one concealed).
    private func decodeNextPacket() -> DecodedPacket {
        let law = self.parameters.law
        let result = self.payloadScratch.withUnsafeMutableBytes { scratch in
            self.jitterBuffer.pop(into: scratch)
        }
        switch result {
        case .frame(let count):
            let level = self.packetSamples.withUnsafeMutableBufferPointer { samples -> Int? in
                self.payloadScratch.withUnsafeBytes { scratch in
                    let payload = UnsafeRawBufferPointer(rebasing: scratch[0..<min(count, scratch.count)])
                    let decoded: Int
                    var level: Int?
                    if let wideband = self.wideband {
                        decoded = wideband.decode(payload, into: samples)
                    } else {
                        decoded = G711.decode(payload, law: law, into: samples)
                        level = TalkerDetector.averageMagnitude(of: UnsafeBufferPointer(rebasing: samples[0..<decoded]))
                    }
                    // A short packet leaves the rest of the packet silent rather than stale.
                    for index in decoded..<samples.count { samples[index] = 0 }
                    return level ?? TalkerDetector.averageMagnitude(of: UnsafeBufferPointer(samples))
                }
            }
            if self.wideband?.concealsLosses == true {
                // Opus conceals in its decoder, whose state already leads into this packet: nothing to blend.
                self.codecConcealedMilliseconds = 0
            } else {
                // Played 3.75 ms late so a loss's start can be smoothed; after a loss, the concealment blends in.
                self.packetSamples.withUnsafeMutableBufferPointer { self.concealer.processGoodFrame($0) }
            }
            self.packetSamples.withUnsafeBufferPointer { _ = self.inbound.append($0) }
            return level.map(DecodedPacket.measured) ?? .unmeasured
        case .conceal:
            if let wideband = self.wideband, wideband.concealsLosses {
                self.concealWithCodec(wideband, nextPacketHeld: true)
                return .unmeasured
            }
            _ = self.packetSamples.withUnsafeMutableBufferPointer { self.concealer.conceal(into: $0) }
            self.packetSamples.withUnsafeBufferPointer { _ = self.inbound.append($0) }
            return .unmeasured
        case .empty:
            if let wideband = self.wideband, wideband.concealsLosses {
                // The same for Opus: its PLC covers an underrun in mid-stream for up to 60 ms.
                guard self.codecConcealedMilliseconds < 60 else { return .nothing }
                self.concealWithCodec(wideband, nextPacketHeld: false)
                return .unmeasured
            }
            // An underrun in the middle of speech (a late packet) is concealed too, until concealment is silent.
            guard self.concealer.isAudible else { return .nothing }
            _ = self.packetSamples.withUnsafeMutableBufferPointer { self.concealer.conceal(into: $0) }
            self.packetSamples.withUnsafeBufferPointer { _ = self.inbound.append($0) }
            return .unmeasured
        }
    }

    /// Conceals one lost packet with the codec's own means (Opus): from the in-band FEC of the packet after it
    /// when the jitter buffer holds that one (RFC 7587 §3.4), else by the decoder's PLC; then queues it.
    private func concealWithCodec(_ wideband: WidebandCodec, nextPacketHeld: Bool) {
        let nextCount =
            nextPacketHeld ? self.payloadScratch.withUnsafeMutableBytes { self.jitterBuffer.peekNext(into: $0) } : nil
        self.packetSamples.withUnsafeMutableBufferPointer { samples in
            let written = self.payloadScratch.withUnsafeBytes { scratch in
                let next = nextCount.map { UnsafeRawBufferPointer(rebasing: scratch[0..<min($0, scratch.count)]) }
                return wideband.conceal(nextPayload: next, into: samples) ?? 0
            }
            for index in max(0, written)..<samples.count { samples[index] = 0 }
        }
        if nextCount != nil {
            self.framesRecoveredFromFEC += 1
        } else {
            self.framesConcealedByCodec += 1
        }
        self.codecConcealedMilliseconds += self.packetMilliseconds
        self.packetSamples.withUnsafeBufferPointer { _ = self.inbound.append($0) }
    }

    /// Packet counts so far, for the room's meter: lost are frames the jitter buffer concealed, dropped are
    /// packets refused by the source checks or by the jitter buffer (late, duplicate).
    var packetCounts: RoomMeter.PacketCounts {
        let statistics = self.jitterStatistics
        return RoomMeter.PacketCounts(
            received: self.packetsReceived,
            sent: self.packetsSent,
            lost: statistics.concealed,
            dropped: self.packetsDropped + statistics.late + statistics.duplicates
        )
    }

    /// What the leg did with the caller's packets, for the log line when it closes: packets received, dropped as
    /// late or duplicate by the jitter buffer, frames concealed (by FEC, by the codec's PLC, by ours), underruns,
    /// and the jitter and target delay at the end.
    var receptionSummary: [String: Int] {
        let statistics = self.jitterStatistics
        return [
            "received": self.packetsReceived, "late": statistics.late, "duplicates": statistics.duplicates,
            "lost": statistics.concealed, "fec": self.framesRecoveredFromFEC, "codec_plc": self.framesConcealedByCodec,
            "underruns": statistics.underruns, "skipped": statistics.skipped, "shrink_drops": statistics.dropped,
            "jitter_ms": Int(self.jitterBuffer.jitterMilliseconds.rounded()),
            "target_ms": self.jitterBuffer.targetDelayMilliseconds,
        ]
    }

    /// The jitter buffer's counts over the whole call, across codec changes.
    private var jitterStatistics: JitterBuffer.Statistics {
        Self.sum(self.retiredJitterStatistics, self.jitterBuffer.statistics)
    }

    private static func sum(_ a: JitterBuffer.Statistics, _ b: JitterBuffer.Statistics) -> JitterBuffer.Statistics {
        var total = a
        total.accepted += b.accepted
        total.duplicates += b.duplicates
        total.late += b.late
        total.oversized += b.oversized
        total.resynchronisations += b.resynchronisations
        total.played += b.played
        total.concealed += b.concealed
        total.underruns += b.underruns
        total.dropped += b.dropped
        total.skipped += b.skipped
        return total
    }

    /// The caller's interarrival jitter (RFC 3550 §6.4.1), in milliseconds.
    var jitterMilliseconds: Double { self.jitterBuffer.jitterMilliseconds }
    /// The jitter buffer's present delay: frames held or awaited, from the next to play to the newest received.
    var jitterBufferMilliseconds: Int { self.jitterBuffer.bufferedFrames * self.packetMilliseconds }

    /// The leg's codec, so the room can encode once for every listener who shares it.
    var law: G711.Law { self.parameters.law }

    /// Queues one room frame already encoded in G.711 (the room's shared mix, encoded once per law), and sends
    /// every packet that is now whole.
    func send(encoded payload: [UInt8]) {
        guard self.parameters.remote != nil else { return }
        payload.withUnsafeBufferPointer { _ = self.outboundOctets.append($0) }
        self.sendWholeNarrowPackets()
    }

    /// Sends the queued G.711 octets a packet at a time, as long as a whole packet is queued.
    private func sendWholeNarrowPackets() {
        guard let remote = self.parameters.remote else { return }
        let packetBytes = 8 * self.packetMilliseconds
        while self.outboundOctets.count >= packetBytes {
            self.packetScratch.clear()
            self.writeHeader(into: &self.packetScratch, samples: packetBytes)
            self.packetScratch.writeWithUnsafeMutableBytes(minimumWritableBytes: packetBytes) { out in
                let packet = UnsafeMutableRawBufferPointer(rebasing: out[0..<packetBytes])
                _ = self.outboundOctets.take(into: packet.bindMemory(to: UInt8.self))
                return packetBytes
            }
            self.sendPacket(to: remote)
        }
    }

    /// Sends the RTP packet built in `packetScratch`, protected first on a secure leg; never plain RTP on a leg
    /// that negotiated SRTP.
    private func sendPacket(to remote: SocketAddress) {
        self.rtcp.sentPacket(
            payloadOctets: self.packetScratch.readableBytes - RTPHeader.fixedSize,
            timestamp: self.lastTimestampSent,
            now: .now()
        )
        if self.srtpSender != nil {
            do {
                try self.srtpSender?.protectRTP(&self.packetScratch)
            } catch {
                return
            }
        }
        if let sender = self.sender {
            sender.send(self.packetScratch, to: remote)
        } else {
            self.channel.write(AddressedEnvelope(remoteAddress: remote, data: self.packetScratch), promise: nil)
        }
    }

    private func writeHeader(into buffer: inout ByteBuffer, samples: Int) {
        let header = RTPHeader(
            marker: self.markNext,
            payloadType: self.parameters.payloadType,
            sequenceNumber: self.sequence,
            timestamp: self.timestamp,
            ssrc: self.ssrc
        )
        header.write(into: &buffer)
        self.lastTimestampSent = self.timestamp
        self.markNext = false
        self.sequence &+= 1
        self.timestamp &+= UInt32(samples)
        self.packetsSent += 1
    }

    /// Encodes one room frame (room rate) for the caller and sends every packet that is now whole (not flushed:
    /// the room flushes once per tick). G.711 is coded sample by sample, so the frame joins the octet queue the
    /// shared mix also feeds; a wideband codec codes whole packets, from a queue of samples.
    func send(_ frame: [Int16]) {
        guard let remote = self.parameters.remote else { return }
        guard let wideband = self.wideband else {
            let law = self.parameters.law
            let count = self.narrowFrame.count
            self.octetScratch.withUnsafeMutableBytes { out in
                frame.withUnsafeBufferPointer { samples in
                    guard let down = self.narrowDown else {
                        _ = G711.encode(samples, law: law, into: out)
                        return
                    }
                    self.narrowFrame.withUnsafeMutableBufferPointer { narrow in
                        let produced = down.process(samples, into: narrow).produced
                        // The filter's start-up delay may leave the first frame short: pad, keep the timing.
                        for index in produced..<narrow.count { narrow[index] = 0 }
                        _ = G711.encode(UnsafeBufferPointer(narrow), law: law, into: out)
                    }
                }
            }
            self.octetScratch.withUnsafeBufferPointer {
                _ = self.outboundOctets.append(UnsafeBufferPointer(rebasing: $0[0..<count]))
            }
            self.sendWholeNarrowPackets()
            return
        }
        frame.withUnsafeBufferPointer { _ = self.outboundSamples.append($0) }
        while self.outboundSamples.count >= self.packetSize {
            self.packetScratch.clear()
            self.writeHeader(into: &self.packetScratch, samples: Int(wideband.timestampIncrement))
            self.sampleScratch.withUnsafeMutableBufferPointer { _ = self.outboundSamples.take(into: $0) }
            self.packetScratch.writeWithUnsafeMutableBytes(minimumWritableBytes: wideband.maximumPayloadBytes) { out in
                self.sampleScratch.withUnsafeBufferPointer { wideband.encode($0, into: out) }
            }
            self.sendPacket(to: remote)
        }
    }

    /// The room stops sending to the caller (hold, RFC 3264 §8.4).
    func pauseSending(now: NIODeadline = .now()) {
        if self.pausedAt == nil { self.pausedAt = now }
    }

    /// The room sends again after a pause. The RTP timestamp follows the sampling clock, not the packet count
    /// (RFC 3550 §5.1), so it moves on by the length of the pause, and the first packet carries the marker bit
    /// like the start of a talkspurt; sequence numbers stay consecutive (no packet was lost). Without this, a
    /// receiver would see seconds of wall-clock time pass over 20 ms of timestamp: a jitter spike, and playout
    /// timed from the wrong instant.
    func resumeSending(now: NIODeadline = .now()) {
        guard let pausedAt = self.pausedAt else { return }
        self.pausedAt = nil
        let nanoseconds = max(0, (now - pausedAt).nanoseconds)
        let samples = nanoseconds / 1_000_000 * Int64(self.parameters.clockRate) / 1000
        self.timestamp &+= UInt32(truncatingIfNeeded: samples)
        self.markNext = true
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

    /// A codec from a renegotiation (the answer to our re-INVITE, or a caller's new offer; RFC 3264 §8.3.2: the
    /// new format is used as soon as the answer is sent or received).
    ///
    /// Within a codec family at the same packet time (PCMU ↔ PCMA) the payload types and G.711 law change in
    /// place, so the jitter buffer and queues carry on. Across families (G.711, G.722, Opus) or packet times the
    /// decoder, encoder, resamplers, queues, loss concealer and jitter buffer are made afresh for the new codec,
    /// on its RTP clock (8 kHz, or 48 kHz for Opus), and RTCP follows that clock. Our stream keeps its SSRC and
    /// consecutive sequence numbers (RFC 3550 §5.1); its timestamp goes on from where it was, now counting at the
    /// new clock, and the first packet of the new codec carries the marker bit, so the caller resynchronises its
    /// playout there. Returns false, changing nothing, when the new codec cannot be set up.
    @discardableResult
    func updateCodec(_ next: MediaParameters) -> Bool {
        let sameShape =
            next.wideband == self.parameters.wideband
            && Self.packetTime(next.ptimeMilliseconds, opus: next.wideband == .opus) == self.packetMilliseconds
        if sameShape {
            if next.payloadType != self.parameters.payloadType || next.law != self.parameters.law {
                // Packets of the old type still queued would be played as the new law: start the buffer afresh.
                self.jitterBuffer.reset()
            }
        } else {
            guard self.configureCodec(next) else { return false }
            self.parameters.wideband = next.wideband
            self.parameters.ptimeMilliseconds = next.ptimeMilliseconds
            self.markNext = true
        }
        self.parameters.law = next.law
        self.parameters.payloadType = next.payloadType
        self.parameters.telephoneEventPayloadType = next.telephoneEventPayloadType
        return true
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

    /// Flushes what went through the channel this tick; the direct sender has nothing queued.
    func flush() {
        if self.sender == nil { self.channel.flush() }
    }

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
        guard self.srtpSender.protectRTCPIfSecure(&buffer) else { return nil }
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
            ), self.srtpSender.protectRTCPIfSecure(&buffer)
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


    /// The RTCP figures of this leg, for the admin API and metrics.
    var rtcpStatistics: RTCPStatistics {
        RTCPStatistics(self.rtcp)
    }
}
