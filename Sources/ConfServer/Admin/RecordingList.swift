import Hummingbird

/// `GET /api/v1/recordings`: the files in the recordings directory, by name.
struct RecordingList: ResponseCodable, Equatable, Sendable {
    /// One recording file.
    struct Recording: Codable, Equatable, Sendable {
        var name: String
        /// Size in bytes.
        var size: Int
    }

    var recordings: [Recording]
}
