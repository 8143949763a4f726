/// Checks and decrypts what one media leg receives: SRTP and SRTCP under the peer's master key
/// (RFC 3711 §3.3, §3.4).
///
/// A plain value confined to the leg's event loop. For each sending SSRC it keeps the receiving crypto context:
/// a replay window on the 48-bit packet index (whose top is the highest index seen, hence the rollover counter
/// and the last sequence number, RFC 3711 §3.3.1) and one on the SRTCP index. Order per packet, as §3.3 lays it
/// out: estimate the index, refuse a replay or a packet below the window, check the tag in constant time,
/// decrypt in place, and only then record the index, so a forged packet changes nothing.
///
/// Up to ``maximumStreams`` SSRCs are remembered (a phone that restarts its stream gets a new SSRC); beyond that
/// the oldest is forgotten.
public struct SRTPReceiver: Sendable {
    /// How many SSRCs' contexts are kept.
    public static let maximumStreams = 4

    struct Stream: Sendable {
        var ssrc: UInt32
        var rtp = SRTPReplayWindow()
        var rtcp = SRTPReplayWindow()
    }

    /// What was dropped and why, for metrics.
    public struct Counters: Hashable, Sendable {
        /// Packets authenticated and decrypted.
        public var accepted = 0
        /// Packets whose tag did not match (forged, corrupted or keyed wrongly).
        public var authenticationFailures = 0
        /// Packets already seen or too old for the replay window (RFC 3711 §3.3.2).
        public var replays = 0
        /// Packets too short to hold a header and a tag, or otherwise unreadable.
        public var malformed = 0
    }

    /// The crypto suite the peer protects its packets with.
    public let profile: SRTPProfile
    private let rtpKeys: SRTPSessionKeys
    private let rtcpKeys: SRTPSessionKeys
    private var streams: [Stream]
    /// What was accepted and dropped so far.
    public private(set) var counters = Counters()

    /// A receiver for packets protected with `profile` under the peer's `masterKey`.
    public init(profile: SRTPProfile, masterKey: SRTPMasterKey) {
        self.profile = profile
        self.rtpKeys = SRTPSessionKeys(master: masterKey, rtcp: false)
        self.rtcpKeys = SRTPSessionKeys(master: masterKey, rtcp: true)
        self.streams = []
        self.streams.reserveCapacity(Self.maximumStreams)
    }

    /// The rollover counter of the stream from `ssrc`, once a packet of it was accepted.
    public func rolloverCounter(ssrc: UInt32) -> UInt32? {
        self.streams.first { $0.ssrc == ssrc }?.rtp.highest.map { UInt32(truncatingIfNeeded: $0 >> 16) }
    }

    /// Checks the SRTP packet that fills `buffer` and decrypts it in place.
    ///
    /// - Returns: the length of the RTP packet (the tag stripped), from the start of `buffer`.
    /// - Throws: ``SRTPError``: truncated, not RTP, a replay or too old, or a tag that does not match.
    public mutating func unprotectRTP(_ buffer: UnsafeMutableRawBufferPointer) throws(SRTPError) -> Int {
        let tagLength = self.profile.rtpTagLength
        guard buffer.count >= 12 + tagLength else { return try self.malformed(.truncated) }
        let authenticated = buffer.count - tagLength
        let readable = UnsafeRawBufferPointer(buffer)
        guard
            let headerLength = SRTPPacketIndex.rtpHeaderLength(
                UnsafeRawBufferPointer(rebasing: readable[0..<authenticated])
            )
        else { return try self.malformed(.invalidHeader) }
        let ssrc = SRTPPacketIndex.readUInt32(readable, at: 8)
        let sequence = UInt16(readable[2]) << 8 | UInt16(readable[3])
        let slot = self.streams.firstIndex { $0.ssrc == ssrc }
        let window = slot.map { self.streams[$0].rtp } ?? SRTPReplayWindow()
        guard let index = SRTPPacketIndex.estimate(sequence: sequence, highest: window.highest) else {
            self.counters.replays += 1
            throw SRTPError(.tooOld)
        }
        try self.refuseReplay(of: index, in: window)
        guard
            self.rtpKeys.authenticator.verify(
                tag: UnsafeRawBufferPointer(rebasing: readable[authenticated...]),
                message: UnsafeRawBufferPointer(rebasing: readable[0..<authenticated]),
                rolloverCounter: UInt32(truncatingIfNeeded: index >> 16)
            )
        else {
            self.counters.authenticationFailures += 1
            throw SRTPError(.authenticationFailed)
        }
        self.rtpKeys.crypt(
            UnsafeMutableRawBufferPointer(rebasing: buffer[headerLength..<authenticated]),
            ssrc: ssrc,
            index: index
        )
        self.update(ssrc: ssrc, slot: slot) { $0.rtp.accept(index) }
        self.counters.accepted += 1
        return authenticated
    }

