import Foundation
import HTTPKit

/// An `HTTPTransport` for tests: it records every request and answers from a script (in order), from
/// routes ("METHOD URL"), or from a handler. It never touches the network.
public final class ScriptedTransport: HTTPTransport, @unchecked Sendable {
    public typealias Answer = Result<HTTPResponse, TransportError>
    public typealias Responder = @Sendable (HTTPRequest) -> Answer

    private enum Script {
        case inOrder([Responder])
        case routes([String: [Answer]])
        case handler(Responder)
    }

    private let lock = NSLock()
    private var script: Script
    private var recorded: [HTTPRequest] = []

    /// Answers request number n with responder n. Past the end it fails with a non-transient error,
    /// so an unexpected extra request shows up as a failure.
    public init(_ responders: [Responder]) { script = .inOrder(responders) }

    /// Answers request number n with answer n; past the end, as `init(_:)`.
    public convenience init(answers: [Answer]) { self.init(answers.map { answer in { _ in answer } }) }

    /// Answers from routes ("METHOD URL" → answers, one per request, the last one repeating). A request
    /// without a route fails to connect, as an unreachable host would.
    public init(routes: [String: [Answer]]) { script = .routes(routes) }

    /// Answers every request with `handler`, e.g. a simulated server with state of its own.
    public init(handler: @escaping Responder) { script = .handler(handler) }

    public func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
        let responder: Responder = lock.withLock {
            recorded.append(request)
            switch script {
            case .inOrder(var responders):
                guard !responders.isEmpty else { return { _ in .failure(.other("script exhausted")) } }
                let first = responders.removeFirst()
                script = .inOrder(responders)
                return first
            case .routes(var routes):
                let key = "\(request.method) \(request.url)"
                guard var answers = routes[key], let first = answers.first else { return { _ in .failure(.connectFailed("no route to \(key)")) } }
                if answers.count > 1 {
                    answers.removeFirst()
                    routes[key] = answers
                    script = .routes(routes)
                }
                return { _ in first }
            case .handler(let handler):
                return handler
            }
        }
        return try responder(request).get()
    }

    /// Every request sent, in order.
    public var requests: [HTTPRequest] { lock.withLock { recorded } }

    /// The request bodies as text.
    public var bodies: [String] { requests.map { String(decoding: $0.body ?? [], as: UTF8.self) } }

    /// Scripted answers not asked for (0 for routes and handlers).
    public var unused: Int {
        lock.withLock {
            guard case .inOrder(let responders) = script else { return 0 }
            return responders.count
        }
    }

    /// A response with a text body.
    public static func reply(_ status: Int, _ body: String = "", headers: [(String, String)] = []) -> Answer {
        .success(HTTPResponse(status: status, headers: headers.map { (name: $0.0, value: $0.1) }, body: Array(body.utf8)))
    }
}
