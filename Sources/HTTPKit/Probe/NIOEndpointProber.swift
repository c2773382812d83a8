import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOTLS

/// Probes an `https://` URL without credentials: DNS (getaddrinfo, both families), TCP connect to
/// the addresses in order, TLS with full certificate and host name verification, then one
/// `HEAD` (a `GET` on a new connection when the HEAD is answered 405 or 501) with
/// `Connection: close`, reading only the response head. Redirects are never followed.
///
/// One deadline covers all phases. It is enforced on a NIO event loop, outside the work: when it
/// strikes, the outcome is returned at once (`.timeout` of the phase in progress) and the
/// connection is closed; a resolver still blocked in getaddrinfo is abandoned on its own thread.
public struct NIOEndpointProber: EndpointProbing {
    private let overrides: ConnectToOverrides?
    private let userAgent: String
    private let tlsContext: Result<NIOSSLContext, TLSSetupError>
    /// getaddrinfo on a thread of its own; tests replace it (a resolver that hangs, fails, or
    /// answers several addresses) to check the deadline and the order of connection attempts.
    var resolve: SystemResolver.Function = SystemResolver.resolve

    /// - Parameters:
    ///   - connectTo: when set, only its host:port pairs resolve (test hook; see ``ConnectToOverrides``).
    ///   - trustRoots: the certificates trusted; `.file` replaces the system roots.
    ///   - userAgent: the `User-Agent` header of every request.
    public init(connectTo: ConnectToOverrides? = nil, trustRoots: TrustRoots = .system, userAgent: String) {
        self.overrides = connectTo
        self.userAgent = userAgent
        tlsContext = Self.context(for: trustRoots)
    }

    /// One TLS context per trust roots for the process: loading a CA bundle parses every
    /// certificate in it, which is too slow to repeat for each prober.
    private static let contexts = NIOLockedValueBox<[TrustRoots: Result<NIOSSLContext, TLSSetupError>]>([:])

    private static func context(for trustRoots: TrustRoots) -> Result<NIOSSLContext, TLSSetupError> {
        contexts.withLockedValue { cache in
            if let cached = cache[trustRoots] { return cached }
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .fullVerification
            if case .file(let path) = trustRoots {
                configuration.trustRoots = .file(path)
            }
            let result: Result<NIOSSLContext, TLSSetupError>
            do {
                result = .success(try NIOSSLContext(configuration: configuration))
            } catch {
                let place = if case .file(let path) = trustRoots { "the CA bundle \(path)" } else { "the system trust store" }
                let reason = switch error as? NIOSSLError {
                case .noSuchFilesystemObject?: "no such file"
                case .failedToLoadCertificate?: "not a PEM certificate bundle"
                default: "\(error)"
                }
                result = .failure(TLSSetupError(message: "cannot load \(place): \(reason)"))
            }
            cache[trustRoots] = result
            return result
        }
    }

    public func probe(_ url: String, timeout: Duration) async -> ProbeOutcome {
        let start = ContinuousClock.now
        let target: ProbeTarget
        switch ProbeTarget.parse(url) {
        case .success(let parsed): target = parsed
        case .failure(let problem):
            return ProbeOutcome(url: url, host: "", total: ContinuousClock.now - start, failure: .http(problem.message))
        }
        let run = ProbeRun(outcome: ProbeOutcome(url: url, host: target.host), start: start)
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let work = ProbeWork(run: run, target: target, overrides: overrides, resolve: resolve, userAgent: userAgent,
                             tlsContext: tlsContext, loop: loop, deadline: start + timeout)
        return await withCheckedContinuation { continuation in
            run.setContinuation(continuation)
            let timer = loop.scheduleTask(in: TimeAmount(timeout)) { run.finishAtDeadline() }
            let body: @Sendable () async -> Void = {
                let failure = await work.run()
                timer.cancel()
                run.finish(failure)
            }
            if #available(macOS 15, *) {
                Task(executorPreference: ProbeExecutor.shared, operation: body)
            } else {
                Task(operation: body)
            }
        }
    }
}

struct TLSSetupError: Error, Sendable {
    var message: String
}

/// A failure's words, as an error value.
struct ProbeMessage: Error, Sendable {
    var message: String
    init(_ message: String) { self.message = message }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(max(0, seconds * 1_000_000_000 + attoseconds / 1_000_000_000))
    }
}

