/// What to do after an attempt failed. Each client decides it by its own rules (which statuses,
/// codes and transport errors are worth repeating); `RetryPolicy` does the counting and the waiting.
public enum RetryDecision: Sendable, Equatable {
    /// Not worth repeating: the error is thrown as it is.
    case stop
    /// A failed attempt that may succeed when repeated (a 5xx, throttling, a lost connection): counts
    /// against `maximumAttempts` and waits the jittered backoff first.
    case retry
    /// The server asked for a wait (a rate-limit reset, `Retry-After`): waits that long, at most
    /// `maximumServerDelay`, and does not count as a failed attempt; at most `maximumWaits` per run.
    /// `.zero` repeats at once (someone else, such as a rate governor, does the waiting).
    case wait(Duration)
    /// An authentication handshake (a DPoP nonce) asks for the same request again: at once, not
    /// counted, once per run.
    case resend
}

/// How one attempt ended.
public enum RetryStep<Success, Failure: Error> {
    case done(Success)
    case failed(Failure, RetryDecision)
}

/// Which attempt is running, for the request and its error messages.
public struct RetryAttempt: Sendable, Equatable {
    /// 1 for the first attempt; waits and resends do not count.
    public var number: Int
    /// The waits the server asked for so far in this run.
    public var waits: Int

    public init(number: Int, waits: Int) {
        self.number = number
        self.waits = waits
    }
}

/// One retry loop for every client: attempts, exponential backoff with full jitter, waits the server
/// asks for, and cancellation. A cancelled sleep ends the run with the caller's cancellation error,
/// never another kind of error and never another attempt.
public struct RetryPolicy: Sendable {
    /// Attempts per run (the first included) for `.retry` failures.
    public var maximumAttempts: Int
    /// The ceiling of the first retry's delay; it doubles for each retry after that, up to `cap`.
    public var base: Duration
    public var cap: Duration
    /// Server-asked waits per run.
    public var maximumWaits: Int
    /// The longest server-asked wait honoured; a longer one is cut to this.
    public var maximumServerDelay: Duration
    /// Picks a delay in 0...ceiling (the argument): uniformly at random by default; tests pass a
    /// fixed choice (`{ $0 }` is the ceiling itself).
    public var jitter: @Sendable (Duration) -> Duration

    public init(maximumAttempts: Int, base: Duration, cap: Duration, maximumWaits: Int = 0,
                maximumServerDelay: Duration = .seconds(120),
                jitter: @escaping @Sendable (Duration) -> Duration = { $0 * Double.random(in: 0...1) }) {
        self.maximumAttempts = maximumAttempts
        self.base = base
        self.cap = cap
        self.maximumWaits = maximumWaits
        self.maximumServerDelay = maximumServerDelay
        self.jitter = jitter
    }

    /// The delay before retry number `retry` (1 for the first): full jitter, in
    /// 0...min(cap, base * 2^(retry - 1)).
    public func backoff(retry: Int) -> Duration {
        let ceiling = min(cap, base * (1 << min(max(retry - 1, 0), 32)))
        return min(max(jitter(ceiling), .zero), ceiling)
    }

    /// Runs `attempt` until it is done, it throws, or its decision says to stop or the bounds are
    /// reached; then the last failure is thrown. Sleeps through `time`; when a sleep is cancelled (or
    /// the task is cancelled between attempts) throws `cancelled()`.
    public func run<Success, Failure: Error>(
        time: any TimeSource,
        cancelled: @autoclosure () -> Failure,
        isolation: isolated (any Actor)? = #isolation,
        _ attempt: (RetryAttempt) async throws(Failure) -> RetryStep<Success, Failure>
    ) async throws(Failure) -> Success {
        var current = RetryAttempt(number: 1, waits: 0)
        var resent = false
        while true {
            let failure: Failure
            let decision: RetryDecision
            switch try await attempt(current) {
            case .done(let success): return success
            case .failed(let error, let next): (failure, decision) = (error, next)
            }
            let delay: Duration
            switch decision {
            case .stop:
                throw failure
            case .retry:
                guard current.number < maximumAttempts else { throw failure }
                delay = backoff(retry: current.number)
                current.number += 1
            case .wait(let asked):
                guard current.waits < maximumWaits else { throw failure }
                delay = min(asked, maximumServerDelay)
                current.waits += 1
            case .resend:
                guard !resent else { throw failure }
                resent = true
                delay = .zero
            }
            if delay > .zero {
                do { try await time.sleep(for: delay) } catch { throw cancelled() }
            }
            if Task.isCancelled { throw cancelled() }
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// How a `poll` ended without an error.
public enum PollOutcome<State> {
    /// The condition held for `state`, `elapsed` seconds after the first look.
    case reached(State, elapsed: Double)
    /// The timeout passed; `state` is the last one observed.
    case timedOut(State, elapsed: Double)
}

/// Observes a state until `until` holds for it or `timeout` passes, sleeping through `time` between
/// looks: `interval` first, growing by `growth` up to `maximumInterval`, never past the timeout by
/// more than 0.1 s. `progress` hears each state that does not yet hold, with the seconds elapsed.
/// An error from `observe` ends the poll; a cancelled sleep (or task) throws `cancelled()`.
public func poll<State, Failure: Error>(
    time: any TimeSource,
    timeout: Duration,
    interval: Duration,
    growth: Double = 1,
    maximumInterval: Duration? = nil,
    cancelled: @autoclosure () -> Failure,
    isolation: isolated (any Actor)? = #isolation,
    observe: () async throws(Failure) -> State,
    until condition: (State) -> Bool,
    progress: (State, _ elapsed: Double) -> Void = { _, _ in }
) async throws(Failure) -> PollOutcome<State> {
    let start = time.now()
    let limit = RetryPolicy.seconds(timeout)
    var wait = RetryPolicy.seconds(interval)
    let longest = maximumInterval.map(RetryPolicy.seconds) ?? .infinity
    while true {
        let state = try await observe()
        let elapsed = time.now() - start
        if condition(state) { return .reached(state, elapsed: elapsed) }
        progress(state, elapsed)
        guard elapsed < limit else { return .timedOut(state, elapsed: elapsed) }
        do { try await time.sleep(for: .milliseconds(Int64(min(wait, max(0.1, limit - elapsed)) * 1000))) } catch { throw cancelled() }
        if Task.isCancelled { throw cancelled() }
        wait = min(wait * growth, longest)
    }
}

extension RetryStep: Sendable where Success: Sendable {}
extension PollOutcome: Sendable where State: Sendable {}
