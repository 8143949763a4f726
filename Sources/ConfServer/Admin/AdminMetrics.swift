import Conference
import CoreMetrics
import Prometheus
import SIPCore
import Synchronization

/// Parley's Prometheus metrics, exposed at `/metrics` in the text format.
///
/// Gauges (rooms, participants, calls, late mixing ticks of the live rooms) are read from the bridge when scraped,
/// so they are never stale;
/// event counters (joins, leaves) are bumped from the event stream; PIN failures are taken from the bridge's
/// PIN guard as a running total. The registry is injected, so tests read their own metrics only. Calls by
/// result, RTP packets, losses, jitter and the mixing-tick histograms come from the bridge's own counts
/// (``BridgeMetrics``, which rooms update once a second from their loops) and are appended as text.
final class AdminMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    private let liveRooms: CoreMetrics.Gauge
    private let participants: CoreMetrics.Gauge
    private let calls: CoreMetrics.Gauge
    private let configuredRooms: CoreMetrics.Gauge
    private let subscribers: CoreMetrics.Gauge
    private let jitterBufferMax: CoreMetrics.Gauge
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
        self.jitterBufferMax = CoreMetrics.Gauge(label: "parley_jitter_buffer_max_ms", factory: factory)
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
        var jitterBufferMax = 0
        var late = 0
        if let live = try? await environment.live.liveRooms() {
            rooms = live.count
            for room in live {
                guard let view = try? await environment.live.participants(room: room) else { continue }
                members += view.participants.count
                late += view.lateTicks
                inConference += view.participants.filter(\.inConference).count
                jitterBufferMax = view.participants.reduce(jitterBufferMax) { max($0, $1.jitterBufferMs) }
            }
        }
        self.liveRooms.record(rooms)
        self.participants.record(inConference)
        self.calls.record(members)
        self.jitterBufferMax.record(jitterBufferMax)
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
        var text = self.registry.emitToString()
        let results = (try? await environment.live.inviteResultCounts()) ?? [:]
        Self.renderCallResults(results, into: &text)
        Self.renderMedia(environment.live.mediaMetrics, into: &text)
        if let overload = try? await environment.live.overloadCounts() {
            Self.renderOverload(overload.statistics, trackedSources: overload.trackedSources, into: &text)
        }
        return text
    }

    /// `parley_calls_total{result=...}`: new calls by how they ended up, named after their final SIP status.
    static func renderCallResults(_ counts: [Int: Int], into text: inout String) {
        var byResult: [String: Int] = ["answered": 0]
        for (status, count) in counts { byResult[Self.result(of: status), default: 0] += count }
        text += "# HELP parley_calls_total New calls by result (the final status of their INVITE).\n"
        text += "# TYPE parley_calls_total counter\n"
        for (result, count) in byResult.sorted(by: { $0.key < $1.key }) {
            text += "parley_calls_total{result=\"\(result)\"} \(count)\n"
        }
    }

    static func result(of status: Int) -> String {
        switch status {
        case 200: "answered"
        case 404: "not_found"
        case 403: "forbidden"
        case 487: "cancelled"
        case 488: "not_acceptable"
        case 503: "unavailable"
        case 400, 420, 481: "bad_request"
        case 500: "server_error"
        default: "status_\(status)"
        }
    }

    /// Flood and overload protection: sources blocked and what was dropped from them, INVITEs and requests
    /// refused with 503, and the sources tracked now.
    static func renderOverload(_ statistics: OverloadControl.Statistics, trackedSources: Int, into text: inout String) {
        Self.renderCounters(
            [
                (
                    "parley_sip_sources_blocked_total", "Times a source address was blocked for flooding.",
                    statistics.sourcesBlocked
                ),
                (
                    "parley_sip_flood_dropped_total", "SIP messages dropped unanswered from blocked sources.",
                    statistics.droppedFromBlockedSources
                ),
            ],
            into: &text
        )
        text += "# HELP parley_sip_overload_refused_total Requests answered 503 by overload control, by reason.\n"
        text += "# TYPE parley_sip_overload_refused_total counter\n"
        text += "parley_sip_overload_refused_total{reason=\"invite_rate\"} \(statistics.invitesRefused)\n"
        text += "parley_sip_overload_refused_total{reason=\"transactions\"} \(statistics.transactionsRefused)\n"
        text += "# HELP parley_sip_sources_tracked Source addresses flood protection remembers now.\n"
        text += "# TYPE parley_sip_sources_tracked gauge\nparley_sip_sources_tracked \(trackedSources)\n"
    }

    /// Unlabelled counters (name, help, value) in the Prometheus text format.
    static func renderCounters(_ counters: [(String, String, Int)], into text: inout String) {
        for (name, help, value) in counters {
            text += "# HELP \(name) \(help)\n# TYPE \(name) counter\n\(name) \(value)\n"
        }
    }

    /// RTP counters, the worst jitter now, and the mixing-tick histograms, in the Prometheus text format.
    static func renderMedia(_ totals: BridgeMetrics.Totals, into text: inout String) {
        let counters: [(String, String, Int)] = [
            ("parley_rtp_packets_received_total", "RTP packets received from callers.", totals.rtpPacketsReceived),
            ("parley_rtp_packets_sent_total", "RTP packets sent to callers.", totals.rtpPacketsSent),
            (
                "parley_rtp_packets_lost_total", "Caller audio frames lost or too late to play (concealed).",
                totals.rtpPacketsLost
            ),
            (
                "parley_rtp_packets_dropped_total", "RTP packets refused (unexpected source, late, duplicate).",
                totals.rtpPacketsDropped
            ),
        ]
        Self.renderCounters(counters, into: &text)
        let worst = totals.jitterMilliseconds.values.max() ?? 0
        text +=
            "# HELP parley_rtp_jitter_seconds Interarrival jitter (RFC 3550) of the worst caller in any live room.\n"
        text += "# TYPE parley_rtp_jitter_seconds gauge\nparley_rtp_jitter_seconds \(worst / 1000)\n"
        let roundTrip = totals.roundTripMilliseconds.values.max() ?? 0
        text +=
            "# HELP parley_rtcp_round_trip_seconds RTCP round-trip time (RFC 3550) of the worst caller in any live room.\n"
        text += "# TYPE parley_rtcp_round_trip_seconds gauge\nparley_rtcp_round_trip_seconds \(roundTrip / 1000)\n"
        let remoteLoss = totals.remoteFractionLost.values.max() ?? 0
        text +=
            "# HELP parley_rtcp_remote_fraction_lost Fraction of Parley's audio lost, as the worst caller's RTCP reports it.\n"
        text += "# TYPE parley_rtcp_remote_fraction_lost gauge\nparley_rtcp_remote_fraction_lost \(remoteLoss)\n"
        Self.renderHistogram(
            name: "parley_mix_tick_lateness_seconds",
            help: "How late each 20 ms mixing tick started.",
            bounds: BridgeMetrics.tickLatenessBounds,
            counts: totals.tickLatenessCounts,
            sum: totals.tickLatenessSum,
            into: &text
        )
        Self.renderHistogram(
            name: "parley_mix_tick_cost_seconds",
            help: "Time each mixing tick took (decode, mix, encode, send) for one room.",
            bounds: BridgeMetrics.tickCostBounds,
            counts: totals.tickCostCounts,
            sum: totals.tickCostSum,
            into: &text
        )
    }

    static func renderHistogram(
        name: String,
        help: String,
        bounds: [Double],
        counts: [Int],
        sum: Double,
        into text: inout String
    ) {
        text += "# HELP \(name) \(help)\n# TYPE \(name) histogram\n"
        var cumulative = 0
        for (index, bound) in bounds.enumerated() {
            cumulative += index < counts.count ? counts[index] : 0
            text += "\(name)_bucket{le=\"\(bound)\"} \(cumulative)\n"
        }
        cumulative += counts.count > bounds.count ? counts[bounds.count] : 0
        text += "\(name)_bucket{le=\"+Inf\"} \(cumulative)\n\(name)_sum \(sum)\n\(name)_count \(cumulative)\n"
    }
}
