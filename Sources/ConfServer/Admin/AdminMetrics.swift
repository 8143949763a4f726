import Conference
import CoreMetrics
import Prometheus
import Synchronization

/// Parley's Prometheus metrics, exposed at `/metrics` in the text format.
///
/// Gauges (rooms, participants, calls, late mixing ticks of the live rooms) are read from the bridge when scraped,
/// so they are never stale;
/// event counters (joins, leaves) are bumped from the event stream; PIN failures are taken from the bridge's
/// PIN guard as a running total. The registry is injected, so tests read their own metrics only.
final class AdminMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    private let liveRooms: CoreMetrics.Gauge
    private let participants: CoreMetrics.Gauge
    private let calls: CoreMetrics.Gauge
    private let configuredRooms: CoreMetrics.Gauge
    private let subscribers: CoreMetrics.Gauge
    private let lateTicks: CoreMetrics.Gauge
    private let joins: CoreMetrics.Counter
    private let leaves: CoreMetrics.Counter
    private let pinFailures: CoreMetrics.Counter
    private let pinRefusals: CoreMetrics.Counter
    /// The PIN guard's totals at the last scrape, so counters grow by the difference.
    private let lastPINCounts = Mutex((failures: 0, refused: 0))

    init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        let factory = PrometheusMetricsFactory(registry: registry)
        self.liveRooms = CoreMetrics.Gauge(label: "parley_live_rooms", factory: factory)
        self.participants = CoreMetrics.Gauge(label: "parley_participants", factory: factory)
        self.calls = CoreMetrics.Gauge(label: "parley_calls", factory: factory)
        self.configuredRooms = CoreMetrics.Gauge(label: "parley_rooms_configured", factory: factory)
        self.subscribers = CoreMetrics.Gauge(label: "parley_event_subscribers", factory: factory)
        self.lateTicks = CoreMetrics.Gauge(label: "parley_late_ticks", factory: factory)
        self.joins = CoreMetrics.Counter(label: "parley_joins_total", factory: factory)
        self.leaves = CoreMetrics.Counter(label: "parley_leaves_total", factory: factory)
        self.pinFailures = CoreMetrics.Counter(label: "parley_pin_failures_total", factory: factory)
        self.pinRefusals = CoreMetrics.Counter(label: "parley_pin_refusals_total", factory: factory)
    }

    /// Counts an event from the bridge.
    func record(_ event: ConferenceEvent) {
        switch event.kind {
        case .joined: self.joins.increment()
        case .left: self.leaves.increment()
        default: break
        }
    }

    /// Reads the gauges from the bridge and the store, then renders every metric.
    func scrape(_ environment: AdminEnvironment) async -> String {
        var rooms = 0
        var inConference = 0
        var members = 0
        var late = 0
        if let live = try? await environment.live.liveRooms() {
            rooms = live.count
            for room in live {
                guard let view = try? await environment.live.participants(room: room) else { continue }
                members += view.participants.count
                late += view.lateTicks
                inConference += view.participants.filter(\.inConference).count
            }
        }
        self.liveRooms.record(rooms)
        self.participants.record(inConference)
        self.calls.record(members)
        self.lateTicks.record(late)
        if let stored = try? environment.store.allRooms() { self.configuredRooms.record(stored.count) }
        self.subscribers.record(environment.events.subscriberCount)
        let counts = environment.live.pinCounts
        let (newFailures, newRefusals) = self.lastPINCounts.withLock { last in
            let delta = (max(0, counts.failures - last.failures), max(0, counts.refused - last.refused))
            last = counts
            return delta
        }
        if newFailures > 0 { self.pinFailures.increment(by: newFailures) }
        if newRefusals > 0 { self.pinRefusals.increment(by: newRefusals) }
        return self.registry.emitToString()
    }
}
