import Conference
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore

@testable import ConfServer

/// An admin router over a fresh room store in a temp directory and a fake bridge, tested with no socket.
struct AdminFixture {
    static let token = "test-token-0123456789"

    let directory: String
    let store: SQLiteRoomStore
    let live: FakeLiveRooms
    let environment: AdminEnvironment

    init(token: String? = nil, recordings: Bool = true) throws {
        self.directory = NSTemporaryDirectory() + "parley-admin-\(UUID().uuidString)"
        self.store = try SQLiteRoomStore(directory: self.directory)
        self.live = FakeLiveRooms()
        let recordingsDirectory = self.directory + "/recordings"
        try FileManager.default.createDirectory(atPath: recordingsDirectory, withIntermediateDirectories: true)
        self.environment = AdminEnvironment(
            store: self.store,
            live: self.live,
            recordingsDirectory: recordings ? recordingsDirectory : nil,
            token: token,
            events: EventBroadcaster(),
            metrics: AdminMetrics()
        )
    }

    /// Runs `body` against the router with HummingbirdTesting's in-process client.
    func test<Value>(_ body: @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
        let application = Application(router: AdminRouter.build(self.environment))
        return try await application.test(.router, body)
    }

    func remove() { try? FileManager.default.removeItem(atPath: self.directory) }

    static func json(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

    static func decode<T: Decodable>(_ type: T.Type, _ response: TestResponse) throws -> T {
        try JSONDecoder().decode(type, from: Data(String(buffer: response.body).utf8))
    }

    /// Decodes a problem document, checking its content type and that its status matches the response.
    static func problem(_ response: TestResponse) throws -> ProblemDocument {
        guard response.headers[.contentType] == "application/problem+json" else {
            throw AdminError(.internalError, "content type was \(response.headers[.contentType] ?? "none")")
        }
        let document = try Self.decode(ProblemDocument.self, response)
        guard document.status == Int(response.status.code) else {
            throw AdminError(.internalError, "problem status \(document.status) differs from \(response.status.code)")
        }
        return document
    }
}
