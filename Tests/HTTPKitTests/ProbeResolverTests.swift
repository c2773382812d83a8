import Foundation
@testable import HTTPKit
import IDCSyncTestSupport
import NIOCore
import Testing

/// The prober with its resolver replaced: no DNS server is needed to make one hang or fail.
@Suite("Endpoint prober: the resolver")
struct EndpointProberResolverTests {
    private static let host = "ssoins-1234567890abcdef.ap-northeast-1.portal.amazonaws.com"

    @Test func aResolverThatHangsIsAbandonedAtTheDeadline() async throws {
        // The resolver answers only when released: at the test's end, or after 30 s so that a prober
        // that waited for it gets "released" instead of hanging the run.
        let release = DispatchSemaphore(value: 0)
        defer { release.signal() }
        DispatchQueue.global().asyncAfter(deadline: .now() + 30) { release.signal() }
        var prober = NIOEndpointProber(userAgent: "test")
        prober.resolve = { _, _ in
            await withCheckedContinuation { continuation in
                Thread {
                    release.wait()
                    continuation.resume(returning: (.failure(ProbeMessage("released")), ContinuousClock.now))
                }.start()
            }
        }
        let (outcome, elapsed) = await timed(prober, "https://\(Self.host)/start", timeout: .milliseconds(700))
        #expect(outcome.failure == .timeout(.dns), "\(outcome)")
        #expect(outcome.dns == nil)
        #expect(elapsed >= .milliseconds(700))
    }

    @Test func aResolverFailureIsADNSFailureInTheResolversWords() async {
        var prober = NIOEndpointProber(userAgent: "test")
        prober.resolve = { _, _ in (.failure(ProbeMessage("name or service not known")), ContinuousClock.now) }
        let outcome = await prober.probe("https://\(Self.host)/start", timeout: .seconds(2))
        #expect(outcome.failure == .dns("\(Self.host): name or service not known"))
    }

    /// 127.0.0.1 on the refused port, then 127.0.0.2 (nothing listens there), then the fake.
    @Test func addressesAreTriedInOrderUntilOneConnects() async throws {
        let fake = try await PortalFake(hostNames: [Self.host])
        let refused = fake.refusedPort
        let open = fake.port("main")
        var prober = NIOEndpointProber(trustRoots: .file(fake.caFile), userAgent: "test")
        prober.resolve = { _, _ in
            (.success([try! SocketAddress(ipAddress: "127.0.0.1", port: refused), try! SocketAddress(ipAddress: "127.0.0.2", port: open),
                       try! SocketAddress(ipAddress: "127.0.0.1", port: open)]),
             ContinuousClock.now)
        }
        let outcome = await prober.probe("https://\(Self.host)/start", timeout: .seconds(5))
        #expect(outcome.failure == nil, "\(outcome)")
        #expect(outcome.addresses == ["127.0.0.1", "127.0.0.2", "127.0.0.1"])
        #expect(outcome.connectedAddress == "127.0.0.1")
        #expect(outcome.status == 200)
        #expect(try await fake.connections().count == 1)
    }
}
