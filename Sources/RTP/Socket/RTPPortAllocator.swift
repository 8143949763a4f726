public import NIOCore
import NIOConcurrencyHelpers

/// Hands out even UDP ports from a configured range for RTP (RFC 3550 §11: RTP on even ports) and takes
/// them back when a call ends. Ports in use by other programs are skipped when binding fails.
public final class RTPPortAllocator: Sendable {
    /// The ports handed out, starting at an even one.
    public let range: ClosedRange<Int>
    private let state: NIOLockedValueBox<State>

    struct State {
        var inUse: Set<Int> = []
        var next: Int
    }

    /// Hands out ports from `range`; an odd lower bound is raised to the next even port.
    public init(range: ClosedRange<Int>) {
        let lower = range.lowerBound + (range.lowerBound & 1)
        self.range = lower...max(lower, range.upperBound)
        self.state = NIOLockedValueBox(State(next: lower))
    }

    /// The next free even port, or nil when the whole range is taken.
    public func allocate() -> Int? {
        self.state.withLockedValue { state in
            let count = (self.range.upperBound - self.range.lowerBound) / 2 + 1
            for _ in 0..<count {
                let candidate = state.next
                state.next += 2
                if state.next > self.range.upperBound { state.next = self.range.lowerBound }
                if !state.inUse.contains(candidate) {
                    state.inUse.insert(candidate)
                    return candidate
                }
            }
            return nil
        }
    }

    /// Gives `port` back when its call ends; releasing a port not in use does nothing.
    public func release(_ port: Int) {
        _ = self.state.withLockedValue { $0.inUse.remove(port) }
    }

    /// Ports handed out and not yet released.
    public var inUseCount: Int { self.state.withLockedValue { $0.inUse.count } }
}
