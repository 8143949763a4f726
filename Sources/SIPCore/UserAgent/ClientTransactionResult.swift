/// What became of a request we sent, as reported to its sender.
public enum ClientTransactionResult: Sendable {
    /// A response arrived (provisional ones too, each once).
    case response(SIPResponse)
    /// No final response within Timer B or F (RFC 3261 §17.1.1.2, §17.1.2.2): treat as 408.
    case timedOut
    /// The transport could not send the request.
    case transportError
}
