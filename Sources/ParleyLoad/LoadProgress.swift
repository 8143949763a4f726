import Foundation
import Synchronization

/// Counters the placing tasks bump and the once-a-second progress line reads.
final class LoadProgress: Sendable {
    private struct State {
        var phase = "placing"
        var started = 0
        var answered = 0
        var joined = 0
        var failed = 0
    }

    private let state = Mutex(State())

    var phase: String {
        get { self.state.withLock { $0.phase } }
        set { self.state.withLock { $0.phase = newValue } }
    }

    func started() { self.state.withLock { $0.started += 1 } }
    func answered() { self.state.withLock { $0.answered += 1 } }
    func joined() { self.state.withLock { $0.joined += 1 } }
    func failed() { self.state.withLock { $0.failed += 1 } }

    /// Rewrites the progress line (a carriage return, no newline), unbuffered so a pipe sees it at once.
    func printLine(elapsed: Double) {
        let line = self.state.withLock { state in
            String(
                format: "[%6.1fs] %@: %d placed, %d answered, %d past the PIN, %d failed   ",
                elapsed,
                state.phase,
                state.started,
                state.answered,
                state.joined,
                state.failed
            )
        }
        FileHandle.standardOutput.write(Data(("\r" + line).utf8))
    }
}
