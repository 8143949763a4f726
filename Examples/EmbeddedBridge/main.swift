// A conference bridge inside an application of its own: one room defined in code, served until Ctrl-C.
// Usage: EmbeddedBridgeExample [host:port]   (default 127.0.0.1:5080)
import Conference
import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import UnixSignals

let listen = CommandLine.arguments.dropFirst().first ?? "127.0.0.1:5080"
let parts = listen.split(separator: ":")
guard parts.count == 2, let port = Int(parts[1]) else {
    print("usage: EmbeddedBridgeExample host:port")
    exit(2)
}

// The application's own room, with ConfBridge-style options.
var options = RoomOptions()
try options.apply(["max_members=20", "announce_user_count=yes", "admin_pin=8080"])
let store = try InMemoryRoomStore([
    RoomDefinition(name: "Team call", extensionNumber: "500", pin: "1234", options: options)
])

// Debian's prompts and music (asterisk-core-sounds-en-wav, asterisk-moh-opsound-wav).
let prompts = try PromptLibrary.load(maxMusicFiles: 1)
let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
let bridge = ConferenceBridge(
    configuration: ConferenceConfiguration(sipHost: String(parts[0]), sipPort: port, rtpPorts: 41000...41999),
    store: store,
    prompts: prompts,
    group: group,
    eventHandler: { event in print("event: \(event)") }
)
try await bridge.start().get()
print("Embedded bridge on udp:\(parts[0]):\(bridge.sipPort); dial 500, PIN 1234")

// Run under swift-service-lifecycle until SIGINT or SIGTERM; then the bridge drains (new calls get 503, calls in
// progress get up to 5 s) and stops.
let logger = Logger(label: "embedded-bridge")
let service = ConferenceBridgeService(bridge: bridge, drainTimeout: { .seconds(5) }, clock: ContinuousClock(), logger: logger)
let services = ServiceGroup(
    configuration: .init(services: [service], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
)
try await services.run()
try await group.shutdownGracefully()
print("stopped")
