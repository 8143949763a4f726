package import NIOCore

/// When to send the next compound RTCP packet (RFC 3550 §6.2, §6.3.1, Appendix A.7).
///
/// RTCP gets a fixed share of the session bandwidth (5 % by default), divided among the members: senders share
/// a quarter of it when they are under a quarter of the members. The deterministic interval is the average
/// compound packet size times the members sharing, over that bandwidth, but at least 5 s (2.5 s before the first
/// report). It is randomised uniformly over [0.5, 1.5] of itself and divided by e − 3/2 to compensate for the
/// timer reconsideration algorithm's bias towards shorter intervals.
///
/// A value type with no clock and no random source: the driver passes a uniform random fraction in, so tests
/// pin the result. For a bridge leg (two members) the interval is the 5 s minimum, randomised.
package struct RTCPTransmissionInterval: Hashable, Sendable {
    /// The minimum deterministic interval, Tmin (RFC 3550 §6.2).
    package static let minimumSeconds = 5.0
    /// The share of the RTCP bandwidth reserved for senders (RFC 3550 §6.2).
    package static let senderFraction = 0.25
    /// The compensation factor e − 3/2 (RFC 3550 §6.3.1).
    package static let compensation = 2.718_281_828_459_045 - 1.5

    /// The smoothed size of compound RTCP packets sent and received, in octets including UDP and IP headers.
    package private(set) var averagePacketSize: Double

    /// Starts with an estimate of the first packet's size (RFC 3550 §6.3.2 suggests the size of the first packet
    /// to be built; 128 octets is an SR with one block and a CNAME over UDP/IPv4).
    package init(initialAveragePacketSize: Double = 128) {
        self.averagePacketSize = initialAveragePacketSize
    }

    /// A compound RTCP packet of `octets` (with lower-layer headers) was sent or received: avg += (size − avg)/16.
    package mutating func observedPacket(octets: Int) {
        self.averagePacketSize += (Double(octets) - self.averagePacketSize) / 16
    }

    /// The interval until the next report.
    ///
    /// - Parameters:
    ///   - members: session members including ourselves (2 for a bridge leg).
    ///   - senders: members that sent RTP since our last report, ourselves included.
    ///   - weSent: whether we sent RTP in the last two intervals (then our report is an SR).
    ///   - rtcpBandwidth: the RTCP bandwidth in octets per second (5 % of the session bandwidth).
    ///   - initial: whether no report has been sent yet (Tmin is halved).
    ///   - random: a uniform random number in 0..<1.
    ///   - minimumSeconds: Tmin; RFC 3550 §6.2 allows a smaller one than 5 s (its "reduced minimum") for
    ///     fresher statistics, and tests use one to keep calls short.
    package func interval(
        members: Int,
        senders: Int,
        weSent: Bool,
        rtcpBandwidth: Double,
        initial: Bool,
        random: Double,
        minimumSeconds: Double = RTCPTransmissionInterval.minimumSeconds
    ) -> TimeAmount {
        let minimum = initial ? minimumSeconds / 2 : minimumSeconds
        var bandwidth = max(rtcpBandwidth, 1)
        var sharing = Double(max(members, 1))
        if senders > 0 && Double(senders) <= Double(members) * Self.senderFraction {
            if weSent {
                bandwidth *= Self.senderFraction
                sharing = Double(senders)
            } else {
                bandwidth *= 1 - Self.senderFraction
                sharing -= Double(senders)
            }
        }
        let deterministic = max(self.averagePacketSize * sharing / bandwidth, minimum)
        let randomised = deterministic * (min(max(random, 0), 1) + 0.5) / Self.compensation
        return .nanoseconds(Int64(randomised * 1_000_000_000))
    }
}
