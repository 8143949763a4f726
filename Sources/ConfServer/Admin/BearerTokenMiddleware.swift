import Foundation
import Hummingbird

/// Refuses API requests without the configured bearer token (`Authorization: Bearer TOKEN`).
///
/// The WebSocket route may carry the token as `?token=` instead, since browsers cannot set headers on a
/// WebSocket. The comparison takes the same time wherever the strings differ, so timing does not reveal a
/// prefix of the token. With no token configured every request passes (the listener is then loopback only).
struct BearerTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: String?
    /// Paths served without a token: the OpenAPI document, the web page and metrics.
    let publicPaths: Set<String>

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let token = self.token, !self.publicPaths.contains(request.uri.path) else {
            return try await next(request, context)
        }
        var presented: String?
        if let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") {
            presented = String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
        } else if request.uri.path.hasSuffix("/events") {
            presented = request.uri.queryParameters.get("token")
        }
        guard let presented, Self.constantTimeEqual(presented, token) else {
            throw AdminError(.unauthorized, "send the admin token as 'Authorization: Bearer TOKEN'")
        }
        return try await next(request, context)
    }

    /// Compares every byte of the longer string, with no early exit.
    static func constantTimeEqual(_ lhs: String, _ rhs: String) -> Bool {
        let a = Array(lhs.utf8)
        let b = Array(rhs.utf8)
        var difference = UInt(bitPattern: a.count ^ b.count)
        for index in 0..<max(a.count, b.count) {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            difference |= UInt(x ^ y)
        }
        return difference == 0
    }
}
