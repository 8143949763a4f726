import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import ConfServer

@Suite("Admin API: recordings")
struct RecordingsAPITests {
    @Test("lists WAV files and downloads one byte for byte")
    func listAndDownload() async throws {
        let fixture = try AdminFixture()
        defer { fixture.remove() }
        let directory = try #require(fixture.environment.recordingsDirectory)
        let bytes = Data("RIFF....WAVEfmt ".utf8)
        try bytes.write(to: URL(fileURLWithPath: directory + "/room-1000-1.wav"))
        try FileManager.default.createDirectory(atPath: directory + "/subdir", withIntermediateDirectories: true)
        try await fixture.test { client in
            try await client.execute(uri: "/api/v1/recordings", method: .get) { response throws in
                let list = try AdminFixture.decode(RecordingList.self, response)
                #expect(list.recordings == [RecordingList.Recording(name: "room-1000-1.wav", size: bytes.count)])
            }
            try await client.execute(uri: "/api/v1/recordings/room-1000-1.wav", method: .get) { response throws in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "audio/wav")
                #expect(Data(String(buffer: response.body).utf8) == bytes)
            }
            try await client.execute(uri: "/api/v1/recordings/missing.wav", method: .get) { response throws in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test(
        "names that could leave the recordings directory are refused",
        arguments: ["..", "%2E%2E%2Frooms.sqlite", "..%2Frooms.sqlite", ".hidden", "a%2Fb.wav", "subdir"]
    )
    func traversal(name: String) async throws {
        let fixture = try AdminFixture()
        defer { fixture.remove() }
        let directory = try #require(fixture.environment.recordingsDirectory)
        try FileManager.default.createDirectory(atPath: directory + "/subdir", withIntermediateDirectories: true)
        try await fixture.test { client in
            try await client.execute(uri: "/api/v1/recordings/\(name)", method: .get) { response throws in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test("plain names", arguments: [("room-1.wav", true), ("a_b.c", true), ("", false), ("../x", false), ("a b", false)])
    func plainNames(name: String, plain: Bool) {
        #expect(RecordingsController<AdminRouter.Context>.isPlainName(name) == plain)
    }
}
