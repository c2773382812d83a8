import Foundation
import HTTPKit
import IDCSyncTestSupport
import Testing

// HTTPKit has no test target of its own; these run with IDCSyncTestSupport's FakeClock, which
// moves only when the code under test sleeps.

private enum Flaky: Error, Equatable {
    case busy(Int)
    case broken
    case cancelled
}

/// Counts the attempts a policy makes; each one answers what `script` says for its number.
private final class Attempts: @unchecked Sendable {
    private let lock = NSLock()
    private var seen: [RetryAttempt] = []
    func record(_ attempt: RetryAttempt) -> Int { lock.withLock { seen.append(attempt); return seen.count } }
    var all: [RetryAttempt] { lock.withLock { seen } }
    var count: Int { all.count }
}

private func ceilingPolicy(attempts: Int = 4, waits: Int = 0, serverCap: Duration = .seconds(120)) -> RetryPolicy {
    RetryPolicy(maximumAttempts: attempts, base: .milliseconds(100), cap: .milliseconds(500), maximumWaits: waits,
                maximumServerDelay: serverCap, jitter: { $0 })
}

private func capture<T: Sendable>(_ body: () async throws(Flaky) -> T) async -> Result<T, Flaky> {
    do { return .success(try await body()) } catch { return .failure(error) }
}

@Suite("RetryPolicy: attempts, full jitter, server waits, cancellation")
struct RetryPolicyTests {
    @Test func retriesUpToTheMaximumAttemptsThenThrowsTheLastError() async {
        let clock = FakeClock()
        let attempts = Attempts()
        let result = await capture { () async throws(Flaky) -> String in
            try await ceilingPolicy(attempts: 4).run(time: clock, cancelled: .cancelled) { attempt async throws(Flaky) -> RetryStep<String, Flaky> in
                .failed(.busy(attempts.record(attempt)), .retry)
            }
        }
        #expect(result == .failure(.busy(4)))
        #expect(attempts.all.map(\.number) == [1, 2, 3, 4])
        #expect(clock.slept == [.milliseconds(100), .milliseconds(200), .milliseconds(400)])
    }

    @Test func aRetryThatSucceedsReturnsItsValue() async {
        let clock = FakeClock()
        let attempts = Attempts()
        let result = await capture { () async throws(Flaky) -> String in
            try await ceilingPolicy().run(time: clock, cancelled: .cancelled) { attempt async throws(Flaky) -> RetryStep<String, Flaky> in
                attempts.record(attempt) < 3 ? .failed(.busy(attempt.number), .retry) : .done("ok")
            }
        }
        #expect(result == .success("ok"))
        #expect(attempts.count == 3)
        #expect(clock.slept == [.milliseconds(100), .milliseconds(200)])
    }

    @Test func fullJitterStaysWithinZeroAndTheCappedCeiling() {
        let ceilings: [Duration] = [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(500), .milliseconds(500)]
        var policy = ceilingPolicy()
        #expect((1...5).map(policy.backoff(retry:)) == ceilings, "base * 2^(retry - 1), capped")
        policy.jitter = { _ in .zero }
        #expect((1...5).map(policy.backoff(retry:)) == Array(repeating: .zero, count: 5))
        policy.jitter = { $0 * 3 }
        #expect((1...5).map(policy.backoff(retry:)) == ceilings, "a source beyond the ceiling is held to it")
        policy.jitter = { _ in .seconds(-1) }
        #expect(policy.backoff(retry: 1) == .zero)
        policy.jitter = { $0 / 2 }
        #expect(policy.backoff(retry: 3) == .milliseconds(200))
        #expect(policy.backoff(retry: 1_000) == .milliseconds(250), "a huge retry number neither overflows nor passes the cap")

        let random = RetryPolicy(maximumAttempts: 5, base: .milliseconds(300), cap: .seconds(10))
        for retry in 1...8 {
            let ceiling = min(Duration.seconds(10), .milliseconds(300) * (1 << (retry - 1)))
            for _ in 0..<50 {
                let delay = random.backoff(retry: retry)
                #expect(delay >= .zero && delay <= ceiling, "retry \(retry): \(delay) not in 0...\(ceiling)")
            }
        }
    }

