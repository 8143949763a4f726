import Foundation
import Hummingbird

/// Recordings under `/api/v1/recordings`: list the files in the recordings directory and download one.
///
/// A name must be a plain file name (letters, digits, `.`, `_`, `-`, not starting with a dot), so a request
/// can never reach outside the directory.
struct RecordingsController<Context: RequestContext>: Sendable {
    let environment: AdminEnvironment

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("recordings", use: self.list)
        group.get("recordings/:name", use: self.download)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> RecordingList {
        guard let directory = self.environment.recordingsDirectory else { return RecordingList(recordings: []) }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var recordings: [RecordingList.Recording] = []
        for name in names.sorted() where Self.isPlainName(name) {
            let attributes = try? FileManager.default.attributesOfItem(atPath: directory + "/" + name)
            guard let attributes, attributes[.type] as? FileAttributeType == .typeRegular else { continue }
            let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
            recordings.append(RecordingList.Recording(name: name, size: size))
        }
        return RecordingList(recordings: recordings)
    }

    @Sendable func download(_ request: Request, context: Context) async throws -> Response {
        let name = context.parameters.get("name") ?? ""
        guard Self.isPlainName(name) else {
            throw AdminError(.recordingNotFound, "'\(name)' is not a recording name")
        }
        guard let directory = self.environment.recordingsDirectory else {
            throw AdminError(.recordingNotFound, "recording is off: the server has no recordings directory")
        }
        let path = directory + "/" + name
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw AdminError(.recordingNotFound, "no recording named \(name)")
        }
        let body = try await FileIO().loadFile(path: path, context: context)
        let type = name.hasSuffix(".wav") ? "audio/wav" : "application/octet-stream"
        return Response(
            status: .ok,
            headers: [.contentType: type, .contentDisposition: "attachment; filename=\"\(name)\""],
            body: body
        )
    }

    /// A file name with no path: 1 to 200 of `A-Z a-z 0-9 . _ -`, not starting with a dot.
    static func isPlainName(_ name: String) -> Bool {
        guard (1...200).contains(name.utf8.count), name.utf8.first != UInt8(ascii: ".") else { return false }
        return name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
    }
}
