/// The CSeq header field: a sequence number and the request method (RFC 3261 §20.16).
///
/// It orders requests within a dialog and, with the method, tells which request a response answers (§8.1.1.5).
public struct CSeqHeader: Sendable, Equatable, CustomStringConvertible {
    /// Less than 2^31, as RFC 3261 §8.1.1.5 requires.
    public var sequence: UInt32
    /// The request's method; equals the Request-Line's (RFC 3261 §8.1.1.5).
    public var method: SIPMethod

    /// Makes `CSeq: <sequence> <method>`.
    public init(sequence: UInt32, method: SIPMethod) {
        self.sequence = sequence
        self.method = method
    }

    /// Parses `1*DIGIT LWS Method`. Leading zeros are fine (RFC 4475 §3.1.1.1); a number of 2^31 or more is
    /// refused (RFC 3261 §8.1.1.5, RFC 4475 §3.1.2.4).
    /// - Throws: ``SIPParseError`` with header ``HeaderName/cseq``.
    public init(parsing text: String) throws(SIPParseError) {
        var scanner = SIPScanner(text)
        scanner.skipWhitespace()
        let digits = scanner.read(while: ASCII.isDigit)
        guard !digits.isEmpty else {
            throw SIPParseError(.invalidHeaderValue, offset: scanner.index, header: .cseq, detail: "no sequence number")
        }
        guard let value = digits.sipDecimal(max: 0x7FFF_FFFF) else {
            throw SIPParseError(.valueOutOfRange, offset: 0, header: .cseq, detail: "CSeq number >= 2^31")
        }
        let beforeSpace = scanner.index
        scanner.skipWhitespace()
        let method = scanner.readToken()
        scanner.skipWhitespace()
        guard scanner.index > beforeSpace, !method.isEmpty, scanner.isAtEnd else {
            throw SIPParseError(.invalidHeaderValue, offset: scanner.index, header: .cseq, detail: "bad CSeq method")
        }
        self.sequence = UInt32(value)
        self.method = SIPMethod(method)
    }

    public var description: String { "\(self.sequence) \(self.method.token)" }
}