    @Test func aServerWaitIsHonouredCappedAndNotCountedAsAnAttempt() async {
        let clock = FakeClock()
        let attempts = Attempts()
        let asked: [Duration] = [.seconds(7), .seconds(500), .zero]
        let result = await capture { () async throws(Flaky) -> String in
            try await ceilingPolicy(attempts: 1, waits: 3, serverCap: .seconds(120)).run(time: clock, cancelled: .cancelled) { attempt async throws(Flaky) -> RetryStep<String, Flaky> in
                let count = attempts.record(attempt)
                return count <= asked.count ? .failed(.busy(count), .wait(asked[count - 1])) : .done("ok")
            }
        }
        #expect(result == .success("ok"))
        #expect(clock.slept == [.seconds(7), .seconds(120)], "7 s as asked, 500 s cut to 120 s, a zero wait does not sleep")
        #expect(attempts.all == [RetryAttempt(number: 1, waits: 0), RetryAttempt(number: 1, waits: 1), RetryAttempt(number: 1, waits: 2),
                                 RetryAttempt(number: 1, waits: 3)])
    }

    @Test func serverWaitsAreBounded() async {
        let clock = FakeClock()
        let attempts = Attempts()
        let result = await capture { () async throws(Flaky) -> String in
            try await ceilingPolicy(waits: 2).run(time: clock, cancelled: .cancelled) { attempt async throws(Flaky) -> RetryStep<String, Flaky> in
                .failed(.busy(attempts.record(attempt)), .wait(.seconds(1)))
            }
        }
        #expect(result == .failure(.busy(3)))
        #expect(clock.slept == [.seconds(1), .seconds(1)])
    }

    @Test func aNonRetryableFailureStopsAtOnce() async {
        let clock = FakeClock()
        let attempts = Attempts()
        let result = await capture { () async throws(Flaky) -> String in
            try await ceilingPolicy().run(time: clock, cancelled: .cancelled) { attempt async throws(Flaky) -> RetryStep<String, Flaky> in
                .failed(.busy(attempts.record(attempt)), .stop)
            }
        }
        #expect(result == .failure(.busy(1)))
        #expect(clock.slept.isEmpty)

        let thrown = await capture { () async throws(Flaky) -> String in
            try await ceilingPolicy().run(time: clock, cancelled: .cancelled) { attempt async throws(Flaky) -> RetryStep<String, Flaky> in
                _ = attempts.record(attempt)
                throw .broken
            }
        }
        #expect(thrown == .failure(.broken), "an error the attempt throws is final")
        #expect(attempts.count == 2)
        #expect(clock.slept.isEmpty)
    }

    @Test func aResendGoesAtOnceUncountedAndOnlyOnce() async {
        let clock = FakeClock()
        let attempts = Attempts()
        let result = await capture { () async throws(Flaky) -> String in
            try await ceilingPolicy().run(time: clock, cancelled: .cancelled) { attempt async throws(Flaky) -> RetryStep<String, Flaky> in
                .failed(.busy(attempts.record(attempt)), .resend)
            }
        }
        #expect(result == .failure(.busy(2)))
        #expect(attempts.all == [RetryAttempt(number: 1, waits: 0), RetryAttempt(number: 1, waits: 0)])
        #expect(clock.slept.isEmpty)
    }

    @Test func aCancelledSleepEndsTheRunWithTheCallersCancellationAndNoFurtherAttempt() async {
        for decision in [RetryDecision.retry, .wait(.seconds(3))] {
            let clock = FakeClock(interruptSleeps: true)
            let attempts = Attempts()
            let result = await capture { () async throws(Flaky) -> String in
                try await ceilingPolicy(waits: 5).run(time: clock, cancelled: .cancelled) { attempt async throws(Flaky) -> RetryStep<String, Flaky> in
                    .failed(.busy(attempts.record(attempt)), decision)
                }
            }
            #expect(result == .failure(.cancelled), "\(decision)")
            #expect(attempts.count == 1, "\(decision)")
            #expect(clock.slept.count == 1, "\(decision)")
        }
    }

    @Test func aTaskCancelledDuringAnAttemptIsNotRetried() async {
        let clock = FakeClock()
        let attempts = Attempts()
        // A task of its own: the cancellation must not reach the test's task.
        let result = await Task {
            await capture { () async throws(Flaky) -> String in
                try await ceilingPolicy(waits: 5).run(time: clock, cancelled: .cancelled) { attempt async throws(Flaky) -> RetryStep<String, Flaky> in
                    withUnsafeCurrentTask { $0?.cancel() }
                    return .failed(.busy(attempts.record(attempt)), .wait(.zero))
                }
            }
        }.value
        #expect(result == .failure(.cancelled))
        #expect(attempts.count == 1)
    }

    @Test func cancellingTheTaskWakesARealSleepAndEndsTheRun() async {
        let started = AsyncStream<Void>.makeStream()
        let attempts = Attempts()
        let policy = RetryPolicy(maximumAttempts: 3, base: .seconds(600), cap: .seconds(600), jitter: { $0 })
        let task = Task { () async -> Result<String, Flaky> in
            await capture { () async throws(Flaky) -> String in
                try await policy.run(time: SystemTime(), cancelled: .cancelled) { attempt async throws(Flaky) -> RetryStep<String, Flaky> in
                    let count = attempts.record(attempt)
                    started.continuation.yield()
                    return .failed(.busy(count), .retry)
                }
            }
        }
        for await _ in started.stream { break }
        task.cancel()
        #expect(await task.value == .failure(.cancelled))
        #expect(attempts.count == 1)
    }
}