/// Runs the probes' async code on a queue of its own, off the Swift concurrency pool: a pool kept
/// busy by blocking work elsewhere in the process must not stall a probe's phases (its deadline
/// is on the event loop either way).
@available(macOS 15, *)
final class ProbeExecutor: TaskExecutor {
    static let shared = ProbeExecutor()
    private let queue = DispatchQueue(label: "idcsync.probe", attributes: .concurrent)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}

/// The parts of a probed URL.
struct ProbeTarget: Sendable, Equatable {
    var host: String
    var port: Int
    /// The request target: the path (or "/") and the query.
    var requestTarget: String
    /// `Host` header value: the host, with the port when it is not 443.
    var hostHeader: String { port == 443 ? host : "\(host):\(port)" }

    static func parse(_ url: String) -> Result<ProbeTarget, ProbeMessage> {
        let scheme = "https://"
        guard url.lowercased().hasPrefix(scheme) else {
            return .failure(ProbeMessage("not an https URL: \"\(url)\" (only https:// URLs are probed)"))
        }
        var rest = Substring(url.dropFirst(scheme.count))
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var requestTarget = String(rest[authorityEnd...])
        if requestTarget.isEmpty { requestTarget = "/" } else if requestTarget.hasPrefix("?") { requestTarget = "/" + requestTarget }
        guard !authority.contains("@") else { return .failure(ProbeMessage("URL \"\(url)\" has user information; a probe URL has a host name only")) }
        guard !authority.hasPrefix("[") else { return .failure(ProbeMessage("URL \"\(url)\" has an IP address as host; probes need a host name (the certificate is checked against it)")) }
        var host = authority
        var port = 443
        if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            let portText = authority[authority.index(after: colon)...]
            guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let value = Int(portText), (1...65535).contains(value) else {
                return .failure(ProbeMessage("URL \"\(url)\" has an invalid port \"\(portText)\" (1-65535)"))
            }
            port = value
        }
        guard !host.isEmpty else { return .failure(ProbeMessage("URL \"\(url)\" has no host")) }
        guard host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }) else {
            return .failure(ProbeMessage("URL \"\(url)\" has an invalid host name \"\(host)\""))
        }
        guard !host.allSatisfy({ $0.isNumber || $0 == "." }) else {
            return .failure(ProbeMessage("URL \"\(url)\" has an IP address as host; probes need a host name (the certificate is checked against it)"))
        }
        return .success(ProbeTarget(host: host.lowercased(), port: port, requestTarget: requestTarget))
    }
}

/// The shared state of one probe: the outcome built so far, the phase in progress, the open
/// channel, and the continuation the first of "work done" and "deadline" resumes.
final class ProbeRun: Sendable {
    private struct State {
        var outcome: ProbeOutcome
        var phase: ProbePhase = .dns
        var phaseStart: ContinuousClock.Instant
        var finished = false
        var channel: Channel?
        var continuation: CheckedContinuation<ProbeOutcome, Never>?
    }

    private let state: NIOLockedValueBox<State>
    private let start: ContinuousClock.Instant

    init(outcome: ProbeOutcome, start: ContinuousClock.Instant) {
        self.start = start
        state = NIOLockedValueBox(State(outcome: outcome, phaseStart: start))
    }

    func setContinuation(_ continuation: CheckedContinuation<ProbeOutcome, Never>) {
        state.withLockedValue { $0.continuation = continuation }
    }

    var isFinished: Bool { state.withLockedValue { $0.finished } }

    /// A phase starts; called on the event loop where it happens, so that the deadline names the
    /// right phase even when the Swift concurrency pool is slow to resume the work.
    func begin(_ phase: ProbePhase, at instant: ContinuousClock.Instant = .now) {
        state.withLockedValue {
            $0.phase = phase
            $0.phaseStart = instant
        }
    }

    /// The phase in progress completed at `instant` and `next` starts: its time is recorded unless
    /// already set (the GET after a HEAD 405 keeps the first connection's times).
    func transition(to next: ProbePhase, at instant: ContinuousClock.Instant) {
        state.withLockedValue { state in
            let took = instant - state.phaseStart
            if !state.finished {
                switch state.phase {
                case .dns: if state.outcome.dns == nil { state.outcome.dns = took }
                case .connect: if state.outcome.connect == nil { state.outcome.connect = took }
                case .tls: if state.outcome.tls == nil { state.outcome.tls = took }
                case .http: break
                }
            }
            state.phase = next
            state.phaseStart = instant
        }
    }

