import SIPCore
import Testing

@Suite("RFC 3261 §12.2.1.1 in-dialog request routing")
struct DialogRouteTests {
    static let target = SIPURI(scheme: "sip", user: "alice", host: "192.0.2.7", port: 5070)

    @Test("no route set: the request goes to the remote target, without Route headers")
    func noRouteSet() {
        let route = DialogRoute(routeSet: [], remoteTarget: Self.target)
        #expect(route.requestURI == Self.target)
        #expect(route.nextHop == Self.target)
        #expect(route.routes.isEmpty)
        var request = SIPRequest(method: .bye, uri: Self.target)
        route.apply(to: &request)
        #expect(!request.headers.contains(.route))
    }

    @Test("loose router: Route headers in order, next hop is the first route, Request-URI the remote target")
    func looseRouting() {
        let set = ["<sip:127.0.0.1:5999;lr>", "<sip:p2.example.com;lr>"]
        let route = DialogRoute(routeSet: set, remoteTarget: Self.target)
        #expect(route.nextHop.host == "127.0.0.1")
        #expect(route.nextHop.port == 5999)
        #expect(route.requestURI == Self.target)
        var request = SIPRequest(method: .bye, uri: Self.target)
        route.apply(to: &request)
        #expect(request.headers.values(.route) == set)
        #expect(request.uri == Self.target)
    }

    @Test("strict router: Request-URI is the first route, the remote target ends the Route list")
    func strictRouting() {
        let set = ["<sip:10.0.0.1:5080>", "<sip:p2.example.com;lr>"]
        let route = DialogRoute(routeSet: set, remoteTarget: Self.target)
        #expect(route.requestURI == SIPURI(scheme: "sip", host: "10.0.0.1", port: 5080))
        #expect(route.nextHop.port == 5080)
        #expect(route.routes == ["<sip:p2.example.com;lr>", "<sip:alice@192.0.2.7:5070>"])
    }
}
