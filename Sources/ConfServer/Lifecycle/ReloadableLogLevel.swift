import Logging
import Synchronization

/// The process-wide log level, changeable while running (SIGHUP reload of `log_level`).
///
/// Loggers are handed their handler once, at bootstrap; this handler asks the shared level on each check
/// (one relaxed atomic load), so a new level reaches every logger at once without rebuilding them.
struct ReloadableLogHandler: LogHandler {
    /// The level every handler made by ``bootstrap(initial:)`` uses.
    static let level = Atomic<UInt8>(ReloadableLogHandler.code(.info))

    private var base: StreamLogHandler

    static func bootstrap(initial: Logger.Level) {
        Self.set(initial)
        LoggingSystem.bootstrap { label in ReloadableLogHandler(base: StreamLogHandler.standardError(label: label)) }
    }

    static func set(_ level: Logger.Level) {
        Self.level.store(Self.code(level), ordering: .relaxed)
    }

    static var current: Logger.Level {
        let code = Self.level.load(ordering: .relaxed)
        return Logger.Level.allCases.first { Self.code($0) == code } ?? .info
    }

    private static func code(_ level: Logger.Level) -> UInt8 {
        UInt8(Logger.Level.allCases.firstIndex(of: level) ?? 2)
    }

    /// The process-wide level; setting it on one logger is ignored (it would change every logger's).
    var logLevel: Logger.Level {
        get { Self.current }
        set {}
    }

    var metadata: Logger.Metadata {
        get { self.base.metadata }
        set { self.base.metadata = newValue }
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { self.base.metadataProvider }
        set { self.base.metadataProvider = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.base[metadataKey: key] }
        set { self.base[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        self.base.log(event: event)
    }
}