    func update(_ change: (inout ProbeOutcome) -> Void) {
        state.withLockedValue { if !$0.finished { change(&$0.outcome) } }
    }

    /// The channel to close at the deadline; closed at once when the deadline already struck.
    func attach(_ channel: Channel?) {
        let late = state.withLockedValue { state -> Bool in
            if state.finished { return true }
            state.channel = channel
            return false
        }
        if late { channel?.close(promise: nil) }
    }

    func finishAtDeadline() {
        let phase = state.withLockedValue { $0.phase }
        finish(.timeout(phase))
    }

    func finish(_ failure: ProbeOutcome.Failure?) {
        let now = ContinuousClock.now
        let (continuation, channel, outcome) = state.withLockedValue { state -> (CheckedContinuation<ProbeOutcome, Never>?, Channel?, ProbeOutcome) in
            guard !state.finished else { return (nil, nil, state.outcome) }
            state.finished = true
            state.outcome.total = now - start
            state.outcome.failure = failure
            let continuation = state.continuation
            state.continuation = nil
            let channel = state.channel
            state.channel = nil
            return (continuation, channel, state.outcome)
        }
        channel?.close(promise: nil)
        continuation?.resume(returning: outcome)
    }
}

/// A phase's failure, carried out of the work.
struct ProbeStepFailure: Error {
    var failure: ProbeOutcome.Failure
    init(_ failure: ProbeOutcome.Failure) { self.failure = failure }
}

struct ProbeWork: Sendable {
    let run: ProbeRun
    let target: ProbeTarget
    let overrides: ConnectToOverrides?
    let resolve: SystemResolver.Function
    let userAgent: String
    let tlsContext: Result<NIOSSLContext, TLSSetupError>
    let loop: EventLoop
    let deadline: ContinuousClock.Instant

    /// Runs the phases; nil when a response head was read. Phase times come from instants taken
    /// on the event loop (or the resolver thread) when each step completed.
    func run() async -> ProbeOutcome.Failure? {
        do {
            let addresses = try await resolveHost()
            run.update { $0.addresses = addresses.map { $0.ipAddress ?? "\($0)" } }
            let (channel, address) = try await connect(addresses)
            var exchange = try await self.exchange(on: channel, address: address, method: .HEAD)
            var http = exchange.headReceived - exchange.handshakeDone
            var method = "HEAD"
            if exchange.head.status.code == 405 || exchange.head.status.code == 501 {
                // The HEAD answer's connection is closed (Connection: close); the GET gets its own.
                run.begin(.connect)
                let second = try await openChannel(address)
                exchange = try await self.exchange(on: second, address: address, method: .GET)
                http += exchange.headReceived - exchange.handshakeDone
                method = "GET"
            }
            let head = exchange.head
            run.update { [http, method] in
                $0.http = http
                $0.method = method
                $0.status = Int(head.status.code)
                $0.location = head.headers.first(name: "Location")
            }
            return nil
        } catch let error as ProbeStepFailure {
            return error.failure
        } catch {
            return .http("\(error)")
        }
    }

    private func resolveHost() async throws -> [SocketAddress] {
        let start = ContinuousClock.now
        run.begin(.dns, at: start)
        let addresses: [SocketAddress]
        var done = ContinuousClock.now
        if let overrides {
            guard let entry = overrides.target(host: target.host, port: target.port) else {
                throw ProbeStepFailure(.dns("\(target.host):\(target.port) is not in \(ConnectToOverrides.environmentVariable) "
                    + "(test hook set: real DNS is not used)"))
            }
            do {
                addresses = [try SocketAddress(ipAddress: entry.address, port: entry.addressPort)]
            } catch {
                throw ProbeStepFailure(.dns("\(ConnectToOverrides.environmentVariable) address \(entry.address): \(error)"))
            }
        } else {
            let (result, resolved) = await resolve(target.host, target.port)
            done = resolved
            switch result {
            case .success(let list): addresses = list
            case .failure(let problem): throw ProbeStepFailure(.dns("\(target.host): \(problem.message)"))
            }
        }
        run.transition(to: .connect, at: done)
        return addresses
    }

