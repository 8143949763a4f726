import Conference
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// An admin API failure, answered as an RFC 9457 problem document (`application/problem+json`).
///
/// The code decides the HTTP status and the problem `type`; the detail says what exactly was wrong, so an
/// operator can fix the request without reading logs. `==` compares codes only, so tests match on a code.
struct AdminError: HTTPResponseError, CustomStringConvertible, Equatable {
    /// What went wrong, as a stable machine-readable name. A struct around a private enum, so a new code
    /// breaks no switch.
    struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Hashable, Sendable {
            case malformedRequest = "malformed-request"
            case unauthorized
            case notFound = "not-found"
            case roomNotFound = "room-not-found"
            case participantNotFound = "participant-not-found"
            case recordingNotFound = "recording-not-found"
            case duplicateExtension = "duplicate-extension"
            case roomNotLive = "room-not-live"
            case invalidRoom = "invalid-room"
            case invalidPIN = "invalid-pin"
            case recordingUnavailable = "recording-unavailable"
            case methodNotAllowed = "method-not-allowed"
            case notImplemented = "not-implemented"
            case invalidTarget = "invalid-target"
            case dialOutFailed = "dial-out-failed"
            case noAnswer = "no-answer"
            case storeFailure = "store-failure"
            case internalError = "internal-error"
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The request body or a parameter could not be read (bad JSON, wrong types).
        static let malformedRequest = Code(.malformedRequest)
        /// The bearer token is missing or wrong.
        static let unauthorized = Code(.unauthorized)
        /// No such path.
        static let notFound = Code(.notFound)
        /// No room with this extension in the store.
        static let roomNotFound = Code(.roomNotFound)
        /// No participant with this id in the room right now.
        static let participantNotFound = Code(.participantNotFound)
        /// No recording file with this name.
        static let recordingNotFound = Code(.recordingNotFound)
        /// The extension (or a DID) already belongs to another room.
        static let duplicateExtension = Code(.duplicateExtension)
        /// The operation needs callers in the room, and there are none.
        static let roomNotLive = Code(.roomNotLive)
        /// A field of the room is invalid (name, extension, DID, option).
        static let invalidRoom = Code(.invalidRoom)
        /// The PIN (or admin PIN) is invalid.
        static let invalidPIN = Code(.invalidPIN)
        /// Recording is disabled (no recordings directory) or could not start.
        static let recordingUnavailable = Code(.recordingUnavailable)
        /// The path exists but not with this method.
        static let methodNotAllowed = Code(.methodNotAllowed)
        /// The endpoint is specified but not built yet.
        static let notImplemented = Code(.notImplemented)
        /// A dial-out target (or its ring time) is not acceptable.
        static let invalidTarget = Code(.invalidTarget)
        /// The called party refused the call (busy, declined, not found, unusable SDP).
        static let dialOutFailed = Code(.dialOutFailed)
        /// The called party did not answer within the ring time; the call was cancelled.
        static let noAnswer = Code(.noAnswer)
        /// The room store failed to read or write.
        static let storeFailure = Code(.storeFailure)
        /// Anything else; details go to the log, not to the client.
        static let internalError = Code(.internalError)

        var description: String { self.value.rawValue }

        /// The HTTP status this code is answered with.
        var status: HTTPResponse.Status {
            switch self.value {
            case .malformedRequest: .badRequest
            case .unauthorized: .unauthorized
            case .notFound, .roomNotFound, .participantNotFound, .recordingNotFound: .notFound
            case .duplicateExtension, .roomNotLive, .recordingUnavailable: .conflict
            case .invalidRoom, .invalidPIN, .invalidTarget: .unprocessableContent
            case .dialOutFailed: .badGateway
            case .noAnswer: .gatewayTimeout
            case .methodNotAllowed: .methodNotAllowed
            case .notImplemented: .notImplemented
            case .storeFailure, .internalError: .internalServerError
            }
        }

        /// A short human summary of the problem type (RFC 9457 §3.1.3), the same for every occurrence.
        var title: String {
            switch self.value {
            case .malformedRequest: "Malformed request"
            case .unauthorized: "Missing or wrong bearer token"
            case .notFound: "Not found"
            case .roomNotFound: "Room not found"
            case .participantNotFound: "Participant not found"
            case .recordingNotFound: "Recording not found"
            case .duplicateExtension: "Extension already in use"
            case .roomNotLive: "Room has nobody in it"
            case .invalidRoom: "Invalid room"
            case .invalidPIN: "Invalid PIN"
            case .recordingUnavailable: "Recording unavailable"
            case .methodNotAllowed: "Method not allowed"
            case .notImplemented: "Not implemented"
            case .invalidTarget: "Invalid dial-out target"
            case .dialOutFailed: "Dial-out refused"
            case .noAnswer: "No answer"
            case .storeFailure: "Room store failure"
            case .internalError: "Internal error"
            }
        }
    }

    var code: Code
    /// What exactly was wrong with this request (RFC 9457 §3.1.4).
    var detail: String
    var file: String
    var line: Int
    /// The methods the path does allow, sent as the `Allow` header with a 405 (RFC 9110 §15.5.6).
    var allow: [String] = []

    init(_ code: Code, _ detail: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.detail = detail
        self.file = file
        self.line = line
    }

    /// Maps a conference error to the problem an API client sees.
    init(_ error: ConferenceError) {
        let code: Code =
            switch error.code {
            case .invalidPIN: .invalidPIN
            case .invalidRoom: .invalidRoom
            case .duplicateExtension: .duplicateExtension
            case .roomNotFound: .roomNotFound
            case .storeFailure: .storeFailure
            default: .internalError
            }
        self.init(code, error.reason, file: error.file, line: error.line)
    }

    var status: HTTPResponse.Status { self.code.status }
    var description: String { "\(self.code): \(self.detail)" }

    /// The problem's `type` URI; relative, so it resolves against the server that answered.
    var type: String { "/api/v1/problems/\(self.code)" }

    static func == (lhs: AdminError, rhs: AdminError) -> Bool { lhs.code == rhs.code }

    /// The problem document's body.
    var document: ProblemDocument {
        ProblemDocument(type: self.type, title: self.code.title, status: Int(self.status.code), detail: self.detail)
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = try JSONEncoder().encode(self.document)
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        if self.code == .unauthorized { headers[.wwwAuthenticate] = "Bearer realm=\"parley\"" }
        if !self.allow.isEmpty { headers[.allow] = self.allow.joined(separator: ", ") }
        return Response(status: self.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