@Suite("poll: until a condition holds, a timeout, or cancellation")
struct PollTests {
    /// Answers the states in order (the last one repeats) and counts the looks.
    final class States: @unchecked Sendable {
        private let lock = NSLock()
        private var states: [String]
        private(set) var looks = 0
        init(_ states: [String]) { self.states = states }
        func next() -> String {
            lock.withLock {
                looks += 1
                return states.count > 1 ? states.removeFirst() : states[0]
            }
        }
    }

    @Test func returnsAtOnceWhenTheConditionAlreadyHolds() async throws {
        let clock = FakeClock()
        let states = States(["ACTIVE"])
        let outcome = try await poll(time: clock, timeout: .seconds(60), interval: .seconds(1), cancelled: Flaky.cancelled) { () async throws(Flaky) -> String in
            states.next()
        } until: { $0 == "ACTIVE" }
        guard case .reached("ACTIVE", let elapsed) = outcome else { Issue.record("\(outcome)"); return }
        #expect(elapsed == 0)
        #expect(states.looks == 1)
        #expect(clock.slept.isEmpty)
    }

    @Test func returnsAsSoonAsTheConditionHoldsReportingEachStateBefore() async throws {
        let clock = FakeClock()
        let states = States(["ADDING", "ADDING", "ADDING", "ADDING", "ACTIVE", "ADDING"])
        var progress: [String] = []
        let outcome = try await poll(time: clock, timeout: .seconds(60), interval: .seconds(1), growth: 2, maximumInterval: .seconds(3),
                                     cancelled: Flaky.cancelled) { () async throws(Flaky) -> String in
            states.next()
        } until: { $0 == "ACTIVE" } progress: { state, elapsed in
            progress.append("\(state) \(Int(elapsed))")
        }
        guard case .reached("ACTIVE", let elapsed) = outcome else { Issue.record("\(outcome)"); return }
        #expect(elapsed == 9)
        #expect(states.looks == 5)
        #expect(clock.slept == [.seconds(1), .seconds(2), .seconds(3), .seconds(3)], "growing by 2, at most 3 s")
        #expect(progress == ["ADDING 0", "ADDING 1", "ADDING 3", "ADDING 6"])
    }

    @Test func givesUpAtTheTimeoutWithTheLastState() async throws {
        let clock = FakeClock()
        let states = States(["Creating", "Creating", "Pending"])
        let outcome = try await poll(time: clock, timeout: .seconds(5), interval: .seconds(2), cancelled: Flaky.cancelled) { () async throws(Flaky) -> String in
            states.next()
        } until: { $0 == "Enabled" }
        guard case .timedOut("Pending", let elapsed) = outcome else { Issue.record("\(outcome)"); return }
        #expect(elapsed == 5)
        #expect(clock.slept == [.seconds(2), .seconds(2), .seconds(1)], "the last wait ends at the timeout")
        #expect(states.looks == 4)
    }

    @Test func anErrorFromTheObservationEndsThePoll() async {
        let clock = FakeClock()
        let result = await capture { () async throws(Flaky) -> PollOutcome<String> in
            try await poll(time: clock, timeout: .seconds(5), interval: .seconds(1), cancelled: Flaky.cancelled) { () async throws(Flaky) -> String in
                throw .broken
            } until: { $0 == "Enabled" }
        }
        guard case .failure(.broken) = result else { Issue.record("\(result)"); return }
        #expect(clock.slept.isEmpty)
    }

    @Test func aCancelledSleepEndsThePollWithTheCallersCancellation() async {
        let clock = FakeClock(interruptSleeps: true)
        let states = States(["ADDING"])
        let result = await capture { () async throws(Flaky) -> PollOutcome<String> in
            try await poll(time: clock, timeout: .seconds(60), interval: .seconds(1), cancelled: Flaky.cancelled) { () async throws(Flaky) -> String in
                states.next()
            } until: { $0 == "ACTIVE" }
        }
        guard case .failure(.cancelled) = result else { Issue.record("\(result)"); return }
        #expect(states.looks == 1, "no look after the cancelled sleep")
    }

    @Test func aTaskCancelledWhileLookingIsNotPolledAgain() async {
        let clock = FakeClock()
        let states = States(["ADDING"])
        let cancelled = await Task {
            let result = await capture { () async throws(Flaky) -> PollOutcome<String> in
                try await poll(time: clock, timeout: .seconds(60), interval: .seconds(1), cancelled: Flaky.cancelled) { () async throws(Flaky) -> String in
                    withUnsafeCurrentTask { $0?.cancel() }
                    return states.next()
                } until: { $0 == "ACTIVE" }
            }
            if case .failure(.cancelled) = result { return true }
            return false
        }.value
        #expect(cancelled)
        #expect(states.looks == 1)
    }
}
