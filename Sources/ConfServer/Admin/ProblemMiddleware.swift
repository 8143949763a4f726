import Hummingbird
import Logging

/// Turns every failure under the router into an RFC 9457 problem document, so clients see one error format.
///
/// ``AdminError`` passes through; Hummingbird's own errors (unknown path, undecodable body) keep their status
/// and message; anything else becomes a 500 whose details stay in the log. Hummingbird answers a known path
/// with an unknown method as "not found"; ``RouteMethods`` tells those apart, and they become a 405 with `Allow`.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: RouteMethods

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as AdminError {
            throw error
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = self.routes.methods(for: request.uri.path)
            guard !allowed.isEmpty else { throw AdminError(.notFound, "no such path: \(request.uri.path)") }
            var problem = AdminError(
                .methodNotAllowed,
                "\(request.method) is not allowed on \(request.uri.path); use \(allowed.joined(separator: ", "))"
            )
            problem.allow = allowed
            throw problem
        } catch let error as HTTPError {
            let code: AdminError.Code =
                switch error.status {
                case .notFound: .notFound
                case .methodNotAllowed: .methodNotAllowed
                case .unauthorized: .unauthorized
                default: error.status.code < 500 ? .malformedRequest : .internalError
                }
            throw AdminError(code, error.body ?? error.status.reasonPhrase)
        } catch {
            context.logger.error("admin request failed: \(error)")
            throw AdminError(.internalError, "the server failed to handle this request; see its log")
        }
    }
}
