import NIOCore
import RTP

/// One caller's RTCP figures (RFC 3550 §6.4), for the admin API and the metrics exporter.
///
/// Two views of the call: what the caller reports about the audio Parley sends it (its receiver report block,
/// and the round-trip time Parley works out from it), and what Parley measures of the caller's audio (the
/// block Parley last sent). Nil figures are not known yet: no report has arrived, or none carried them.
public struct RTCPStatistics: Sendable, Equatable {
    /// Round-trip time between Parley and the caller, from LSR and DLSR (RFC 3550 §6.4.1), in milliseconds.
    public var roundTripMilliseconds: Double?
    /// Of Parley's packets, the fraction the caller lost in its last report interval (0...1).
    public var remoteFractionLost: Double?
    /// Of Parley's packets, those the caller lost since the start (negative with duplicates).
    public var remoteCumulativeLost: Int?
    /// The interarrival jitter the caller measures on Parley's audio, in milliseconds.
    public var remoteJitterMilliseconds: Double?
    /// Of the caller's packets, the fraction Parley lost in its last report interval (0...1).
    public var fractionLost: Double?
    /// Of the caller's packets, those Parley lost since the start.
    public var cumulativeLost: Int?
    /// The interarrival jitter Parley measures on the caller's audio, in milliseconds.
    public var jitterMilliseconds: Double?
    /// Compound RTCP packets sent to and received from the caller.
    public var reportsSent = 0
    /// Compound RTCP packets received from the caller.
    public var reportsReceived = 0

    /// Nothing known yet.
    public init() {}

    init(_ session: RTCPSession) {
        let milliseconds = 1000.0 / Double(session.configuration.clockRate)
        self.roundTripMilliseconds = session.peer.roundTripTime.map { Double($0.nanoseconds) / 1e6 }
        if session.peer.reportBlocks > 0 {
            self.remoteFractionLost = Double(session.peer.fractionLost) / 256
            self.remoteCumulativeLost = Int(session.peer.cumulativeLost)
            self.remoteJitterMilliseconds = Double(session.peer.interarrivalJitter) * milliseconds
        }
        if let block = session.lastSentBlock {
            self.fractionLost = Double(block.fractionLost) / 256
            self.cumulativeLost = Int(block.cumulativeLost)
        }
        if let reception = session.reception, reception.isValid {
            self.jitterMilliseconds = Double(reception.interarrivalJitter) * milliseconds
        }
        self.reportsSent = session.reportsSent
        self.reportsReceived = session.reportsReceived
    }
}
