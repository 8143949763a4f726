/// The body of an RFC 9457 problem document: what kind of problem, its summary, status and specifics.
struct ProblemDocument: Codable, Equatable, Sendable {
    var type: String
    var title: String
    var status: Int
    var detail: String
}
