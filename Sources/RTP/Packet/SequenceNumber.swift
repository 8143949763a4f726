/// An RTP sequence number with the wrapping arithmetic of RFC 3550 §5.1 and Appendix A.1.
///
/// Sequence numbers increment by one per packet and wrap from 65535 to 0, so order is decided by the signed
/// 16-bit difference: `a` precedes `b` when `b - a` (mod 2^16) lies in 1...32767.
public struct SequenceNumber: Hashable, Sendable, CustomStringConvertible {
    /// The 16-bit value carried in the header.
    public var rawValue: UInt16

    /// Wraps a header's sequence number.
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    /// The signed number of steps from `self` to `other`, in -32768...32767 (positive when `other` is newer).
    @inlinable
    public func distance(to other: SequenceNumber) -> Int {
        Int(Int16(bitPattern: other.rawValue &- self.rawValue))
    }

    /// The sequence number `n` steps later, wrapping.
    @inlinable
    public func advanced(by n: Int) -> SequenceNumber {
        SequenceNumber(self.rawValue &+ UInt16(truncatingIfNeeded: n))
    }

    /// Whether `self` comes after `other` in wrapping order.
    @inlinable
    public func isNewer(than other: SequenceNumber) -> Bool { other.distance(to: self) > 0 }

    public var description: String { String(self.rawValue) }
}

/// An RTP media timestamp (RFC 3550 §5.1) in clock-rate units, with wrapping arithmetic.
///
/// Timestamps wrap at 2^32; order is the signed 32-bit difference.
public struct RTPTimestamp: Hashable, Sendable, CustomStringConvertible {
    /// The 32-bit value carried in the header.
    public var rawValue: UInt32

    /// Wraps a header's timestamp.
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }

    /// The signed number of clock ticks from `self` to `other` (positive when `other` is later).
    @inlinable
    public func distance(to other: RTPTimestamp) -> Int {
        Int(Int32(bitPattern: other.rawValue &- self.rawValue))
    }

    /// The timestamp `n` ticks later, wrapping.
    @inlinable
    public func advanced(by n: Int) -> RTPTimestamp {
        RTPTimestamp(self.rawValue &+ UInt32(truncatingIfNeeded: n))
    }

    /// Whether `self` comes after `other` in wrapping order.
    @inlinable
    public func isNewer(than other: RTPTimestamp) -> Bool { other.distance(to: self) > 0 }

    public var description: String { String(self.rawValue) }
}