    /// Counts and refuses an index the replay window has seen or has moved past (RFC 3711 §3.3.2).
    private mutating func refuseReplay(of index: UInt64, in window: SRTPReplayWindow) throws(SRTPError) {
        switch window.check(index) {
        case .new: return
        case .replayed:
            self.counters.replays += 1
            throw SRTPError(.replayed)
        case .tooOld:
            self.counters.replays += 1
            throw SRTPError(.tooOld)
        }
    }

    /// Checks the SRTCP packet that fills `buffer` and decrypts it in place (when its E flag is set).
    ///
    /// - Returns: the length of the RTCP compound packet (index and tag stripped).
    public mutating func unprotectRTCP(_ buffer: UnsafeMutableRawBufferPointer) throws(SRTPError) -> Int {
        let trailer = SRTPSender.rtcpOverhead
        guard buffer.count >= 8 + trailer else { return try self.malformed(.truncated) }
        let readable = UnsafeRawBufferPointer(buffer)
        guard readable[0] >> 6 == 2 else { return try self.malformed(.invalidHeader) }
        let authenticated = buffer.count - SRTPProfile.rtcpTagLength
        let length = authenticated - 4
        let flagAndIndex = SRTPPacketIndex.readUInt32(readable, at: length)
        let encrypted = flagAndIndex & 0x8000_0000 != 0
        let index = UInt64(flagAndIndex & 0x7FFF_FFFF)
        let ssrc = SRTPPacketIndex.readUInt32(readable, at: 4)
        let slot = self.streams.firstIndex { $0.ssrc == ssrc }
        let window = slot.map { self.streams[$0].rtcp } ?? SRTPReplayWindow()
        try self.refuseReplay(of: index, in: window)
        guard
            self.rtcpKeys.authenticator.verify(
                tag: UnsafeRawBufferPointer(rebasing: readable[authenticated...]),
                message: UnsafeRawBufferPointer(rebasing: readable[0..<authenticated]),
                rolloverCounter: nil
            )
        else {
            self.counters.authenticationFailures += 1
            throw SRTPError(.authenticationFailed)
        }
        if encrypted {
            self.rtcpKeys.crypt(UnsafeMutableRawBufferPointer(rebasing: buffer[8..<length]), ssrc: ssrc, index: index)
        }
        self.update(ssrc: ssrc, slot: slot) { $0.rtcp.accept(index) }
        self.counters.accepted += 1
        return length
    }

    private mutating func malformed(_ code: SRTPError.Code) throws(SRTPError) -> Int {
        self.counters.malformed += 1
        throw SRTPError(code)
    }

    /// Applies `change` to the context of `ssrc`, adding one (and forgetting the oldest) if it is new.
    private mutating func update(ssrc: UInt32, slot: Int?, _ change: (inout Stream) -> Void) {
        if let slot {
            change(&self.streams[slot])
            return
        }
        if self.streams.count >= Self.maximumStreams { self.streams.removeFirst() }
        var stream = Stream(ssrc: ssrc)
        change(&stream)
        self.streams.append(stream)
    }
}
