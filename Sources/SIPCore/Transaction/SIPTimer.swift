/// The transaction timers of RFC 3261 §17 (Table 4 in Appendix A), plus Timers L and M added by RFC 6026 §8.
///
/// A machine asks its driver to start one with `.schedule(timer, after:)` and to stop it with `.cancel(timer)`;
/// the driver reports expiry back with `timerFired(timer)`. Each transaction runs at most one instance of each
/// timer, so scheduling a timer that is already running replaces it. A timer firing in a state that no longer
/// uses it is ignored by the machine, so a late or stale expiry is harmless.
///
/// The case names keep the RFC's capitals, the one exception to lowerCamelCase in Parley (STYLE §3).
public enum SIPTimer: Hashable, Sendable, CustomStringConvertible {
    /// INVITE request retransmission interval on unreliable transports; starts at T1 and doubles (§17.1.1.2).
    case A
    /// INVITE client transaction timeout, 64·T1 (§17.1.1.2).
    case B
    /// Wait time in Completed for retransmitted non-2xx finals, at least 32 s on unreliable transports, zero on
    /// reliable ones (§17.1.1.2).
    case D
    /// Non-INVITE request retransmission interval on unreliable transports; T1 doubling up to T2 (§17.1.2.2).
    case E
    /// Non-INVITE client transaction timeout, 64·T1 (§17.1.2.2).
    case F
    /// INVITE final-response retransmission interval on unreliable transports; T1 doubling up to T2 (§17.2.1).
    case G
    /// Wait time for an ACK to a non-2xx final response, 64·T1 (§17.2.1).
    case H
    /// Wait time in Confirmed for ACK retransmissions, T4 on unreliable transports, zero on reliable (§17.2.1).
    case I
    /// Wait time in Completed for non-INVITE request retransmissions, 64·T1 on unreliable transports, zero on
    /// reliable ones (§17.2.2).
    case J
    /// Wait time in Completed for non-INVITE response retransmissions, T4 on unreliable transports, zero on
    /// reliable ones (§17.1.2.2).
    case K
    /// Wait time in Accepted for INVITE retransmissions and ACKs, 64·T1 (RFC 6026 §7.1).
    case L
    /// Wait time in Accepted for 2xx retransmissions and 2xx from other forks, 64·T1 (RFC 6026 §7.2).
    case M

    public var description: String {
        switch self {
        case .A: "Timer A"
        case .B: "Timer B"
        case .D: "Timer D"
        case .E: "Timer E"
        case .F: "Timer F"
        case .G: "Timer G"
        case .H: "Timer H"
        case .I: "Timer I"
        case .J: "Timer J"
        case .K: "Timer K"
        case .L: "Timer L"
        case .M: "Timer M"
        }
    }
}
