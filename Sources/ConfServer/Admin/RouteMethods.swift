import Synchronization

/// Which methods each route path takes, so a request with the wrong method is told which ones to use (405).
///
/// Filled once from the router's route list after every route is added; path parameters (`{extension}`,
/// `:id`) and wildcards match any single segment.
final class RouteMethods: Sendable {
    private let table = Mutex<[(segments: [String?], methods: [String])]>([])

    /// Loads the routes, e.g. `("/api/v1/rooms/{extension}", "GET")`.
    func load(_ routes: [(path: String, method: String)]) {
        var grouped: [String: [String]] = [:]
        var order: [String] = []
        for route in routes {
            if grouped[route.path] == nil { order.append(route.path) }
            grouped[route.path, default: []].append(route.method)
        }
        let entries = order.map { path in
            (
                segments: Self.segments(path).map { Self.isParameter($0) ? nil : $0 },
                methods: Self.ordered(grouped[path] ?? [])
            )
        }
        self.table.withLock { $0 = entries }
    }

    /// The methods allowed on `path`, in a stable order; empty when no route has that path.
    func methods(for path: String) -> [String] {
        let parts = Self.segments(path)
        return self.table.withLock { table in
            var found: [String] = []
            for entry in table where entry.segments.count == parts.count {
                if zip(entry.segments, parts).allSatisfy({ $0.0 == nil || $0.0 == $0.1 }) { found += entry.methods }
            }
            return Self.ordered(found)
        }
    }

    private static func segments(_ path: String) -> [String] {
        path.split(separator: "/").map(String.init)
    }

    private static func isParameter(_ segment: String) -> Bool {
        segment.hasPrefix("{") || segment.hasPrefix(":") || segment == "*" || segment == "**"
    }

    private static func ordered(_ methods: [String]) -> [String] {
        let rank = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
        return Array(Set(methods)).sorted { (rank.firstIndex(of: $0) ?? 99, $0) < (rank.firstIndex(of: $1) ?? 99, $1) }
    }
}
