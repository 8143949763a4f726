/// Where a message's body lives: its own array, or a range of the received bytes (no copy while parsing).
enum SIPBodyStorage: Sendable {
    case owned([UInt8])
    case wire(bytes: [UInt8], start: Int, end: Int)

    var bytes: [UInt8] {
        switch self {
        case .owned(let bytes): bytes
        case .wire(let bytes, let start, let end): Array(Self.slice(bytes, start, end))
        }
    }

    var count: Int {
        switch self {
        case .owned(let bytes): bytes.count
        case .wire(let bytes, let start, let end): Self.slice(bytes, start, end).count
        }
    }

    /// Calls `body` with the octets in place.
    func withBytes<Result>(_ body: (ArraySlice<UInt8>) -> Result) -> Result {
        switch self {
        case .owned(let bytes): body(bytes[...])
        case .wire(let bytes, let start, let end): body(Self.slice(bytes, start, end))
        }
    }

    private static func slice(_ bytes: [UInt8], _ start: Int, _ end: Int) -> ArraySlice<UInt8> {
        let lower = max(0, min(start, bytes.count))
        let upper = max(lower, min(end, bytes.count))
        return bytes[lower..<upper]
    }
}
