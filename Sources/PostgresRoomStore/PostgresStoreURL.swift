import Conference
import Foundation
import NIOSSL
import PostgresNIO

/// Where a ``PostgresRoomStore`` connects, read from a `postgres://` URL as operators write it for `psql`.
///
/// `postgres://user:password@host:port/database` connects over TCP; `?host=/run/postgresql` (a directory) uses
/// the server's Unix socket in it instead; `?sslmode=require` demands TLS (verified against the system's roots),
/// `disable` (the default) never asks for it. Percent-escapes in the user and password are decoded.
public struct PostgresStoreURL: Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int
    /// The directory of the server's Unix socket, when given with `?host=/dir`.
    public var socketDirectory: String?
    public var username: String
    public var password: String?
    public var database: String
    public var requireTLS: Bool

    public init(_ text: String) throws(ConferenceError) {
        guard let components = URLComponents(string: text),
            components.scheme == "postgres" || components.scheme == "postgresql"
        else {
            throw ConferenceError(.storeFailure, "store URL must look like postgres://user@host:5432/database")
        }
        let query = components.queryItems ?? []
        func parameter(_ name: String) -> String? { query.first { $0.name == name }?.value }
        self.socketDirectory = parameter("host").flatMap { $0.hasPrefix("/") ? $0 : nil }
        self.host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1"
        self.port = components.port ?? Int(parameter("port") ?? "") ?? 5432
        guard (1...65535).contains(self.port) else {
            throw ConferenceError(.storeFailure, "store URL port must be 1 to 65535, got \(self.port)")
        }
        self.username = components.user.flatMap { $0.removingPercentEncoding } ?? parameter("user") ?? "postgres"
        self.password = components.password.flatMap { $0.removingPercentEncoding } ?? parameter("password")
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        self.database = path.isEmpty ? self.username : path
        switch parameter("sslmode") ?? "disable" {
        case "disable": self.requireTLS = false
        case "require", "verify-full": self.requireTLS = true
        case let other:
            throw ConferenceError(.storeFailure, "store URL sslmode must be disable or require, got '\(other)'")
        }
    }

    /// The URL without its password, for logs and error messages.
    public var description: String {
        let endpoint = self.socketDirectory.map { "?host=\($0)" } ?? ""
        return "postgres://\(self.username)@\(self.host):\(self.port)/\(self.database)\(endpoint)"
    }

    /// PostgresNIO's settings for this URL.
    func connectionConfiguration() throws(ConferenceError) -> PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        if let directory = self.socketDirectory {
            configuration = .init(
                unixSocketPath: "\(directory)/.s.PGSQL.\(self.port)",
                username: self.username,
                password: self.password,
                database: self.database
            )
        } else {
            let tls: PostgresConnection.Configuration.TLS
            if self.requireTLS {
                do {
                    tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
                } catch {
                    throw ConferenceError(.storeFailure, "cannot set up TLS for the room store: \(error)")
                }
            } else {
                tls = .disable
            }
            configuration = .init(
                host: self.host,
                port: self.port,
                username: self.username,
                password: self.password,
                database: self.database,
                tls: tls
            )
        }
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }
}
