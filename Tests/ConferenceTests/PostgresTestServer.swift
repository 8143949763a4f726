import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A real PostgreSQL server for the store tests: Debian's postgresql 15, its own data directory under a temporary
/// directory, listening on 127.0.0.1 at a free port (and a Unix socket in the same directory). Started once per
/// test process, on first use, and stopped when the process exits.
///
/// PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user Debian's package creates.
final class PostgresTestServer: Sendable {
    static let binDirectory = "/usr/lib/postgresql/15/bin"
    static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: binDirectory + "/initdb") }

    /// The server of this process, started on first use.
    static let shared: Result<PostgresTestServer, PostgresTestServerError> = {
        do {
            let server = try PostgresTestServer()
            startedDirectory.withLock { $0 = server.directory }
            atexit { PostgresTestServer.stopStarted() }
            // The test runner may end without running atexit handlers: a watchdog stops the server when it is gone.
            try? server.watchTestProcess()
            return .success(server)
        } catch let error as PostgresTestServerError {
            return .failure(error)
        } catch {
            return .failure(PostgresTestServerError(message: "\(error)"))
        }
    }()

    private static let startedDirectory = Mutex<String?>(nil)
    private let databaseCounter = Mutex(0)

    let directory: String
    let port: Int

    private init() throws {
        self.directory = NSTemporaryDirectory() + "parley-pg-\(UUID().uuidString)"
        self.port = try Self.freePort()
        try FileManager.default.createDirectory(atPath: self.directory, withIntermediateDirectories: true)
        if getuid() == 0 { try Self.run("/bin/chown", ["postgres", self.directory], asServerUser: false) }
        try Self.run(
            Self.binDirectory + "/initdb",
            ["-D", self.directory + "/data", "-U", "parley", "--auth=trust", "-E", "UTF8", "--no-sync"]
        )
        try Self.run(
            Self.binDirectory + "/pg_ctl",
            [
                "-D", self.directory + "/data", "-l", self.directory + "/server.log", "-w", "-t", "30",
                "-o", "-k \(self.directory) -p \(self.port) -c listen_addresses=127.0.0.1 -c fsync=off", "start",
            ]
        )
    }

    /// A new empty database on this server, and the URL a store connects to it with.
    func newDatabase() throws -> String {
        let number = self.databaseCounter.withLock { count in
            count += 1
            return count
        }
        let name = "rooms\(getpid())_\(number)"
        try Self.run(
            Self.binDirectory + "/createdb",
            ["-h", "127.0.0.1", "-p", "\(self.port)", "-U", "parley", name]
        )
        return "postgres://parley@127.0.0.1:\(self.port)/\(name)"
    }

    /// Starts a shell that waits for this process to end, then stops the server and removes its directory.
    private func watchTestProcess() throws {
        let stop =
            getuid() == 0
            ? "runuser -u postgres -- \(Self.binDirectory)/pg_ctl" : "\(Self.binDirectory)/pg_ctl"
        let script = """
            while [ -d /proc/\(getpid()) ]; do sleep 1; done
            \(stop) -D '\(self.directory)/data' -m immediate stop >/dev/null 2>&1
            rm -rf '\(self.directory)'
            """
        try Self.spawn(["/bin/sh", "-c", script], output: "/dev/null")
    }

    private static func stopStarted() {
        guard let directory = startedDirectory.withLock({ $0 }) else { return }
        try? run(binDirectory + "/pg_ctl", ["-D", directory + "/data", "-m", "immediate", "stop"])
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs a PostgreSQL program (as `postgres` when this process is root) and waits; throws with its output.
    ///
    /// posix_spawn and waitpid rather than Foundation's Process, whose exit monitoring was seen to miss the exit
    /// of `runuser` here and wait forever.
    private static func run(_ program: String, _ arguments: [String], asServerUser: Bool = true) throws {
        let command =
            asServerUser && getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--", program] : [program]
        let argv = (command + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let output = NSTemporaryDirectory() + "parley-pg-\(UUID().uuidString).out"
        defer { unlink(output) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var pid: pid_t = 0
        let spawned = argv.withUnsafeBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return EINVAL }
            return posix_spawn(&pid, command[0], &actions, nil, UnsafeMutablePointer(mutating: base), environ)
        }
        guard spawned == 0 else { throw PostgresTestServerError(message: "cannot start \(program): \(spawned)") }
        try Self.reap(pid, program: program, arguments: arguments, output: output)
    }

    /// Starts `command` without waiting for it; its output goes to `output`.
    private static func spawn(_ command: [String], output: String) throws {
        let argv = command.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var pid: pid_t = 0
        let spawned = argv.withUnsafeBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return EINVAL }
            return posix_spawn(&pid, command[0], &actions, nil, UnsafeMutablePointer(mutating: base), environ)
        }
        guard spawned == 0 else { throw PostgresTestServerError(message: "cannot start \(command[0]): \(spawned)") }
    }

    private static func reap(_ pid: pid_t, program: String, arguments: [String], output: String) throws {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        guard status == 0 else {
            let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
            throw PostgresTestServerError(message: "\(program) \(arguments) failed (\(status)): \(text)")
        }
    }

    /// A TCP port free on 127.0.0.1 now (the kernel's pick for port 0).
    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw PostgresTestServerError(message: "socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(fd, generic, length) == 0 && getsockname(fd, generic, &length) == 0
            }
        }
        guard bound else { throw PostgresTestServerError(message: "cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

struct PostgresTestServerError: Error, CustomStringConvertible {
    var message: String
    var description: String { self.message }
}
