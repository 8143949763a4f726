import Foundation
public import NIOCore
public import RTP
import SIPCore

extension OutboundCall {
    // MARK: - Public API

    /// What the far end's RTCP said so far: its last SR's sender info, its report block about our stream
    /// (loss, jitter) and the round-trip time worked out from it; nil before the call was answered.
    public var rtcpPeerReport: RTCPSession.PeerReport? {
        get async throws { try await self.agent.eventLoop.submit { self.rtcp?.peer }.get() }
    }

    /// The far end's RTCP BYE reason once it sent one ("" for a BYE without a reason), else nil.
    public var rtcpByeReceived: String? {
        get async throws { try await self.agent.eventLoop.submit { self.rtcpByeReason }.get() }
    }

    /// Whether RTCP shares the RTP port (the answer accepted our rtcp-mux offer, RFC 5761).
    public var rtcpMultiplexed: Bool {
        get async throws { try await self.agent.eventLoop.submit { self.rtcpMux }.get() }
    }

    /// Drops the next `count` packets this call would send, as a lossy network would: they take their sequence
    /// numbers and are counted in our SRs, but never leave. Returns once they are all dropped.
    public func dropSentPackets(_ count: Int) async throws {
        try await self.agent.eventLoop.submit { self.dropPending += count }.get()
        while try await self.agent.eventLoop.submit({ self.dropPending > 0 && !self.ended }).get() {
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Packets dropped by ``dropSentPackets(_:)`` so far.
    public var droppedPackets: Int {
        get async throws { try await self.agent.eventLoop.submit { self.droppedCount }.get() }
    }

    // MARK: - On the loop

    /// Starts RTCP once the answer is known: where reports go, and whether they share the RTP port.
    func startRTCP(_ media: NegotiatedAudio) {
        let now = NIODeadline.now()
        self.rtcpMux = media.rtcpMux
        if media.rtcpMux {
            self.rtcpChannel?.close(promise: nil)
            self.rtcpChannel = nil
        }
        self.rtcpRemote = try? SocketAddress(ipAddress: media.remoteAddress, port: media.remoteRTCPPort)
        self.ntpClock = NTPClock(unixNanoseconds: UInt64(Date().timeIntervalSince1970 * 1e9), now: now)
        self.rtcp = RTCPSession(
            ssrc: self.ssrc,
            configuration: RTCPSession.Configuration(
                clockRate: media.codecName.uppercased() == "OPUS" ? 48000 : 8000,
                cname: "caller@\(self.agent.host)",
                minimumInterval: self.rtcpInterval
            ),
            now: now,
            random: Double.random(in: 0..<1)
        )
    }

    /// Sends a compound report when one is due (the agent asks every 20 ms tick).
    func sendRTCPIfDue(now: NIODeadline) {
        guard !self.ended, var session = self.rtcp, session.isReportDue(now: now), let remote = self.rtcpRemote,
            let channel = self.rtcpChannel ?? self.channel
        else { return }
        var buffer = channel.allocator.buffer(capacity: 256)
        // Stamped as it is written (the tick's other calls ran since `now`), for an honest round-trip time.
        let stamp = NIODeadline.now()
        let written = session.reportIfDue(
            now: stamp,
            wallClock: self.ntpClock.timestamp(at: stamp),
            random: Double.random(in: 0..<1),
            into: &buffer
        )
        self.rtcp = session
        guard written, self.srtpSender.protectRTCPIfSecure(&buffer) else { return }
        channel.writeAndFlush(AddressedEnvelope(remoteAddress: remote, data: buffer), promise: nil)
    }

    /// Our last compound packet with a BYE (RFC 3550 §6.6), as the call ends.
    func sendRTCPBye() {
        guard self.answered, var session = self.rtcp, let remote = self.rtcpRemote,
            let channel = self.rtcpChannel ?? self.channel
        else { return }
        let now = NIODeadline.now()
        var buffer = channel.allocator.buffer(capacity: 256)
        session.writeBye(reason: "caller hung up", now: now, wallClock: self.ntpClock.timestamp(at: now), into: &buffer)
        self.rtcp = session
        guard self.srtpSender.protectRTCPIfSecure(&buffer) else { return }
        channel.writeAndFlush(AddressedEnvelope(remoteAddress: remote, data: buffer), promise: nil)
    }

    /// One RTCP datagram from the far end (SRTCP removed first on an SRTP call).
    func receivedRTCP(_ envelope: AddressedEnvelope<ByteBuffer>) {
        guard var session = self.rtcp else { return }
        var data = envelope.data
        if self.srtpReceiver != nil {
            do {
                try self.srtpReceiver?.unprotectRTCP(&data)
            } catch {
                self.srtpDroppedCount += 1
                return
            }
        }
        let now = NIODeadline.now()
        let result = session.receivedCompound(data, now: now, wallClock: self.ntpClock.timestamp(at: now))
        self.rtcp = session
        if case .bye(let reason) = result { self.rtcpByeReason = reason ?? "" }
    }
}
