/// The replay list of one SRTP or SRTCP stream (RFC 3711 §3.3.2): which of the last 128 indices were accepted.
///
/// A sliding bitmap anchored at the highest index authenticated so far. An index above it is new; one inside the
/// window is new unless its bit is set; one below the window is too old to tell and is dropped. The window is
/// only moved by ``accept(_:)``, which the caller runs after the packet authenticated, so a forged packet can
/// neither advance it nor mark an index as seen.
package struct SRTPReplayWindow: Hashable, Sendable {
    /// How many indices the window remembers (RFC 3711 §3.3.2 asks for at least 64).
    package static let size: UInt64 = 128

    /// What the window says about an index.
    package enum Verdict: Hashable, Sendable {
        /// Not seen before: authenticate, then ``SRTPReplayWindow/accept(_:)``.
        case new
        /// Already accepted once: a replay.
        case replayed
        /// Older than the window remembers.
        case tooOld
    }

    /// The highest index accepted, or nil before the first.
    package private(set) var highest: UInt64?
    /// Bit `k` set: index `highest - k` was accepted.
    private var seen: UInt128 = 0

    package init() {}

    /// Whether `index` may be accepted.
    package func check(_ index: UInt64) -> Verdict {
        guard let highest = self.highest, index <= highest else { return .new }
        let distance = highest - index
        guard distance < Self.size else { return .tooOld }
        return self.seen & (UInt128(1) << distance) != 0 ? .replayed : .new
    }

    /// Records `index` as accepted, sliding the window forward when it is the new highest.
    package mutating func accept(_ index: UInt64) {
        guard let highest = self.highest else {
            self.highest = index
            self.seen = 1
            return
        }
        if index > highest {
            let shift = index - highest
            self.seen = shift >= Self.size ? 1 : (self.seen << shift) | 1
            self.highest = index
        } else if highest - index < Self.size {
            self.seen |= UInt128(1) << (highest - index)
        }
    }
}
