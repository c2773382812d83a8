import Foundation
import HTTPKit

/// What one response said about its rate-limit bucket.
struct RateLimitObservation: Sendable, Equatable {
    var limit: Int
    var remaining: Int
    /// `X-Rate-Limit-Reset` as sent (epoch seconds on Okta's clock): it names the window.
    var serverReset: Double
    /// The same instant on the local clock (measured from the response's `Date`).
    var localReset: Double
}

/// One Okta rate-limit bucket of one org, shared by every `OktaClient` of the process that talks to
/// that org (see `OktaRateLimits`).
///
/// Clients reserve before each request and report the response. Requests go at once while the
/// bucket's budget (the lowest `X-Rate-Limit-Remaining` seen in the current window, minus the
/// reservations still in flight) lasts; once it is used up, callers wait for the in-flight requests,
/// then one of them sleeps until the reset plus a safety margin while the others wait on it, and all
/// go again together. Budget is never spread over the window: a run of N reads against a bucket of
/// M per window takes about ceil(N / M) - 1 windows.
///
/// Counting in-flight reservations against a `remaining` that may already include some of them
/// errs on the side of waiting a few milliseconds for responses, never on the side of a 429.
/// Until the first response of a bucket arrives its size is unknown, so only one request (a probe)
/// goes; the rest follow as soon as it answers. A bucket whose responses carry no rate-limit headers
/// is not limited.
public actor OktaRateGovernor {
    public nonisolated let orgURL: String
    public nonisolated let bucket: String
    /// Seconds added to the reset before the first request of the next window, as Okta's SDKs do.
    public nonisolated let resetMargin: Double
    private let time: any TimeSource

    private var limit: Int?
    /// No response of this bucket carried rate-limit headers: nothing to pace.
    private var unmetered = false
    private var remaining = 0
    private var windowReset: Double?
    /// When the current window ends on the local clock; nil once it ended (until a response of the
    /// next window says when that one ends).
    private var localReset: Double?
    private var inFlight = 0
    /// Set while one caller sleeps until the reset for everybody.
    private var sleepingUntil: Double?
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var resetsWaited = 0

    /// The bucket as the governor sees it, for reports and tests.
    public struct Snapshot: Sendable, Equatable {
        public var limit: Int?
        public var remaining: Int
        public var inFlight: Int
        /// How many times callers waited for a window to reset.
        public var resetsWaited: Int
    }

    public init(orgURL: String, bucket: String, time: any TimeSource = SystemTime(), resetMargin: Double = 1) {
        self.orgURL = orgURL
        self.bucket = bucket
        self.time = time
        self.resetMargin = resetMargin
    }

    public var snapshot: Snapshot {
        Snapshot(limit: limit, remaining: remaining, inFlight: inFlight, resetsWaited: resetsWaited)
    }

    /// Waits until a request may be sent and reserves it. Every successful call must be followed by
    /// exactly one `complete` or `release`.
    func acquire(maximumWait: Duration, request: OktaError.RequestInfo) async throws(OktaError) {
        while true {
            if let localReset, sleepingUntil == nil, time.now() >= localReset + resetMargin { rollOver() }
            guard !unmetered else { inFlight += 1; return }
            guard limit != nil else {
                if inFlight == 0 { inFlight += 1; return }  // the probe
                await park()
                continue
            }
            if remaining - inFlight > 0 { inFlight += 1; return }
            if let until = sleepingUntil {
                try check(wait: until - time.now(), maximumWait: maximumWait, request: request)
                await park()
                continue
            }
            // Nothing known about the new window yet: one request goes to find out.
            if inFlight == 0 && localReset == nil { inFlight += 1; return }
            guard inFlight == 0, let localReset else {
                // Responses still to come settle the count (or start the next window).
                await park()
                continue
            }
            let until = localReset + resetMargin
            let wait = until - time.now()
            try check(wait: wait, maximumWait: maximumWait, request: request)
            sleepingUntil = until
            resetsWaited += 1
            do {
                try await time.sleep(for: .saturating(seconds: wait))
            } catch {
                sleepingUntil = nil
                wakeAll()
                throw .cancelled(request: request)
            }
            sleepingUntil = nil
            // A response during the sleep may have moved the window on; then it is already current.
            if let current = self.localReset, current + resetMargin <= until { rollOver() } else { wakeAll() }
        }
    }

    /// Ends a reservation with the response's rate-limit headers (nil when it had none). Returns
    /// whether the governor learned the bucket's state from it.
    @discardableResult
    func complete(_ observation: RateLimitObservation?, rateLimited: Bool = false) -> Bool {
        inFlight = max(0, inFlight - 1)
        defer { wakeAll() }
        guard let observation else {
            if limit == nil { unmetered = true }
            return false
        }
        unmetered = false
        limit = observation.limit
        if rateLimited {
            // A 429 is the last word on the window, whatever this side assumed.
            windowReset = max(windowReset ?? observation.serverReset, observation.serverReset)
            remaining = 0
            localReset = observation.localReset
            return true
        }
        if let windowReset {
            // A late answer from a window already over (or already rolled over locally) says nothing new.
            if observation.serverReset < windowReset || (observation.serverReset == windowReset && localReset == nil) { return true }
            if observation.serverReset == windowReset {
                remaining = min(remaining, observation.remaining)
                // Every estimate is late by the response's travel time and the `Date` header's rounding down.
                localReset = min(localReset ?? observation.localReset, observation.localReset)
                return true
            }
        }
        windowReset = observation.serverReset
        remaining = observation.remaining
        localReset = observation.localReset
        return true
    }

    /// Ends a reservation that got no response.
    func release() {
        inFlight = max(0, inFlight - 1)
        wakeAll()
    }

    /// Refuses a wait longer than the maximum. `wait` comes from server headers: it saturates (see
    /// `Duration.saturating`), so no value a server sends traps here.
    private func check(wait: Double, maximumWait: Duration, request: OktaError.RequestInfo) throws(OktaError) {
        let duration = Duration.saturating(seconds: wait)
        guard duration <= maximumWait else {
            throw .rateLimited(waitSeconds: duration.wholeSecondsRoundedUp, maximumSeconds: maximumWait.wholeSecondsRoundedUp, request: request)
        }
    }

    /// The window has ended: assume a full bucket until the next window's first response says more.
    private func rollOver() {
        if let limit { remaining = limit }
        localReset = nil
        wakeAll()
    }

    private func park() async {
        await withCheckedContinuation { waiters.append($0) }
    }

    private func wakeAll() {
        let woken = waiters
        waiters.removeAll()
        for waiter in woken { waiter.resume() }
    }
}

/// The process-wide registry of rate-limit governors: one per org (base URL, case and trailing slash
/// ignored) and bucket. Every `OktaClient` uses `shared` unless given another, so clients created
/// separately for several targets of one org share the org's budget without further wiring.
/// Tests with scripted transports and fake clocks pass their own registry.
public final class OktaRateLimits: @unchecked Sendable {
    public static let shared = OktaRateLimits()

    private let lock = NSLock()
    private var governors: [String: OktaRateGovernor] = [:]

    public init() {}

    /// The governor of a bucket (see `OktaClient.bucket(method:path:)`), created on first use with
    /// the given clock.
    public func governor(orgURL: String, bucket: String, time: any TimeSource = SystemTime()) -> OktaRateGovernor {
        var org = orgURL.lowercased()
        while org.hasSuffix("/") { org.removeLast() }
        let key = org + " " + bucket
        return lock.withLock {
            if let governor = governors[key] { return governor }
            let governor = OktaRateGovernor(orgURL: org, bucket: bucket, time: time)
            governors[key] = governor
            return governor
        }
    }
}
