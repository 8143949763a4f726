/// Where a request's URI lives: a parsed value, or a range of the received bytes that the parser checked and
/// whose text is exactly what ``SIPURI/description`` would write (so serializing copies the bytes).
enum SIPURIStorage: Sendable {
    case parsed(SIPURI)
    case wire(bytes: [UInt8], start: Int, end: Int)

    var uri: SIPURI {
        switch self {
        case .parsed(let uri):
            return uri
        case .wire(let bytes, let start, let end):
            let lower = max(0, min(start, bytes.count))
            let upper = max(lower, min(end, bytes.count))
            // Checked by the parser; the fallback only keeps this total.
            return (try? SIPURI(parsing: String(decoding: bytes[lower..<upper], as: UTF8.self)))
                ?? SIPURI(host: "invalid")
        }
    }
}
