import Foundation
import HTTPKit

/// The local HTTPS portal fake (Tests/Sandbox/portal_fake.py), for one test: TLS listeners on
/// loopback with certificates from a throwaway CA for `hostNames`, each with a behaviour set at run
/// time. The Python comes from IDCSYNC_SANDBOX_PYTHON (the venv scripts/test prepares), else `python3`.
public final class PortalFake: @unchecked Sendable {
    public enum Behaviour: Sendable, Equatable {
        case ok
        /// This status to every method (with a Location when given).
        case status(Int, location: String? = nil)
        case redirect(String, status: Int = 302)
        /// `headStatus` (405) to HEAD; the GET gets `status` and `location`.
        case head405Then(status: Int, location: String? = nil, headStatus: Int = 405)
        /// Answers `status` after `ms` milliseconds.
        case slow(ms: Int, status: Int = 200)
        /// Accepts TCP, never answers the TLS handshake.
        case hangTLS
        /// Completes TLS, never answers the request.
        case hangHTTP
        /// A certificate for another host name, from the same CA.
        case wrongCert
        /// A certificate for the hosts from another CA.
        case untrustedCert
        /// A certificate for the hosts from the same CA, expired yesterday.
        case expiredCert
        /// Completes TLS and answers the request with a line that is not HTTP.
        case notHTTP
        /// Completes TLS, reads the request and closes the connection without an answer.
        case closeBeforeHead

        var json: [String: Any] {
            switch self {
            case .ok: ["kind": "ok"]
            case .status(let status, let location): ["kind": "status", "status": status, "location": location as Any? ?? NSNull()]
            case .redirect(let location, let status): ["kind": "redirect", "location": location, "status": status]
            case .head405Then(let status, let location, let headStatus):
                ["kind": "head-405-then", "status": status, "location": location as Any? ?? NSNull(), "headStatus": headStatus]
            case .slow(let ms, let status): ["kind": "slow", "ms": ms, "status": status]
            case .hangTLS: ["kind": "hang-tls"]
            case .hangHTTP: ["kind": "hang-http"]
            case .wrongCert: ["kind": "wrong-cert"]
            case .untrustedCert: ["kind": "untrusted-cert"]
            case .expiredCert: ["kind": "expired-cert"]
            case .notHTTP: ["kind": "not-http"]
            case .closeBeforeHead: ["kind": "close-before-head"]
            }
        }
    }

    /// One HTTP request the fake read (after a completed handshake).
    public struct Request: Sendable, Equatable {
        public var listener: String
        public var method: String
        public var path: String
        public var host: String?
        public var sni: String?
        public var userAgent: String?
        public var connection: String?

        public init(listener: String, method: String, path: String, host: String?, sni: String?, userAgent: String?, connection: String?) {
            self.listener = listener
            self.method = method
            self.path = path
            self.host = host
            self.sni = sni
            self.userAgent = userAgent
            self.connection = connection
        }
    }

    /// One accepted TCP connection: the behaviour it got and how its handshake went.
    public struct Connection: Sendable, Equatable {
        public var listener: String
        public var behaviour: String
        public var sni: String?
        /// "ok", "pending", "never answered" or "failed: REASON".
        public var tls: String
    }

    private let process = Process()
    public let controlURL: String
    /// The PEM file of the test CA (pass it as `TrustRoots.file`).
    public let caFile: String
    public let untrustedCAFile: String
    /// Listener name -> loopback port.
    public let listeners: [String: Int]
    /// A loopback port the fake bound and closed: connections to it are refused.
    public let refusedPort: Int
    public let hostNames: [String]
    /// The host name of the `wrongCert` certificate.
    public let wrongHostName: String

    public static var python: String { ProcessInfo.processInfo.environment["IDCSYNC_SANDBOX_PYTHON"] ?? "python3" }