    private func connect(_ addresses: [SocketAddress]) async throws -> (Channel, SocketAddress) {
        var lastFailure = ProbeOutcome.Failure.connect("\(target.host) has no address")
        for address in addresses {
            do {
                let channel = try await openChannel(address)
                run.update { $0.connectedAddress = address.ipAddress }
                return (channel, address)
            } catch let error as ProbeStepFailure {
                lastFailure = error.failure
                if run.isFinished { break }
            }
        }
        throw ProbeStepFailure(lastFailure)
    }

    /// A TCP connection within the deadline; the TLS phase starts when it is established.
    private func openChannel(_ address: SocketAddress) async throws -> Channel {
        let run = self.run
        let bootstrap = ClientBootstrap(group: loop)
            // The probe's deadline closes the channel; NIO's own connect timeout only backs it up.
            .connectTimeout(TimeAmount(max(deadline - ContinuousClock.now, .zero) + .seconds(1)))
            .channelInitializer { channel in
                run.attach(channel)
                return channel.eventLoop.makeSucceededVoidFuture()
            }
        do {
            return try await bootstrap.connect(to: address).map { channel in
                run.transition(to: .tls, at: .now)
                return channel
            }.get()
        } catch {
            throw ProbeStepFailure(.connect("\(ProbeErrorText.connect(error)) (\(address.ipAddress ?? "?") port \(address.port ?? 0))"))
        }
    }

    private struct Exchange {
        var head: HTTPResponseHead
        var handshakeDone: ContinuousClock.Instant
        var headReceived: ContinuousClock.Instant
    }

