import Synchronization

/// The settings in force, shared by the services that read them and the SIGHUP reload that replaces them.
final class RunningSettings: Sendable {
    let value: Mutex<ServerSettings>

    init(_ settings: ServerSettings) {
        self.value = Mutex(settings)
    }
}