    /// Starts the fake and waits for its READY line (read on a thread of its own, so that tests
    /// starting fakes in parallel do not hold the Swift concurrency pool's threads).
    public init(hostNames: [String], listeners: [String] = ["main"]) async throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sandbox/portal_fake.py").path
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [Self.python, script] + hostNames.flatMap { ["--host-name", $0] } + listeners.flatMap { ["--listener", $0] }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.standardError
        try process.run()
        let handle = out.fileHandleForReading
        let text = await withCheckedContinuation { continuation in
            Thread {
                var line = Data()
                while !line.contains(UInt8(ascii: "\n")) {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    line.append(chunk)
                }
                continuation.resume(returning: String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
            }.start()
        }
        guard text.hasPrefix("READY "),
              let ready = try? JSONSerialization.jsonObject(with: Data(text.dropFirst("READY ".count).utf8)) as? [String: Any],
              let control = ready["control"] as? String, let ca = ready["caFile"] as? String,
              let untrusted = ready["untrustedCaFile"] as? String, let ports = ready["listeners"] as? [String: Int],
              let refused = ready["refusedPort"] as? Int, let wrong = ready["wrongHostName"] as? String else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw PortalFakeError("portal_fake.py did not start (printed \"\(text)\"); run the tests with scripts/test, "
                + "which prepares its Python, or set IDCSYNC_SANDBOX_PYTHON to a Python with `cryptography`")
        }
        controlURL = control
        caFile = ca
        untrustedCAFile = untrusted
        self.listeners = ports
        refusedPort = refused
        self.hostNames = hostNames
        wrongHostName = wrong
    }

    deinit {
        // SIGTERM lets the fake remove its certificate folder; SIGKILL if it has not exited in 5 s.
        // The wait is on a thread of its own: a test's end must not hold a concurrency pool thread.
        let process = self.process
        kill(process.processIdentifier, SIGTERM)
        Thread {
            let deadline = Date().addingTimeInterval(5)
            while process.isRunning && Date() < deadline { usleep(10_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }.start()
    }

    /// The port of a listener (a precondition: the name was passed to `init`).
    public func port(_ listener: String) -> Int {
        guard let port = listeners[listener] else { preconditionFailure("portal fake has no listener \(listener): \(listeners.keys.sorted())") }
        return port
    }

    /// One IDCSYNC_TEST_CONNECT_TO entry sending `host:port` to a listener.
    public func connectTo(_ host: String, _ listener: String, port: Int = 443) -> String {
        "\(host):\(port):127.0.0.1:\(self.port(listener))"
    }

    /// One IDCSYNC_TEST_CONNECT_TO entry sending `host:port` to the refused port.
    public func connectToRefused(_ host: String, port: Int = 443) -> String {
        "\(host):\(port):127.0.0.1:\(refusedPort)"
    }

    public func setBehaviour(_ listener: String, _ behaviour: Behaviour) async throws {
        _ = try await control("POST", "/behaviour", ["listener": listener, "behaviour": behaviour.json])
    }

    /// Every listener back to `ok`; the request and connection logs emptied.
    public func reset() async throws {
        _ = try await control("POST", "/reset", [:])
    }

    public func requests() async throws -> [Request] {
        let list = try await control("GET", "/requests", nil) as? [[String: Any]] ?? []
        return list.map {
            Request(listener: $0["listener"] as? String ?? "", method: $0["method"] as? String ?? "", path: $0["path"] as? String ?? "",
                    host: $0["host"] as? String, sni: $0["sni"] as? String, userAgent: $0["userAgent"] as? String,
                    connection: $0["connection"] as? String)
        }
    }

    public func connections() async throws -> [Connection] {
        let list = try await control("GET", "/connections", nil) as? [[String: Any]] ?? []
        return list.map {
            Connection(listener: $0["listener"] as? String ?? "", behaviour: $0["behaviour"] as? String ?? "",
                       sni: $0["sni"] as? String, tls: $0["tls"] as? String ?? "")
        }
    }

    private func control(_ method: String, _ path: String, _ body: [String: Any]?) async throws -> Any {
        let data = try body.map { Array(try JSONSerialization.data(withJSONObject: $0)) }
        let request = HTTPRequest(method: method, url: controlURL + path, headers: [("Content-Type", "application/json")],
                                  body: data, timeout: .seconds(30))
        let response = try await AsyncHTTPTransport().send(request)
        guard (200..<300).contains(response.status) else {
            throw PortalFakeError("portal fake control \(method) \(path): \(response.status) \(response.bodyText)")
        }
        return try JSONSerialization.jsonObject(with: Data(response.body), options: [.fragmentsAllowed])
    }
}

public struct PortalFakeError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
