public import NIOCore

extension UserAgentCore {
    /// Sends `request` like ``sendRequest(_:to:transport:branch:completion:)`` and, when a final 401 or 407 arrives,
    /// sends the authorized retry in a new transaction (RFC 3261 §22.2, §22.3, §8.1.3.5), at most
    /// `maxChallenges` times; only the retry's responses and the last challenge reach `completion`.
    ///
    /// The retry's CSeq is one higher (see ``SIPRequest/authorizedRetry(after:credentials:cnonce:nonceCount:)``):
    /// a UAC builds the ACK for a 2xx from the CSeq of the response it got. The ACK for the 401/407 itself is
    /// sent by the INVITE client transaction (§17.1.1.3).
    public func sendRequest(
        _ request: SIPRequest,
        to destination: SocketAddress,
        transport: SIPTransportKind = .udp,
        credentials: DigestCredentials,
        maxChallenges: Int = 2,
        completion: @escaping (ClientTransactionResult) -> Void
    ) {
        self.sendRequest(request, to: destination, transport: transport) { [weak self] result in
            guard let self, case .response(let response) = result,
                response.statusCode == 401 || response.statusCode == 407, maxChallenges > 0,
                let retry = try? request.authorizedRetry(after: response, credentials: credentials)
            else {
                completion(result)
                return
            }
            self.sendRequest(
                retry,
                to: destination,
                transport: transport,
                credentials: credentials,
                maxChallenges: maxChallenges - 1,
                completion: completion
            )
        }
    }
}
