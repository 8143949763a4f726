/// Where one request inside a dialog goes: its Request-URI, its Route header values and the next hop
/// (RFC 3261 §12.2.1.1).
///
/// A dialog behind a record-routing proxy must send its requests back through that proxy, or the proxy loses
/// the dialog (its accounting, its NAT pinholes, its view of who hung up). This is the plain computation:
/// the driver resolves ``nextHop`` to an address and sends the request there.
///
/// - Loose routing (the first route has `lr`): Request-URI = remote target, Route = the route set in order,
///   next hop = the first route.
/// - Strict routing (no `lr`): Request-URI = the first route (without its header parameters), Route = the
///   rest of the route set followed by the remote target, next hop = the first route.
/// - No route set: Request-URI = next hop = remote target, no Route.
public struct DialogRoute: Sendable, Equatable {
    /// The Request-URI of the request.
    public var requestURI: SIPURI
    /// The Route header values, in the order they go into the request.
    public var routes: [String]
    /// The URI whose host and port the request is sent to.
    public var nextHop: SIPURI

    /// Computes the route of a request sent with `routeSet` to `remoteTarget`.
    ///
    /// A first route that does not parse is treated as absent for the next hop (the request goes to the
    /// remote target) but is still sent as a Route header: the peer's proxy may understand it.
    /// - Parameters:
    ///   - routeSet: The dialog's route set, raw Route values in request order.
    ///   - remoteTarget: The dialog's remote target (the peer's Contact URI).
    public init(routeSet: [String], remoteTarget: SIPURI) {
        guard let first = routeSet.first, let firstURI = try? NameAddress(parsing: first).uri else {
            self.requestURI = remoteTarget
            self.routes = routeSet
            self.nextHop = remoteTarget
            return
        }
        if firstURI.parameters.contains("lr") {
            self.requestURI = remoteTarget
            self.routes = routeSet
        } else {
            var uri = firstURI
            uri.headers = []
            self.requestURI = uri
            self.routes = Array(routeSet.dropFirst()) + ["<\(remoteTarget)>"]
        }
        self.nextHop = firstURI
    }

    /// Sets `request`'s Request-URI and adds the Route header fields, after any it already has.
    public func apply(to request: inout SIPRequest) {
        request.uri = self.requestURI
        for route in self.routes {
            request.headers.add(.route, route)
        }
    }
}