    /// TLS handshake, then the request; returns the response head. The channel is closed after.
    private func exchange(on channel: Channel, address: SocketAddress, method: HTTPMethod) async throws -> Exchange {
        let context: NIOSSLContext
        switch tlsContext {
        case .success(let loaded): context = loaded
        case .failure(let error):
            channel.close(promise: nil)
            throw ProbeStepFailure(.tls(error.message))
        }
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: target.hostHeader)
        headers.add(name: "User-Agent", value: userAgent)
        headers.add(name: "Accept", value: "*/*")
        headers.add(name: "Connection", value: "close")
        let request = HTTPRequestHead(version: .http1_1, method: method, uri: target.requestTarget, headers: headers)
        let host = target.host
        let run = self.run
        let futures: (handshake: EventLoopFuture<ContinuousClock.Instant>, head: EventLoopFuture<(HTTPResponseHead, ContinuousClock.Instant)>)
        do {
            futures = try await channel.eventLoop.submit {
                let tls = try NIOSSLClientHandler(context: context, serverHostname: host)
                let handshake = channel.eventLoop.makePromise(of: ContinuousClock.Instant.self)
                let head = channel.eventLoop.makePromise(of: (HTTPResponseHead, ContinuousClock.Instant).self)
                let handler = ProbeHandler(request: request, run: run, handshake: handshake, head: head)
                do {
                    // Closed at the deadline already: no channelInactive would reach the handler.
                    guard channel.isActive else { throw ProbeConnectionClosed() }
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHandler(handler)
                    try pipeline.addHTTPClientHandlers(position: .first)
                    try pipeline.addHandler(tls, position: .first)
                } catch {
                    handler.fail(error)
                    throw error
                }
                return (handshake.futureResult, head.futureResult)
            }.get()
        } catch is ProbeConnectionClosed {
            throw ProbeStepFailure(.tls("handshake failed: connection closed"))
        } catch {
            channel.close(promise: nil)
            throw ProbeStepFailure(.tls("handshake failed: \(error)"))
        }
        let handshakeDone: ContinuousClock.Instant
        do {
            handshakeDone = try await futures.handshake.get()
        } catch {
            channel.close(promise: nil)
            let failure = await ProbeErrorText.tls(error, host: host, diagnose: { await diagnoseVerifyFailure(address) })
            throw ProbeStepFailure(failure)
        }
        do {
            let (head, received) = try await futures.head.get()
            channel.close(promise: nil)
            return Exchange(head: head, handshakeDone: handshakeDone, headReceived: received)
        } catch {
            channel.close(promise: nil)
            throw ProbeStepFailure(.http(ProbeErrorText.http(error)))
        }
    }

    /// After a failed certificate verification: the peer certificate fetched over a second,
    /// unverified handshake (nothing is sent over it), to tell an expired certificate from an
    /// untrusted one.
    private func diagnoseVerifyFailure(_ address: SocketAddress) async -> NIOSSLCertificate? {
        guard ContinuousClock.now < deadline else { return nil }
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        guard let context = try? NIOSSLContext(configuration: configuration) else { return nil }
        let run = self.run
        let host = target.host
        let certificate = loop.makePromise(of: NIOSSLCertificate?.self)
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(TimeAmount(max(deadline - ContinuousClock.now, .zero) + .seconds(1)))
            .channelInitializer { channel in
                run.attach(channel)
                do {
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHandler(NIOSSLClientHandler(context: context, serverHostname: host))
                    try pipeline.addHandler(PeerCertificateHandler(certificate))
                    return channel.eventLoop.makeSucceededVoidFuture()
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
        guard let channel = try? await bootstrap.connect(to: address).get() else {
            certificate.succeed(nil)
            return nil
        }
        defer { channel.close(promise: nil) }
        return try? await certificate.futureResult.get()
    }
}

/// Fulfils its promise with the peer certificate once the (unverified) handshake completes, with
/// nil when the connection ends first.
final class PeerCertificateHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    private let promise: EventLoopPromise<NIOSSLCertificate?>

    init(_ promise: EventLoopPromise<NIOSSLCertificate?>) { self.promise = promise }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event {
            promise.succeed(try? context.pipeline.syncOperations.handler(type: NIOSSLClientHandler.self).peerCertificate)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func handlerRemoved(context: ChannelHandlerContext) { promise.succeed(nil) }

    func channelInactive(context: ChannelHandlerContext) {
        promise.succeed(nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        promise.succeed(nil)
        context.close(promise: nil)
    }
}

/// Sends the request when the TLS handshake completes and fulfils the promises of the handshake
/// and of the response head (1xx heads skipped). Everything after the head is ignored.
final class ProbeHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private let request: HTTPRequestHead
    private let run: ProbeRun
    private var handshake: EventLoopPromise<ContinuousClock.Instant>?
    private var head: EventLoopPromise<(HTTPResponseHead, ContinuousClock.Instant)>?

    init(request: HTTPRequestHead, run: ProbeRun, handshake: EventLoopPromise<ContinuousClock.Instant>,
         head: EventLoopPromise<(HTTPResponseHead, ContinuousClock.Instant)>) {
        self.request = request
        self.run = run
        self.handshake = handshake
        self.head = head
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event, let promise = handshake {
            handshake = nil
            let now = ContinuousClock.now
            run.transition(to: .http, at: now)
            promise.succeed(now)
            context.write(wrapOutboundOut(.head(request)), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(let response) = unwrapInboundIn(data), let promise = head else { return }
        if (100..<200).contains(response.status.code) && response.status.code != 101 { return }
        head = nil
        promise.succeed((response, ContinuousClock.now))
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        fail(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(ProbeConnectionClosed())
        context.fireChannelInactive()
    }

    /// A promise left unfulfilled would trap in debug builds; the pipeline's teardown ends both.
    func handlerRemoved(context: ChannelHandlerContext) {
        fail(ProbeConnectionClosed())
    }

    func fail(_ error: Error) {
        if let promise = handshake {
            handshake = nil
            promise.fail(error)
        }
        if let promise = head {
            head = nil
            promise.fail(error)
        }
    }
}

struct ProbeConnectionClosed: Error {}

/// Errors of NIO, NIOSSL and BoringSSL in short words.
enum ProbeErrorText {
    static func connect(_ error: Error) -> String {
        if let error = error as? IOError { return errnoText(error.errnoCode) }
        if let error = error as? NIOConnectionError, let first = error.connectionErrors.first {
            return connect(first.error)
        }
        if let error = error as? ChannelError, case .connectTimeout = error { return "connection timed out" }
        return "\(error)"
    }

    static func errnoText(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text).lowercased()
    }

    static func tls(_ error: Error, host: String, diagnose: () async -> NIOSSLCertificate?) async -> ProbeOutcome.Failure {
        if let extra = error as? NIOSSLExtraError, extra == .failedToValidateHostname {
            return .tls("certificate is not valid for \(host)")
        }
        if error is ProbeConnectionClosed { return .tls("handshake failed: connection closed by the server") }
        if let ssl = error as? NIOSSLError {
            switch ssl {
            case .uncleanShutdown: return .tls("handshake failed: connection closed by the server")
            case .handshakeFailed(let boring):
                let text = "\(boring)"
                if text.contains("CERTIFICATE_VERIFY_FAILED") {
                    if let certificate = await diagnose() {
                        let now = time(nil)
                        if certificate.notValidAfter < now { return .tls("certificate expired") }
                        if certificate.notValidBefore > now { return .tls("certificate not yet valid") }
                    }
                    return .tls("certificate not trusted (unknown CA)")
                }
                return .tls("handshake failed: \(reasons(boring))")
            default: return .tls("handshake failed: \(ssl)")
            }
        }
        if let error = error as? IOError { return .tls("handshake failed: \(errnoText(error.errnoCode))") }
        return .tls("handshake failed: \(error)")
    }

    /// The reason names of a BoringSSL error stack (e.g. "WRONG_VERSION_NUMBER").
    static func reasons(_ error: BoringSSLError) -> String {
        guard case .sslError(let stack) = error, !stack.isEmpty else { return "\(error)" }
        return stack.map { entry in
            let text = "\(entry)"
            // "Error: 268435703 error:100000f7:SSL routines:OPENSSL_internal:WRONG_VERSION_NUMBER at ..."
            if let range = text.range(of: "OPENSSL_internal:") {
                return String(text[range.upperBound...].prefix { $0 != " " })
            }
            return text
        }.joined(separator: ", ")
    }

    static func http(_ error: Error) -> String {
        if error is ProbeConnectionClosed { return "connection closed before a response head" }
        if let ssl = error as? NIOSSLError, case .uncleanShutdown = ssl { return "connection closed before a response head" }
        if let parse = error as? HTTPParserError { return "not an HTTP response (\(parse))" }
        if let error = error as? IOError { return "\(errnoText(error.errnoCode)) before a response head" }
        return "\(error)"
    }
}

/// getaddrinfo on a thread of its own: a resolver that hangs blocks neither an event loop nor a
/// thread of the Swift concurrency pool, and the probe's deadline abandons it.
enum SystemResolver {
    typealias Function = @Sendable (_ host: String, _ port: Int) async -> (Result<[SocketAddress], ProbeMessage>, ContinuousClock.Instant)

    /// The addresses, and the instant getaddrinfo returned.
    static func resolve(host: String, port: Int) async -> (Result<[SocketAddress], ProbeMessage>, ContinuousClock.Instant) {
        await withCheckedContinuation { continuation in
            let thread = Thread {
                let result = blockingResolve(host: host, port: port)
                continuation.resume(returning: (result, ContinuousClock.now))
            }
            thread.stackSize = 256 * 1024
            thread.start()
        }
    }

    private static func blockingResolve(host: String, port: Int) -> Result<[SocketAddress], ProbeMessage> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if os(Linux)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        hints.ai_protocol = Int32(IPPROTO_TCP)
        var list: UnsafeMutablePointer<addrinfo>?
        let code = getaddrinfo(host, String(port), &hints, &list)
        guard code == 0 else {
            if code == EAI_SYSTEM { return .failure(ProbeMessage(ProbeErrorText.errnoText(errno))) }
            return .failure(ProbeMessage(String(cString: gai_strerror(code)).lowercased()))
        }
        defer { freeaddrinfo(list) }
        var addresses: [SocketAddress] = []
        var seen: Set<String> = []
        var next = list
        while let entry = next {
            next = entry.pointee.ai_next
            guard let raw = entry.pointee.ai_addr else { continue }
            let address: SocketAddress
            switch entry.pointee.ai_family {
            case AF_INET: address = raw.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { SocketAddress($0.pointee, host: host) }
            case AF_INET6: address = raw.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { SocketAddress($0.pointee, host: host) }
            default: continue
            }
            if seen.insert(address.ipAddress ?? "\(address)").inserted { addresses.append(address) }
        }
        return addresses.isEmpty ? .failure(ProbeMessage("no address")) : .success(addresses)
    }
}
