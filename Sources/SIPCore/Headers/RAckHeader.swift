/// The RAck header field of a PRACK: which reliable provisional response it acknowledges (RFC 3262 §7.2).
///
/// `RAck: 776656 1 INVITE` names the RSeq of the provisional response, then the CSeq number and method of the
/// request it answered; the UAS matches all three against the responses it is retransmitting (§3).
public struct RAckHeader: Sendable, Hashable, CustomStringConvertible {
    /// The RSeq of the acknowledged provisional response, 1 to 2^32-1.
    public var responseSequence: UInt32
    /// The CSeq number of the request the provisional response answered.
    public var sequence: UInt32
    /// The method of that request (INVITE).
    public var method: SIPMethod

    /// Makes the RAck of a PRACK from the RSeq it acknowledges and the INVITE's CSeq.
    public init(responseSequence: UInt32, sequence: UInt32, method: SIPMethod) {
        self.responseSequence = responseSequence
        self.sequence = sequence
        self.method = method
    }

    /// Parses `response-num LWS CSeq-num LWS Method` (RFC 3262 §7.2).
    /// - Throws: ``SIPParseError`` with header ``HeaderName/rack``.
    public init(parsing text: String) throws(SIPParseError) {
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" })
        guard parts.count == 3 else {
            throw SIPParseError(.invalidHeaderValue, offset: 0, header: .rack, detail: "RAck needs three parts")
        }
        guard let rseq = ExtensionHeaderText.decimal(parts[0], max: UInt64(UInt32.max)), rseq > 0,
            let cseq = ExtensionHeaderText.decimal(parts[1], max: 0x7FFF_FFFF)
        else {
            throw SIPParseError(.valueOutOfRange, offset: 0, header: .rack, detail: "bad RAck number")
        }
        guard parts[2].utf8.allSatisfy(ExtensionHeaderText.isTokenCharacter) else {
            throw SIPParseError(.invalidHeaderValue, offset: 0, header: .rack, detail: "bad RAck method")
        }
        self.responseSequence = UInt32(rseq)
        self.sequence = UInt32(cseq)
        self.method = SIPMethod(String(parts[2]))
    }

    public var description: String { "\(self.responseSequence) \(self.sequence) \(self.method.token)" }
}
