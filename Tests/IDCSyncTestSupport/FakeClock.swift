import Foundation
import HTTPKit

/// A `TimeSource` for tests that never waits: it stands at 2026-11-21T10:00:00Z (or `now`), and moves
/// only when the code under test sleeps (instantly, by the duration) or a test sets or advances it.
/// Sleeps are recorded; a sleep in a cancelled task throws `CancellationError`, as `Task.sleep` does.
public final class FakeClock: TimeSource, @unchecked Sendable {
    /// 2026-11-21T10:00:00Z.
    public static let start = 1_795_255_200.0

    private let lock = NSLock()
    private var current: Double
    private var sleeps: [Duration] = []
    private let interruptSleeps: Bool

    /// With `interruptSleeps`, every sleep throws `CancellationError`, as if the task were cancelled
    /// while it waited.
    public init(now: Double = FakeClock.start, interruptSleeps: Bool = false) {
        current = now
        self.interruptSleeps = interruptSleeps
    }

    public func now() -> Double { lock.withLock { current } }

    public func sleep(for duration: Duration) async throws {
        try lock.withLock {
            sleeps.append(duration)
            if interruptSleeps || Task.isCancelled { throw CancellationError() }
            current += Self.seconds(duration)
        }
    }

    public func set(_ now: Double) { lock.withLock { current = now } }

    public func advance(by duration: Duration) { lock.withLock { current += Self.seconds(duration) } }

    /// Every sleep asked for, in order.
    public var slept: [Duration] { lock.withLock { sleeps } }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
