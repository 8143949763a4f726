import Conference
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import ConfServer

@Suite("Admin API: token, problems, OpenAPI, metrics, page")
struct AuthAndDocsTests {
    @Test("with a token configured, requests without it or with a wrong one get 401; the right one passes")
    func bearerToken() async throws {
        let fixture = try AdminFixture(token: AdminFixture.token)
        defer { fixture.remove() }
        try await fixture.test { client in
            try await client.execute(uri: "/api/v1/rooms", method: .get) { response throws in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
                #expect(try AdminFixture.problem(response).type == "/api/v1/problems/unauthorized")
            }
            try await client.execute(
                uri: "/api/v1/rooms",
                method: .get,
                headers: [.authorization: "Bearer test-token-0123456788"]
            ) { response throws in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(
                uri: "/api/v1/rooms",
                method: .get,
                headers: [.authorization: "Bearer \(AdminFixture.token)"]
            ) { response throws in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/api/v1/rooms?token=\(AdminFixture.token)", method: .get) { response throws in
                #expect(response.status == .unauthorized, "a query token is for the WebSocket only")
            }
            try await client.execute(uri: "/api/v1/openapi.json", method: .get) { response throws in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/", method: .get) { response throws in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("Parley admin"))
            }
        }
    }

    @Test(
        "constant-time comparison",
        arguments: [("abc", "abc", true), ("abc", "abd", false), ("abc", "abcd", false), ("", "", true), ("", "a", false)]
    )
    func constantTime(lhs: String, rhs: String, equal: Bool) {
        #expect(BearerTokenMiddleware<AdminRouter.Context>.constantTimeEqual(lhs, rhs) == equal)
    }

    @Test("an unknown path is a 404 problem document")
    func unknownPath() async throws {
        let fixture = try AdminFixture()
        defer { fixture.remove() }
        try await fixture.test { client in
            try await client.execute(uri: "/api/v1/nothing", method: .get) { response throws in
                #expect(response.status == .notFound)
                #expect(try AdminFixture.problem(response).type == "/api/v1/problems/not-found")
            }
        }
    }

    @Test("a wrong method on a known path is a 405 problem document with Allow")
    func wrongMethod() async throws {
        let fixture = try AdminFixture()
        defer { fixture.remove() }
        try await fixture.test { client in
            try await client.execute(uri: "/api/v1/rooms", method: .delete) { response throws in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "GET, POST")
                #expect(response.headers[.contentType] == "application/problem+json")
                let problem = try AdminFixture.problem(response)
                #expect(problem.type == "/api/v1/problems/method-not-allowed" && problem.status == 405)
                #expect(problem.detail.contains("DELETE"))
            }
            try await client.execute(uri: "/api/v1/rooms/1000/lock", method: .get) { response throws in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "POST")
            }
            try await client.execute(uri: "/metrics", method: .post) { response throws in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "GET")
            }
            try await client.execute(uri: "/api/v1/rooms/1000/nothing", method: .delete) { response throws in
                #expect(response.status == .notFound, "an unknown path stays a 404 whatever the method")
            }
        }
    }

    @Test("the OpenAPI document is OpenAPI 3.1 JSON and describes every route")
    func openAPI() async throws {
        let fixture = try AdminFixture()
        defer { fixture.remove() }
        let body = try await fixture.test { client in
            try await client.execute(uri: "/api/v1/openapi.json", method: .get) { response throws in
                #expect(response.headers[.contentType] == "application/json")
                return String(buffer: response.body)
            }
        }
        let document = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = try #require(document["paths"] as? [String: Any])
        let expected = [
            "/rooms", "/rooms/{extension}", "/rooms/{extension}/pin/regenerate", "/rooms/{extension}/participants",
            "/rooms/{extension}/participants/{participant}", "/rooms/{extension}/participants/{participant}/mute",
            "/rooms/{extension}/participants/{participant}/unmute", "/rooms/{extension}/lock",
            "/rooms/{extension}/unlock", "/rooms/{extension}/recording/start", "/rooms/{extension}/recording/stop",
            "/rooms/{extension}/dial-out", "/recordings", "/recordings/{name}", "/openapi.json",
        ]
        #expect(Set(paths.keys) == Set(expected))
    }

    @Test("/metrics shows room, participant, call and late-tick gauges and PIN failures in Prometheus text")
    func metrics() async throws {
        let fixture = try LiveAPITests.liveFixture()
        defer { fixture.remove() }
        fixture.environment.metrics.record(ConferenceEvent(.joined, room: "4000", participant: ParticipantID(1)))
        let text = try await fixture.test { client in
            try await client.execute(uri: "/metrics", method: .get) { response throws in
                #expect(response.status == .ok)
                return String(buffer: response.body)
            }
        }
        #expect(text.contains("parley_live_rooms 1"))
        #expect(text.contains("parley_participants 2"))
        #expect(text.contains("parley_calls 2"))
        #expect(text.contains("parley_rooms_configured 1"))
        #expect(text.contains("parley_pin_failures_total 3"))
        #expect(text.contains("parley_joins_total 1"))
        #expect(text.contains("parley_late_ticks 3"))
    }
}

@Suite("Admin settings")
struct AdminSettingsTests {
    @Test("the admin API listens on 127.0.0.1:8080 unless told otherwise")
    func defaults() throws {
        let settings = ServerSettings()
        #expect(settings.adminHost == "127.0.0.1" && settings.adminPort == 8080 && !settings.adminExplicit)
        try settings.checkAdmin()
    }

    @Test("a non-loopback address without a token is refused; with one it is accepted")
    func nonLoopback() throws {
        var settings = ServerSettings()
        try settings.apply(key: "admin", value: .string("0.0.0.0:9090"))
        #expect(throws: CLIError.self) { try settings.checkAdmin() }
        try settings.apply(key: "admin_token", value: .string("0123456789abcdef0"))
        try settings.checkAdmin()
        #expect(settings.adminPort == 9090 && settings.adminExplicit)
    }

    @Test("only a dotted quad in 127.0.0.0/8, ::1 or localhost counts as loopback; a name starting with 127. does not")
    func loopbackNames() throws {
        for host in ["127.0.0.1", "127.1.2.3", "::1", "localhost"] { #expect(ServerSettings.isLoopback(host), "\(host)") }
        for host in ["127.example.com", "127.0.0.1.example.com", "127.0.0.256", "127.0.0", "127.0.0.+1", "0.0.0.0"] {
            #expect(!ServerSettings.isLoopback(host), "\(host)")
        }
        var settings = ServerSettings()
        try settings.apply(key: "admin", value: .string("127.example.com:9090"))
        #expect(throws: CLIError.self) { try settings.checkAdmin() }
    }

    @Test("admin = off turns the API off; a short token is refused")
    func offAndShortToken() throws {
        var settings = ServerSettings()
        try settings.apply(key: "admin", value: .string("off"))
        #expect(settings.adminHost == nil)
        #expect(throws: SettingProblem.self) { try settings.apply(key: "admin_token", value: .string("short")) }
    }
}
