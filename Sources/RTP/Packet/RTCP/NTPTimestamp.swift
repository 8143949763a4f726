/// A 64-bit NTP timestamp: seconds since 1900 in the high word, a binary fraction in the low (RFC 3550 §4).
///
/// RTCP sender reports carry the full value; reception reports echo its middle 32 bits as LSR, and delays are
/// in the same 1/65536-second units (RFC 3550 §6.4.1). Parley never reads a clock here: the driver converts its
/// wall clock once per report.
public struct NTPTimestamp: Hashable, Sendable, CustomStringConvertible {
    /// The 64-bit value, 32.32 fixed point.
    public var rawValue: UInt64

    /// Wraps a 64-bit 32.32 value.
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// Builds a timestamp from whole seconds since 1900 and a 32-bit fraction.
    public init(seconds: UInt32, fraction: UInt32) {
        self.rawValue = UInt64(seconds) << 32 | UInt64(fraction)
    }

    /// Whole seconds since 1 January 1900.
    public var seconds: UInt32 { UInt32(truncatingIfNeeded: self.rawValue >> 32) }
    /// The fraction of a second, in units of 2^-32 s.
    public var fraction: UInt32 { UInt32(truncatingIfNeeded: self.rawValue) }
    /// The middle 32 bits: 16 bits of seconds and 16 of fraction, in 1/65536 s (the LSR field, RFC 3550 §6.4.1).
    public var middle32: UInt32 { UInt32(truncatingIfNeeded: self.rawValue >> 16) }

    public var description: String { "\(self.seconds).\(self.fraction)" }
}
